"""Geometry for the screen only: rings whole across the date line, and the box a map frames.

Analysis and the GeoJSON export keep RFC 7946's cut at ±180° (see
:mod:`coverage.antimeridian`). Leaflet, though, draws longitudes beyond ±180°
where they are, so for the interactive map we put the pieces of a cut ring back
together around its site (for example 172°E to 183°E for a ring at Anadyr) and
frame that, instead of two half-rings at opposite edges of a world map.
Nothing here feeds back into areas or exports.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from coverage.view import Bounds

WORLD_LON_DEG = 360.0


def nearest_turn(lon_deg: float, centre_lon_deg: float) -> float:
    """The multiple of 360° that, added to ``lon_deg``, brings it within 180° of ``centre_lon_deg``."""
    return WORLD_LON_DEG * round((centre_lon_deg - lon_deg) / WORLD_LON_DEG)


def display_geometry(geom: BaseGeometry, centre_lon_deg: float) -> BaseGeometry:
    """``geom`` with each part shifted by whole turns to lie around ``centre_lon_deg``, then merged.

    A ring split at ±180° comes back as one polygon (its two halves share the cut
    edge exactly, so the union dissolves it). A polar cap, which already spans
    -180°..180°, is returned unchanged: Leaflet draws it whole, and the map draws
    its outline without the cap's closing edges (see :mod:`coverage.maps`).
    """
    parts = shapely.get_parts(geom)
    shifted = []
    for part in parts:
        min_lon, _, max_lon, _ = part.bounds
        turn = nearest_turn(0.5 * (min_lon + max_lon), centre_lon_deg)
        shifted.append(shapely.transform(part, lambda xy, dx=turn: xy + [dx, 0.0]) if turn else part)
    if len(parts) == 1:
        return geom if shifted[0] is parts[0] else shifted[0]
    merged = shapely.union_all(shifted)
    return merged if merged.is_valid else shapely.make_valid(merged)


def display_rings(rings: Sequence[BaseGeometry], centres_lon_deg: Sequence[float]) -> list[BaseGeometry]:
    """:func:`display_geometry` of each ring around its own site's longitude.

    Sites are first brought within 180° of the first site, so that rings of
    neighbouring sites either side of the date line are drawn side by side.
    """
    if not rings:
        return []
    anchor = centres_lon_deg[0]
    out = []
    for ring, lon in zip(rings, centres_lon_deg, strict=True):
        out.append(display_geometry(ring, lon + nearest_turn(lon, anchor)))
    return out


def display_view(rings: Sequence[BaseGeometry], pad_fraction: float = 0.08) -> Bounds:
    """The display rings' bounds, padded; longitudes may go beyond ±180°, latitudes stay within ±90°.

    A ring around a pole spans every longitude: its box is the whole width of the world.
    """
    from coverage.view import DEFAULT_VIEW

    if not rings:
        return DEFAULT_VIEW
    min_lon, min_lat, max_lon, max_lat = (float(v) for v in shapely.total_bounds(list(rings)))
    pad = pad_fraction * max(max_lon - min_lon, max_lat - min_lat, 1.0)
    west, east = min_lon - pad, max_lon + pad
    if east - west >= WORLD_LON_DEG:
        centre = 0.5 * (west + east)
        west, east = centre - 180.0, centre + 180.0
    return (west, max(-90.0, min_lat - pad), east, min(90.0, max_lat + pad))


def display_box(view: Bounds) -> Bounds:
    """Borders sent with a map: ``view`` widened for a pan or a zoom-out, rounded to 0.01°.

    As :func:`coverage.view.display_bounds`, but longitudes are not clamped to
    ±180° (they may run past the date line); the box is at most one world wide.
    """
    min_lon, min_lat, max_lon, max_lat = view
    span = max(max_lon - min_lon, max_lat - min_lat)
    west, east = min_lon - 0.75 * span, max_lon + 0.75 * span
    if east - west > WORLD_LON_DEG:
        centre = 0.5 * (west + east)
        west, east = centre - 180.0, centre + 180.0
    south = max(-90.0, min_lat - 0.35 * span)
    north = min(90.0, max_lat + 0.35 * span)
    return (
        math.floor(west * 100.0) / 100.0,
        math.floor(south * 100.0) / 100.0,
        math.ceil(east * 100.0) / 100.0,
        math.ceil(north * 100.0) / 100.0,
    )


def world_offsets(box: Bounds) -> tuple[float, ...]:
    """The shifts (multiples of 360°) at which the world must be drawn to cover ``box``'s longitudes."""
    west, _, east, _ = box
    first = int(np.floor((west + 180.0) / WORLD_LON_DEG))
    last = int(np.floor((east + 180.0) / WORLD_LON_DEG - 1e-12))
    offsets = {0.0, *(WORLD_LON_DEG * k for k in range(first, last + 1))}
    return tuple(sorted(offsets))
