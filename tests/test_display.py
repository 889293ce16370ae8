"""Display-only geometry: rings whole across the date line, framed where they are."""

from __future__ import annotations

import pytest
import shapely

from coverage.analysis import ring_for
from coverage.display import (
    display_box,
    display_geometry,
    display_rings,
    display_view,
    nearest_turn,
    world_offsets,
)

ANADYR = (64.73, 177.5, 402_000.0)
LONGYEARBYEN = (78.22, 15.65, 1_500_000.0)


@pytest.mark.parametrize(
    ("lon", "centre", "turn"),
    [(-178.0, 177.5, 360.0), (178.0, -177.0, -360.0), (10.0, 20.0, 0.0), (190.0, 0.0, -360.0)],
)
def test_nearest_turn(lon, centre, turn):
    assert nearest_turn(lon, centre) == turn
    assert abs(lon + turn - centre) <= 180.0


def test_anadyr_ring_is_one_polygon_around_its_site():
    ring = ring_for(*ANADYR)
    assert ring.geom_type == "MultiPolygon"  # the analysis keeps RFC 7946's cut at 180°
    shown = display_geometry(ring, ANADYR[1])
    assert shown.geom_type == "Polygon" and shown.is_valid
    west, south, east, north = shown.bounds
    assert 165.0 < west < 177.5 < 180.0 < east < 190.0
    # Same shape: only whole turns were added, so the planar area in degrees is unchanged.
    assert shown.area == pytest.approx(ring.area, rel=1e-9)
    assert ring.geom_type == "MultiPolygon"  # the ring itself is untouched


def test_anadyr_view_is_regional_not_the_world():
    rings = display_rings([ring_for(*ANADYR)], [ANADYR[1]])
    west, south, east, north = display_view(rings)
    assert east - west < 20.0 and north - south < 12.0
    assert west < 177.5 < east and east > 180.0
    box = display_box((west, south, east, north))
    assert box[0] <= west and box[2] >= east and box[2] - box[0] <= 360.0
    assert world_offsets(box) == (0.0, 360.0)


def test_a_polar_cap_is_left_whole_and_spans_the_world():
    ring = ring_for(*LONGYEARBYEN)
    shown = display_geometry(ring, LONGYEARBYEN[1])
    assert shown.equals(ring)
    west, _, east, north = display_view([shown])
    assert north == 90.0 and east - west == pytest.approx(360.0)


def test_sites_either_side_of_the_date_line_are_drawn_side_by_side():
    east_site, west_site = (64.73, 177.5, 100_000.0), (65.0, -175.0, 100_000.0)
    rings = display_rings([ring_for(*east_site), ring_for(*west_site)], [177.5, -175.0])
    assert rings[1].bounds[0] > 180.0  # moved a turn east, next to the first
    west, _, east, _ = display_view(rings)
    assert east - west < 20.0


def test_display_box_is_rounded_and_contains_the_view():
    view = (30.123, 35.456, 40.789, 42.0)
    box = display_box(view)
    assert box[0] < view[0] and box[1] < view[1] and box[2] > view[2] and box[3] > view[3]
    assert all(round(v, 2) == v for v in box)


def test_empty_view_is_the_story_region():
    from coverage.view import DEFAULT_VIEW

    assert display_view([]) == DEFAULT_VIEW
    assert display_rings([], []) == []


def test_display_geometry_of_one_part_is_the_same_object():
    ring = ring_for(39.9, 32.85, 402_000.0)
    assert display_geometry(ring, 32.85) is ring
    assert shapely.equals(display_rings([ring], [32.85])[0], ring)
