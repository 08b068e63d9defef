"""A DNS resolver for crawls in tests: every ``*.localhost`` name is 127.0.0.1
(RFC 6761, section 6.3, as browsers resolve them), so a page on an IDN host such
as ``bücher.localhost`` can be fetched from the mock site offline; this machine's
resolver does not know those names. Anything else goes to Scrapy's resolver.
Use it with ``-s DNS_RESOLVER=tests.localhost_resolver.LocalhostResolver``."""

from __future__ import annotations

from collections.abc import Sequence

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer


class LocalhostResolver(CachingThreadedResolver):
    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:
        if name == "localhost" or name.endswith(".localhost"):
            return defer.succeed("127.0.0.1")
        return super().getHostByName(name, timeout)
