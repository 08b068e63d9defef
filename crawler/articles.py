"""From a fetched page to an article record, the same way in a live crawl (the
Scrapy pipelines) and in replay (``crawler/replay``). Pure: no Scrapy."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any, NamedTuple

from crawler.discovery import DATE_HINTS
from crawler.extraction import (
    EXTRACTOR_NAME,
    Extraction,
    ExtractionOptions,
    extract,
    extractor_version,
)
from crawler.extraction.encoding import CharsetCheck
from crawler.extraction.metadata.walls import FLAGS
from crawler.extraction.template import block_hash
from crawler.frontier.urls import InvalidUrl, UrlCleaner, site_of
from crawler.items import Page
from crawler.schema import Article, ExtractorInfo, WarcPointer
from crawler.state.store import VERSIONED_FIELDS, PageState, digest, field_digests

#: The record's fields that extraction fills (:class:`crawler.extraction.Extraction`
#: has each under the same name; ``blocks`` is internal).
ARTICLE_FIELDS = ("canonical_url", "title", "authors", "publisher", "published",
                  "published_source", "modified", "modified_source", "sitename", "language",
                  "description", "tags", "image", "images", "text", "comments", "links",
                  "alternates", "flags", "blocks")


#: Statuses block and challenge pages come with (Cloudflare 403 and 503, rate
#: limits 429): such pages are read to tell a block from another error.
BLOCK_STATUSES = frozenset({401, 403, 429, 503})


def record_fields(ext: Extraction) -> dict[str, Any]:
    """The record's fields that ``ext`` fills, the internal ``blocks`` included."""
    return {k: getattr(ext, k) for k in ARTICLE_FIELDS}


def iso_utc(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


class PageResult(NamedTuple):
    """An extracted page: its :class:`Article` (``reason`` set when it is none),
    the counts of what each cleaning rule removed, and how its charset was
    decided (None when it was not decoded)."""

    article: Article
    removed: dict[str, int]
    charset: CharsetCheck | None = None


def page_to_article(page: Page, options: ExtractionOptions) -> PageResult:
    """Extract one page (see :class:`PageResult`)."""
    reason: str | None
    ext = None
    if page.status == 200 or page.status in BLOCK_STATUSES:
        ext = extract(page.body, page.url, content_type=page.content_type,
                      fetched_at=page.fetched_at, options=options,
                      date_hints=page.meta.get(DATE_HINTS) or (), status=page.status)
    if page.status == 200:
        assert ext is not None
        reason = ext.reason
    elif ext is not None and ext.reason in FLAGS:  # an error status that is a wall
        reason = ext.reason
    else:
        ext, reason = None, "http_error"
    fields: dict[str, Any] = {}
    if ext is not None:
        if ext.reason is not None:  # no site template learns from it: don't ship its blocks
            ext.blocks = []
        fields = record_fields(ext)
        for block in ext.blocks:  # hashed here, in the extraction process
            block_hash(block)
    article = Article(
        url=page.url,
        fetched_at=iso_utc(page.fetched_at),
        status=page.status,
        warc=WarcPointer(**page.warc) if page.warc else None,
        extractor=ExtractorInfo(name=EXTRACTOR_NAME, version=extractor_version()),
        reason=reason,
        capture=page.meta.get("crawler_capture"),
        **fields,
    )
    if ext is None:
        return PageResult(article, {})
    return PageResult(article, ext.removed, ext.charset)


def assign_version(article: Article, previous: PageState | None) -> str | None:
    """Number ``article`` against the last version written for its URL: 1 when
    new, +1 when its text changed (with the previous pointer and the changed
    fields). Returns ``"unchanged_text"`` when the text is the same (a page that
    only changed its ads, dates or template writes no new version)."""
    if previous is None or previous.version < 1:
        article.version = 1
        return None
    record = article.to_dict()
    if digest(record.get("text")) == previous.text_digest:
        return "unchanged_text"
    now = field_digests(record)
    article.version = previous.version + 1
    article.previous = previous.article_warc
    article.changed_fields = [f for f in VERSIONED_FIELDS if now[f] != previous.fields.get(f)]
    return None


def article_keys(article: Article, cleaner: UrlCleaner) -> set[str]:
    """De-duplication keys: the URL, and the canonical URL when it is on the same
    site (a misconfigured site that points every page at its home page must not
    collapse all its articles into one)."""
    try:
        keys = {cleaner.key(article.url)}
    except InvalidUrl:  # a replayed record's WARC-Target-URI can be anything
        keys = {article.url}
    canon = article.canonical_url
    if canon and site_of(canon) == site_of(article.url):
        with contextlib.suppress(InvalidUrl):  # the page's own claim: ignored when unparsable
            keys.add(cleaner.key(canon))
    return keys


def keys_and_home(article: Article, cleaner: UrlCleaner) -> tuple[set[str], str | None]:
    """:func:`article_keys`, and among them the key of the page ``article`` is a
    copy of (an AMP copy's same-site ``rel=canonical``), or None when it names no
    other page: the key that is not its own URL's."""
    keys = article_keys(article, cleaner)
    try:
        own = cleaner.key(article.url)
    except InvalidUrl:
        return keys, None
    others = keys - {own}
    return keys, (others.pop() if others else None)


def canonical_key(article: Article, cleaner: UrlCleaner) -> str | None:
    """The key of the page ``article`` is a copy of, or None (:func:`keys_and_home`)."""
    return keys_and_home(article, cleaner)[1]
