"""Geodesic distances and areas against closed forms and GeographicLib's published example."""

from __future__ import annotations

import _geo_reference as ref
import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon, box

from coverage.geodesy import (
    AREA_SEGMENT_DEG,
    EQUATORIAL_RADIUS_M,
    _authalic_y,
    area_km2,
    areas_km2,
    distance_m,
    forward,
)


def test_distance_matches_geographiclib_published_example():
    # Wellington (41.32S, 174.81E) -> Salamanca (40.96N, 5.50W), GeographicLib docs
    assert float(distance_m(-41.32, 174.81, 40.96, -5.50)) == pytest.approx(19959679.267, abs=0.001)


def test_distance_quarter_meridian():
    assert float(distance_m(0.0, 0.0, 90.0, 0.0)) == pytest.approx(ref.QUARTER_MERIDIAN_M, abs=0.01)


def test_distance_one_degree_of_equator():
    # Along the equator the geodesic is the equator (for < ~179.4°): a * radians
    assert float(distance_m(0.0, 0.0, 0.0, 1.0)) == pytest.approx(ref.A * np.pi / 180.0, rel=1e-12)


def test_distance_broadcasts_like_numpy():
    lats = np.array([[0.0], [10.0]])
    lons = np.array([[0.0, 1.0, 2.0]])
    d = distance_m(lats, 0.0, lats, lons)
    assert d.shape == (2, 3)
    assert np.allclose(d, ref.inv_distance_m(lats, 0.0, lats, lons))
    assert np.all(d[:, 0] == 0.0)


@pytest.mark.parametrize("lat", [0.0, 37.0, 60.0, 89.0, -45.0])
def test_one_degree_cell_area_matches_zone_formula(lat):
    cell = box(10.0, lat, 11.0, lat + 1.0)
    expected = ref.zone_area_km2(lat, lat + 1.0, lon_span_deg=1.0)
    assert area_km2(cell) == pytest.approx(expected, rel=5e-4)


@pytest.mark.parametrize("lat", [0.0, 40.0, 70.0, 80.0, -50.0])
def test_ten_degree_cell_area_matches_zone_formula(lat):
    cell = box(-5.0, lat, 5.0, lat + 10.0)
    expected = ref.zone_area_km2(lat, lat + 10.0, lon_span_deg=10.0)
    assert area_km2(cell) == pytest.approx(expected, rel=5e-4)


def test_cell_straddling_the_antimeridian_as_two_pieces():
    pieces = MultiPolygon([box(175.0, 20.0, 180.0, 30.0), box(-180.0, 20.0, -175.0, 30.0)])
    assert area_km2(pieces) == pytest.approx(ref.zone_area_km2(20.0, 30.0, 10.0), rel=5e-4)


def test_whole_band_up_to_the_pole():
    band = box(-180.0, 60.0, 180.0, 90.0)
    assert area_km2(band) == pytest.approx(ref.zone_area_km2(60.0, 90.0), rel=5e-4)


def test_clockwise_input_still_gives_positive_area():
    ccw = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)])
    cw = Polygon([(0, 0), (0, 10), (10, 10), (10, 0)])
    assert not cw.exterior.is_ccw
    expected = ref.zone_area_km2(0.0, 10.0, 10.0)
    assert area_km2(cw) == pytest.approx(expected, rel=5e-4)
    assert area_km2(ccw) == pytest.approx(expected, rel=5e-4)


def test_hole_is_subtracted_whatever_its_orientation():
    for hole in ([(2, 2), (4, 2), (4, 4), (2, 4)], [(2, 2), (2, 4), (4, 4), (4, 2)]):
        poly = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], [hole])
        expected = ref.zone_area_km2(0.0, 10.0, 10.0) - ref.zone_area_km2(2.0, 4.0, 2.0)
        assert area_km2(poly) == pytest.approx(expected, rel=5e-4)


def test_multipolygon_parts_add_up():
    a, b = box(0, 0, 1, 1), box(20, 40, 21, 41)
    expected = ref.zone_area_km2(0, 1, 1) + ref.zone_area_km2(40, 41, 1)
    assert area_km2(MultiPolygon([a, b])) == pytest.approx(expected, rel=5e-4)


