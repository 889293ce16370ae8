"""True geodesic circles on WGS84, as lon/lat polygons ready for a map.

A ring is the set of points at a fixed geodesic distance from a centre. We
compute its vertices with :meth:`pyproj.Geod.fwd` (exact to nanometres) and
add vertices until every straight lon/lat edge stays within
:data:`SAG_TOLERANCE` of the radius, so the drawn polygon *is* the circle to
that tolerance. Leaflet's ``L.Circle`` is a sphere-and-Mercator ellipse and is
kilometres off at these radii; never draw rings with it.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from shapely.geometry import MultiPolygon, Polygon

from coverage.antimeridian import close_around_pole, split_polygon, unwrap_lon, winding
from coverage.errors import RingError
from coverage.geodesy import WGS84, distance_m

MIN_RADIUS_M = 1_000.0
MAX_RADIUS_M = 10_000_000.0
SAG_TOLERANCE = 5e-5  # 0.005 % of the radius, checked along every edge
_TARGET = 0.8 * SAG_TOLERANCE  # refine to a margin below the promise
_SAMPLES = np.array([0.25, 0.5, 0.75])  # where each edge is checked
_MAX_ROUNDS = 24


def check_centre_and_radius(lat_deg: float, lon_deg: float, radius_m: float) -> None:
    """Raise :class:`RingError` unless the centre and radius are drawable."""
    for name, value in (("lat", lat_deg), ("lon", lon_deg), ("radius", radius_m)):
        if not math.isfinite(value):
            raise RingError(f"{name} must be a finite number, got {value!r}")
    if not -90.0 <= lat_deg <= 90.0:
        raise RingError(f"lat must be between -90 and 90, got {lat_deg}")
    if not -180.0 <= lon_deg <= 180.0:
        raise RingError(f"lon must be between -180 and 180, got {lon_deg}")
    if not MIN_RADIUS_M <= radius_m <= MAX_RADIUS_M:
        raise RingError(
            f"radius must be between {MIN_RADIUS_M / 1000:g} km and "
            f"{MAX_RADIUS_M / 1000:,.0f} km, got {radius_m / 1000:g} km"
        )


def ring_vertices(
    lat_deg: float, lon_deg: float, radius_m: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Vertices of the geodesic circle, as (unwrapped lon, lat) arrays.

    Longitudes are continuous (they may run past ±180°) so that straight edges
    between consecutive vertices are the short way round. Vertices sit where
    the circle crosses ±180° so that cutting there adds no off-circle points.
    """
    check_centre_and_radius(lat_deg, lon_deg, radius_m)
    # A regular polygon of n sides sags r(1 - cos(pi/n)) ~ r pi^2 / (2 n^2).
    n0 = max(16, math.ceil(math.pi / math.sqrt(2.0 * _TARGET)))
    az = np.linspace(0.0, 360.0, n0, endpoint=False)  # increasing; may pass 360 at the end
    lon, lat = _forward(lat_deg, lon_deg, az, radius_m)
    todo = np.arange(az.size)  # edges (i -> i + 1) not yet known to be straight enough
    for _ in range(_MAX_ROUNDS):
        bad = todo[_sagging_edges(lat_deg, lon_deg, radius_m, lon, lat, todo)]
        if bad.size == 0:
            break
        # Split each bad edge at its middle azimuth; only the new halves need checking.
        az_next = np.append(az[1:], az[0] + 360.0)[bad]
        mid = (az[bad] + az_next) / 2.0
        new_lon, new_lat = _forward(lat_deg, lon_deg, mid, radius_m)
        new_lon = lon[bad] + ((new_lon - lon[bad] + 180.0) % 360.0 - 180.0)
        az = np.insert(az, bad + 1, mid)
        lon = np.insert(lon, bad + 1, new_lon)
        lat = np.insert(lat, bad + 1, new_lat)
        new_index = bad + 1 + np.arange(bad.size)
        todo = np.concatenate([new_index - 1, new_index])
    return _with_antimeridian_vertices(lat_deg, lon_deg, radius_m, az, lon, lat)


