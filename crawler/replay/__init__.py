"""Replay of a crawl's WARC captures: pywb (``crawler serve``) and WACZ
packages for ReplayWeb.page (``crawler wacz``)."""
