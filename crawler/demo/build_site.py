"""Generate the static demo news site "The Harbour Gazette" and its test manifest.

Reads article copy from ``articles.json`` and localised page furniture / reader
comments from ``furniture.json`` beside this file, copies ``assets/`` verbatim, and
writes the site into ``site/`` plus ``manifest.json``.  Stdlib only and deterministic: running it
twice produces byte-identical output.  Every absolute URL uses the placeholder
``__BASE_URL__``, which :mod:`crawler.demo.server` replaces at serve time.

Usage::

    python -m crawler.demo.build_site
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
SITE = HERE / "site"
B = "__BASE_URL__"
SITE_NAME = "The Harbour Gazette"
TAGLINE = "Independent journalism from Merrowport since 1881"
SECTIONS = {"world": "World", "tech": "Tech", "culture": "Culture"}
_FURNITURE = json.loads((HERE / "furniture.json").read_text(encoding="utf-8"))
SECTION_BLURBS: dict[str, str] = _FURNITURE["section_blurbs"]
AUTHOR_ROLES: dict[str, str] = _FURNITURE["author_roles"]
MONTHS: dict[str, str] = _FURNITURE["months"]            # space-separated month names per language
L10N: dict[str, dict[str, str]] = _FURNITURE["l10n"]     # localised article furniture strings
COMMENTS: dict[str, list[list[str]]] = _FURNITURE["comments"]  # reader-comment pool per language
HOME_COUNT = 18          # newest N articles appear on the home page
FEED_COUNT = 10          # newest N articles in feed.xml
OBFUSCATED_RANKS = frozenset({1, 6, 11, 16, 21})  # newest-first ranks using CSS-in-JS class names
COPYRIGHT = "© 2026 The Harbour Gazette Ltd. All rights reserved."
DISCLAIMER = ("The Harbour Gazette is a fictional newspaper made for software testing. "
              "All people, places and events are invented.")
COOKIE_TEXT = ("We use cookies to personalise content and ads, to provide social media features "
               "and to analyse our traffic. You can change your choices at any time.")

# Furniture class names per template variant (articles rotate through these).
VARIANTS: list[dict[str, str]] = [
    {"top": "ad-slot ad-leaderboard", "mid": "ad-slot ad-inarticle", "mpu": "ad-slot ad-mpu",
     "nl": "promo promo--newsletter", "rel": "related-articles", "share": "share-bar",
     "pop": "most-read", "com": "comments", "side": "sidebar", "body": "article-body"},
    {"top": "advert advert--top", "mid": "advert advert--mpu-inline", "mpu": "advert advert--rail",
     "nl": "newsletter-signup", "rel": "related-box", "share": "social-share",
     "pop": "sidebar-popular", "com": "reader-comments", "side": "rail", "body": "story-body"},
    {"top": "dfp-ad dfp-ad--billboard", "mid": "dfp-ad dfp-ad--inline", "mpu": "dfp-ad dfp-ad--sky",
     "nl": "nl-promo", "rel": "more-on-this-story", "share": "share-tools",
     "pop": "trending-list", "com": "comment-thread", "side": "col-aside", "body": "entry-content"},
]
QUOTE_CHARS = "“”„«»\""


def esc(text: str) -> str:
    """Escape text content."""
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    """Escape an attribute value."""
    return html.escape(text, quote=True)


def obf(seed: str) -> str:
    """Deterministic CSS-in-JS style class pair such as ``sc-kpOJdX jWnTgx``."""
    h = hashlib.sha1(seed.encode()).digest()
    alpha = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "sc-" + "".join(alpha[b % 52] for b in h[:6]) + " " + "".join(alpha[b % 52] for b in h[6:12])


def human_date(dt: datetime, lang: str, time: bool = True) -> str:
    """Localised display date, e.g. ``3 November 2026 · 08:15 GMT``."""
    month = MONTHS[lang].split()[dt.month - 1]
    if lang == "de":
        return f"{dt.day}. {month} {dt.year}" + (f", {dt:%H:%M} Uhr" if time else "")
    if lang == "fr":
        return f"{dt.day} {month} {dt.year}" + (f" à {dt:%H}h{dt:%M}" if time else "")
    return f"{dt.day} {month} {dt.year}" + (f" · {dt:%H:%M} GMT" if time else "")


@dataclass
class Article:
    """One article as loaded from ``articles.json``."""

    slug: str
    section: str
    lang: str
    published: str
    author: str
    title: str
    standfirst: str
    tags: list[str]
    image: dict[str, str]
    body: list[str]
    rank: int = 0  # 0 = newest

    @property
    def dt(self) -> datetime:
        return datetime.fromisoformat(self.published)

    @property
    def path(self) -> str:
        return f"/{self.dt:%Y}/{self.dt:%m}/{self.slug}.html"

    @property
    def paragraphs(self) -> list[str]:
        return [b for b in self.body if not b.startswith(("## ", "> "))]

    @property
    def variant(self) -> int:
        return self.rank % 3

    @property
    def obfuscated(self) -> bool:
        return self.rank in OBFUSCATED_RANKS

    @property
    def on_home(self) -> bool:
        return self.rank < HOME_COUNT


def load_articles() -> list[Article]:
    """Load articles newest first and assign ranks."""
    data = json.loads((HERE / "articles.json").read_text(encoding="utf-8"))
    arts = sorted((Article(**a) for a in data["articles"]), key=lambda a: a.dt, reverse=True)
    for i, a in enumerate(arts):
        a.rank = i
    return arts


def sentences(text: str) -> list[str]:
    """Split prose into sentences (good enough for our own copy)."""
    return re.split(r"(?:(?<=[.!?])|(?<=[.!?][”“»\"]))\s+(?=[“„«\"]?[A-ZÀ-ÝÄÖÜ])", text)


def clean_sentence(paras: list[str], start: int, last: bool = False) -> str:
    """First (or last) quote-free sentence of >= 12 words, from ``paras[start]`` onward."""
    for para in paras[start:] + paras[:start]:
        cands = [s for s in sentences(para)
                 if len(s.split()) >= 12 and not any(q in s for q in QUOTE_CHARS)]
        if cands:
            return cands[-1] if last else cands[0]
    raise ValueError("no usable sentence")


def must_have(a: Article) -> list[str]:
    """Lede sentence, first sentence after the first mid-article ad, and closing sentence."""
    p = a.paragraphs
    return [clean_sentence(p, 0), clean_sentence(p, 3), clean_sentence(p[-1:], 0, last=True)]


# ----------------------------------------------------------------------------- page furniture
def head(title: str, description: str, canonical: str, og_type: str, lang: str,
         extra_meta: str = "", jsonld: Mapping[str, object] | None = None, image: str = "/static/logo.png",
         robots: str = "index, follow") -> str:
    """Common ``<head>`` markup."""
    locale = {"en": "en_GB", "de": "de_DE", "fr": "fr_FR"}[lang]
    ld = ""
    if jsonld:
        ld = ('<script type="application/ld+json">'
              + json.dumps(jsonld, ensure_ascii=False, indent=1).replace("</", "<\\/") + "</script>\n")
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<meta name="description" content="{attr(description)}">
<meta name="robots" content="{robots}">
<link rel="canonical" href="{B}{canonical}">
<link rel="alternate" type="application/rss+xml" title="{SITE_NAME}" href="{B}/feed.xml">
<link rel="stylesheet" href="/static/gazette.css">
<link rel="icon" href="/static/logo.png">
<meta property="og:type" content="{og_type}">
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="og:title" content="{attr(title.split(' | ')[0])}">
<meta property="og:description" content="{attr(description)}">
<meta property="og:url" content="{B}{canonical}">
<meta property="og:image" content="{B}{image}">
<meta property="og:locale" content="{locale}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:site" content="@harbourgazette">
{extra_meta}{ld}<script src="/static/consent.js" defer></script>
</head>
"""


