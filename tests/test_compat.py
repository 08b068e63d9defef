"""crawler.compat: the Scrapy internals the crawler uses, checked at start-up
and each exercised against the real engine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crawler import compat
from tests.conftest import ROOT, resource_record

ENGINE_SCRIPT = r'''
import json, sys
from scrapy import Request, Spider, signals
from scrapy.crawler import CrawlerProcess
from crawler import compat

seen = {"done": [], "during": {}}

class Probe(Spider):
    name = "probe"

    async def start(self):
        for path in ("/", "/articles/library.html", "/missing.html"):
            yield Request(sys.argv[1] + path, dont_filter=True)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.opened, signal=signals.spider_opened)
        return spider

    def opened(self):
        compat.on_request_done(self.crawler, lambda r: seen["done"].append(r.url))

    def parse(self, response):
        seen["during"] = {"closing": compat.engine_closing(self.crawler),
                          "scheduler": type(compat.running_scheduler(self.crawler)).__name__}
        compat.wake_engine(self.crawler)

process = CrawlerProcess({"LOG_LEVEL": "ERROR", "HTTPERROR_ALLOW_ALL": True,
                          "ROBOTSTXT_OBEY": False, "TELNETCONSOLE_ENABLED": False})
crawler = process.create_crawler(Probe)
process.crawl(crawler)
process.start()
seen["after"] = {"closing": compat.engine_closing(crawler)}
print(json.dumps(seen))
'''


def test_every_internal_the_crawler_uses_is_there() -> None:
    compat.check()


def test_a_missing_internal_stops_with_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compat, "INTERNALS", (*compat.INTERNALS,
                                              ("scrapy.core.engine", "_Slot.gone"),))
    with pytest.raises(compat.CompatError, match=r"scrapy\.core\.engine\._Slot\.gone is gone"):
        compat.check()
    monkeypatch.setattr(compat, "INTERNALS", (("scrapy.core.scheduler", "Scheduler._nope"),))
    with pytest.raises(compat.CompatError, match=r"Scheduler\._nope is gone"):
        compat.check()


def test_each_use_against_the_real_engine(mockserver, tmp_path: Path) -> None:
    script = tmp_path / "probe.py"
    script.write_text(ENGINE_SCRIPT, "utf-8")
    result = subprocess.run([sys.executable, str(script), mockserver.url("").rstrip("/")],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    # every request reported done once, the 404 included
    assert sorted(u.rsplit("/", 1)[-1] for u in seen["done"]) == ["", "library.html",
                                                                  "missing.html"]
    assert seen["during"] == {"closing": False, "scheduler": "Scheduler"}
    assert seen["after"] == {"closing": True}


def test_the_disk_queue_hooks_wrap_scrapys_push_and_pop() -> None:
    cls = compat.disk_queue_scheduler()
    calls = []

    class Recording(cls):  # type: ignore[misc, valid-type]
        def disk_push(self, request, push):
            calls.append("push")
            return False

        def disk_pop(self, pop):
            calls.append("pop")
            return None

    scheduler = Recording.__new__(Recording)
    assert scheduler._dqpush(object()) is False and scheduler._dqpop() is None
    assert calls == ["push", "pop"]


def test_the_warcio_internals_are_there_and_a_missing_one_is_named(
        monkeypatch: pytest.MonkeyPatch) -> None:
    compat.check_warcio()
    import warcio.bufferedreaders

    monkeypatch.delattr(warcio.bufferedreaders, "sys")
    with pytest.raises(compat.CompatError, match=r"warcio\.bufferedreaders\.sys is gone"):
        compat.check_warcio()


def test_a_missing_warcio_header_decoder_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from warcio.statusandheaders import StatusAndHeadersParser

    monkeypatch.delattr(StatusAndHeadersParser, "decode_header")
    with pytest.raises(compat.CompatError, match=r"StatusAndHeadersParser\.decode_header is gone"):
        compat.check_warcio()


def test_warcios_header_decoder_lets_ctrl_c_through_and_decodes_as_before(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    import warcio.statusandheaders as sah

    compat.install_warcio()
    parser = sah.StatusAndHeadersParser(["WARC/1.0"])
    headers = parser.parse(io.BytesIO(
        b"WARC/1.0\r\nWARC-Type: resource\r\nX-Utf8: caf\xc3\xa9\r\nX-Latin1: caf\xe9\r\n\r\n"))
    assert headers.get_header("X-Utf8") == "caf\u00e9" == headers.get_header("X-Latin1")

    real = sah.to_native_str
    calls: list[str] = []

    def interrupted_once(value: bytes, encoding: str = "utf-8") -> str:
        calls.append(encoding)
        if len(calls) == 1:  # Ctrl-C while decoding the first line
            raise KeyboardInterrupt
        return real(value, encoding)  # type: ignore[no-any-return]

    monkeypatch.setattr(sah, "to_native_str", interrupted_once)
    with pytest.raises(KeyboardInterrupt):  # warcio's own decoder went on, in ISO-8859-1
        parser.parse(io.BytesIO(b"WARC/1.0\r\n\r\n"))
    assert calls == ["utf-8"]


def test_warcio_is_checked_once_not_at_every_record(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The check reads warcio's source (~20 ms); run at every record, as it
    was, it made ``crawler check`` 45 times slower (2,000 records: 25 s, now
    0.6 s)."""
    import gzip

    from crawler.warc.check import check_warc

    checks: list[None] = []
    real = compat.check_warcio
    monkeypatch.setattr(compat, "check_warcio", lambda: checks.append(real()))
    compat.install_warcio.cache_clear()
    archive = tmp_path / "fifty.warc.gz"
    archive.write_bytes(b"".join(gzip.compress(resource_record(n)) for n in range(50)))
    assert list(check_warc(archive)) == []
    compat.install_warcio()
    assert len(checks) == 1


