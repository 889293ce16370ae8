"""Measurements on the WGS84 ellipsoid: distances and areas.

Distances are geodesic (pyproj's GeographicLib). Areas are those of the shapes
as drawn (edges straight in lon/lat), measured in an equal-area projection of
the same ellipsoid, so no number depends on how a map is projected.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

WGS84 = Geod(ellps="WGS84")

# Border and clipped edges are straight in lon/lat (plate carrée). In the
# equal-area projection only edges along parallels and meridians stay straight,
# so longer edges are split into pieces this long before measuring.
AREA_SEGMENT_DEG = 0.1

M2_PER_KM2 = 1e6


def distance_m(
    lat1_deg: ArrayLike, lon1_deg: ArrayLike, lat2_deg: ArrayLike, lon2_deg: ArrayLike
) -> NDArray[np.float64]:
    """Geodesic distance in metres between points (broadcasts like NumPy)."""
    lat1, lon1, lat2, lon2 = np.broadcast_arrays(
        np.asarray(lat1_deg, float),
        np.asarray(lon1_deg, float),
        np.asarray(lat2_deg, float),
        np.asarray(lon2_deg, float),
    )
    _, _, dist = WGS84.inv(lon1.ravel(), lat1.ravel(), lon2.ravel(), lat2.ravel())
    return np.asarray(dist, dtype=float).reshape(lat1.shape)


def area_km2(geom: BaseGeometry | None, *, densify: bool = True) -> float:
    """Area in km² on the WGS84 ellipsoid of a lon/lat (multi)polygon.

    Measured in Lambert's cylindrical equal-area projection of the ellipsoid,
    where the area of a shape is its plane area: exact for the polygon with
    edges straight in lon/lat (how maps and GeoJSON draw them) once long edges
    are split (``densify``) into pieces of :data:`AREA_SEGMENT_DEG`. Agrees with
    GeographicLib's geodesic polygon area to 1e-5 for countries over 10,000 km²
    (tests/test_geodesy.py; the rest is geodesic versus straight edges),
    and is one vectorised pass instead of one call per ring.
    """
    if geom is None or geom.is_empty:
        return 0.0
    return float(areas_km2(np.array([geom], dtype=object), densify=densify)[0])


def areas_km2(geoms: NDArray[np.object_], *, densify: bool = True) -> NDArray[np.float64]:
    """:func:`area_km2` of each geometry of an array (None or empty: 0), in one vectorised pass.

    Edges along a meridian or a parallel are straight in the projection, so
    only the others are split; each is split as ``shapely.segmentize`` would
    (equal pieces no longer than :data:`AREA_SEGMENT_DEG`), but on the fly.
    """
    geoms = np.asarray(geoms, dtype=object)
    out = np.zeros(geoms.size)
    if geoms.size == 0:
        return out
    # Twice: a GeometryCollection from an overlay may hold MultiPolygons.
    parts, owner = shapely.get_parts(geoms, return_index=True)
    parts, inner = shapely.get_parts(parts, return_index=True)
    owner = owner[inner]
    polygon = (shapely.get_type_id(parts) == shapely.GeometryType.POLYGON) & ~shapely.is_empty(parts)
    parts, owner = parts[polygon], owner[polygon]
    if parts.size == 0:
        return out
    # Counter-clockwise exteriors count positive, clockwise holes negative.
    rings, ring_polygon = shapely.get_rings(shapely.orient_polygons(parts), return_index=True)
    coords, index = shapely.get_coordinates(rings, return_index=True)
    edge = np.flatnonzero(index[1:] == index[:-1])  # rings are closed: no step from one ring to the next
    lon1, lat1 = coords[edge, 0], coords[edge, 1]
    dlon, dlat = coords[edge + 1, 0] - lon1, coords[edge + 1, 1] - lat1
    pieces = np.ones(edge.size, dtype=np.intp)
    if densify:
        slanted = (dlon != 0.0) & (dlat != 0.0)
        pieces[slanted] = np.maximum(np.ceil(np.hypot(dlon, dlat)[slanted] / AREA_SEGMENT_DEG), 1.0)
    # The start of every piece of every edge, ring by ring, then each ring's closing vertex.
    which = np.repeat(np.arange(edge.size), pieces)
    t = (np.arange(which.size) - np.repeat(np.cumsum(pieces) - pieces, pieces)) / pieces[which]
    ring = index[edge][which]
    # The rings present: index is sorted, so no np.unique (which would import numpy.ma).
    present = index[np.flatnonzero(np.diff(index, prepend=-1))]
    at = np.searchsorted(ring, present, side="right")
    closing = coords[np.flatnonzero(np.diff(index, append=-1))]
    lon = np.insert(lon1[which] + t * dlon[which], at, closing[:, 0])
    lat = np.insert(lat1[which] + t * dlat[which], at, closing[:, 1])
    ring = np.insert(ring, at, present)
    x = np.radians(lon) * WGS84.a
    y = _authalic_y(lat)
    trapezoids = np.where(ring[1:] == ring[:-1], (x[1:] + x[:-1]) * (y[1:] - y[:-1]), 0.0)
    by_ring = np.bincount(ring[:-1], weights=trapezoids, minlength=rings.size)
    by_geom = np.bincount(owner[ring_polygon], weights=by_ring, minlength=geoms.size)
    out[:] = 0.5 * by_geom / M2_PER_KM2
    return out


def _authalic_y(lat_deg: NDArray[np.float64]) -> NDArray[np.float64]:
    """Northing of Lambert's cylindrical equal-area projection of WGS84 (x = a·lon)."""
    e = math.sqrt(WGS84.es)
    sin = np.sin(np.radians(lat_deg))
    q = (1.0 - e * e) * (sin / (1.0 - (e * sin) ** 2) - np.log((1.0 - e * sin) / (1.0 + e * sin)) / (2.0 * e))
    return WGS84.a * q / 2.0
