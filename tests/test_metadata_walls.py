"""crawler.extraction.metadata.walls: paywalls, consent walls and block pages,
on the corpus tests/data/metadata and on pages built to probe one rule each."""

from __future__ import annotations

import json

import lxml.html
import pytest

from crawler.extraction import extract
from crawler.extraction.core import parse_page
from crawler.extraction.encoding import decode_html
from crawler.extraction.metadata.structured import read_structured
from crawler.extraction.metadata.walls import (
    FLAGS,
    WallEvidence,
    Walls,
    find_walls,
    wall_evidence,
)
from tests.conftest import DATA

CORPUS = DATA / "metadata"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text("utf-8"))


def evidence_of(html: str, url: str | None = "https://news.example/a/1") -> WallEvidence:
    tree, _, _ = parse_page(html)
    assert tree is not None
    return wall_evidence(tree, read_structured(tree), url=url)


def walls_of(html: str, url: str | None = "https://news.example/a/1",
             status: int | None = None) -> Walls:
    """The walls of a page as the extractor finds them: the evidence read from
    the page as parsed, the text and title from the extraction."""
    result = extract(html, url)
    return find_walls(evidence_of(html, url), text=result.text, title=result.title,
                      status=status)


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def paragraphs(n: int, topic: str = "harbour") -> str:
    return "".join(
        f"<p>Paragraph {i} of the report on the {topic}: the council met on Tuesday and heard "
        f"from residents, engineers and the operator, who described the delays, their causes "
        f"and the costs that the town will have to meet over the coming months.</p>"
        for i in range(n))


def ld(data: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


# --- the corpus ------------------------------------------------------------

@pytest.mark.parametrize("entry", MANIFEST["pages"], ids=lambda e: e["file"])
def test_corpus_pages_are_classified_as_expected(entry: dict) -> None:
    html, _ = decode_html((CORPUS / entry["file"]).read_bytes())
    expected = entry["expected"]
    for status in (entry["status"], None):  # the status confirms, never decides
        walls = walls_of(html, entry["url"], status)
        found = (sorted(walls.flags), walls.reason)
        assert found == (expected["flags"], expected["reason"]), status
        assert walls.flags <= set(FLAGS)


def test_corpus_covers_every_flag_and_reason_and_the_issue_cases() -> None:
    expected = [e["expected"] for e in MANIFEST["pages"]]
    assert {f for e in expected for f in e["flags"]} == set(FLAGS)
    assert {e["reason"] for e in expected} == {*FLAGS, None}
    # a flag without a reason: a paywalled article whose full text was served
    assert any(e["flags"] and e["reason"] is None for e in expected)
    fields = {key for e in expected for key in e}
    assert {"title", "authors", "publisher", "published", "modified", "images"} <= fields
    assert all((CORPUS / e["file"]).is_file() for e in MANIFEST["pages"])


def test_evidence_leaves_the_tree_as_it_was() -> None:
    for entry in MANIFEST["pages"]:
        html, _ = decode_html((CORPUS / entry["file"]).read_bytes())
        tree, _, _ = parse_page(html)
        assert tree is not None
        before = lxml.html.tostring(tree)
        wall_evidence(tree, read_structured(tree), url=entry["url"])
        assert lxml.html.tostring(tree) == before, entry["file"]


# --- paywalls: what the page declares ----------------------------------------

@pytest.mark.parametrize("value", [False, "False", "false", "https://schema.org/False"])
def test_is_accessible_for_free_false_in_its_spellings(value: object) -> None:
    html = page(paragraphs(1), ld({"@type": "NewsArticle", "isAccessibleForFree": value}))
    assert evidence_of(html).free is False


def test_the_article_declaration_wins_and_microdata_counts() -> None:
    graph = {"@graph": [{"@type": "WebPage", "isAccessibleForFree": "False"},
                        {"@type": "NewsArticle", "isAccessibleForFree": "True"}]}
    assert evidence_of(page(paragraphs(1), ld(graph))).free is True
    assert evidence_of(page(paragraphs(1), ld(graph["@graph"][0]))).free is False
    micro = '<div itemscope itemtype="https://schema.org/NewsArticle">' \
            '<meta itemprop="isAccessibleForFree" content="false"></div>'
    assert evidence_of(page(micro + paragraphs(1))).free is False
    assert evidence_of(page(paragraphs(1))).free is None


def test_declared_paid_part_measured_when_its_selector_is_simple() -> None:
    head = ld({"@type": "NewsArticle", "isAccessibleForFree": False,
               "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False,
                           "cssSelector": ".paid, #more"}})
    served = evidence_of(page(f'<div class="body paid">{paragraphs(3)}</div>', head))
    assert served.paid_part_chars is not None and served.paid_part_chars > 500
    assert evidence_of(page(paragraphs(1), head)).paid_part_chars == 0
    odd = head.replace(".paid, #more", "article > div:nth-child(2)")
    assert evidence_of(page(paragraphs(1), odd)).paid_part_chars is None


