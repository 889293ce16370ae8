"""Geodesic rings: on the circle to the promised tolerance, valid, split at ±180°, polar.

Expected values come from pyproj's Geod.inv / Geod.fwd (GeographicLib) and the
closed-form ellipsoidal zone area in ``_geo_reference``, never from coverage.rings.
"""

from __future__ import annotations

import math

import _geo_reference as ref
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from coverage.errors import RingError
from coverage.geodesy import area_km2
from coverage.rings import geodesic_ring, geodesic_rings, ring_vertices, ring_vertices_many

TOL = 5e-5  # the module's promise: 0.005 % of the radius along every edge
SAMPLES_PER_EDGE = 20
RADII_KM = [1, 10, 100, 1000, 5000, 10000]
CENTRES = [
    (0.0, 0.0),
    (40.59825, 43.08548),  # Kars
    (-33.87, 151.21),
    (70.0, -150.0),
    (10.0, 179.5),  # crosses the antimeridian
    (-17.7, -179.9),  # Fiji side of the date line
    (88.0, 0.0),  # encloses the north pole for r >= ~223 km
    (-89.5, 30.0),  # encloses the south pole for r >= ~56 km
]


def _edge_samples(lon: np.ndarray, lat: np.ndarray, closed: bool) -> tuple[np.ndarray, np.ndarray]:
    """SAMPLES_PER_EDGE points per straight lon/lat edge (linear in lon and lat)."""
    if closed:
        lon2 = np.append(lon[1:], lon[0])
        lat2 = np.append(lat[1:], lat[0])
        # the closing edge is taken the short way round, like every other edge
        lon2 = lon + ((lon2 - lon + 180.0) % 360.0 - 180.0)
    else:
        lon2, lat2 = lon[1:], lat[1:]
        lon, lat = lon[:-1], lat[:-1]
    t = np.linspace(0.0, 1.0, SAMPLES_PER_EDGE)[:, None]
    s_lon = lon + t * (lon2 - lon)
    s_lat = lat + t * (lat2 - lat)
    s_lon = (s_lon + 180.0) % 360.0 - 180.0  # Geod.inv is happy either way; keep it tidy
    return s_lon.ravel(), s_lat.ravel()


def _exteriors_and_holes(geom) -> list[np.ndarray]:
    rings = []
    for part in shapely.get_parts(geom):
        rings.append(np.asarray(part.exterior.coords))
        rings.extend(np.asarray(h.coords) for h in part.interiors)
    return rings


@pytest.mark.parametrize("radius_km", RADII_KM)
@pytest.mark.parametrize("centre", CENTRES, ids=lambda c: f"{c[0]}_{c[1]}")
def test_vertices_and_edges_on_the_circle(centre, radius_km):
    lat0, lon0 = centre
    r = radius_km * 1000.0
    lon, lat = ring_vertices(lat0, lon0, r)
    assert lon.size >= 16
    d = ref.inv_distance_m(lat0, lon0, lat, lon)
    assert np.max(np.abs(d - r)) <= 1.0, "a vertex is more than 1 m off the circle"
    s_lon, s_lat = _edge_samples(lon, lat, closed=True)
    ds = ref.inv_distance_m(lat0, lon0, s_lat, s_lon)
    worst = np.max(np.abs(ds - r)) / r
    assert worst <= TOL, f"an edge sags {worst:.2e} of the radius"


