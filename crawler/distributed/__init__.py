"""Distributed crawling on scrapy-redis: one shared frontier in Redis, any
number of workers. See docs/distributed.md."""