def test_declared_paywall_with_full_text_is_flagged_and_still_an_article() -> None:
    head = ld({"@type": "NewsArticle", "isAccessibleForFree": False})
    assert walls_of(page(f"<article>{paragraphs(8)}</article>", head)) == \
        Walls(frozenset({"paywall"}), None)
    # the same declaration over two paragraphs: a teaser
    assert walls_of(page(f"<article>{paragraphs(2)}</article>", head)).reason == "paywall"


def test_paid_part_served_keeps_a_short_text_an_article() -> None:
    head = ld({"@type": "NewsArticle", "isAccessibleForFree": False,
               "hasPart": {"isAccessibleForFree": False, "cssSelector": ".paid"}})
    html = page(f'<article>{paragraphs(1)}<div class="paid">{paragraphs(2)}</div></article>', head)
    assert walls_of(html) == Walls(frozenset({"paywall"}), None)


# --- paywalls: containers and prompts ---------------------------------------

def test_empty_or_negated_paywall_containers_are_no_evidence() -> None:
    body = ('<div class="paywall-modal"></div><div id="piano-inline"></div>'
            f'<div class="non-paywall">{paragraphs(3)}</div>'
            '<form class="newsletter-subscription-content"><p>Subscribe to read our '
            'newsletter every morning, with the day\'s news and the best of our reporting '
            'from around the region, delivered free to your inbox.</p></form>')
    assert evidence_of(page(body)).paywall_markup == ()


def test_container_with_a_prompt_or_wrapping_the_paid_text_is_evidence() -> None:
    gate = '<div class="tp-container-inner"><h2>Subscribe to continue reading</h2></div>'
    assert evidence_of(page(paragraphs(1) + gate)).paywall_markup == ("tp-container-inner",)
    wrapped = f'<div class="article-paywall">{paragraphs(3)}</div>'
    assert evidence_of(page(wrapped)).paywall_markup == ("article-paywall",)
    # a paywall vendor's class name is other sites' own prefix too: no prompt, no evidence
    vendor_named = page(f'<div class="tp-container">{paragraphs(3)}</div>')
    assert evidence_of(vendor_named).paywall_markup == ()


def test_page_declared_free_has_its_paywall_box_in_the_template_only() -> None:
    gate = '<div class="paywall-gate"><h2>Subscribe to continue reading</h2></div>'
    body = f"<article><h1>Harbour report</h1>{paragraphs(2)}</article>{gate}"
    assert walls_of(page(body)) == Walls(frozenset({"paywall"}), "paywall")
    free = ld({"@type": "NewsArticle", "isAccessibleForFree": True})
    assert walls_of(page(body, free)) == Walls()


def test_body_cut_short_by_a_prompt_without_any_markup() -> None:
    body = f"<article>{paragraphs(3)}<p>This article is exclusive to Ledger+ subscribers.</p>" \
           "<p>Unlock this article and enjoy your first month free.</p></article>"
    assert walls_of(page(body)) == Walls(frozenset({"paywall"}), "paywall")


def test_subscribe_prompt_in_the_title_is_a_teaser() -> None:
    html = page(f"<article>{paragraphs(6)}</article>",
                "<title>Subscribe to read | The Meridian Ledger</title>")
    walls = find_walls(evidence_of(html), text="Try unlimited access for 4 weeks.",
                       title="Subscribe to read", status=200)
    assert walls == Walls(frozenset({"paywall"}), "paywall")


