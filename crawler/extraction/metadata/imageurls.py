"""Which image an ``<img>`` shows, and whether it is a picture at all.

**An image's URL** (:func:`image_url`) is the best the markup offers, made
absolute against the page's ``<base href>`` or URL: the largest candidate of
its ``srcset`` (its ``data-srcset``, and the ``<source>`` elements of its
``<picture>``), by width descriptor, else by density; else a lazy-loading
attribute (``data-src``, ``data-lazy-src``, ``data-original`` ...); else
``src``. Placeholders are never taken (``data:`` URIs, ``blank.gif``,
``spacer``, ``placeholder``, ``lazy`` file names): a lazy image whose only real
URL sits in the ``<noscript>`` after it takes that one.

**One image, many URLs** (:func:`image_key`): scheme, fragment, query
parameters that only ask for a size, and a size in the file name
(``a-1024x683.jpg``) do not make another image.

**Not an article image** (:func:`is_furniture_url`, :func:`is_icon`): a URL
naming a logo, icon, favicon, avatar, author or profile picture, sprite, emoji,
badge or placeholder (as a word of its path), a tracking pixel
(``pixel``/``spacer``/``1x1`` files, ad and counter hosts, gravatar); an
``<img>`` declared :data:`ICON_PX` px or less wide or high; an ``<img>`` whose
own class or id, or that of an element between it and its block element, names
a logo, icon, avatar, emoji, author or profile picture.

Pure: reads the tree, never changes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

from lxml import etree

from crawler.extraction.markup import AD_HOSTS
from crawler.extraction.metadata.elements import path_up
from crawler.extraction.metadata.links import absolute
from crawler.extraction.segment import class_tokens

#: An image declared this size or smaller (either side, in px) is an icon.
ICON_PX = 50

#: The elements that are images.
IMAGE_TAGS = ("img", "amp-img")
_SRCSET_ATTRS = ("srcset", "data-srcset", "data-lazy-srcset")
_LAZY_ATTRS = ("data-src", "data-lazy-src", "data-original", "data-lazy", "data-url",
               "data-hi-res-src", "data-full-src", "data-src-large")
#: Words of an image's file name that name something other than an article image ...
_FURNITURE_WORDS = frozenset(
    "logo logos favicon favicons icon icons sprite sprites avatar avatars gravatar emoji "
    "emojis smilies smiley badge badges placeholder placeholders spacer spacers 1x1 "
    "lazyload".split())
#: ... and, in its folders, these too ("/authors/jane.jpg", "/profile_images/").
_FURNITURE_FOLDERS = _FURNITURE_WORDS | frozenset(
    "author authors profile profiles headshot headshots blank".split())
#: File names (without extension) of tracking pixels and placeholders.
_PIXEL_STEMS = frozenset(
    "pixel px spacer blank transparent clear trans empty shim dot 1x1 t p b s "
    "tracking tracker beacon lazy loading loader spinner grey gray white".split())
_PIXEL_HOSTS = re.compile(r"(?:^|\.)(?:pixel|gravatar|scorecardresearch|quantserve|"
                          r"facebook\.com|analytics|stats)\b", re.I)
#: Class/id words of an image (or an inline element around it) that is no
#: article image.
_ICON_CLASSES = frozenset(
    "logo icon icons avatar avatars emoji smiley sprite badge favicon gravatar "
    "author authors byline profile headshot mugshot spinner loader pixel spacer".split())
_SIZE_PARAMS = frozenset("w h width height resize fit crop quality q auto dpr format fm "
                         "size sz strip".split())
#: A size in an image's file name ("photo-220x124.jpg", WordPress' thumbnails) ...
_URL_SIZE = re.compile(r"[-_](\d{2,4})x\d{2,4}(?=[-_.]|$)")
#: ... just before the extension, where it names one size of an image.
_FILE_SIZE = re.compile(r"[-_]\d{2,4}x\d{2,4}(?=\.\w+$)")
_IMAGE_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|bmp|tiff?|svg)$", re.I)
_WORD = re.compile(r"[a-z0-9]+")
_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*$", re.I)
_SRCSET_URL = re.compile(r"[\s,]*(\S+)")
_SRCSET_DESCRIPTORS = re.compile(r"[^,]*")


def _srcset(value: str) -> Iterator[tuple[str, float, float]]:
    """(url, width, density) of each candidate of a ``srcset`` (the HTML
    standard's parsing: a URL is a run of non-space characters, which may hold
    commas; its descriptors run to the next comma)."""
    pos = 0
    while m := _SRCSET_URL.match(value, pos):
        url, pos = m.group(1), m.end()
        descriptors = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            d = _SRCSET_DESCRIPTORS.match(value, pos)
            assert d is not None  # [^,]* always matches
            descriptors, pos = d.group(), d.end()
        if not url:
            continue
        width = density = 0.0
        for token in descriptors.split():
            unit = token[-1:].lower()
            try:
                if unit == "w":
                    width = float(token[:-1])
                elif unit == "x":
                    density = float(token[:-1])
            except ValueError:
                pass
        yield url, width, density or 1.0


def is_furniture_url(url: str) -> bool:
    """Whether a URL names a logo, icon, avatar, sprite, placeholder or tracking
    pixel rather than a picture (the words of its path, its host)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return True
    if AD_HOSTS.search(parts.netloc) or _PIXEL_HOSTS.search(parts.netloc):
        return True
    path = parts.path.lower()
    directory, _, name = path.rpartition("/")
    stem = _IMAGE_EXT.sub("", name)
    if stem in _PIXEL_STEMS or (not stem and not directory.strip("/")):
        return True
    return (any(w in _FURNITURE_FOLDERS or w.startswith("logo") for w in _WORD.findall(directory))
            or any(w in _FURNITURE_WORDS or w.startswith("logo") for w in _WORD.findall(stem)))


