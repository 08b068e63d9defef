"""Pages nested deeper than the HTML parser allows.

libxml2's HTML parser stops at 256 levels of nesting (``Excessive depth in
document``) and drops everything after that point, so an article inside 5,000
nested ``<div>`` elements would come out empty. Browsers attach an element
that would be deeper than their own limit (512 in Chromium) to the element at
the limit instead: it becomes a sibling of the deepest open element.
:func:`flatten` does the same on the markup, before it is parsed again: at
``limit`` open elements, the innermost one is closed before the next one
opens (and its own end tag, when it comes, is dropped). Text and paragraph
breaks are kept; only the nesting goes. It is a tag scanner, not a parser (a
``<div>`` written inside a script counts too), used only on pages the parser
already gave up on. Pure: no Scrapy.
"""

from __future__ import annotations

import re
from collections import Counter

#: Elements kept at most this deep; below libxml2's 256 with room to spare.
MAX_DEPTH = 200

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)(?:\s[^>]*)?>")
_VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "keygen",
                   "link", "meta", "param", "source", "track", "wbr"))
#: Elements a sibling of the same name closes when left open (``<p>a<p>b``).
_SELF_CLOSING_SIBLINGS = frozenset(("p", "li", "dt", "dd", "option", "tr", "td", "th"))


def flatten(html: str, limit: int = MAX_DEPTH) -> tuple[str, int]:
    """``html`` with no element nested deeper than ``limit``, and how many
    elements were moved up (closed early to make room)."""
    out: list[str] = []
    pos = 0
    stack: list[str] = []
    closed_early: Counter[str] = Counter()
    moved = 0
    for m in _TAG.finditer(html):
        name = m.group(2).lower()
        if not m.group(1):  # a start tag
            if name in _VOID or m.group(0).endswith("/>"):
                continue
            if name in _SELF_CLOSING_SIBLINGS and stack and stack[-1] == name:
                stack.pop()
            if len(stack) >= limit:
                innermost = stack.pop()
                closed_early[innermost] += 1
                moved += 1
                out.append(html[pos:m.start()])
                out.append(f"</{innermost}>")
                pos = m.start()
            stack.append(name)
        elif stack and stack[-1] == name:
            stack.pop()
        elif closed_early[name]:  # the end tag of an element closed early: dropped
            closed_early[name] -= 1
            out.append(html[pos:m.start()])
            pos = m.end()
        elif name in stack:
            while stack.pop() != name:
                pass
    if not moved:
        return html, 0
    out.append(html[pos:])
    return "".join(out), moved