@pytest.mark.parametrize("ending", [
    "Subscribe to our newsletter for the day's top stories.",
    "Already a subscriber? Log in to manage your newsletters.",
    "Support local journalism: subscribe today.",
])
def test_newsletter_and_header_nudges_after_a_full_article_are_no_paywall(ending: str) -> None:
    assert walls_of(page(f"<article>{paragraphs(6)}<p>{ending}</p></article>")) == Walls()


@pytest.mark.parametrize("prompt", [
    "Continue reading your article with a Ledger subscription",
    "Create an account to read the full story.",
    "This post is for paid subscribers",
    "Il vous reste 72% de cet article à lire. La suite est réservée aux abonnés.",
    "Dieser Artikel ist nur für Abonnenten. Jetzt weiterlesen mit RZ+",
    "Questo articolo è riservato agli abbonati.",
    "Este contenido es exclusivo para suscriptores.",
])
def test_prompts_in_their_wordings_and_languages_end_a_teaser(prompt: str) -> None:
    walls = find_walls(WallEvidence(), text="Le conseil municipal a voté hier soir.\n" + prompt,
                       title=None, status=None)
    assert walls == Walls(frozenset({"paywall"}), "paywall")


# --- consent walls -----------------------------------------------------------

def test_cookie_policy_page_is_no_consent_wall() -> None:
    policy = "".join(
        f"<p>Cookie {i}: we use this cookie to remember your consent choices and your privacy "
        f"settings; our partners and vendors may read it.</p>" for i in range(6))
    html = page(f'<div class="cookie-policy-content"><h1>Cookie policy</h1>{policy}'
                '<a href="/privacy">Privacy policy</a></div>')
    walls = walls_of(html, "https://www.ledgerline.example/cookie-policy")
    assert evidence_of(html).consent_chars == 0  # it offers nothing to accept
    assert walls == Walls()


def test_consent_dialog_beside_a_short_page_of_its_own_is_no_wall() -> None:
    dialog = ('<div id="onetrust-banner-sdk"><p>We and our partners use cookies to personalise '
              'ads and content.</p><button>Accept all</button><button>Reject all</button></div>')
    html = page(f"<article><h1>Ferry times</h1>{paragraphs(3)}</article>{dialog}")
    assert walls_of(html) == Walls()


def test_error_page_with_a_cookie_bar_is_no_consent_wall() -> None:
    html = page('<h1>Page not found</h1><p>Sorry, we could not find that page.</p>'
                '<div class="cookie-notice"><p>This website uses cookies to improve your '
                'experience. By continuing you agree to our cookie policy.</p><button>OK</button>'
                '</div>')
    assert walls_of(html) == Walls()
    assert walls_of(html, status=404) == Walls()


def test_dialog_without_a_cmp_name_is_a_consent_wall_by_its_wording() -> None:
    dialog = (
        '<div class="x1" role="dialog" aria-modal="true"><h2>Le respect de votre vie privée</h2>'
        "<p>Nous et nos partenaires stockons et/ou accédons à des informations sur un appareil, "
        "telles que les cookies, et traitons des données personnelles pour des publicités et du "
        "contenu personnalisés.</p><p>Avec votre consentement, nous et nos partenaires pouvons "
        "utiliser des données de géolocalisation précises. Vous pouvez modifier vos choix à "
        "tout moment dans notre politique de cookies.</p><button>Accepter &amp; Fermer</button>"
        "<button>Continuer sans accepter</button><button>Paramétrer</button></div>")
    html = page(dialog + '<footer><a href="/mentions">Mentions légales</a></footer>')
    assert walls_of(html) == Walls(frozenset({"consent_wall"}), "consent_wall")


def test_consent_host_needs_no_markup() -> None:
    html = page("<p>Before you continue</p><button>Accept all</button>")
    assert walls_of(html, "https://consent.searchly.example/ml?continue=x") == \
        Walls(frozenset({"consent_wall"}), "consent_wall")


# --- block pages -------------------------------------------------------------

def test_status_429_with_no_article_is_blocked() -> None:
    assert walls_of(page("<p>Slow down.</p>"), status=429) == \
        Walls(frozenset({"blocked"}), "blocked")
    assert walls_of(page(f"<article>{paragraphs(8)}</article>"), status=429) == Walls()


