"""Feature vectors of a page's blocks, for the block classifier.

One owner for the features' names and order (:data:`BLOCK_FEATURES`): the
training script (``tools/train_extraction.py``) and the extractor
(:mod:`crawler.extraction.classify`) both build vectors here, so a model and
the code that applies it cannot drift apart.

The features are the classic ones of boilerplate detection (text and link
density, stop-word share, punctuation, the tags and class/id words around the
block, its position, its neighbours) plus a vote: how much of the block
trafilatura's own extraction of the same page kept.

Pure: segments and strings in, lists of floats out.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import cache
from itertools import pairwise

from crawler.extraction.segment import ANCESTOR_TAGS, GROUP_NAMES, Segment, norm_words

_PUNCT = re.compile(r"[.,;:!?]")
_TAG_CLASS = {
    "p": "p", "div": "div", "li": "li", "td": "cell", "th": "cell", "h1": "h1",
    "h2": "h", "h3": "h", "h4": "h", "h5": "h", "h6": "h", "blockquote": "quote",
    "pre": "pre", "dd": "def", "dt": "def", "figcaption": "caption", "caption": "caption",
    "br": "br",
}
TAG_CLASSES = ("p", "div", "li", "cell", "h1", "h", "quote", "pre", "def", "caption", "br",
               "other")
_TAG_INDEX = {name: i for i, name in enumerate(TAG_CLASSES)}

#: justext's stop-word lists for the languages a page most often declares.
_STOPLIST_NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "ru": "Russian", "pl": "Polish", "sv": "Swedish",
    "da": "Danish", "no": "Norwegian_Bokmal", "nb": "Norwegian_Bokmal", "fi": "Finnish",
    "cs": "Czech", "hu": "Hungarian", "ro": "Romanian", "tr": "Turkish", "el": "Greek",
    "uk": "Ukrainian", "ca": "Catalan", "id": "Indonesian", "vi": "Vietnamese",
}
_DEFAULT_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "ru")


@cache
def stopwords(language: str | None) -> frozenset[str]:
    """The page language's stop words (justext's lists); for an unknown or
    undeclared language, the union of the most common languages' lists."""
    import justext

    names = [_STOPLIST_NAMES[language]] if language in _STOPLIST_NAMES else [
        _STOPLIST_NAMES[code] for code in _DEFAULT_LANGUAGES]
    words: set[str] = set()
    for name in names:
        try:
            words |= justext.get_stoplist(name)
        except ValueError:
            continue
    return frozenset(w.casefold() for w in words)


def vote_share(text_words: list[str], kept_bigrams: set[tuple[str, str]],
               kept_words: set[str]) -> float:
    """How much of a block another extraction kept: the share of its word
    bigrams (its word, for one-word blocks) found in that extraction."""
    if not text_words:
        return 0.0
    if len(text_words) == 1:
        return 1.0 if text_words[0] in kept_words else 0.0
    pairs = list(pairwise(text_words))
    return sum(1 for p in pairs if p in kept_bigrams) / len(pairs)


def bigrams(words: Sequence[str]) -> set[tuple[str, str]]:
    return set(pairwise(words))


def _own_features(seg: Segment, words: list[str], stop: frozenset[str]) -> list[float]:
    text = seg.text
    n_chars = len(text)
    n_words = len(words)
    raw_words = text.split()
    titled = sum(1 for w in raw_words if w[:1].isupper())
    tag_onehot = [0.0] * len(TAG_CLASSES)
    tag_onehot[_TAG_INDEX[_TAG_CLASS.get(seg.tag, "other")]] = 1.0
    return [
        math.log1p(n_words),
        math.log1p(n_chars),
        seg.link_chars / n_chars if n_chars else 0.0,
        (sum(1 for w in words if w in stop) / n_words) if n_words else 0.0,
        1.0 if text.rstrip().endswith((".", "!", "?", '"', "”", "»", ":", ")")) else 0.0,
        len(_PUNCT.findall(text)) / max(1, len(raw_words)),
        sum(c.isdigit() for c in text) / n_chars if n_chars else 0.0,
        titled / len(raw_words) if raw_words else 0.0,
        (sum(map(len, raw_words)) / len(raw_words)) if raw_words else 0.0,
        float(text.count("|") + text.count("·") + text.count("•")),
        1.0 if ("©" in text or "copyright" in text.casefold()) else 0.0,
        *tag_onehot,
        *(float(min(c, 3)) for c in seg.tags),
        *(float(min(c, 3)) for c in seg.groups),
        math.log1p(seg.depth),
    ]