@pytest.mark.parametrize("radius_km", RADII_KM)
@pytest.mark.parametrize("centre", CENTRES, ids=lambda c: f"{c[0]}_{c[1]}")
def test_final_polygon_boundary_is_the_circle(centre, radius_km):
    """Every vertex/edge of the returned geometry is on the circle, except the cut
    lines at ±180° and the run along the pole's latitude."""
    lat0, lon0 = centre
    r = radius_km * 1000.0
    geom = geodesic_ring(lat0, lon0, r)
    assert geom.is_valid
    for coords in _exteriors_and_holes(geom):
        lon, lat = coords[:, 0], coords[:, 1]
        on_circle = np.abs(lat) < 90.0
        d = ref.inv_distance_m(lat0, lon0, lat[on_circle], lon[on_circle])
        assert np.max(np.abs(d - r)) <= 1.0
        # edges: skip cut edges (both ends on the same ±180 meridian) and pole edges
        a, b = coords[:-1], coords[1:]
        cut = (np.abs(a[:, 0]) == 180.0) & (a[:, 0] == b[:, 0])
        pole = (np.abs(a[:, 1]) == 90.0) | (np.abs(b[:, 1]) == 90.0)
        keep = ~(cut | pole)
        if not keep.any():
            continue
        seg_lon = np.column_stack([a[keep, 0], b[keep, 0]])
        seg_lat = np.column_stack([a[keep, 1], b[keep, 1]])
        t = np.linspace(0.0, 1.0, SAMPLES_PER_EDGE)[:, None, None]
        s_lon = seg_lon[None, :, 0:1] + t * (seg_lon[None, :, 1:2] - seg_lon[None, :, 0:1])
        s_lat = seg_lat[None, :, 0:1] + t * (seg_lat[None, :, 1:2] - seg_lat[None, :, 0:1])
        ds = ref.inv_distance_m(lat0, lon0, s_lat.ravel(), s_lon.ravel())
        assert np.max(np.abs(ds - r)) / r <= TOL


def test_small_ring_is_round_in_km():
    """A 1 km ring at the equator spans 2 km north-south and east-west (Geod.inv)."""
    geom = geodesic_ring(0.0, 0.0, 1000.0)
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    assert float(ref.inv_distance_m(min_lat, 0.0, max_lat, 0.0)) == pytest.approx(2000.0, rel=1e-4)
    assert float(ref.inv_distance_m(0.0, min_lon, 0.0, max_lon)) == pytest.approx(2000.0, rel=1e-4)


# ---------------------------------------------------------------- properties

_lat = st.one_of(
    st.floats(-90.0, 90.0),
    st.floats(85.0, 90.0),
    st.floats(-90.0, -85.0),
)
_lon = st.one_of(
    st.floats(-180.0, 180.0),
    st.floats(179.0, 180.0),
    st.floats(-180.0, -179.0),
)
_radius_m = st.floats(0.0, 4.0).map(lambda x: 1000.0 * 10.0**x)  # 1 km .. 10,000 km, log-uniform
_azimuths = st.lists(st.floats(0.0, 360.0, exclude_max=True), min_size=4, max_size=8)

PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
NORTH_LINE = LineString([(-180.0, 90.0), (180.0, 90.0)])
SOUTH_LINE = LineString([(-180.0, -90.0), (180.0, -90.0)])


def _margin(r: float) -> float:
    return max(10.0, 1e-6 * r)


