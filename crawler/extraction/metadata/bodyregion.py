"""The body region: where the article's kept text sits in the page tree, and
the questions the image rules ask about the kept blocks around an element.

The *body container* is the deepest block element that holds
:data:`CONTAINER_SHARE` of the kept words (the kept blocks are the article's
text, as the block classifier and the furniture rules left it). The region is
the container, and its parent block element from the parent's first kept block
to its last: the headline and standfirst above the text and the figure between
them are in, the parent's sidebar after its last kept block is out.

Block elements are known by their ordinals
(:func:`crawler.extraction.metadata.elements.ordinals`); the block elements
inside one follow its ordinal without a gap, so "the segments inside" and "the
kept blocks near" are binary searches.

Pure: reads the tree, never changes it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence

from lxml import etree

from crawler.extraction.metadata.elements import ordinals
from crawler.extraction.segment import Segment

#: The body container holds at least this share of the kept words.
CONTAINER_SHARE = 0.8
#: A kept caption lies at most this many block elements from its image's.
NEAR_BLOCKS = 8


class PageBlocks:
    """A page's block elements, segments and kept mask, indexed for the
    questions the image rules ask: the body container and region (module
    docstring), which segments lie in a block element, which kept blocks near it."""

    def __init__(self, tree: etree._Element, segments: Sequence[Segment],
                 kept: Sequence[bool]) -> None:
        self.segments, self.kept = segments, kept
        self.elements, self.ordinal = ordinals(tree)
        self.kept_elements = {s.element for s, k in zip(segments, kept, strict=True) if k}
        #: Segment indexes sorted by the ordinal of their element.
        self.by_element = sorted(range(len(segments)), key=lambda i: segments[i].element)
        self.element_keys = [segments[i].element for i in self.by_element]
        self.kept_sorted = sorted(self.kept_elements)
        self.container = self._container()
        self.container_el = self.elements[self.container - 1] if self.container else None
        #: The block elements inside the container are those of ordinals
        #: ``container`` to ``container_end`` (document order numbers them so).
        self.container_end = self._last_inside(self.container) if self.container else -1
        # the container's parent, between the first and the last kept block in
        # it: the headline and the standfirst above the text, the figure between
        self.outer_el = next((a for a in self.container_el.iterancestors() if a in self.ordinal),
                             None) if self.container_el is not None else None
        self.outer = self.ordinal[self.outer_el] if self.outer_el is not None else None
        self.outer_first = self.outer_last = -1
        if self.outer is not None:
            end = self._last_inside(self.outer)
            around = [e for e in self.kept_sorted if self.outer <= e <= end]
            self.outer_first, self.outer_last = around[0], around[-1]

    def _container(self) -> int | None:
        held: dict[int, int] = {}
        depth: dict[int, int] = {}
        total = 0
        for seg, keep in zip(self.segments, self.kept, strict=True):
            if not keep:
                continue
            n = len(seg.words)
            total += n
            for level, element in enumerate((*seg.ancestors, seg.element)):
                held[element] = held.get(element, 0) + n
                depth[element] = level
        if not total:
            return None
        return max((e for e, n in held.items() if n >= CONTAINER_SHARE * total),
                   key=depth.__getitem__, default=None)

    def _last_inside(self, ordinal: int) -> int:
        """The last ordinal of the block elements inside the one of ``ordinal``."""
        outer = self.elements[ordinal - 1]
        lo, hi = ordinal, len(self.elements)
        while lo < hi:  # the ones inside come first: a binary search
            mid = (lo + hi + 1) // 2
            if any(a is outer for a in self.elements[mid - 1].iterancestors()):
                lo = mid
            else:
                hi = mid - 1
        return lo

    def in_container(self, ordinal: int) -> bool:
        return self.container is not None and self.container <= ordinal <= self.container_end

    def region(self, ordinal: int) -> etree._Element | None:
        """The element of the body region the block element of ``ordinal`` lies
        in: the container, or its parent between the parent's first and last
        kept blocks; None outside the region."""
        if self.in_container(ordinal):
            return self.container_el
        if self.outer_first <= ordinal <= self.outer_last:
            return self.outer_el
        return None

    def near_kept(self, ordinal: int) -> bool:
        """Whether a kept block lies within :data:`NEAR_BLOCKS` block elements
        of the one of ``ordinal`` (where an image's kept caption would be)."""
        pos = bisect_left(self.kept_sorted, ordinal - NEAR_BLOCKS)
        return pos < len(self.kept_sorted) and self.kept_sorted[pos] <= ordinal + NEAR_BLOCKS

    def inside(self, ordinal: int) -> Iterator[int]:
        """Indexes of the segments in the block element of ``ordinal`` or in the
        block elements inside it (their ordinals follow it without a gap)."""
        for pos in range(bisect_left(self.element_keys, ordinal), len(self.by_element)):
            i = self.by_element[pos]
            seg = self.segments[i]
            if seg.element != ordinal and ordinal not in seg.ancestors:
                return
            yield i

    def holds_kept(self, ordinal: int) -> bool:
        return any(self.kept[i] for i in self.inside(ordinal))

    def mostly_kept(self, ordinal: int, captions: set[int]) -> bool:
        """Whether the kept words in the block element of ``ordinal`` are at least
        its dropped words (captions not counted): an author box, a teaser whose
        name line the classifier kept, is mostly dropped text."""
        balance = 0
        for i in self.inside(ordinal):
            if i not in captions:
                balance += len(self.segments[i].words) * (1 if self.kept[i] else -1)
        return balance >= 0
