"""The article record: one JSON object per article, documented in docs/schema.md.

``Article`` is the single definition of the record's fields and their order;
``article.schema.json`` beside this module is the published JSON Schema that
every record validates against. Missing values are ``None`` (JSON ``null``),
never omitted and never ``""``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

SCHEMA_VERSION = "2.0"


@dataclass(frozen=True, kw_only=True)
class WarcPointer:
    """Where the page's WARC ``response`` record is: seek to ``offset`` in
    ``filename`` (relative to the folder holding the JSON lines file, or
    absolute) and the next ``length`` bytes are that record."""

    filename: str
    offset: int
    length: int
    record_id: str


@dataclass(frozen=True, kw_only=True)
class ExtractorInfo:
    name: str
    version: str


@dataclass(kw_only=True)
class Article:
    """One article. Field formats are documented in docs/schema.md."""

    url: str
    canonical_url: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    publisher: str | None = None
    published: str | None = None
    published_source: str | None = None
    modified: str | None = None
    modified_source: str | None = None
    sitename: str | None = None
    language: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    #: ``{"url", "caption", "credit"}`` objects.
    images: list[dict[str, Any]] = field(default_factory=list)
    text: str | None = None
    comments: str | None = None
    #: ``{"url", "text"}`` objects.
    links: list[dict[str, Any]] = field(default_factory=list)
    #: ``{"language", "url"}`` objects.
    alternates: list[dict[str, Any]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    fetched_at: str | None = None
    status: int | None = None
    warc: WarcPointer | None = None
    extractor: ExtractorInfo | None = None
    reason: str | None = None
    version: int | None = None
    previous: dict[str, Any] | None = None
    changed_fields: list[str] | None = None
    #: Not part of the record: the body's blocks, for site-template learning.
    blocks: list[Any] = field(default_factory=list, repr=False, compare=False,
                              metadata={"internal": True})
    #: Not part of the record: validators and WARC record of the capture (job state).
    capture: Any = field(default=None, repr=False, compare=False, metadata={"internal": True})

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {}
        for f in fields(self):
            if f.metadata.get("internal"):
                continue
            value = getattr(self, f.name)
            if f.name in ("warc", "extractor") and value is not None:
                value = asdict(value)
            elif isinstance(value, (list, tuple)):
                value = [dict(v) if isinstance(v, dict) else v for v in value]
            record[f.name] = value
        record["schema_version"] = SCHEMA_VERSION
        return record

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))


@cache
def json_schema() -> dict[str, Any]:
    """The published JSON Schema (draft 2020-12) of an article record."""
    text = resources.files(__package__).joinpath("article.schema.json").read_text("utf-8")
    return json.loads(text)


def validator() -> Draft202012Validator:
    # jsonschema is imported lazily, only where validation is used
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(json_schema(), format_checker=FormatChecker())