@PROPERTY_SETTINGS
@given(lat=_lat, lon=_lon, r=_radius_m, az=_azimuths)
def test_ring_properties(lat, lon, r, az):
    geom = geodesic_ring(lat, lon, r)
    assert isinstance(geom, Polygon | MultiPolygon)
    assert geom.is_valid and not geom.is_empty
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    assert -180.0 <= min_lon <= max_lon <= 180.0
    assert -90.0 <= min_lat <= max_lat <= 90.0

    d_north = float(ref.inv_distance_m(lat, lon, 90.0, 0.0))
    d_south = float(ref.inv_distance_m(lat, lon, -90.0, 0.0))
    m = _margin(r)
    for d_pole, line, pole_lat in ((d_north, NORTH_LINE, 90.0), (d_south, SOUTH_LINE, -90.0)):
        if d_pole < r - m:
            assert geom.intersects(line), "pole within the radius but not included"
            assert (max_lat if pole_lat > 0 else min_lat) == pole_lat
        elif d_pole > r + m:
            assert not geom.intersects(line), "pole outside the radius but included"

    encloses_pole = d_north < r - m or d_south < r - m
    clear_of_poles = d_north > r + m and d_south > r + m
    d_meridian = ref.min_distance_to_meridian_m(lat, lon, 180.0)
    # (Rings around a pole always reach ±180°; their longitude span is checked in
    # test_pole_enclosing_ring_covers_every_longitude_near_the_pole.)
    if d_meridian < r - m and clear_of_poles:
        assert min_lon == -180.0 and max_lon == 180.0
        assert isinstance(geom, MultiPolygon), "a ring crossing ±180° must be split"
        assert len(geom.geoms) >= 2
        for part in geom.geoms:
            b = part.bounds
            assert b[0] == -180.0 or b[2] == 180.0, "each piece ends at the cut"
            assert b[2] - b[0] < 360.0
    elif d_meridian > r + m and not encloses_pole:
        assert isinstance(geom, Polygon)
        assert min_lon > -180.0 and max_lon < 180.0

    if clear_of_poles:
        # Points just inside/outside the circle (Geod.fwd) are in/out of the polygon.
        n = len(az)
        for factor, expected in ((0.98, True), (1.02, False)):
            if factor * r > 19_900_000.0:
                continue
            p_lon, p_lat, _ = ref.GEOD.fwd([lon] * n, [lat] * n, az, [factor * r] * n)
            pts = shapely.points(np.column_stack([p_lon, p_lat]))
            assert bool(np.all(shapely.covers(geom, pts) == expected)), (factor, az)


# ------------------------------------------------------------------ polar rings


@pytest.mark.parametrize("radius_km", [100, 1000, 5000])
@pytest.mark.parametrize("pole_lat", [90.0, -90.0])
def test_pole_centred_ring_is_the_polar_cap(pole_lat, radius_km):
    """Without measuring area: a pole-centred ring has every vertex on the
    parallel at the meridian distance r from the pole, and includes the pole."""
    r = radius_km * 1000.0
    phi = ref.latitude_at_distance_from_pole(r)
    geom = geodesic_ring(pole_lat, 0.0, r)
    assert geom.is_valid
    coords = np.vstack(_exteriors_and_holes(geom))
    off_pole = np.abs(coords[:, 1]) < 90.0
    assert np.allclose(np.abs(coords[off_pole, 1]), phi, atol=1e-7)
    assert geom.intersects(NORTH_LINE if pole_lat > 0 else SOUTH_LINE)


# Regression: close_around_pole once dropped the ring's closing edge, losing a wedge one
# edge wide up to the pole (0.28 % of a pole-centred cap).


@pytest.mark.parametrize("radius_km", [100, 1000, 5000])
@pytest.mark.parametrize("pole_lat", [90.0, -90.0])
def test_pole_centred_ring_area_matches_closed_form_cap(pole_lat, radius_km):
    r = radius_km * 1000.0
    expected = ref.polar_cap_area_km2(r)
    assert area_km2(geodesic_ring(pole_lat, 0.0, r)) == pytest.approx(expected, rel=1e-3)


@pytest.mark.parametrize(
    "lat0, lon0, r",
    [
        (90.0, 0.0, 1e6),
        (-90.0, 0.0, 1e6),
        (-90.0, -179.0, 1000.0),
        (89.0, 10.0, 5e5),
        (85.0, 180.0, 2e6),
        (0.1, 0.0, 1e7),
    ],
)
def test_pole_enclosing_ring_covers_every_longitude_near_the_pole(lat0, lon0, r):
    """Points at distance delta from the pole with delta < r - d(centre, pole) are inside
    the circle (triangle inequality), whatever their longitude."""
    pole = 90.0 if lat0 > 0 else -90.0
    d_pole = float(ref.inv_distance_m(lat0, lon0, pole, 0.0))
    assert d_pole < r
    delta = 0.5 * (r - d_pole)
    phi = ref.latitude_at_distance_from_pole(delta) * (1 if pole > 0 else -1)
    lons = np.arange(-179.95, 180.0, 0.1)
    assert np.all(ref.inv_distance_m(lat0, lon0, phi, lons) < r)  # the reference agrees
    pts = shapely.points(np.column_stack([lons, np.full(lons.size, phi)]))
    geom = geodesic_ring(lat0, lon0, r)
    assert geom.bounds[0] == -180.0 and geom.bounds[2] == 180.0
    missing = lons[~shapely.covers(geom, pts)]
    assert missing.size == 0, f"longitudes not covered near the pole: {missing[:5]}…"


