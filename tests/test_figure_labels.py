"""Label placement for the print maps (coverage/figure_labels.py): nothing required is dropped,
nothing placed overlaps."""

from __future__ import annotations

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
