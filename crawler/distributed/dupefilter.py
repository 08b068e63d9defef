"""The shared dupefilter, keyed by our request fingerprints (tracking
parameters and fragments removed), not scrapy-redis's own."""

from __future__ import annotations

from scrapy_redis.dupefilter import RFPDupeFilter

from crawler.frontier.fingerprint import CanonicalRequestFingerprinter
from crawler.frontier.urls import UrlCleaner


class CanonicalRedisDupeFilter(RFPDupeFilter):
    fingerprinter = CanonicalRequestFingerprinter(UrlCleaner())

    @classmethod
    def from_spider(cls, spider):  # noqa: ANN001, ANN206 - scrapy-redis hook
        df = super().from_spider(spider)
        df.fingerprinter = CanonicalRequestFingerprinter.from_crawler(spider.crawler)
        return df

    def request_fingerprint(self, request) -> str:  # noqa: ANN001
        return self.fingerprinter.fingerprint(request).hex()

    def close(self, reason: str = "") -> None:
        """Keep the fingerprints: other workers share them."""
