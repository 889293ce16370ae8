"""Collision-free label placement for the print maps, in display pixels.

A label is asked for with :class:`Request` (where it belongs, how big it is at
full size, whether it may be left off) and placed by :func:`place`: required
labels first, each tried at its anchor, then nudged around it, then smaller,
then (required labels only) further away with a leader line back to the anchor.
A required label is never dropped; no placed label overlaps another or an
obstacle, unless a required one finds no free spot at all (then it goes at
its anchor at the smallest size; a crowded map rather than a missing country).
A ring's name (:attr:`Request.ring`) is tried along its ring only, and left off
(the legend names the ring) rather than put across another ring's line.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

SHRINK = (1.0, 0.85, 0.72)
"""Font-size factors tried in turn."""


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in display pixels (``x0 < x1``, ``y0 < y1``)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def around(cls, cx: float, cy: float, width: float, height: float) -> Box:
        return cls(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)

    def overlaps(self, other: Box) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def within(self, outer: Box) -> bool:
        return outer.x0 <= self.x0 and self.x1 <= outer.x1 and outer.y0 <= self.y0 and self.y1 <= outer.y1

    def grown(self, by: float) -> Box:
        return Box(self.x0 - by, self.y0 - by, self.x1 + by, self.y1 + by)

    @property
    def centre(self) -> tuple[float, float]:
        return ((self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2)


Circle = tuple[float, float, float]
"""A ring on the map in display pixels: centre x, centre y, radius."""


@dataclass(frozen=True)
class Request:
    """A label to place: ``width`` × ``height`` pixels at full size, about ``(x, y)``.

    ``side`` labels (sites, capitals) sit beside a marker at the anchor, ``gap``
    pixels from it; ``centre`` labels (countries, seas) sit on the anchor. A label
    with a ``marker`` (its radius in pixels) is placed only where that marker is
    free too, and the marker then keeps others away.
    """

    key: str
    x: float
    y: float
    width: float
    height: float
    required: bool = False
    side: bool = False
    gap: float = 0.0
    marker: float = 0.0
    avoid_rings: bool = True
    """Keep off ring outlines where possible (a site's own label, on a halo, need not)."""
    fits: Callable[[Box], bool] | None = field(default=None, compare=False)
    """Where the label belongs (a country's name inside the country): spots it accepts are
    tried first, then any spot (a required label must go somewhere)."""
    ring: Circle | None = None
    """The ring this label names (a ring of several around one place): tried just outside,
    then just inside the ring's line, from its top round; on its own line (then drawn on a
    halo) only when no spot off every ring is free; never across another ring's line (left
    off instead, even if required: ``required`` then only places it before the others)."""

    @property
    def marker_box(self) -> Box | None:
        if self.marker <= 0:
            return None
        return Box.around(self.x, self.y, 2 * self.marker, 2 * self.marker)


@dataclass(frozen=True)
class Placement:
    """Where a label went: its box, the size factor, whether it needs a leader line."""

    box: Box
    factor: float
    leader: bool = False


_DIRECTIONS = [(math.cos(a), math.sin(a)) for a in (i * math.pi / 8 for i in range(16))]


def _centre_candidates(req: Request, width: float, height: float) -> Iterable[tuple[float, float]]:
    """Positions of a label's centre near its anchor, best first."""
    if req.ring is not None:
        yield from _along(req.ring, width, height, req.gap)
        return
    if req.side:
        dx, dy = req.gap + width / 2, req.gap + height / 2
        yield from (
            (req.x + dx, req.y),
            (req.x - dx, req.y),
            (req.x, req.y + dy),
            (req.x, req.y - dy),
            (req.x + dx, req.y + dy),
            (req.x + dx, req.y - dy),
            (req.x - dx, req.y + dy),
            (req.x - dx, req.y - dy),
        )
        return
    yield req.x, req.y
    # An optional name stays close to its place; a required one may go further before shrinking.
    reach = (0.7, 1.4, 2.2, 3.2) if req.required else (0.7, 1.4)
    for r in (k * height for k in reach):
        for ux, uy in _DIRECTIONS[::2]:
            yield req.x + ux * r, req.y + uy * r


def _along(ring: Circle, width: float, height: float, gap: float) -> Iterable[tuple[float, float]]:
    """Centres of a ``width`` × ``height`` label beside a ring's line, ``gap`` pixels clear of
    it: at its top just outside, just inside, then on the line; then a label's height further
    round each way in turn, to the bottom."""
    cx, cy, r = ring
    half_w, half_h = width / 2, height / 2
    step = max(height / max(r, 1.0), math.pi / 90)
    offsets = [0.0]
    k = 1
    while k * step <= math.pi:
        offsets += [k * step, -k * step]
        k += 1
    for offset in offsets:
        ux, uy = -math.sin(offset), math.cos(offset)  # from the top (0) round either way
        nearest = functools.partial(_nearest, ux=abs(ux), uy=abs(uy), half_w=half_w, half_h=half_h)
        farthest = functools.partial(_farthest, ux=abs(ux), uy=abs(uy), half_w=half_w, half_h=half_h)
        # Both grow with d: the nearest spot outside, the farthest inside (the support
        # distance r + gap + ... is far enough outside: the box is past the ring's tangent).
        _, outside = _bracket(nearest, r + gap, r, r + gap + abs(ux) * half_w + abs(uy) * half_h)
        yield cx + ux * outside, cy + uy * outside
        if farthest(0.0) < r - gap:
            inside, _ = _bracket(farthest, r - gap, 0.0, r)
            yield cx + ux * inside, cy + uy * inside
        yield cx + ux * r, cy + uy * r


def _nearest(d: float, ux: float, uy: float, half_w: float, half_h: float) -> float:
    """How far a box of half-sizes ``half_w``, ``half_h`` centred ``d`` along (``ux``, ``uy``)
    (both ≥ 0) from a point comes to it."""
    return math.hypot(max(d * ux - half_w, 0.0), max(d * uy - half_h, 0.0))


def _farthest(d: float, ux: float, uy: float, half_w: float, half_h: float) -> float:
    """How far the same box's farthest corner is from the point."""
    return math.hypot(d * ux + half_w, d * uy + half_h)


def _bracket(grows: Callable[[float], float], target: float, lo: float, hi: float) -> tuple[float, float]:
    """``(lo, hi)`` a hundredth of a pixel apart with ``grows(lo) < target <= grows(hi)``, for a
    ``grows`` that never falls and a start that brackets ``target`` so (bisection)."""
    while hi - lo > 0.01:
        mid = (lo + hi) / 2
        if grows(mid) < target:
            lo = mid
        else:
            hi = mid
    return lo, hi


class _Taken:
    """Boxes already taken, as arrays: one vectorised test per candidate spot (a world map
    tries ~10,000 spots against ~150 labels)."""

    def __init__(self, boxes: Iterable[Box]) -> None:
        self._rows = np.zeros((64, 4))
        self._n = 0
        for box in boxes:
            self.append(box)

    def append(self, box: Box) -> None:
        if self._n == len(self._rows):
            self._rows = np.concatenate([self._rows, np.zeros_like(self._rows)])
        self._rows[self._n] = (box.x0, box.y0, box.x1, box.y1)
        self._n += 1

    def hits(self, box: Box) -> bool:
        t = self._rows[: self._n]
        return bool(np.any((box.x0 < t[:, 2]) & (t[:, 0] < box.x1) & (box.y0 < t[:, 3]) & (t[:, 1] < box.y1)))


def _free(box: Box, bounds: Box, taken: _Taken) -> bool:
    return box.within(bounds) and not taken.hits(box)


def crosses(box: Box, circle: Circle) -> bool:
    """Whether a circle's outline runs through ``box``."""
    cx, cy, r = circle
    near_x, near_y = min(max(cx, box.x0), box.x1), min(max(cy, box.y0), box.y1)
    nearest = math.hypot(near_x - cx, near_y - cy)
    farthest = max(math.hypot(x - cx, y - cy) for x in (box.x0, box.x1) for y in (box.y0, box.y1))
    return nearest <= r <= farthest


def place(
    requests: Sequence[Request],
    obstacles: Sequence[Box],
    bounds: Box,
    pad: float = 2.0,
    rings: Sequence[Circle] = (),
) -> dict[str, Placement]:
    """Place ``requests`` (in priority order, required ones first whatever their order)
    inside ``bounds``, clear of ``obstacles`` and of each other by ``pad`` pixels.

    Labels keep off the outlines of ``rings`` where they can: a spot across one is
    taken only when no other spot near the anchor is free.
    Returns the placement of every label placed, by key; every required label is in it,
    but a ring's name with no free spot along its ring off the other rings.
    """
    taken = _Taken(obstacles)
    placed: dict[str, Placement] = {}
    ordered = sorted(requests, key=lambda r: not r.required)  # stable: priority kept within each
    for req in ordered:
        marker = req.marker_box
        if marker is not None and not req.required and not _free(marker, bounds, taken):
            continue
        found = None
        # Off the rings and in its place; in its place; anywhere near (each search once).
        can_avoid, can_fit = bool(req.avoid_rings and rings), req.fits is not None
        passes = dict.fromkeys(
            (avoid and can_avoid, fit and can_fit)
            for avoid, fit in ((True, True), (False, True), (False, False))
        )
        # A ring's name never goes across another ring's line (only across its own, on a halo).
        others = [c for c in rings if c != req.ring] if req.ring is not None else None
        for avoid, fit in passes:
            found = _nearby(req, bounds, taken, rings if avoid else others, req.fits if fit else None)
            if found is not None:
                break
        if found is None and req.required and req.ring is None:
            found = _with_leader(req, bounds, taken) or Placement(
                Box.around(req.x, req.y, req.width * SHRINK[-1], req.height * SHRINK[-1]), SHRINK[-1]
            )
        if found is not None:
            placed[req.key] = found
            taken.append(found.box.grown(pad))
            if marker is not None:
                taken.append(marker.grown(pad))
    return placed


def _nearby(
    req: Request,
    bounds: Box,
    taken: _Taken,
    rings: Sequence[Circle] | None = None,
    fits: Callable[[Box], bool] | None = None,
) -> Placement | None:
    """The first free spot near the anchor (clear of ``rings`` and accepted by ``fits``, if given)."""
    for factor in SHRINK:
        w, h = req.width * factor, req.height * factor
        for cx, cy in _centre_candidates(req, w, h):
            box = Box.around(cx, cy, w, h)
            if not _free(box, bounds, taken):
                continue
            if rings and any(crosses(box, c) for c in rings):
                continue
            if fits is not None and not fits(box):
                continue
            return Placement(box, factor)
    return None


def _with_leader(req: Request, bounds: Box, taken: _Taken) -> Placement | None:
    """A spot up to a third of the map away, joined to the anchor by a leader line."""
    reach = max(bounds.x1 - bounds.x0, bounds.y1 - bounds.y0) / 3
    for factor in SHRINK[1:]:
        w, h = req.width * factor, req.height * factor
        step = 1.2 * h
        r = 2 * step
        while r <= reach:
            for ux, uy in _DIRECTIONS:
                box = Box.around(req.x + ux * (r + w / 2 * abs(ux)), req.y + uy * r, w, h)
                if _free(box, bounds, taken):
                    return Placement(box, factor, leader=True)
            r += step
    return None


def leader_end(box: Box, x: float, y: float) -> tuple[float, float]:
    """The point of ``box`` nearest to ``(x, y)``: where a leader line from there meets it."""
    return min(max(x, box.x0), box.x1), min(max(y, box.y0), box.y1)