def test_ring_area_at_equator_is_close_to_spherical_cap():
    # Tolerance check only: ellipsoid vs authalic sphere differ by well under 1 % here.
    for r in (1e5, 1e6):
        assert area_km2(geodesic_ring(0.0, 0.0, r)) == pytest.approx(ref.spherical_cap_km2(r), rel=5e-3)


def test_crossing_ring_area_equals_unsplit_twin():
    """A ring split at ±180° has the same area as the same ring centred on lon 0."""
    crossing = geodesic_ring(-17.7, 179.9, 400_000.0)
    assert isinstance(crossing, MultiPolygon)
    twin = geodesic_ring(-17.7, -0.1, 400_000.0)
    assert isinstance(twin, Polygon)
    assert area_km2(crossing) == pytest.approx(area_km2(twin), rel=1e-6)


def test_pole_point_covered_by_pole_centred_ring():
    assert geodesic_ring(90.0, 0.0, 500_000.0).covers(Point(0.0, 90.0))
    assert geodesic_ring(-90.0, 0.0, 500_000.0).covers(Point(0.0, -90.0))


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "lat, lon, r",
    [
        (math.nan, 0.0, 1e5),
        (0.0, math.nan, 1e5),
        (0.0, 0.0, math.nan),
        (math.inf, 0.0, 1e5),
        (0.0, -math.inf, 1e5),
        (0.0, 0.0, math.inf),
        (91.0, 0.0, 1e5),
        (-90.000001, 0.0, 1e5),
        (0.0, 180.5, 1e5),
        (0.0, -181.0, 1e5),
        (0.0, 0.0, 0.0),
        (0.0, 0.0, -5.0),
        (0.0, 0.0, 999.0),
        (0.0, 0.0, 10_001_000.0),
    ],
)
def test_bad_input_raises_ring_error(lat, lon, r):
    with pytest.raises(RingError):
        geodesic_ring(lat, lon, r)
    with pytest.raises(ValueError):  # RingError is a ValueError for generic callers
        ring_vertices(lat, lon, r)


@pytest.mark.parametrize("r", [1000.0, 10_000_000.0])
def test_radius_limits_are_inclusive(r):
    assert geodesic_ring(0.0, 0.0, r).is_valid


# ------------------------------------------------------------------ many rings at once
def test_many_rings_at_once_equal_one_at_a_time():
    lat = [c[0] for c in CENTRES]
    lon = [c[1] for c in CENTRES]
    radius = [1_000.0 * r for r in (1, 400, 100, 5000, 1000, 10, 3000, 10000)]
    together = geodesic_rings(lat, lon, radius)
    assert len(together) == len(CENTRES)
    for ring, la, lo, r in zip(together, lat, lon, radius, strict=True):
        alone = geodesic_ring(la, lo, r)
        assert shapely.equals_exact(ring, alone, tolerance=0.0), (la, lo, r)
    # and each batch member is on its own circle, not a neighbour's
    for (v_lon, v_lat), la, lo, r in zip(ring_vertices_many(lat, lon, radius), lat, lon, radius, strict=True):
        _, _, d = ref.GEOD.inv(np.full(v_lon.size, lo), np.full(v_lon.size, la), v_lon, v_lat)
        assert np.abs(np.asarray(d) - r).max() < 1e-3