def test_without_densify_parallels_are_exact_and_diagonals_are_not():
    """Areas are measured in an equal-area cylindrical projection: edges along parallels
    and meridians are straight there (exact undensified); a long diagonal lon/lat edge
    is a curve there, so it must be split to give the area of the shape drawn in lon/lat."""
    cell = box(-5.0, 40.0, 5.0, 50.0)
    expected = ref.zone_area_km2(40.0, 50.0, 10.0)
    assert area_km2(cell, densify=False) == pytest.approx(expected, rel=1e-9)
    triangle = Polygon([(0.0, 0.0), (20.0, 0.0), (20.0, 70.0)])
    # Independent reference: GeographicLib on a very finely split copy (geodesic edges
    # 0.001° long follow the lon/lat-straight hypotenuse to ~1e-8).
    fine = shapely.orient_polygons(shapely.segmentize(triangle, 0.001))
    reference = abs(ref.GEOD.geometry_area_perimeter(fine)[0]) / 1e6
    assert area_km2(triangle, densify=True) == pytest.approx(reference, rel=1e-6)
    assert abs(area_km2(triangle, densify=False) / reference - 1.0) > 1e-3


def test_area_matches_geographiclib_for_every_country(borders_10m):
    """Both measure the same shapes: every country within 1e-4, the larger ones within 1e-5."""
    for name, geom in zip(borders_10m["name"], borders_10m.geometry, strict=True):
        if geom.is_empty:
            continue
        fine = shapely.orient_polygons(shapely.segmentize(geom, 0.1))
        reference = sum(ref.GEOD.geometry_area_perimeter(p)[0] for p in shapely.get_parts(fine)) / 1e6
        ours = area_km2(geom)
        assert ours == pytest.approx(reference, rel=1e-4), name
        if reference > 10_000:
            assert ours == pytest.approx(reference, rel=1e-5), name


@pytest.mark.parametrize("empty", [None, Polygon()])
def test_empty_area_is_zero(empty):
    assert area_km2(empty) == 0.0


def test_area_counts_polygons_nested_in_a_collection():
    from shapely.geometry import GeometryCollection, LineString

    cell = box(0.0, 0.0, 1.0, 1.0)
    nested = GeometryCollection([MultiPolygon([cell]), LineString([(0, 0), (1, 1)])])
    assert area_km2(nested) == pytest.approx(area_km2(cell), rel=1e-12)


def _area_by_segmentize(geom) -> float:
    """The measure as written before areas_km2: shapely.segmentize, then one trapezoid sum."""
    geom = shapely.segmentize(geom, AREA_SEGMENT_DEG)
    polygons = [p for p in shapely.get_parts(shapely.get_parts(geom)) if p.geom_type == "Polygon"]
    if not polygons:
        return 0.0
    rings = shapely.get_rings(shapely.orient_polygons(polygons))
    coords, index = shapely.get_coordinates(rings, return_index=True)
    x = np.radians(coords[:, 0]) * EQUATORIAL_RADIUS_M
    y = _authalic_y(coords[:, 1])
    same = index[1:] == index[:-1]
    return float(0.5 * ((x[1:] + x[:-1]) * (y[1:] - y[:-1]))[same].sum()) / 1e6


def test_areas_km2_is_the_segmentized_sum_for_every_country(borders_10m):
    """Splitting only slanted edges, on the fly, gives the sums shapely.segmentize gave."""
    geoms = borders_10m.geometry.to_numpy()
    fast = areas_km2(geoms)
    slow = np.array([_area_by_segmentize(g) for g in geoms])
    assert fast == pytest.approx(slow, rel=1e-11, abs=1e-6)