OWN_FEATURES = (
    "log_words", "log_chars", "link_density", "stopword_share", "ends_sentence",
    "punct_per_word", "digit_share", "titlecase_share", "mean_word_len", "separators",
    "copyright",
    *(f"tag_{t}" for t in TAG_CLASSES),
    *(f"in_{t}" for t in ANCESTOR_TAGS),
    *(f"class_{g}" for g in GROUP_NAMES),
    "log_depth",
)
CONTEXT_FEATURES = (
    "rel_index", "rel_char_pos", "page_log_blocks", "page_log_words",
    "prev_log_words", "next_log_words", "prev_link_density", "next_link_density",
    "win3_link_density", "win3_log_words", "same_parent_blocks", "repeats_on_page",
    "is_title", "lexicon_junk",
    "vote", "win2_vote", "win5_vote", "page_vote_share",
    "parent_log_words", "parent_vote", "grandparent_log_words", "grandparent_vote",
    "inside_vote_span", "log_dist_prev_vote", "log_dist_next_vote",
    "in_main_container", "main_container_word_share", "main_container_depth",
)
BLOCK_FEATURES = OWN_FEATURES + CONTEXT_FEATURES
_LOG_WORDS, _LINK_DENSITY = OWN_FEATURES.index("log_words"), OWN_FEATURES.index("link_density")


def _window_mean(values: Sequence[float], i: int, k: int) -> float:
    lo, hi = max(0, i - k), min(len(values), i + k + 1)
    return sum(values[lo:hi]) / (hi - lo)


def _group_votes(keys: Sequence[int], words: Sequence[list[str]],
                 votes: Sequence[float]) -> dict[int, tuple[float, float]]:
    """Per container: (log of its blocks' words, their word-weighted vote)."""
    total: Counter[int] = Counter()
    voted: dict[int, float] = {}
    for key, w, v in zip(keys, words, votes, strict=True):
        total[key] += len(w)
        voted[key] = voted.get(key, 0.0) + v * len(w)
    return {key: (math.log1p(total[key]), voted[key] / total[key] if total[key] else 0.0)
            for key in total}


def _distances(marked: Sequence[int], n: int) -> tuple[list[float], list[float]]:
    """For each index, how far back and ahead the nearest marked index is
    (``n`` when there is none)."""
    is_marked = [False] * n
    for i in marked:
        is_marked[i] = True
    back, ahead = [float(n)] * n, [float(n)] * n
    last = None
    for i in range(n):
        if is_marked[i]:
            last = i
        if last is not None:
            back[i] = float(i - last)
    nxt = None
    for i in range(n - 1, -1, -1):
        if is_marked[i]:
            nxt = i
        if nxt is not None:
            ahead[i] = float(nxt - i)
    return back, ahead


#: The main container holds at least this share of the words trafilatura kept.
MAIN_CONTAINER_SHARE = 0.6


def main_container(segments: Sequence[Segment], words: Sequence[list[str]],
                   votes: Sequence[float]) -> tuple[int | None, int]:
    """The deepest block element that holds most of what trafilatura kept (as
    Readability's top candidate), and its depth; (None, 0) when it kept nothing."""
    voted: defaultdict[int, float] = defaultdict(float)
    depth: dict[int, int] = {}
    total = 0.0
    for seg, w, v in zip(segments, words, votes, strict=True):
        weight = v * len(w)
        if not weight:
            continue
        total += weight
        for level, element in enumerate(seg.ancestors):
            voted[element] += weight
            depth[element] = level
    if not total:
        return None, 0
    held = [e for e, n in voted.items() if n >= MAIN_CONTAINER_SHARE * total]
    if not held:
        return None, 0
    best = max(held, key=depth.__getitem__)
    return best, depth[best]