def header(active: str, latest: datetime) -> str:
    """Cookie banner, masthead and navigation."""
    nav = [("/", "Home", "home")] + [(f"/{k}/", v, k) for k, v in SECTIONS.items()] + [("/about.html", "About", "about")]
    on = ' class="active"'
    items = "\n".join(f'   <li{on if key == active else ""}><a href="{href}">{label}</a></li>'
                      for href, label, key in nav)
    return f"""<body class="page-{active}">
<a class="skip-link" href="#main">Skip to main content</a>
<div id="cookie-consent" class="cookie-banner" role="dialog" aria-label="Cookie consent">
 <p>{COOKIE_TEXT}</p>
 <div class="cookie-actions"><button type="button" class="btn btn-primary" data-consent="all">Accept all cookies</button> <button type="button" class="btn" data-consent="manage">Manage preferences</button></div>
</div>
<header class="site-header">
 <div class="masthead-top"><span class="dateline">{latest:%A} {human_date(latest, "en", False)}</span> <a class="subscribe-link" href="/about.html#subscribe">Subscribe</a></div>
 <div class="masthead"><a class="logo" href="/"><img src="/static/logo.png" alt="" width="300" height="40"> <span>{SITE_NAME}</span></a>
  <p class="tagline">{TAGLINE}</p></div>
 <nav class="main-nav" aria-label="Sections">
  <ul>
{items}
  </ul>
 </nav>
</header>
"""


