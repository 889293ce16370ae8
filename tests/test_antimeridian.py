"""Splitting lon/lat rings at ±180° and closing them round a pole (hand-built shapes)."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import MultiPolygon, Point, Polygon, box

from coverage.antimeridian import close_around_pole, split_polygon, unwrap_lon, winding


def test_unwrap_removes_360_jumps():
    out = unwrap_lon([170.0, 179.0, -179.0, -170.0])
    assert out.tolist() == pytest.approx([170.0, 179.0, 181.0, 190.0])


def test_unwrap_leaves_continuous_longitudes_alone():
    lon = [-10.0, 0.0, 10.0, 20.0]
    assert unwrap_lon(lon).tolist() == lon


@pytest.mark.parametrize(
    "lon, expected",
    [
        ([0.0, 10.0, 10.0, 0.0], 0),  # an ordinary square
        ([0.0, 90.0, 180.0, 270.0], 1),  # eastwards once round the pole
        ([0.0, -90.0, -180.0, -270.0], -1),  # westwards once round
        ([170.0, 179.0, 181.0, 190.0, 190.0, 170.0], 0),  # across the date line, not round a pole
    ],
)
def test_winding(lon, expected):
    assert winding(np.asarray(lon)) == expected


def test_split_polygon_leaves_a_polygon_inside_the_strip_unchanged():
    poly = box(-10.0, -10.0, 10.0, 10.0)
    assert split_polygon(poly).equals(poly)


def test_split_polygon_cuts_at_180_and_shifts_back():
    out = split_polygon(box(170.0, 0.0, 190.0, 10.0))
    assert isinstance(out, MultiPolygon)
    assert out.is_valid
    expected = MultiPolygon([box(170.0, 0.0, 180.0, 10.0), box(-180.0, 0.0, -170.0, 10.0)])
    assert out.symmetric_difference(expected).area == pytest.approx(0.0, abs=1e-12)


def test_split_polygon_west_of_minus_180():
    out = split_polygon(box(-200.0, -5.0, -175.0, 5.0))
    expected = MultiPolygon([box(-180.0, -5.0, -175.0, 5.0), box(160.0, -5.0, 180.0, 5.0)])
    assert out.symmetric_difference(expected).area == pytest.approx(0.0, abs=1e-12)


def test_split_polygon_keeps_hole():
    shell = [(170, -10), (190, -10), (190, 10), (170, 10)]
    hole = [(175, -5), (185, -5), (185, 5), (175, 5)]
    out = split_polygon(Polygon(shell, [hole]))
    assert out.is_valid
    assert out.area == pytest.approx(20 * 20 - 10 * 10)
    assert not out.covers(Point(179.0, 0.0)) and not out.covers(Point(-179.0, 0.0))
    assert out.covers(Point(172.0, 0.0)) and out.covers(Point(-172.0, 0.0))


def test_closed_polar_square_spans_all_longitudes_shape():
    lon = np.array([0.0, 90.0, 180.0, 270.0])
    lat = np.full(4, 80.0)
    c_lon, c_lat = close_around_pole(lon, lat, 90.0)
    assert c_lat[-1] == 90.0 and c_lat[-2] == 90.0  # runs along the pole's latitude


def test_closed_polar_square_covers_all_longitudes():
    """Four vertices at lat 80 every 90° of longitude wind once round the north pole;
    the closed shape must cover lat 85 at every longitude (including 270..360)."""
    lon = np.array([0.0, 90.0, 180.0, 270.0])
    lat = np.full(4, 80.0)
    c_lon, c_lat = close_around_pole(lon, lat, 90.0)
    shape = split_polygon(Polygon(np.column_stack([c_lon, c_lat])))
    assert shape.is_valid
    assert shape.bounds[0] == -180.0 and shape.bounds[2] == 180.0
    assert shape.covers(Point(-45.0, 85.0))  # lon 315, between the last and the first vertex
    assert shape.area == pytest.approx(360.0 * 10.0)  # the whole band 80..90 in lon/lat