@given(
    lon=st.floats(-179.0, 170.0),
    lat=st.floats(-80.0, 70.0),
    w=st.floats(0.01, 9.0),
    h=st.floats(0.01, 9.0),
    skew=st.floats(-3.0, 3.0),
)
def test_areas_km2_matches_the_segmentized_sum_for_slanted_shapes(lon, lat, w, h, skew):
    shape = shapely.Polygon(
        [(lon, lat), (lon + w, lat + skew / 3), (lon + w + skew, lat + h), (lon, lat + h)]
    )
    if not shape.is_valid or shape.area == 0:
        return
    shapes = np.array(
        [shape, shapely.GeometryCollection([shape, shapely.Point(0, 0)]), None, shapely.Polygon()]
    )
    got = areas_km2(shapes)
    expected = _area_by_segmentize(shape)
    assert got[0] == pytest.approx(expected, rel=1e-11)
    assert got[1] == pytest.approx(expected, rel=1e-11)
    assert list(got[2:]) == [0.0, 0.0]
    assert area_km2(shape) == got[0]


# ------------------------------------------------------------------ forward (the direct problem)
FORWARD_TOL_M = 1e-6  # GeographicLib's own series, so micrometres apart at most (measured: 1e-8 m)


def _forward_error_m(lat, lon, az, dist) -> np.ndarray:
    """Distance from our point to pyproj's Geod.fwd's (GeographicLib in C) for the same problem."""
    lat2, lon2 = forward(lat, lon, az, dist)
    lat, lon, az, dist = np.broadcast_arrays(*(np.asarray(v, float) for v in (lat, lon, az, dist)))
    ref_lon, ref_lat, _ = ref.GEOD.fwd(lon.ravel(), lat.ravel(), az.ravel(), dist.ravel())
    _, _, gap = ref.GEOD.inv(lon2.ravel(), lat2.ravel(), ref_lon, ref_lat)
    assert np.all((lon2 >= -180.0) & (lon2 <= 180.0))
    return np.asarray(gap)


def test_forward_matches_pyproj_over_the_globe():
    """200,000 random problems (more than one chunk), poles, the equator and the cardinal
    azimuths included, 1 m to 20,000 km."""
    rng = np.random.default_rng(18)
    n = 200_000
    lat, lon = rng.uniform(-90, 90, n), rng.uniform(-180, 180, n)
    az, dist = rng.uniform(-360, 360, n), 10 ** rng.uniform(0, 7.3, n)
    lat[:100], lat[100:200], lat[200:300] = 90.0, -90.0, 0.0
    az[300:400], az[400:500], az[500:600] = 0.0, 180.0, 90.0
    assert _forward_error_m(lat, lon, az, dist).max() < FORWARD_TOL_M


def test_forward_matches_pyproj_past_the_antipode():
    """Geodesics longer than half the world, to 40,000 km: the small-angle series the points
    are computed with (angles up to 0.011 rad there) stay exact."""
    rng = np.random.default_rng(40)
    n = 20_000
    lat, lon = rng.uniform(-90, 90, n), rng.uniform(-180, 180, n)
    az, dist = rng.uniform(0, 360, n), rng.uniform(2e7, 4e7, n)
    assert _forward_error_m(lat, lon, az, dist).max() < FORWARD_TOL_M


def test_many_azimuths_from_few_starts_are_the_points_of_forward():
    from coverage.geodesy import Starts

    rng = np.random.default_rng(41)
    lat, lon, dist = rng.uniform(-90, 90, 5), rng.uniform(-180, 180, 5), rng.uniform(1e3, 1e7, 5)
    which = rng.integers(0, 5, 9000)
    az = rng.uniform(0, 360, which.size)
    got = Starts(lat, lon, dist).forward(which, az, chunk=1000)
    want = forward(lat[which], lon[which], az, dist[which])
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


@given(
    st.floats(-90, 90),
    st.floats(-180, 180),
    st.floats(-720, 720),
    st.floats(0, 19_000_000),
)
def test_forward_matches_pyproj(lat, lon, az, dist):
    assert _forward_error_m(lat, lon, az, dist).max() < FORWARD_TOL_M


def test_forward_broadcasts_and_keeps_shape():
    lat2, lon2 = forward(np.zeros((2, 1)), 0.0, np.array([[0.0, 90.0, 180.0]]), 1000.0)
    assert lat2.shape == lon2.shape == (2, 3)
    assert lat2[0, 0] > 0 > lat2[0, 2] and lon2[0, 1] > 0
