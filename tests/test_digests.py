"""Block and payload digests of records (``crawler/warc/digests.py``): a real
chunked record from warcprox 1.4 (warcio's fixture), its block fed in pieces of
every size; the same payload digested de-chunked, as the WARC spec, warcprox
2.x and Heritrix 3 write it; digest fields that cannot be checked."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders

from crawler.warc.digests import CHUNKED, DECHUNKED, Digests, DigestSyntaxError, parse_digest
from crawler.warc.walk import stored_records
from tests.conftest import DATA

CHUNKED_WARC = DATA / "foreign" / "warcio" / "example-iana.org-chunked.warc"


def the_response(path: Path) -> tuple[StatusAndHeaders, bytes]:
    """The headers and block of the response record of ``path``."""
    with open(path, "rb") as f:
        for stored in stored_records(f, lambda record: record.raw_stream.read()):
            if stored.record.rec_type == "response":
                return stored.record.rec_headers, stored.block
    raise AssertionError("no response")


def dechunk(body: bytes) -> bytes:
    out, pos = b"", 0
    while True:
        end = body.index(b"\r\n", pos)
        size = int(body[pos:end].split(b";")[0], 16)
        if not size:
            return out
        out += body[end + 2: end + 2 + size]
        pos = end + 2 + size + 2


def sha1(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def digests_of(headers: StatusAndHeaders, block: bytes, piece: int) -> Digests:
    digests = Digests(headers, "response", headers.get_header("WARC-Target-URI"), len(block))
    for at in range(0, len(block), piece):
        digests.feed(block[at: at + piece])
    return digests


@pytest.mark.parametrize("piece", [1, 2, 7, 100, 4096, 1 << 20])
def test_either_convention_matches_in_pieces_of_any_size(piece: int) -> None:
    headers, block = the_response(CHUNKED_WARC)
    digests = digests_of(headers, block, piece)
    assert digests.finish() == [] and digests.convention == CHUNKED  # as warcprox 1.4 wrote it
    payload = dechunk(block.split(b"\r\n\r\n", 1)[1])
    assert b"</html>" in payload and b"\r\n0\r\n" not in payload
    headers.replace_header("WARC-Payload-Digest", sha1(payload))
    headers.remove_header("WARC-Block-Digest")
    digests = digests_of(headers, block, piece)
    assert digests.finish() == [] and digests.convention == DECHUNKED


def test_a_digest_matching_neither_names_both() -> None:
    headers, block = the_response(CHUNKED_WARC)
    headers.replace_header("WARC-Payload-Digest", sha1(b"something else"))
    problems = digests_of(headers, block, 1000).finish()
    payload = block.split(b"\r\n\r\n", 1)[1]
    assert problems == [f"payload digest {sha1(b'something else')} matches neither the "
                        f"de-chunked payload ({sha1(dechunk(payload))}) nor the chunked bytes "
                        f"({sha1(payload)})"]


def test_a_changed_block_fails_its_block_digest() -> None:
    headers, block = the_response(CHUNKED_WARC)
    changed = block.replace(b"Assigned Numbers", b"Assigned Letters")
    problems = digests_of(headers, changed, 512).finish()
    assert problems[0].startswith(f"block digest {headers.get_header('WARC-Block-Digest')} "
                                  "does not match the block (sha1:")
    assert "matches neither" in problems[1]


@pytest.mark.parametrize(("value", "parsed"), [
    (" sha1:DOJRBNCFHBFA6HJ4IW4Q4I2G2YELY46X", ("sha1", "DOJRBNCFHBFA6HJ4IW4Q4I2G2YELY46X")),
    ("SHA-256:abc", ("sha256", "abc")),
])
def test_digest_fields(value: str, parsed: tuple[str, str]) -> None:
    assert parse_digest("WARC-Block-Digest", value) == parsed


@pytest.mark.parametrize(("value", "problem"), [
    ("sha1:    ", "WARC-Payload-Digest 'sha1:' is not algorithm:value"),
    ("    :2WAXX5NUWNNCS2BDKCO5OVDQBJVNKIVV", "is not algorithm:value"),
    ("monkeypowah!", "WARC-Payload-Digest 'monkeypowah!' is not algorithm:value"),
    ("rot13:abc", "WARC-Payload-Digest 'rot13:abc': unknown algorithm 'rot13'"),
])
def test_digest_fields_that_cannot_be_checked(value: str, problem: str) -> None:
    with pytest.raises(DigestSyntaxError, match=problem.replace("(", r"\(")):
        parse_digest("WARC-Payload-Digest", value)