def footer() -> str:
    """Site footer (links include the robots-disallowed staff area)."""
    return f"""<footer class="site-footer">
 <div class="footer-inner">
  <nav class="footer-nav" aria-label="Footer">
   <ul><li><a href="/about.html">About us</a></li><li><a href="/about.html#contact">Contact</a></li><li><a href="/about.html#privacy">Privacy notice</a></li><li><a href="/about.html#cookies">Cookie settings</a></li><li><a href="/feed.xml">RSS</a></li><li><a href="/sitemap_index.xml">Sitemap</a></li><li><a href="/admin/">Staff login</a></li></ul>
  </nav>
  <p class="copyright">{COPYRIGHT}</p>
  <p class="disclaimer">{DISCLAIMER}</p>
 </div>
</footer>
</body>
</html>
"""


def ad_slot(cls: str, label: str, slot: str, obfuscated: bool) -> str:
    """An ad container with a visible label."""
    if obfuscated:
        return (f'<div class="{obf(cls + slot)}"><p class="{obf(slot)}">{esc(label)}</p>'
                f'<div id="div-gpt-{slot}" style="min-height:250px"></div></div>\n')
    return (f'<div class="{cls}" id="ad-{slot}">\n <span class="ad-label">{esc(label)}</span>\n'
            f' <ins class="adsbygoogle" style="display:block" data-ad-client="ca-pub-0000000000000000" '
            f'data-ad-slot="{slot}" data-ad-format="auto"></ins>\n'
            " <script>(adsbygoogle = window.adsbygoogle || []).push({});</script>\n</div>\n")


def newsletter(cls: str, lang: str, uid: str, obfuscated: bool) -> str:
    """Newsletter sign-up promo box."""
    t = L10N[lang]
    c = obf(cls + uid) if obfuscated else cls
    return f"""<aside class="{c}">
 <h3 class="promo-title">{esc(t["nl_title"])}</h3>
 <p>{esc(t["nl_text"])}</p>
 <form class="newsletter-form" action="/about.html" method="get"><label for="nl-{uid}">Email</label> <input type="email" id="nl-{uid}" name="email" placeholder="you@example.com"> <button type="submit">{esc(t["nl_button"])}</button></form>
 <p class="small">{esc(t["nl_small"])}</p>
</aside>
"""


def link_list(items: list[Article]) -> str:
    return "\n".join(f'  <li><a href="{a.path}">{esc(a.title)}</a></li>' for a in items)


def most_read(cls: str, lang: str, arts: list[Article], exclude: Article | None) -> str:
    """Sidebar list of five 'popular' articles (fixed pseudo-random ranking)."""
    ranked = sorted(arts, key=lambda a: hashlib.md5(a.slug.encode()).hexdigest())
    top = [a for a in ranked if a is not exclude][:5]
    return f"""<section class="{cls}">
 <h3 class="rail-title">{esc(L10N[lang]["most_read"])}</h3>
 <ol>
{link_list(top)}
 </ol>
</section>
"""


