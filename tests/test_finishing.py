"""crawler.finishing: which URL of an article is written, the site template
with its hold, the version; the same for the crawl, replay and extract_site."""

from __future__ import annotations

import itertools

import pytest

from crawler.extraction.blocks import Block
from crawler.extraction.template import SiteTemplates, TemplateOptions
from crawler.finishing import DUPLICATE, TEMPLATE_TOO_SHORT, ArticleFinisher, LocalClaims
from crawler.schema import Article

PAGE = "https://g.example/a.html"
AMP = "https://g.example/amp/a.html"
AMP2 = "https://g.example/a.html?amp=1"


def art(url: str, canonical: str | None = None, text: str = "Body.") -> Article:
    return Article(url=url, canonical_url=canonical, text=text)


def written(outcomes) -> list[str]:
    return [o.article.url for o in outcomes if o.dropped is None]


@pytest.mark.parametrize("order", list(itertools.permutations(["page", "amp", "amp2"])))
def test_the_canonical_page_is_written_whatever_the_order(order) -> None:
    pages = {"page": art(PAGE, PAGE), "amp": art(AMP, PAGE), "amp2": art(AMP2, PAGE)}
    finisher = ArticleFinisher(claims=LocalClaims())
    outcomes = [o for name in order for o in finisher.add(pages[name])]
    outcomes += finisher.flush()
    assert written(outcomes) == [PAGE]
    assert sorted(o.article.url for o in outcomes if o.dropped == DUPLICATE) == sorted([AMP, AMP2])
    # a copy that had to wait says so (its request may be acknowledged then)
    assert all(o.held for o in outcomes if o.article.url == AMP and order.index("amp") <
               order.index("page"))


def test_copies_whose_page_never_came_give_one_article_chosen_by_url() -> None:
    for order in ([AMP, AMP2], [AMP2, AMP]):
        finisher = ArticleFinisher(claims=LocalClaims())
        assert [o for url in order for o in finisher.add(art(url, PAGE))] == []
        assert finisher.held == 2
        outcomes = finisher.flush()
        assert written(outcomes) == [AMP2]  # "…/a.html?amp=1" < "…/amp/a.html"
        assert [o.dropped for o in outcomes] == [None, DUPLICATE] and finisher.held == 0


def test_the_same_url_twice_and_off_site_canonicals() -> None:
    finisher = ArticleFinisher(claims=LocalClaims())
    assert written(finisher.add(art(PAGE))) == [PAGE]
    assert [o.dropped for o in finisher.add(art(PAGE))] == [DUPLICATE]  # two captures
    other = art("https://g.example/b.html", "https://elsewhere.example/")
    broken = art("https://g.example/c.html", "https://elsewhere.example/")
    assert written(finisher.add(other) + finisher.add(broken)) == [other.url, broken.url]


def test_an_article_written_in_an_earlier_run_under_another_url_is_a_duplicate() -> None:
    known = {PAGE}
    finisher = ArticleFinisher(claims=LocalClaims(),
                               elsewhere=lambda keys, url: bool(keys & known) and url not in known)
    assert [o.dropped for o in finisher.add(art(AMP, PAGE))] == [DUPLICATE]


def test_no_claims_means_every_page_is_its_own_article() -> None:
    finisher = ArticleFinisher()
    assert written(finisher.add(art(PAGE)) + finisher.add(art(PAGE))) == [PAGE, PAGE]


def test_the_version_step_runs_on_what_is_finished() -> None:
    finisher = ArticleFinisher(version=lambda a: "unchanged_text" if a.text == "Old." else None)
    assert [o.dropped for o in finisher.add(art(PAGE, text="Old."))] == ["unchanged_text"]
    assert [o.dropped for o in finisher.add(art(AMP, text="New."))] == [None]


def block(text: str) -> Block:
    return Block(text=text, kind="p", words=len(text.split()))


def site_page(i: int, *extra: str) -> Article:
    body = f"Story number {'abcdefghijklmnop'[i]} of the harbour, told at length for readers."
    blocks = [block(body), *map(block, extra)]
    return Article(url=f"https://g.example/{i}.html", title=f"T{i}",
                   text="\n\n".join(b.text for b in blocks), blocks=blocks)


def test_template_blocks_are_held_then_removed_and_too_short_is_dropped() -> None:
    templates = SiteTemplates(TemplateOptions(hold_pages=3, min_pages=3, min_count=3))
    finisher = ArticleFinisher(templates=templates, min_chars=20)
    outcomes = []
    for i in range(6):
        outcomes += finisher.add(site_page(i, "Join the Kwispelclub today"))
    assert finisher.held > 0
    outcomes += finisher.flush()
    assert sorted(written(outcomes)) == sorted(f"https://g.example/{i}.html" for i in range(6))
    assert all("Kwispelclub" not in o.article.text and o.removed == 1 for o in outcomes)
    short = ArticleFinisher(templates=templates, min_chars=500)
    out = short.add(site_page(7, "Join the Kwispelclub today")) + short.flush()
    assert [o.dropped for o in out] == [TEMPLATE_TOO_SHORT]