def test_article_titled_access_denied_is_not_blocked() -> None:
    html = page(f"<article><h1>Access Denied: a review</h1>{paragraphs(8, 'film')}</article>",
                "<title>Access Denied: a review</title>")
    assert walls_of(html, status=403) == Walls()
    # a short brief whose headline quotes a block phrase, on a page of little text
    headline = "Access denied: court turns down the harbour board's appeal"
    brief = page(f"<article><h1>{headline}</h1>{paragraphs(2)}</article>",
                 f"<title>{headline} | Northgate Herald</title>")
    assert walls_of(brief) == Walls()


def test_large_page_titled_as_a_block_is_blocked_only_with_its_status() -> None:
    links = "".join(f'<li><a href="/s/{i}">Section {i} of the site map, with its long name</a></li>'
                    for i in range(200))
    html = page(f"<h1>Access denied</h1><ul>{links}</ul>", "<title>Access denied</title>")
    evidence = evidence_of(html)
    assert evidence.small_text is None
    assert find_walls(evidence, text=None, title="Access denied", status=None) == Walls()
    assert find_walls(evidence, text=None, title="Access denied", status=403).reason == "blocked"


def test_block_phrase_in_a_hidden_template_of_a_product_page_is_not_blocked() -> None:
    product = "".join(f"<li>Feature {i}: roasted in small batches, ground to order, sealed "
                      f"fresh and shipped within two days of roasting.</li>" for i in range(25))
    html = page(f'<h1>Dark roast coffee</h1><ul>{product}</ul><div style="display:none" '
                'class="lockdown"><div>Access Denied</div><p>This page is locked.</p></div>')
    walls = find_walls(evidence_of(html), text="Dark roast coffee\nRoasted in small batches.",
                       title="Dark roast coffee", status=200)
    assert walls == Walls()


def test_captcha_of_a_contact_form_and_bot_management_script_are_not_blocked() -> None:
    form = ('<form action="/contact"><label>Name <input name="n"></label><label>Message '
            '<textarea name="m"></textarea></label><div class="g-recaptcha" data-sitekey="x">'
            '</div><button>Send</button></form>')
    html = page(f"<h1>Contact us</h1><p>Write to the newsroom with tips, corrections and "
                f"questions about our reporting; we read every message.</p>{form}",
                '<script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script>')
    evidence = evidence_of(html)
    assert (evidence.captcha, evidence.challenge_markup) == (False, ())
    assert walls_of(html) == Walls()
    # the widget alone, with nothing to fill in beside it, is a challenge
    alone = page('<form method="post"><div class="h-captcha" data-sitekey="x"></div>'
                 '<button>Continue</button></form>')
    assert walls_of(alone) == Walls(frozenset({"blocked"}), "blocked")


def test_blocked_page_is_not_also_a_paywall() -> None:
    walls = walls_of(page("<h1>Access Denied</h1><p>You don't have permission to access this "
                          "page. Subscribe to continue reading.</p>"))
    assert walls == Walls(frozenset({"blocked"}), "blocked")


# --- odd pages ---------------------------------------------------------------

def test_odd_pages_and_declarations_are_read_without_error() -> None:
    # no body at all: the title alone tells a challenge
    headless = "<html><head><title>Just a moment...</title></head></html>"
    assert find_walls(evidence_of(headless), text=None, title=None, status=None).reason == "blocked"
    # declarations of the wrong shape, selectors that are no simple class or id,
    # class words with quotes, an unparsable URL
    odd = ('<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
           '"isAccessibleForFree": ["False"], "hasPart": "x"}</script><script type='
           '"application/ld+json">{"@type": "Article", "hasPart": [{"isAccessibleForFree": '
           '"false", "cssSelector": [".a", 3, "div[x=\'1\']"]}]}</script></head><body '
           'class="a\'b"><div class="paywall\'s">Subscribe to continue reading</div></body></html>')
    evidence = evidence_of(odd, url="http://[::1")
    assert (evidence.free, evidence.paid_part_chars, evidence.consent_host) == (False, None, False)
    assert find_walls(evidence, text=None, title=None, status=None).reason == "paywall"