def teaser(a: Article, size: str = "") -> str:
    """Teaser card used on home and section pages."""
    w, h = (960, 540) if size == "lead" else (480, 270)
    return f"""<article class="teaser teaser--{a.section}{' teaser--' + size if size else ''}">
 <a class="teaser-image" href="{a.path}"><img src="/images/{a.slug}.png" alt="{attr(a.image['alt'])}" width="{w}" height="{h}" loading="lazy"></a>
 <div class="teaser-body">
  <a class="teaser-kicker" href="/{a.section}/">{SECTIONS[a.section]}</a>
  <h3 class="teaser-title"><a href="{a.path}">{esc(a.title)}</a></h3>
  <p class="teaser-standfirst">{esc(a.standfirst)}</p>
  <p class="teaser-meta"><span class="teaser-author">{esc(a.author)}</span> · <time datetime="{a.published}">{human_date(a.dt, "en", False)}</time></p>
 </div>
</article>
"""


# ----------------------------------------------------------------------------- article page
def render_article(a: Article, arts: list[Article]) -> str:
    """Full article page with varied furniture around the story."""
    t, v, ob = L10N[a.lang], a.variant, a.obfuscated
    cls = {k: (obf(a.slug + k) if ob else c) for k, c in VARIANTS[v].items()}
    url = B + a.path
    same = sorted((o for o in arts if o.section == a.section and o is not a),
                  key=lambda o: abs((o.dt - a.dt).total_seconds()))
    related = f"""<aside class="{cls['rel']}">
 <h3>{esc(t['rel' + str(v)])}</h3>
 <ul>
{link_list(same[:3 + a.rank % 3])}
 </ul>
</aside>
"""
    share = f"""<div class="{cls['share']}" role="group" aria-label="Share">
 <button type="button" class="share-btn share-facebook" data-network="facebook" data-url="{url}">{esc(t['fb'])}</button>
 <button type="button" class="share-btn share-x" data-network="x" data-url="{url}">{esc(t['x'])}</button>
 <a class="share-btn share-email" href="mailto:?subject={quote(a.title)}&amp;body={url}">{esc(t['mail'])}</a>
 <button type="button" class="share-btn share-copy" data-url="{url}">{esc(t['copy'])}</button>
</div>
"""
    nl = newsletter(cls["nl"], a.lang, a.slug, ob)
    n_paras = len(a.paragraphs)
    inserts: dict[int, str] = {3: ad_slot(cls["mid"], t["ad_continue"] if v < 2 else t["ad"], f"{a.rank + 1}01", ob)}
    if v == 0:
        inserts[4] = nl
    elif v == 1:
        inserts[4] = related
    if n_paras >= 7 and v != 1:
        inserts[6] = ad_slot(cls["mid"], t["ad"], f"{a.rank + 1}02", ob)
    blocks: list[str] = []
    count = 0
    for block in a.body:
        if block.startswith("## "):
            blocks.append(f"<h2>{esc(block[3:])}</h2>\n")
            continue
        if block.startswith("> "):
            blocks.append(f'<blockquote class="pull-quote"><p>{esc(block[2:])}</p></blockquote>\n')
            continue
        count += 1
        lede = ' class="lede"' if count == 1 and v == 0 else ""
        para = f"<p{lede}>{esc(block)}</p>\n"
        blocks.append(f'<div class="text-block">{para}</div>\n' if v == 2 else para)
        if count in inserts:
            blocks.append(inserts[count])
    body_html = "".join(blocks)

    picks = COMMENTS[a.lang]
    n_com = min(len(picks), 2 + a.rank % 2)
    coms = []
    for i in range(n_com):
        name, text = picks[(a.rank * 5 + i * 3) % len(picks)]
        when = a.dt + timedelta(hours=1 + i * 3 + a.rank % 4, minutes=(a.rank * 17 + i * 23) % 60)
        coms.append(f"""  <li class="comment" id="comment-{4000 + a.rank * 10 + i}">
   <div class="comment-meta"><span class="comment-author">{esc(name)}</span> <time datetime="{when.isoformat()}">{human_date(when, a.lang, False)} {t['at']} {when:%H:%M}</time></div>
   <div class="comment-text"><p>{esc(text)}</p></div>
   <div class="comment-actions"><button type="button">{t['reply']}</button> <button type="button">{t['report']}</button></div>
  </li>""")
    comments = f"""<section class="{cls['com']}" id="comments">
 <h2 class="comments-title">{esc(t['comments'])} <span class="count">{n_com}</span></h2>
 <ol class="comment-list">
{chr(10).join(coms)}
 </ol>
 <p class="comment-login"><a href="/about.html#accounts">{esc(t['login'])}</a></p>
</section>
"""
    role = AUTHOR_ROLES.get(a.author, "Reporter")
    meta = (f'<meta name="author" content="{attr(a.author)}">\n'
            f'<meta property="article:published_time" content="{a.published}">\n'
            f'<meta property="article:modified_time" content="{a.published}">\n'
            f'<meta property="article:section" content="{SECTIONS[a.section]}">\n'
            + "".join(f'<meta property="article:tag" content="{attr(tag)}">\n' for tag in a.tags))
    jsonld = {
        "@context": "https://schema.org", "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": a.title, "description": a.standfirst,
        "image": [f"{B}/images/{a.slug}.png"],
        "datePublished": a.published, "dateModified": a.published,
        "inLanguage": a.lang, "articleSection": SECTIONS[a.section], "keywords": a.tags,
        "author": [{"@type": "Person", "name": a.author, "jobTitle": role, "url": f"{B}/about.html#staff"}],
        "publisher": {"@type": "Organization", "name": SITE_NAME, "url": f"{B}/",
                      "logo": {"@type": "ImageObject", "url": f"{B}/static/logo.png"}},
    }
    byline = (f'<div class="byline"><span class="by">{t["by"]} <a rel="author" href="/about.html#staff">{esc(a.author)}</a></span>'
              f' <span class="author-role">{esc(role)}</span>\n <time class="published" datetime="{a.published}">{human_date(a.dt, a.lang)}</time></div>\n')
    figure = f"""<figure class="hero-image">
 <img src="/images/{a.slug}.png" alt="{attr(a.image['alt'])}" width="960" height="540">
 <figcaption>{esc(a.image['caption'])} <span class="credit">{esc(a.image['credit'])}</span></figcaption>
</figure>
"""
    tags = ('<ul class="tag-list"><li class="tag-list__label">' + t["topics"] + "</li>"
            + "".join(f'<li class="tag">{esc(tag)}</li>' for tag in a.tags) + "</ul>\n")
    sidebar = (f'<aside class="{cls["side"]}">\n' + most_read(cls["pop"], a.lang, arts, a)
               + (nl if v == 2 else "") + ad_slot(cls["mpu"], t["ad"], f"{a.rank + 1}03", ob) + "</aside>\n")
    article = (f'<article class="story story--{a.section}" id="story-{1000 + a.rank}">\n'
               f'<nav class="breadcrumb" aria-label="Breadcrumb"><a href="/">Home</a> › <a href="/{a.section}/">{SECTIONS[a.section]}</a></nav>\n'
               f'<header class="story-header">\n<a class="kicker" href="/{a.section}/">{SECTIONS[a.section]}</a>\n'
               f'<h1 class="headline">{esc(a.title)}</h1>\n<p class="standfirst">{esc(a.standfirst)}</p>\n{byline}</header>\n'
               + (share if v != 1 else "") + figure
               + f'<div class="{cls["body"]}">\n{body_html}</div>\n' + tags
               + (share if v != 0 else "")
               + (nl if v == 1 else "") + (related if v != 1 else "") + "</article>\n")
    main = f'<main id="main" class="content">\n{article}{comments}</main>\n'
    page = (head(f"{a.title} | {SITE_NAME}", a.standfirst, a.path, "article", a.lang, meta, jsonld,
                 f"/images/{a.slug}.png")
            + header(a.section, arts[0].dt)
            + ad_slot(cls["top"], t["ad"], f"{a.rank + 1}00", ob)
            + '<div class="page-wrap">\n' + (sidebar + main if v == 1 else main + sidebar) + "</div>\n"
            + footer())
    return page


