#!/usr/bin/env bash
# Re-make the archives of tests/data/foreign/ that were written here (see README.md).
# Each tool runs from its own venv under $VENVS (made on first use, versions pinned),
# against the demo site served by site.py on 127.0.0.2. Run from anywhere:
#   bash tests/data/foreign/make/make.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="$(dirname "$HERE")"
ROOT="$(cd "$OUT/../../.." && pwd)"
PY="${PYTHON:-$ROOT/.venv/bin/python}"           # the project's Python (warcio) for the site and CC-NEWS
[ -x "$PY" ] || PY=/work/main/.venv/bin/python
VENVS="${VENVS:-/tmp/foreign-venvs}"
WARCPROX=warcprox==2.13.1 WARCIT=warcit==0.4.0 WACZ=wacz==0.6.0
WORK="$(mktemp -d)"
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

venv() {  # venv NAME REQUIREMENT: the venv's bin folder, made on first use
    if [ ! -x "$VENVS/$1/bin/python" ]; then
        python3 -m venv "$VENVS/$1"
        "$VENVS/$1/bin/pip" install -q "$2" >&2
    fi
    echo "$VENVS/$1/bin"
}
wait_port() { for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.2; done; return 1; }

# the site
"$PY" "$HERE/site.py" > "$WORK/site.url" & PIDS+=($!)
for _ in $(seq 50); do [ -s "$WORK/site.url" ] && break; sleep 0.2; done
BASE="$(cat "$WORK/site.url")"
PAGES=(2026/11/harbour-bridge-reopens.html 2026/11/storm-ingrid-closes-ferry-routes.html
       2026/10/dockworkers-end-strike.html 2026/10/open-source-weather-buoy.html)
for p in "${PAGES[@]}" latest no-such-page.html static/gazette.css; do echo "$BASE/$p"; done > "$WORK/urls.txt"

# other tools' test fixtures (Apache-2.0: warcio, jwat; MIT: node-warc), as they are, except:
# example-bad.warc.gz.bad (no tool reads that name as an archive; example-bad-non-chunked is the
# same case) and jwat's 2.5 MB Heritrix 1.14 WARC/0.17 file, cut after its first 152 records
SHARED="${SHARED:-$ROOT/../shared/foreign-archives}"
[ -d "$SHARED" ] || SHARED=/work/shared/foreign-archives
for src in warcio jwat nodewarc; do
    mkdir -p "$OUT/$src" && rm -f "$OUT/$src"/*
    cp "$SHARED/$src"/* "$OUT/$src/" && chmod u+w "$OUT/$src"/*
done
rm "$OUT/warcio/example-bad.warc.gz.bad" "$OUT/jwat/IAH-20080430204825-00000-blackbook.warc.gz"
head -c 295160 "$SHARED/jwat/IAH-20080430204825-00000-blackbook.warc.gz" \
    > "$OUT/jwat/IAH-20080430204825-00000-blackbook-first152.warc.gz"

# wget: a first run with a CDX, a second that deduplicates against it (revisit records)
mkdir -p "$OUT/wget" && cd "$WORK"
rm -f "$OUT"/wget/*
wget -q --warc-file=wget --warc-cdx -nd -P dl1 -i urls.txt || [ $? -eq 8 ]   # 8: the 404
wget -q --warc-file=wget-dedup --warc-dedup=wget.cdx -nd -P dl2 -i urls.txt || [ $? -eq 8 ]
cp wget.warc.gz wget-dedup.warc.gz "$OUT/wget/"

# warcprox: pages fetched through it with curl, as plain and as gzip (--compressed), one twice (revisit)
BIN="$(venv warcprox "$WARCPROX")"
PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
mkdir -p "$WORK/wp"
"$BIN/warcprox" -b 127.0.0.1 -p "$PORT" -d "$WORK/wp" -n warcprox -z \
    --dedup-db-file "$WORK/wp/dedup.sqlite" --certs-dir "$WORK/wp/certs" -c "$WORK/wp/ca.pem" \
    > "$WORK/wp/log" 2>&1 & WPPID=$!; PIDS+=($WPPID)
wait_port "$PORT"
curl -sf -o /dev/null -x "http://127.0.0.1:$PORT" "$BASE/${PAGES[0]}"
curl -sf -o /dev/null -x "http://127.0.0.1:$PORT" --compressed "$BASE/${PAGES[1]}"
curl -sf -o /dev/null -x "http://127.0.0.1:$PORT" --compressed "$BASE/${PAGES[2]}"
curl -sf -o /dev/null -x "http://127.0.0.1:$PORT" "$BASE/latest"
curl -sf -o /dev/null -x "http://127.0.0.1:$PORT" "$BASE/${PAGES[0]}"   # again: a revisit
sleep 2
kill -TERM "$WPPID"; wait "$WPPID" || true
mkdir -p "$OUT/warcprox" && rm -f "$OUT"/warcprox/*
cp "$(ls "$WORK"/wp/warcprox-*.warc.gz | head -1)" "$OUT/warcprox/warcprox.warc.gz"

# warcit: a folder of saved pages as resource records
BIN="$(venv warcit "$WARCIT")"
mkdir -p "$WORK/saved/2026/11"
for p in "${PAGES[@]:0:2}"; do
    sed "s|__BASE_URL__|https://www.harbourgazette.example|g" "$ROOT/crawler/demo/site/$p" > "$WORK/saved/$p"
done
cp "$ROOT/crawler/demo/site/static/gazette.css" "$WORK/saved/"
(cd "$WORK" && "$BIN/warcit" -q -n warcit -d 20261201120000 https://www.harbourgazette.example/ saved)
mkdir -p "$OUT/warcit" && rm -f "$OUT"/warcit/* && cp "$WORK/warcit.warc.gz" "$OUT/warcit/"

# py-wacz: a WACZ of the warcprox WARC
BIN="$(venv wacz "$WACZ")"
mkdir -p "$OUT/wacz" && rm -f "$OUT"/wacz/*
(cd "$WORK" && "$BIN/wacz" create -o warcprox.wacz --detect-pages "$OUT/warcprox/warcprox.warc.gz" >/dev/null)
cp "$WORK/warcprox.wacz" "$OUT/wacz/"

# CC-NEWS, both header styles (warcio's WARCWriter)
mkdir -p "$OUT/ccnews" && rm -f "$OUT"/ccnews/*
"$PY" "$HERE/ccnews.py" "$OUT/ccnews"

# common mistakes: a WARC gzipped as one stream; one CRLF instead of two after the last record
mkdir -p "$OUT/mistakes" && rm -f "$OUT"/mistakes/*
gzip -dc "$OUT/wget/wget.warc.gz" | gzip -n -9 > "$OUT/mistakes/wget-gzipped-whole.warc.gz"
gzip -dc "$OUT/ccnews/CC-NEWS-20261201120000-00001.warc.gz" | head -c -2 > "$OUT/mistakes/one-crlf-at-end.warc"


"$PY" "$HERE/manifest.py"
