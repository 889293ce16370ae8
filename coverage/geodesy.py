"""Measurements on the WGS84 ellipsoid: distances and areas.

Everything here is geodesic (pyproj's GeographicLib), so numbers do not depend
on a map projection.
"""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

WGS84 = Geod(ellps="WGS84")

# Border and clipped edges are straight in lon/lat (plate carrée), not geodesics.
# Splitting them into short pieces makes the geodesic area of the polygon match
# the area of the lon/lat shape to well under 0.01 %.
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
    """Geodesic area in km² of a lon/lat (multi)polygon.

    Rings are oriented counter-clockwise first: GeographicLib gives a negative
    area for clockwise exteriors. With ``densify`` long straight lon/lat edges
    are split so that they follow the shape as drawn in lon/lat.
    """
    if geom is None or geom.is_empty:
        return 0.0
    if densify:
        geom = shapely.segmentize(geom, AREA_SEGMENT_DEG)
    polygons = [part for part in shapely.get_parts(geom) if part.geom_type == "Polygon"]
    if not polygons:
        return 0.0
    # Oriented, exteriors count positive and holes negative; each ring goes to
    # GeographicLib as coordinate arrays (``geometry_area_perimeter`` would walk
    # the coordinates in Python).
    rings = shapely.get_rings(shapely.orient_polygons(polygons))
    coords, index = shapely.get_coordinates(rings, return_index=True)
    starts = np.flatnonzero(np.diff(index, prepend=-1))
    total = 0.0
    for ring in np.split(coords, starts[1:]):
        area, _ = WGS84.polygon_area_perimeter(ring[:, 0], ring[:, 1])
        total += area
    return total / M2_PER_KM2
