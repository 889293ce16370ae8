"""Label placement for the print maps (coverage/figure_labels.py): nothing required is dropped,
nothing placed overlaps."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coverage.figure_labels import Box, Request, leader_end, place

BOUNDS = Box(0.0, 0.0, 1000.0, 700.0)


def _no_overlaps(boxes: list[Box]) -> bool:
    return all(not a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def test_a_label_that_fits_goes_on_its_anchor() -> None:
    placed = place([Request("a", 500.0, 350.0, 80.0, 20.0)], [], BOUNDS)
    assert placed["a"].box.centre == (500.0, 350.0) and placed["a"].factor == 1.0
    assert not placed["a"].leader


def test_crowded_required_labels_move_shrink_or_get_a_leader_but_stay() -> None:
    """The Kars case: Armenia, Azerbaijan and Turkey all anchored near one spot, plus the site label."""
    requests = [
        Request("site", 500.0, 350.0, 120.0, 24.0, required=True, side=True, gap=8.0),
        Request("Armenia", 515.0, 345.0, 70.0, 18.0, required=True),
        Request("Azerbaijan", 530.0, 350.0, 90.0, 18.0, required=True),
        Request("Turkey", 495.0, 355.0, 60.0, 18.0, required=True),
        Request("Georgia", 505.0, 360.0, 65.0, 18.0, required=True),
        Request("Russia", 500.0, 352.0, 60.0, 18.0),
    ]
    marker = Box(495.0, 345.0, 505.0, 355.0)
    placed = place(requests, [marker], BOUNDS)
    assert {"site", "Armenia", "Azerbaijan", "Turkey", "Georgia"} <= set(placed)
    boxes = [p.box for p in placed.values()]
    assert _no_overlaps([*boxes, marker])
    assert all(b.within(BOUNDS) for b in boxes)


def test_an_optional_label_that_does_not_fit_is_left_off() -> None:
    wall = Box(0.0, 0.0, 1000.0, 700.0)
    placed = place([Request("x", 500.0, 350.0, 50.0, 10.0)], [wall], BOUNDS)
    assert placed == {}


def test_a_labels_marker_must_be_free_and_then_keeps_others_off() -> None:
    capital = Request("capital", 100.0, 100.0, 60.0, 12.0, side=True, gap=4.0, marker=3.0)
    later = Request("later", 92.0, 100.0, 10.0, 6.0)  # on the marker's left edge at first
    placed = place([capital, later], [], BOUNDS)
    assert "capital" in placed and "later" in placed
    assert not placed["later"].box.overlaps(Box(97.0, 97.0, 103.0, 103.0))
    assert place([capital], [Box(98.0, 98.0, 102.0, 102.0)], BOUNDS) == {}


def test_leader_lines_end_on_the_box() -> None:
    box = Box(10.0, 10.0, 30.0, 20.0)
    assert leader_end(box, 0.0, 15.0) == (10.0, 15.0)
    assert leader_end(box, 50.0, 50.0) == (30.0, 20.0)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.lists(
        st.tuples(
            st.floats(50.0, 950.0),
            st.floats(50.0, 650.0),
            st.floats(20.0, 120.0),
            st.floats(8.0, 24.0),
            st.booleans(),
            st.booleans(),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_placement_never_drops_a_required_label_nor_overlaps_two(
    labels: list[tuple[float, float, float, float, bool, bool]],
) -> None:
    requests = [
        Request(f"l{i}", x, y, w, h, required=req, side=side, gap=5.0)
        for i, (x, y, w, h, req, side) in enumerate(labels)
    ]
    # Few enough required labels that a free spot exists for each (a map has ~10).
    required = {r.key for r in requests if r.required}
    placed = place(requests, [], BOUNDS)
    assert required <= set(placed)
    if len(required) <= 10:
        assert _no_overlaps([p.box for p in placed.values()])


def test_labels_keep_off_ring_outlines_where_they_can() -> None:
    from coverage.figure_labels import crosses

    ring = (500.0, 350.0, 100.0)
    assert crosses(Box(590.0, 340.0, 620.0, 360.0), ring)  # across the rim
    assert not crosses(Box(480.0, 340.0, 520.0, 360.0), ring)  # inside
    assert not crosses(Box(700.0, 340.0, 740.0, 360.0), ring)  # outside
    on_rim = Request("Iraq", 600.0, 350.0, 40.0, 14.0)
    placed = place([Request("Iraq", 600.0, 350.0, 40.0, 14.0, required=True)], [], BOUNDS, rings=[ring])
    assert not crosses(placed["Iraq"].box, ring)
    # With no spot off the rim near its place, an optional label still goes on it.
    assert "Iraq" in place([on_rim], [], BOUNDS, rings=[ring, (600.0, 350.0, 15.0), (600.0, 350.0, 30.0)])


RINGS = [(500.0, 350.0, 60.0), (500.0, 350.0, 130.0), (500.0, 350.0, 220.0)]
"""Three rings around one place, as in scenarios/story-s400-spread.json."""


def _off_the_line(box: Box, ring: tuple[float, float, float]) -> float:
    """How far ``box`` is from a ring's line (0 when the line runs through it)."""
    cx, cy, r = ring
    nearest = math.hypot(min(max(cx, box.x0), box.x1) - cx, min(max(cy, box.y0), box.y1) - cy)
    farthest = max(math.hypot(x - cx, y - cy) for x in (box.x0, box.x1) for y in (box.y0, box.y1))
    return max(nearest - r, r - farthest, 0.0)