def _usable(url: str | None) -> bool:
    return url is not None and not is_furniture_url(url)


def _picture(img: etree._Element) -> etree._Element | None:
    """The ``<picture>`` of an image (the HTML parser may nest the image in
    the ``<source>`` elements before it)."""
    for node in img.iterancestors():
        if node.tag == "picture":
            return node
        if node.tag != "source":
            return None
    return None


def image_url(img: etree._Element, base: str | None) -> tuple[str | None, float]:
    """The image's best URL (module docstring) and the largest width its
    ``srcset`` declares (0 when none)."""
    sets = [v for a in _SRCSET_ATTRS if (v := img.get(a))]
    picture = _picture(img)
    if picture is not None:
        sets += [v for source in picture.iter("source")
                 for a in _SRCSET_ATTRS if (v := source.get(a))]
    candidates = sorted(((width, density, raw) for value in sets
                         for raw, width, density in _srcset(value)),
                        key=lambda c: (-c[0], -c[1]))
    for width, _, raw in candidates:  # the largest usable, the first of equals
        url = absolute(raw, base)
        if url is not None and _usable(url):
            return url, width
    for attr in (*_LAZY_ATTRS, "src"):
        url = absolute(img.get(attr), base)
        if _usable(url):
            return url, 0.0
    after = img.getnext()
    if after is not None and after.tag == "noscript":
        for inner in after.iter("img"):
            url = absolute(inner.get("src"), base)
            if _usable(url):
                return url, 0.0
    return None, 0.0


def px(value: object) -> float | None:
    """A declared size in px (``640``, ``"640px"``, a schema.org
    QuantitativeValue); None when it is none."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        m = _NUMBER.match(value)
        return float(m.group(1)) if m else None
    if isinstance(value, dict):  # schema.org QuantitativeValue
        return px(value.get("value"))
    return None


def is_small(width: float | None, height: float | None) -> bool:
    """Whether a declared side is :data:`ICON_PX` or less (an icon's size)."""
    return any(side is not None and side <= ICON_PX for side in (width, height))


def image_key(url: str) -> str:
    """What makes two URLs one image: scheme, fragment, size-only query
    parameters and a size in the file name left out (``a.jpg?w=300``,
    ``a.jpg?w=1200`` and ``a-1024x683.jpg`` are one image)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    kept = "&".join(f"{k}={v}" for k, v in query if k.lower() not in _SIZE_PARAMS)
    return f"{parts.netloc.lower()}{_FILE_SIZE.sub('', parts.path)}?{kept}"


def named_width(url: str) -> int | None:
    """The width a size in the URL's file name gives (``photo-220x124.jpg``:
    220, WordPress' thumbnails); None when it names none."""
    named = _URL_SIZE.search(urlsplit(url).path)
    return int(named.group(1)) if named else None


def is_icon(img: etree._Element, block: etree._Element) -> bool:
    """An icon, avatar, emoji or logo by its declared size or the class words of
    the image and the inline elements up to its block element."""
    if is_small(px(img.get("width")), px(img.get("height"))):
        return True
    for node in path_up(img, block.getparent()):
        if node is not img and node.tag in ("picture", "source"):
            continue
        if not _ICON_CLASSES.isdisjoint(class_tokens(node)):
            return True
    return False

