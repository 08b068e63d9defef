"""What the spider hands to the pipelines: one fetched HTML page, raw."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(kw_only=True)
class Page:
    """A fetched page before extraction. The extraction pipeline turns it into
    an article record (a ``dict`` in the schema's field order) or drops it."""

    url: str
    status: int
    body: bytes = field(repr=False)
    content_type: str | None
    fetched_at: datetime
    warc: dict[str, Any] | None = None
    request_url: str | None = None
    meta: dict[str, Any] = field(default_factory=dict, repr=False)