#: Reads a WARC's records over and over, counting the Ctrl-Cs that reach it;
#: each new count is written (from inside the ``try``, so that a Ctrl-C while
#: writing is counted too).
READ_FOREVER = """
import io, signal, sys
from crawler import compat
from warcio.archiveiterator import ArchiveIterator
signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with it ignored
compat.install_warcio()
data = sys.stdin.buffer.read()
caught, reported = 0, -1
while True:
    try:
        while True:
            if caught != reported:
                reported = caught
                sys.stdout.write(f"{caught}\\n"); sys.stdout.flush()
            for record in ArchiveIterator(io.BytesIO(data)):
                record.content_stream().read()
    except KeyboardInterrupt:
        caught += 1
"""


def test_no_ctrl_c_is_lost_while_warcio_reads_records(tmp_path: Path) -> None:
    """100 SIGINTs, each sent once the one before has been counted, and landing
    wherever the reader is; most of its time is in warcio's header parsing,
    whose bare ``except:`` swallowed 1 to 6 of 100 in each of four runs
    without the fix."""
    import select
    import signal

    extra = b"".join(b"X-%d: v\r\n" % i for i in range(30))
    data = b"".join(resource_record(n).replace(b"Content-Type:", extra + b"Content-Type:")
                    for n in range(200))
    errors = tmp_path / "stderr"
    with errors.open("wb") as stderr:
        reader = subprocess.Popen([sys.executable, "-c", READ_FOREVER], cwd=ROOT,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
    try:
        assert reader.stdin is not None and reader.stdout is not None
        reader.stdin.write(data)
        reader.stdin.close()
        assert reader.stdout.readline() == b"0\n", errors.read_text()[-2000:]
        counted = lost = 0
        for _ in range(100):
            reader.send_signal(signal.SIGINT)
            if select.select([reader.stdout], [], [], 5.0)[0]:
                line = reader.stdout.readline()
                assert line, errors.read_text()[-2000:]  # the reader died
                assert int(line) == counted + 1
                counted += 1
            else:
                lost += 1
        assert (counted, lost) == (100, 0)
    finally:
        reader.kill()
        reader.wait()
        if reader.stdout is not None:
            reader.stdout.close()


def test_warcios_stderr_warnings_go_to_the_log_and_a_one_stream_gzip_is_seen(
        capsys: pytest.CaptureFixture[str]) -> None:
    """A record not followed by its blank lines (warcio warns on stderr), and a
    plain WARC gzipped as one stream (its second record is in the first member)."""
    import gzip
    import io

    from warcio.archiveiterator import ArchiveIterator

    plain = resource_record(1) + resource_record(2)
    logged: list[str] = []
    compat.route_warcio_warnings(logged.append)
    try:
        broken = plain.replace(b"\r\n\r\nWARC/1.0", b"junk\r\n\r\n\r\nWARC/1.0", 1)
        assert len(list(ArchiveIterator(io.BytesIO(broken)))) == 2
        assert logged and "not followed by newline" in logged[0]
        assert capsys.readouterr().err == ""
        with compat.warcio_warnings_to(lambda line: None):  # a reader that counts them
            assert len(list(ArchiveIterator(io.BytesIO(broken)))) == 2
        assert len(logged) == 1 and capsys.readouterr().err == ""
        for data, goes_on in ((gzip.compress(plain), True),
                              (gzip.compress(resource_record(1)) + gzip.compress(
                                  resource_record(2)), False)):
            records = ArchiveIterator(io.BytesIO(data))
            next(iter(records))
            records.get_record_length()  # reads the record to its end, as the reader does
            assert compat.gzip_member_goes_on(records) is goes_on
    finally:
        from crawler.warc import archives  # put the reader's routing back

        compat.route_warcio_warnings(lambda line: archives.logger.warning("warcio: %s", line))
