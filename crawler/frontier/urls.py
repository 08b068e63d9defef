"""URL canonicalization: one page, one key.

``clean_url`` gives the URL we fetch: tracking parameters and the fragment
removed, scheme and host lower-cased, default port dropped. ``url_key`` gives
the de-duplication key: ``clean_url`` then w3lib's canonical form (sorted
query, normalised percent-encoding).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

DEFAULT_TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
     "mc_cid", "mc_eid", "_ga", "_gl", "igshid"}
)
DEFAULT_TRACKING_PREFIXES = ("utm_",)
_DEFAULT_PORTS = {"http": 80, "https": 443}


#: What the URL standard strips from both ends of a URL (str.strip() would also
#: take U+0085 or U+00A0 off the end of a path: a second clean changed the URL).
_C0_OR_SPACE = "".join(map(chr, range(0x21)))


class InvalidUrl(ValueError):
    """A string that cannot be parsed as a URL (bad port, bad IPv6 brackets, a
    host that is not valid after normalization, a lone surrogate); the message
    names the URL. The only exception :class:`UrlCleaner` raises."""


class UrlCleaner:
    """Removes tracking parameters and fragments; built once from settings."""

    def __init__(
        self,
        params: Iterable[str] = DEFAULT_TRACKING_PARAMS,
        prefixes: Iterable[str] = DEFAULT_TRACKING_PREFIXES,
    ) -> None:
        self.params = frozenset(p.lower() for p in params)
        self.prefixes = tuple(p.lower() for p in prefixes)

    def is_tracking(self, name: str) -> bool:
        name = name.lower()
        return name in self.params or name.startswith(self.prefixes)

    def clean(self, url: str) -> str:
        """``url`` without tracking parameters and fragment, scheme and host
        lower-cased, default port dropped. Raises :class:`InvalidUrl`."""
        try:
            return self._clean(url)
        except ValueError as exc:  # urllib: port, IPv6 brackets, NFKC-invalid host
            raise InvalidUrl(f"not a valid URL: {url!r} ({exc})") from None

    def _clean(self, url: str) -> str:
        parts = urlsplit(url.strip(_C0_OR_SPACE))
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").rstrip(".")
        netloc = host
        if parts.port is not None and _DEFAULT_PORTS.get(scheme) != parts.port:
            netloc = f"{host}:{parts.port}"
        if ":" in host and not host.startswith("["):
            netloc = f"[{host}]" + netloc[len(host):]
        if parts.username or parts.password:
            netloc = f"{parts.netloc.rpartition('@')[0]}@{netloc}"
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            kept = [(k, v) for k, v in pairs if not self.is_tracking(k)]
            if len(kept) != len(pairs):
                query = urlencode(kept)
        return urlunsplit((scheme, netloc, parts.path or "/", query, ""))

    def key(self, url: str) -> str:
        """The de-duplication key. Raises :class:`InvalidUrl`."""
        return _canonical(self.clean(url))

    def clean_and_key(self, url: str) -> tuple[str, str]:
        """Both at once, cleaning only once. Raises :class:`InvalidUrl`."""
        clean = self.clean(url)
        return clean, _canonical(clean)


def _canonical(url: str) -> str:
    try:
        return canonicalize_url(url)
    except ValueError as exc:  # w3lib: a lone surrogate (UnicodeEncodeError), an IDNA failure
        raise InvalidUrl(f"not a valid URL: {url!r} ({exc})") from None


_default = UrlCleaner()


def clean_url(url: str) -> str:
    """The URL to fetch, with the default tracking-parameter list."""
    return _default.clean(url)


def url_key(url: str) -> str:
    """The de-duplication key of a URL, with the default tracking-parameter list."""
    return _default.key(url)


def is_http_url(url: str) -> bool:
    """An absolute http(s) URL with a host and a valid port, if any."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # bad port or IPv6 brackets, NFKC-invalid host
        return False


def ascii_host(host: str) -> str:
    """A host name as requests carry it: lower case, non-ASCII labels in IDNA
    (``bücher.example`` -> ``xn--bcher-kva.example``), as w3lib encodes them."""
    host = host.lower()
    if host.isascii():
        return host
    try:
        return unicodedata.normalize("NFKC", host).encode("idna").decode("ascii")
    except UnicodeError:  # not a valid IDN: kept as written
        return host


def site_of(url: str) -> str:
    """The site a URL belongs to for scope: its host (in ASCII, see
    :func:`ascii_host`) without a leading ``www.``; ``""`` for a URL that
    cannot be parsed."""
    try:
        host = ascii_host(urlsplit(url).hostname or "")
    except ValueError:  # bad IPv6 brackets, NFKC-invalid host
        return ""
    return host[4:] if host.startswith("www.") else host


# a dot segment, a backslash, whitespace, a control character or an empty query
# or fragment (urljoin drops those): urljoin's job
_NEEDS_URLJOIN = re.compile(r"/\.|\\|[\x00-\x20\x7f]|\?(?:#|$)|#$")
_NETLOC = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([^/?#]*)")


class UrlJoiner:
    """``urljoin(base, href)`` for the links of one page, with fast paths for
    the common shapes (absolute http(s), ``//host/...``, ``/path``) that give
    what ``urljoin`` gives; anything unusual goes to ``urljoin``."""

    def __init__(self, base: str) -> None:
        self.base = base
        parts = urlsplit(base)
        self.scheme = parts.scheme
        self.origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else None

    def join(self, href: str) -> str:
        """The absolute URL of ``href``; ``""`` when urljoin cannot parse it
        (a hostile link: bad IPv6 brackets, NFKC-invalid host)."""
        if _NEEDS_URLJOIN.search(href) is None:
            if href.startswith(("http://", "https://")):
                return href
            if href.startswith("//"):
                if self.scheme in ("http", "https") and href[2:3] not in ("", "/"):
                    return f"{self.scheme}:{href}"
            elif href.startswith("/") and self.origin is not None:
                return self.origin + href
        try:
            return urljoin(self.base, href)
        except ValueError:
            return ""


def netloc_of(url: str) -> str:
    """The ``host[:port]`` part of an absolute URL as written, cheaply (no
    parsing beyond the authority): a memo key for per-host decisions."""
    m = _NETLOC.match(url)
    return m.group(1).rpartition("@")[2] if m else ""
