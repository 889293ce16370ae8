"""Split lon/lat rings at the antimeridian and close them around a pole.

Both the geodesic rings and the Natural Earth borders (stitched across ±180°
by world-atlas) arrive as rings whose longitudes jump by 360° where they cross
the date line. RFC 7946 wants such shapes cut at ±180°; we build the polygon in
*unwrapped* longitudes (continuous, possibly beyond ±180°), close it through
the pole if it winds once around the globe, then clip it into the
[-180°, 180°] strip and shift each piece back.
"""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry


def unwrap_lon(lon_deg: ArrayLike) -> NDArray[np.float64]:
    """Remove 360° jumps between consecutive longitudes."""
    return np.unwrap(np.asarray(lon_deg, dtype=float), period=360.0)


def winding(lon_unwrapped: NDArray[np.float64]) -> int:
    """How many times a closed ring of unwrapped longitudes winds round the pole.

    ``lon_unwrapped`` is the ring without its repeated closing vertex; the
    closing edge is taken the short way round, as every other edge.
    """
    closing = lon_unwrapped[0] - lon_unwrapped[-1]
    closing = (closing + 180.0) % 360.0 - 180.0
    total = lon_unwrapped[-1] - lon_unwrapped[0] + closing
    return int(round(total / 360.0))


def close_around_pole(
    lon_unwrapped: NDArray[np.float64], lat_deg: NDArray[np.float64], pole_lat: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Extend a ring that winds once round a pole so it encloses that pole.

    ``lon_unwrapped`` is the ring without its repeated closing vertex. We repeat
    the first vertex one turn (±360°) on, so the last edge is kept, then go up
    to the pole and along it back to the start: an ordinary polygon in lon/lat.
    """
    turn = 360.0 * winding(lon_unwrapped)
    lon = np.concatenate(
        [lon_unwrapped, [lon_unwrapped[0] + turn, lon_unwrapped[0] + turn, lon_unwrapped[0]]]
    )
    lat = np.concatenate([lat_deg, [lat_deg[0], pole_lat, pole_lat]])
    return lon, lat


def split_polygon(polygon: Polygon) -> Polygon | MultiPolygon:
    """Cut a polygon in unwrapped longitudes into pieces inside [-180°, 180°].

    Valid input gives valid output; a polygon already inside the strip comes
    back unchanged.
    """
    min_lon, _, max_lon, _ = polygon.bounds
    if min_lon >= -180.0 and max_lon <= 180.0:
        return polygon
    pieces: list[Polygon] = []
    first = int(np.floor((min_lon + 180.0) / 360.0))
    last = int(np.floor((max_lon + 180.0) / 360.0 - 1e-12))
    for k in range(first, last + 1):
        strip = box(-180.0 + 360.0 * k, -90.0, 180.0 + 360.0 * k, 90.0)
        part = shapely.intersection(polygon, strip)
        if part.is_empty:
            continue
        part = shapely.transform(part, lambda xy, dx=360.0 * k: xy - [dx, 0.0])
        pieces.extend(_polygons(part))
    # A polar cap's pieces from neighbouring strips share the meridian where
    # the ring started: merge them, so only the cut at ±180° separates parts.
    return _as_polygonal(_polygons(shapely.union_all(pieces)))


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    """The non-empty polygons in ``geom`` (drops points and lines from clipping)."""
    parts = shapely.get_parts(geom)
    out: list[Polygon] = []
    for part in parts:
        if isinstance(part, Polygon) and not part.is_empty and part.area > 0:
            out.append(part)
        elif isinstance(part, MultiPolygon):
            out.extend(p for p in part.geoms if p.area > 0)
    return out


def _as_polygonal(pieces: list[Polygon]) -> Polygon | MultiPolygon:
    if len(pieces) == 1:
        return pieces[0]
    return MultiPolygon(pieces)
