"""The frontier: what a crawl fetches, each URL once (URL cleaning and keys,
request fingerprints, the disk-backed seen set, the dupefilter, Scrapy's
scheduler with its guarded disk queue)."""