def geodesic_ring(lat_deg: float, lon_deg: float, radius_m: float) -> Polygon | MultiPolygon:
    """The geodesic circle of ``radius_m`` around a centre, as an RFC 7946 polygon.

    Split at ±180° into a MultiPolygon where it crosses the antimeridian; a
    ring that encloses a pole runs along the pole's latitude and includes it.
    """
    lon, lat = ring_vertices(lat_deg, lon_deg, radius_m)
    if winding(lon) != 0:
        north = distance_m(lat_deg, lon_deg, 90.0, 0.0) < radius_m
        lon, lat = close_around_pole(lon, lat, 90.0 if north else -90.0)
    polygon = Polygon(np.column_stack([lon, lat]))
    return split_polygon(polygon)


def _forward(
    lat_deg: float, lon_deg: float, az_deg: NDArray[np.float64], radius_m: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    n = az_deg.size
    lon, lat, _ = WGS84.fwd(np.full(n, lon_deg), np.full(n, lat_deg), az_deg, np.full(n, radius_m))
    return unwrap_lon(lon), np.asarray(lat, dtype=float)


def _edge_ends(
    lon: NDArray[np.float64], lat: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """End points of each edge, closing edge included, taken the short way."""
    lon_next = np.append(lon[1:], lon[0])
    lon_next = lon + ((lon_next - lon + 180.0) % 360.0 - 180.0)
    return lon_next, np.append(lat[1:], lat[0])


def _sagging_edges(
    lat_deg: float,
    lon_deg: float,
    radius_m: float,
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    edges: NDArray[np.intp],
) -> NDArray[np.bool_]:
    """For each edge index in ``edges``: does its straight lon/lat line stray too far?"""
    lon2, lat2 = _edge_ends(lon, lat)
    lon1, lat1, lon2, lat2 = lon[edges], lat[edges], lon2[edges], lat2[edges]
    t = _SAMPLES[:, None]
    d = distance_m(lat_deg, lon_deg, lat1 + t * (lat2 - lat1), lon1 + t * (lon2 - lon1))
    return np.asarray((np.abs(d - radius_m) > _TARGET * radius_m).any(axis=0))


def _with_antimeridian_vertices(
    lat_deg: float,
    lon_deg: float,
    radius_m: float,
    az: NDArray[np.float64],
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Insert the exact points where edges cross an odd multiple of 180°."""
    lon2, _ = _edge_ends(lon, lat)
    cell = np.floor((lon + 180.0) / 360.0)
    cell2 = np.floor((lon2 + 180.0) / 360.0)
    crossing = np.flatnonzero(cell != cell2)
    if crossing.size == 0:
        return lon, lat
    boundary = np.maximum(cell, cell2)[crossing] * 360.0 - 180.0
    a = az[crossing].copy()
    b = np.append(az[1:], az[0] + 360.0)[crossing]
    start_lon = lon[crossing]
    for _ in range(60):  # bisection on azimuth: 360 / 2**60 is far below 1 mm
        mid = (a + b) / 2.0
        m_lon, _, _ = WGS84.fwd(
            np.full(mid.size, lon_deg), np.full(mid.size, lat_deg), mid, np.full(mid.size, radius_m)
        )
        m_lon = start_lon + ((np.asarray(m_lon) - start_lon + 180.0) % 360.0 - 180.0)
        same_side = (m_lon < boundary) == (start_lon < boundary)
        a = np.where(same_side, mid, a)
        b = np.where(same_side, b, mid)
    _, x_lat, _ = WGS84.fwd(np.full(a.size, lon_deg), np.full(a.size, lat_deg), a, np.full(a.size, radius_m))
    # Insert each crossing after its edge's first vertex, at the unwrapped boundary.
    # Consecutive unwrapped longitudes differ by < 180°, so the boundary as seen from
    # the first vertex is the same number whichever side the edge goes.
    out_lon = np.insert(lon, crossing + 1, boundary)
    out_lat = np.insert(lat, crossing + 1, np.asarray(x_lat, dtype=float))
    return out_lon, out_lat