# ----------------------------------------------------------------------------- other pages
def render_home(arts: list[Article]) -> str:
    """Front page: lead story plus the latest teasers."""
    home = arts[:HOME_COUNT]
    jsonld = {"@context": "https://schema.org", "@type": "WebSite", "name": SITE_NAME, "url": f"{B}/",
              "publisher": {"@type": "Organization", "name": SITE_NAME}}
    latest = "".join(teaser(a) for a in home[1:])
    by_section = "".join(
        f'<section class="section-block"><h2 class="block-title"><a href="/{k}/">{v}</a></h2>\n<ul>\n'
        + link_list([a for a in home if a.section == k][:4]) + "\n</ul></section>\n"
        for k, v in SECTIONS.items())
    return (head(f"{SITE_NAME} | News from Merrowport and beyond", TAGLINE + ".", "/", "website", "en",
                 jsonld=jsonld)
            + header("home", arts[0].dt) + ad_slot("ad-slot ad-leaderboard", "Advertisement", "100", False)
            + '<div class="page-wrap">\n<main id="main" class="front">\n'
            + f'<section class="top-story"><h2 class="block-title">Top story</h2>\n{teaser(home[0], "lead")}</section>\n'
            + f'<section class="latest"><h2 class="block-title">Latest news</h2>\n<div class="teaser-grid">\n{latest}</div></section>\n'
            + by_section + "</main>\n"
            + '<aside class="sidebar">\n' + most_read("most-read", "en", arts, None)
            + newsletter("promo promo--newsletter", "en", "home", False)
            + ad_slot("ad-slot ad-mpu", "Advertisement", "103", False) + "</aside>\n</div>\n" + footer())