def test_a_large_batch_split_between_threads_equals_one_ring_at_a_time():
    from coverage import rings

    rng = np.random.default_rng(3)
    n = 3 * rings._PARALLEL_FROM  # past the threshold: the centres are split between threads
    lat = rng.uniform(-89.0, 89.0, n)
    lon = rng.uniform(-180.0, 180.0, n)
    radius = np.exp(rng.uniform(np.log(1e3), np.log(1e7), n))
    together = ring_vertices_many(lat, lon, radius)
    assert len(together) == n
    for (t_lon, t_lat), la, lo, r in zip(together, lat, lon, radius, strict=True):
        a_lon, a_lat = ring_vertices(la, lo, r)
        assert np.array_equal(t_lon, a_lon) and np.array_equal(t_lat, a_lat), (la, lo, r)


def test_many_rings_with_no_centres_is_empty():
    assert geodesic_rings([], [], []) == []


def test_many_rings_reject_mismatched_lengths_and_bad_members():
    with pytest.raises(RingError, match="same length"):
        ring_vertices_many([0.0, 1.0], [0.0], [1e5, 1e5])
    with pytest.raises(RingError, match="lat must be between"):
        geodesic_rings([0.0, 95.0], [0.0, 0.0], [1e5, 1e5])


@settings(max_examples=200, deadline=None)
@given(
    st.floats(-90, 90),
    st.floats(-180, 180),
    st.floats(-90, 90),
    st.floats(-180, 180),
)
def test_refinement_distance_estimate_tracks_geographiclib(lat1, lon1, lat2, lon2):
    """The fast estimate that places vertices is within 0.01 % (or 2 m) of the exact distance."""
    from coverage.rings import _Reduced

    _, _, exact = ref.GEOD.inv(lon1, lat1, lon2, lat2)
    if exact > 12_000_000.0 or exact < 1.0:  # rings reach 10,000 km; Lambert's formula fails near antipodes
        return
    a = _Reduced(np.array([lat1]), np.array([lon1]))
    b = _Reduced(np.array([lat2]), np.array([lon2]))
    assert abs(float(a.distance_m(b)[0]) - exact) <= max(2.0, 1e-4 * exact)


@pytest.mark.parametrize("lat0", [85.0, 89.99, -85.0])
def test_ring_through_the_pole_encloses_the_centres_pole(lat0):
    """A radius exactly equal to the distance to the pole: closed round the right pole."""
    pole = 90.0 if lat0 > 0 else -90.0
    _, _, to_pole = ref.GEOD.inv(0.0, lat0, 0.0, pole)
    exact = area_km2(geodesic_ring(lat0, 0.0, to_pole))
    nearby = area_km2(geodesic_ring(lat0, 0.0, to_pole + 0.01))
    assert exact == pytest.approx(nearby, rel=1e-4)  # 1 cm more radius: 2e-5 at 1 km
    assert exact < 2.0 * math.pi * (to_pole / 1000.0) ** 2  # a cap, not the rest of the Earth


@given(
    lat=st.floats(-89.0, 89.0),
    lon=st.floats(-180.0, 180.0),
    radius_km=st.floats(1.0, 10_000.0),
)
@settings(max_examples=50, deadline=None)
def test_each_ring_is_its_mirror_image_in_the_centres_meridian(lat, lon, radius_km):
    """Only half of each ring is built; the other half is its mirror image, vertex for vertex."""
    x, y = ring_vertices(lat, lon, radius_km * 1000.0)
    # Vertex k and vertex n - k are mirror images (vertex 0 is at azimuth 0), except
    # where the exact ±180° crossings were inserted afterwards: such rings are left out.
    assume(x.min() > -180.0 and x.max() < 180.0)
    n = x.size
    k = np.arange(1, n)
    assert np.array_equal(y[k], y[n - k])
    gap = (x[k] + x[n - k] - 2.0 * lon + 180.0) % 360.0 - 180.0
    assert np.abs(gap).max() < 1e-9
