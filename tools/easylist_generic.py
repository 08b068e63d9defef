#!/usr/bin/env python3
"""Extract EasyList's *generic* element-hiding rules (``##selector`` with no
domain) and their per-domain exceptions (``domains#@#selector``) into the data
file shipped with the package: ``crawler/extraction/data/easylist-generic.txt``.

Usage: python tools/easylist_generic.py easylist.txt > crawler/extraction/data/easylist-generic.txt

EasyList is dual-licensed GPLv3 / CC BY-SA 3.0 (https://easylist.to/pages/licence.html);
the extracted file keeps its header and licence lines.
"""

from __future__ import annotations

import sys


def main(path: str) -> None:
    header: list[str] = []
    rules: list[str] = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            line = line.rstrip("\n")
            if line.startswith("!") and len(header) < 12:
                header.append(line)
            elif line.startswith("##") or (
                "#@#" in line and not line.startswith("!") and "#@#" not in line[:1]
            ):
                rules.append(line)
    print("! Generic element-hiding rules extracted from EasyList by tools/easylist_generic.py")
    print("! Licence: EasyList is dual-licensed GPLv3 and CC BY-SA 3.0, "
          "https://easylist.to/pages/licence.html")
    print("! Authors: The EasyList authors (https://easylist.to/)")
    for line in header:
        print(line)
    for line in rules:
        print(line)


if __name__ == "__main__":
    main(sys.argv[1])