def render_section(key: str, arts: list[Article]) -> str:
    """Section index listing every article in the section."""
    items = [a for a in arts if a.section == key]
    name = SECTIONS[key]
    jsonld = {"@context": "https://schema.org", "@type": "CollectionPage", "name": f"{name} | {SITE_NAME}",
              "url": f"{B}/{key}/", "description": SECTION_BLURBS[key],
              "mainEntity": {"@type": "ItemList", "itemListElement": [
                  {"@type": "ListItem", "position": i + 1, "url": B + a.path} for i, a in enumerate(items)]}}
    return (head(f"{name} | {SITE_NAME}", SECTION_BLURBS[key], f"/{key}/", "website", "en", jsonld=jsonld)
            + header(key, arts[0].dt) + ad_slot("ad-slot ad-leaderboard", "Advertisement", "200", False)
            + '<div class="page-wrap">\n<main id="main" class="section-front">\n'
            + f'<header class="section-header"><h1>{name}</h1><p>{SECTION_BLURBS[key]}</p></header>\n'
            + '<div class="teaser-list">\n' + "".join(teaser(a) for a in items) + "</div>\n"
            + '<nav class="pagination" aria-label="Pages"><span class="current">Page 1 of 1</span></nav>\n</main>\n'
            + '<aside class="sidebar">\n' + most_read("most-read", "en", arts, None) + "</aside>\n</div>\n"
            + footer())


def render_about(arts: list[Article]) -> str:
    """Short 'about us' page (not an article)."""
    staff = sorted({a.author for a in arts})
    staff_html = "\n".join(f"  <li><strong>{esc(s)}</strong>, {esc(AUTHOR_ROLES.get(s, 'Reporter'))}</li>" for s in staff)
    return (head(f"About us | {SITE_NAME}", f"About {SITE_NAME}, Merrowport's independent newspaper.",
                 "/about.html", "website", "en")
            + header("about", arts[0].dt) + '<div class="page-wrap">\n<main id="main" class="static-page">\n'
            + f"""<h1>About us</h1>
<p>{SITE_NAME} has reported on Merrowport, its harbour and its islands since 1881. We are owned by a charitable trust and have no shareholders.</p>
<p>Our newsroom is on Harbour Street, a short walk from the Fish Quay. We publish online every day and in print on Fridays.</p>
<h2 id="staff">Our journalists</h2>
<ul class="staff-list">
{staff_html}
</ul>
<h2 id="contact">Contact</h2>
<p>Newsdesk: news@harbourgazette.example. Letters: letters@harbourgazette.example.</p>
<h2 id="subscribe">Subscribe</h2>
<p>Print and digital subscriptions are available from our front desk.</p>
<h2 id="privacy">Privacy and cookies</h2>
<p id="cookies">We keep personal data to a minimum. You can change your cookie choices at any time. <span id="accounts">Reader accounts are free.</span></p>
</main>
</div>
""" + footer())