def block_features(segments: Sequence[Segment], *, language: str | None,
                   title: str | None, votes: Sequence[float],
                   junk: Sequence[bool]) -> list[list[float]]:
    """One vector per segment, in :data:`BLOCK_FEATURES` order. ``votes`` is
    each block's :func:`vote_share` in trafilatura's extraction, ``junk``
    whether the lexicon's label rule matches it."""
    stop = stopwords(language)
    words = [s.words for s in segments]
    own = [_own_features(s, w, stop) for s, w in zip(segments, words, strict=True)]
    n = len(segments)
    if not n:
        return []
    total_chars = sum(len(s.text) for s in segments) or 1
    total_words = sum(len(w) for w in words)
    per_parent = Counter(s.parent for s in segments)
    keys = [" ".join(w) for w in words]
    repeats = Counter(keys)
    title_key = " ".join(norm_words(title)) if title else None
    log_words = [f[_LOG_WORDS] for f in own]
    link_density = [f[_LINK_DENSITY] for f in own]
    page_vote = sum(v * len(w) for v, w in zip(votes, words, strict=True)) / max(1, total_words)
    groups = {"parent": _group_votes([s.parent for s in segments], words, votes),
              "grandparent": _group_votes([s.grandparent for s in segments], words, votes)}
    voted = [i for i, v in enumerate(votes) if v >= 0.5]
    first, last = (voted[0], voted[-1]) if voted else (n, -1)
    prev_vote, next_vote = _distances(voted, n)
    main, main_depth = main_container(segments, words, votes)
    in_main = [main is not None and main in s.ancestors for s in segments]
    main_share = (sum(len(w) for w, m in zip(words, in_main, strict=True) if m) / total_words
                  if total_words else 0.0)
    out = []
    offset = 0
    for i, (seg, f) in enumerate(zip(segments, own, strict=True)):
        ctx = [
            i / n,
            offset / total_chars,
            math.log1p(n),
            math.log1p(total_words),
            log_words[i - 1] if i else 0.0,
            log_words[i + 1] if i + 1 < n else 0.0,
            link_density[i - 1] if i else 0.0,
            link_density[i + 1] if i + 1 < n else 0.0,
            _window_mean(link_density, i, 3),
            _window_mean(log_words, i, 3),
            math.log1p(per_parent[seg.parent]),
            float(min(repeats[keys[i]], 5)),
            1.0 if title_key and keys[i] == title_key else 0.0,
            1.0 if junk[i] else 0.0,
            votes[i],
            _window_mean(votes, i, 2),
            _window_mean(votes, i, 5),
            page_vote,
            *groups["parent"][seg.parent],
            *groups["grandparent"][seg.grandparent],
            1.0 if first <= i <= last else 0.0,
            math.log1p(prev_vote[i]),
            math.log1p(next_vote[i]),
            1.0 if in_main[i] else 0.0,
            main_share,
            math.log1p(main_depth),
        ]
        offset += len(seg.text)
        out.append(f + ctx)
    return out


# --------------------------------------------------------------------------- pages

#: schema.org / OpenGraph types a page declares, grouped (lower case).
TYPE_GROUPS: dict[str, frozenset[str]] = {
    "product": frozenset({"product", "offer", "aggregateoffer", "productgroup", "og:product",
                          "product.item", "individualproduct"}),
    "forum": frozenset({"discussionforumposting", "qapage", "question", "answer", "comment"}),
    "faq": frozenset({"faqpage", "howto"}),
    "webpage": frozenset({"webpage", "itempage"}),
    "breadcrumb": frozenset({"breadcrumblist"}),
    "organization": frozenset({"organization", "localbusiness", "corporation",
                               "newsmediaorganization", "store", "restaurant"}),
    "collection": frozenset({"collectionpage", "itemlist", "searchresultspage", "offercatalog"}),
    "software": frozenset({"softwareapplication", "softwaresourcecode", "apireference",
                           "techarticle"}),
    "event": frozenset({"event", "course", "jobposting", "recipe", "movie", "book"}),
}
#: Elements counted on each page (in this order in the page features).
COUNTED_ELEMENTS = ("article", "form", "input", "button", "time", "h1", "h2", "h3", "li", "a",
                    "img", "table", "pre", "code", "nav", "aside", "select", "textarea")
_CURRENCY = re.compile(r"(?:[$€£¥₹]\s?\d|\d\s?(?:€|EUR|USD|GBP)\b)")
_DATE_PATH = re.compile(r"/(?:19|20)\d\d(?:[/-](?:0?[1-9]|1[0-2]))?[/-]")

PAGE_FEATURES = (
    "typed_article", "typed_listing", "og_website", "og_article",
    *(f"type_{g}" for g in TYPE_GROUPS),
    "has_published_meta", "has_author", "has_date", "has_description",
    "log_main_chars", "log_main_blocks", "main_mean_words", "main_link_density",
    "main_share_items", "main_share_heads", "main_share_rows", "main_vote_words_share",
    "log_page_words", "log_page_blocks", "page_link_density", "page_share_items",
    "log_linked_headings", "teaser_share", "log_currency", "log_headline_links",
    "main_sentence_share", "main_first_position", "main_last_position", "page_share_link_blocks",
    "page_share_comment_blocks", "main_share_in_article",
    *(f"log_count_{e}" for e in COUNTED_ELEMENTS),
    "url_depth", "url_slug_words", "url_slug_len", "url_has_date", "url_has_digits",
    "url_trailing_slash", "url_has_query", "url_service", "url_root",
)


def _url_parts(url: str | None) -> tuple[list[str], str]:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url or "")
    except ValueError:
        return [], ""
    return [p for p in parts.path.split("/") if p], parts.query