def _ring_name(i: int, width: float = 90.0, height: float = 16.0) -> Request:
    cx, cy, r = RINGS[i]
    return Request(f"ring:{i}", cx, cy + r, width, height, required=True, gap=3.0, ring=RINGS[i])


def test_a_rings_name_goes_just_outside_its_top() -> None:
    from coverage.figure_labels import crosses

    placed = place([_ring_name(1)], [], BOUNDS, rings=RINGS)
    box = placed["ring:1"].box
    assert box.centre[0] == 500.0 and placed["ring:1"].factor == 1.0
    assert box.y0 == pytest.approx(350.0 + 130.0 + 3.0, abs=0.02)  # 3 px off the line
    assert not any(crosses(box, ring) for ring in RINGS)


def test_a_rings_name_goes_inside_when_its_top_is_out_of_the_frame_and_stays_off_other_rings() -> None:
    """The 16:9 spread map: the outer ring's top near the frame's edge."""
    from coverage.figure_labels import crosses

    tight = Box(0.0, 0.0, 1000.0, 350.0 + 220.0 + 10.0)
    placed = place([_ring_name(i) for i in range(3)], [], tight, rings=RINGS)
    assert set(placed) == {"ring:0", "ring:1", "ring:2"}
    outer = placed["ring:2"].box
    assert outer.y1 < 350.0 + 220.0 and outer.centre[0] == 500.0  # inside, below the top
    for i, spot in placed.items():
        ring = RINGS[int(i[-1])]
        assert not any(crosses(spot.box, other) for other in RINGS), i
        assert _off_the_line(spot.box, ring) < 16.0, i  # near its own ring: within a label's height
    assert _no_overlaps([p.box for p in placed.values()])


def test_a_rings_name_with_its_top_taken_goes_round_the_ring() -> None:
    from coverage.figure_labels import crosses

    cx, cy, r = RINGS[1]
    top = Box(cx - 150.0, cy + r - 60.0, cx + 150.0, cy + r + 60.0)  # e.g. another label
    spot = place([_ring_name(1)], [top], BOUNDS, rings=RINGS)["ring:1"]
    assert not spot.box.overlaps(top) and not any(crosses(spot.box, ring) for ring in RINGS)
    assert _off_the_line(spot.box, RINGS[1]) < 16.0  # beside the ring, not anywhere


def test_a_rings_name_goes_on_its_own_line_before_another_rings_and_else_is_left_off() -> None:
    from coverage.figure_labels import crosses

    close = [(500.0, 350.0, 100.0), (500.0, 350.0, 106.0), (500.0, 350.0, 112.0)]  # 6 px apart
    middle = Request("ring:1", 500.0, 456.0, 60.0, 14.0, required=True, gap=3.0, ring=close[1])
    # Only the middle ring's own line is crossed where it goes... which no spot allows here:
    assert place([middle], [], BOUNDS, rings=close) == {}
    # Rings 12 px either side of its own: no spot off all three, but its own line at its top
    # (the name then on a halo, see coverage/figures.py) touches neither of the others.
    own = (500.0, 350.0, 100.0)
    apart = [(500.0, 350.0, 88.0), own, (500.0, 350.0, 112.0)]
    narrow = Request("ring:1", 500.0, 450.0, 20.0, 14.0, required=True, gap=3.0, ring=own)
    spot = place([narrow], [], BOUNDS, rings=apart)["ring:1"]
    assert spot.box.centre == (500.0, 450.0) and spot.factor == 1.0
    assert crosses(spot.box, own) and not crosses(spot.box, apart[0]) and not crosses(spot.box, apart[2])