def render_feed(arts: list[Article]) -> str:
    """RSS 2.0 feed of the newest articles."""
    items = "".join(f"""  <item>
   <title>{esc(a.title)}</title>
   <link>{B}{a.path}</link>
   <guid isPermaLink="true">{B}{a.path}</guid>
   <pubDate>{format_datetime(a.dt)}</pubDate>
   <dc:creator>{esc(a.author)}</dc:creator>
   <category>{SECTIONS[a.section]}</category>
   <description>{esc(a.standfirst)}</description>
  </item>
""" for a in arts[:FEED_COUNT])
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
 <channel>
  <title>{SITE_NAME}</title>
  <link>{B}/</link>
  <description>{TAGLINE}</description>
  <language>en-gb</language>
  <lastBuildDate>{format_datetime(arts[0].dt)}</lastBuildDate>
  <atom:link href="{B}/feed.xml" rel="self" type="application/rss+xml"/>
{items} </channel>
</rss>
"""


def urlset(entries: list[tuple[str, str]]) -> str:
    """A sitemap ``<urlset>`` from (path, lastmod) pairs."""
    rows = "".join(f"  <url>\n   <loc>{B}{p}</loc>\n   <lastmod>{m}</lastmod>\n  </url>\n" for p, m in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</urlset>\n')


def render_sitemaps(arts: list[Article]) -> dict[str, str]:
    """sitemap_index.xml plus the two child sitemaps."""
    newest = arts[0].published
    pages = [("/", newest)] + [(f"/{k}/", newest) for k in SECTIONS] + [("/about.html", "2026-10-01T09:00:00+00:00")]
    index = "".join(f"  <sitemap>\n   <loc>{B}/{name}</loc>\n   <lastmod>{newest}</lastmod>\n  </sitemap>\n"
                    for name in ("sitemap-articles.xml", "sitemap-pages.xml"))
    return {
        "sitemap_index.xml": ('<?xml version="1.0" encoding="UTF-8"?>\n'
                              f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{index}</sitemapindex>\n'),
        "sitemap-articles.xml": urlset([(a.path, a.published) for a in arts]),
        "sitemap-pages.xml": urlset(pages),
    }


def png(width: int, height: int, seed: str) -> bytes:
    """A small deterministic placeholder PNG: sky, horizon and sea bands."""
    h = hashlib.sha1(seed.encode()).digest()
    sky, sea = bytes([150 + h[0] % 90, 170 + h[1] % 70, 200 + h[2] % 55]), bytes([h[3] % 60, 60 + h[4] % 80, 100 + h[5] % 90])
    horizon = int(height * (0.45 + (h[6] % 20) / 100))
    rows = []
    for y in range(height):
        color = sky if y < horizon - 2 else (b"\x30\x40\x50" if y < horizon else sea)
        rows.append(b"\x00" + color * width)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


# ----------------------------------------------------------------------------- manifest & checks
def must_not_have(pages: str) -> list[str]:
    """Furniture strings (that actually occur in ``pages``) which must never be extracted."""
    keys = ("ad", "ad_continue", "nl_title", "nl_text", "nl_small", "rel0", "rel1", "rel2",
            "fb", "x", "mail", "copy", "most_read", "comments", "login")
    out = [COOKIE_TEXT.split(". ")[0], "Accept all cookies", "Manage preferences", "Skip to main content",
           TAGLINE, COPYRIGHT, DISCLAIMER, "Staff login"]
    out += [L10N[lang][k] for lang in L10N for k in keys]
    out += [text for pool in COMMENTS.values() for _, text in pool]
    return [s for s in dict.fromkeys(out) if esc(s) in pages]


def build_manifest(arts: list[Article], files: dict[str, str]) -> dict[str, object]:
    """Expected crawl/extraction results for tests."""
    return {
        "site": SITE_NAME,
        "note": "Generated by crawler/demo/build_site.py; paths are relative to the DemoServer base URL.",
        "articles": [{"path": a.path, "title": a.title, "lang": a.lang, "section": a.section,
                      "published": a.published, "author": a.author, "tags": a.tags,
                      "on_home": a.on_home, "must_have": must_have(a)} for a in arts],
        "not_articles": ["/", "/world/", "/tech/", "/culture/", "/about.html", "/feed.xml",
                         "/sitemap_index.xml", "/sitemap-articles.xml", "/sitemap-pages.xml", "/robots.txt"],
        "disallowed": ["/admin/"],
        "must_not_have": must_not_have("".join(files[a.path.lstrip("/")] for a in arts)),
    }


def validate(arts: list[Article], files: dict[str, str], manifest: dict[str, object]) -> None:
    """Sanity checks on copy, manifest and links; raises AssertionError on problems."""
    furniture = manifest["must_not_have"]
    assert isinstance(furniture, list)
    banned = [s.lower() for s in furniture]
    seen: set[str] = set()
    for a in arts:
        paras = a.paragraphs
        assert 5 <= len(paras) <= 10, (a.slug, len(paras))
        for p in paras:
            assert 40 <= len(p.split()) <= 120, (a.slug, len(p.split()), p[:40])
        prose = " ".join([a.title, a.standfirst, a.image["caption"], *a.body]).lower()
        for s in banned:
            assert s not in prose, (a.slug, s)
        page = files[a.path.lstrip("/")]
        for s in must_have(a):
            assert s not in seen and page.count(esc(s)) == 1, (a.slug, s)
            seen.add(s)
    everything = "\n".join(files.values())
    for s in furniture:
        assert esc(s) in everything, f"furniture string never rendered: {s}"
    listed = files["index.html"] + "".join(files[f"{k}/index.html"] for k in SECTIONS)
    assert all(f'href="{a.path}"' in listed for a in arts)
    assert any(f'href="{a.path}"' not in files["index.html"] for a in arts)
    for name, text in files.items():
        for target in re.findall(r'(?:href|src)="(/[^"#?]*)', text):
            rel = target.lstrip("/")
            rel = rel + "index.html" if rel.endswith("/") or not rel else rel
            assert rel in files or rel.startswith(("images/", "static/")), (name, target)


def main() -> None:
    """Regenerate ``site/`` and ``manifest.json``."""
    arts = load_articles()
    files: dict[str, str] = {a.path.lstrip("/"): render_article(a, arts) for a in arts}
    files["index.html"] = render_home(arts)
    for key in SECTIONS:
        files[f"{key}/index.html"] = render_section(key, arts)
    files["about.html"] = render_about(arts)
    files["feed.xml"] = render_feed(arts)
    files.update(render_sitemaps(arts))
    files["robots.txt"] = f"User-agent: *\nDisallow: /admin/\n\nSitemap: {B}/sitemap_index.xml\n"
    for asset in sorted((HERE / "assets").rglob("*.*")):  # static files and the admin page, verbatim
        files[asset.relative_to(HERE / "assets").as_posix()] = asset.read_text(encoding="utf-8")
    manifest = build_manifest(arts, files)
    validate(arts, files, manifest)

    if SITE.exists():
        shutil.rmtree(SITE)
    for rel, text in sorted(files.items()):
        target = SITE / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")
    (SITE / "images").mkdir(parents=True, exist_ok=True)
    for a in arts:
        (SITE / "images" / f"{a.slug}.png").write_bytes(png(960, 540, a.slug))
    (SITE / "static" / "logo.png").write_bytes(png(300, 40, SITE_NAME))
    (HERE / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                        encoding="utf-8", newline="\n")
    print(f"wrote {len(files) + len(arts) + 1} files for {len(arts)} articles to {SITE}")


if __name__ == "__main__":
    main()