def page_features(*, types: set[str], og_type: str | None, published: bool, author: bool,
                  date: bool, description: bool, main: Sequence[Segment],
                  segments: Sequence[Segment],
                  linked_headings: int, teaser_share: float, counts: Sequence[int],
                  headline_links: int,
                  page_text: str, url: str | None, service_path: bool,
                  typed_article: bool, typed_listing: bool) -> list[float]:
    """One vector per page, in :data:`PAGE_FEATURES` order. ``main`` are the
    blocks of the page's main text (trafilatura's, through the votes), ``segments``
    all its blocks, ``counts`` the :data:`COUNTED_ELEMENTS` in the page."""
    og = (og_type or "").lower()
    main_chars = sum(len(s.text) for s in main)
    main_words = [len(s.words) for s in main]
    all_words = sum(len(s.words) for s in segments)
    all_chars = sum(len(s.text) for s in segments) or 1
    kinds = Counter(_TAG_CLASS.get(s.tag, "other") for s in main)
    n_main = len(main) or 1
    path, query = _url_parts(url)
    slug = path[-1] if path else ""
    slug_base = slug.rsplit(".", 1)[0]
    main_ids = {id(s) for s in main}
    positions = [i for i, s in enumerate(segments) if id(s) in main_ids]
    n_seg = max(1, len(segments))
    comment = GROUP_NAMES.index("comment")
    in_article = ANCESTOR_TAGS.index("article")
    return [
        float(typed_article), float(typed_listing), float(og == "website"), float(og == "article"),
        *(float(bool(types & group)) for group in TYPE_GROUPS.values()),
        float(published), float(author), float(date), float(description),
        math.log1p(main_chars),
        math.log1p(len(main)),
        (sum(main_words) / len(main_words)) if main_words else 0.0,
        (sum(s.link_chars for s in main) / main_chars) if main_chars else 0.0,
        kinds["li"] / n_main,
        (kinds["h"] + kinds["h1"]) / n_main,
        kinds["cell"] / n_main,
        (sum(main_words) / all_words) if all_words else 0.0,
        math.log1p(all_words),
        math.log1p(len(segments)),
        sum(s.link_chars for s in segments) / all_chars,
        sum(1 for s in segments if s.tag == "li") / max(1, len(segments)),
        math.log1p(linked_headings),
        teaser_share,
        math.log1p(len(_CURRENCY.findall(page_text))),
        math.log1p(headline_links),
        sum(1 for s in main if s.text.rstrip().endswith((".", "!", "?", '"', "”", "»")))
        / n_main,
        positions[0] / n_seg if positions else 1.0,
        positions[-1] / n_seg if positions else 1.0,
        sum(1 for s in segments if s.link_chars >= 0.8 * len(s.text)) / n_seg,
        sum(1 for s in segments if s.groups[comment]) / n_seg,
        (sum(w for s, w in zip(main, main_words, strict=True) if s.tags[in_article])
         / sum(main_words)) if main_words and sum(main_words) else 0.0,
        *(math.log1p(c) for c in counts),
        float(len(path)),
        float(len([w for w in re.split(r"[-_+]", slug_base) if w])),
        float(len(slug_base)),
        float(bool(_DATE_PATH.search("/" + "/".join(path) + "/"))),
        float(any(c.isdigit() for c in slug_base)),
        float(bool(url) and (url or "").split("?")[0].endswith("/")),
        float(bool(query)),
        float(service_path),
        float(not path),
    ]


_TOKEN_WORD = re.compile(r"[^\W\d_]{2,}")


def page_tokens(*, url: str | None, title: str | None, ld_types: Sequence[str],
                og_type: str | None, segments: Sequence[Segment],
                class_words: Iterable[str] = ()) -> set[str]:
    """The page's words for the page classifier's linear half, each prefixed by
    where it was seen: ``u:`` the URL path, ``t:`` the title, ``og:`` and ``ld:``
    the declared types, ``w:`` the words (3 letters or more) of the page's blocks,
    ``c:`` the class and id words of its elements
    (:func:`~crawler.extraction.segment.page_class_words`).
    A set: the model counts presence, not frequency."""
    path, _ = _url_parts(url)
    tokens = {f"u:{w}" for part in path for w in _TOKEN_WORD.findall(part.lower())}
    tokens.update(f"t:{w}" for w in _TOKEN_WORD.findall((title or "").lower()))
    if og_type:
        tokens.add(f"og:{og_type.strip().lower()}")
    tokens.update(f"ld:{t.strip().lower()}" for t in ld_types if t)
    tokens.update(f"w:{w}" for s in segments for w in s.words if len(w) > 2 and w.isalpha())
    tokens.update(f"c:{w}" for w in class_words)
    return tokens
