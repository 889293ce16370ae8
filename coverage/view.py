"""What part of the world a map shows, and the borders sent for it.

Both renderers start from the same view: the rings' bounds, padded
(:func:`view_bounds`), and a wider box of borders around it for panning and
zooming out (:func:`display_bounds`), rounded so that nearby views share one
cached set of borders.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from coverage.borders import Countries
from coverage.cache import LRUCache

if TYPE_CHECKING:
    import geopandas as gpd

Bounds = tuple[float, float, float, float]
"""(min_lon, min_lat, max_lon, max_lat) in degrees."""

DEFAULT_VIEW: Bounds = (15.0, 30.0, 50.0, 48.0)
"""An empty map: the story's region, Turkey and its neighbours."""

DISPLAY_DECIMALS = 2
"""Display bounds are rounded to this many decimals: one cache entry per nearby view."""


def view_bounds(rings: Sequence[BaseGeometry], pad_fraction: float = 0.08) -> Bounds:
    """The rings' bounds, padded, within the world (:data:`DEFAULT_VIEW` with no rings)."""
    if not rings:
        return DEFAULT_VIEW
    min_lon, min_lat, max_lon, max_lat = (float(v) for v in shapely.total_bounds(list(rings)))
    pad = pad_fraction * max(max_lon - min_lon, max_lat - min_lat, 1.0)
    return (
        max(-180.0, min_lon - pad),
        max(-90.0, min_lat - pad),
        min(180.0, max_lon + pad),
        min(90.0, max_lat + pad),
    )


def display_bounds(view: Bounds) -> Bounds:
    """A box around ``view`` that fills a wide map panel, with room for a pan or a zoom-out.

    Maps are wider than tall and Leaflet fits the view with margins, so we send
    borders beyond the rings, but not the whole world. Rounded to
    :data:`DISPLAY_DECIMALS`.
    """
    min_lon, min_lat, max_lon, max_lat = view
    span = max(max_lon - min_lon, max_lat - min_lat)
    wide = (
        max(-180.0, min_lon - 0.75 * span),
        max(-90.0, min_lat - 0.35 * span),
        min(180.0, max_lon + 0.75 * span),
        min(90.0, max_lat + 0.35 * span),
    )
    west, south, east, north = (round(v, DISPLAY_DECIMALS) for v in wide)
    return (west, south, east, north)


def borders_for_view(
    borders: gpd.GeoDataFrame,
    bounds: Bounds,
    tolerance_deg: float | None = None,
) -> gpd.GeoDataFrame:
    """Borders clipped to ``bounds``, simplified to ``tolerance_deg`` (about a pixel).

    ``shapely.coverage_simplify`` keeps shared edges shared, so no slivers open
    between neighbours (per-polygon simplification leaves them). Islands
    smaller than a few pixels are dropped: at this scale they are specks that
    cost more bytes than the rest of the map. The default tolerance suits a
    map about 1,000 pixels across the middle half of ``bounds``.
    """
    import geopandas as gpd

    if tolerance_deg is None:
        tolerance_deg = (bounds[2] - bounds[0]) / 1500.0
    names, codes, clipped = clip_wrapped(borders, bounds)
    simplified = shapely.coverage_simplify(clipped, tolerance_deg, simplify_boundary=True)
    simplified = np.array([_drop_specks(g, (2.0 * tolerance_deg) ** 2) for g in simplified], dtype=object)
    simplified = shapely.set_precision(simplified, 1e-3, mode="pointwise")
    out = gpd.GeoDataFrame(
        {"name": names, "iso_a3": codes},
        geometry=simplified,
        crs=borders.crs,
    )
    return out[~out.geometry.is_empty]


def clip_wrapped(borders: gpd.GeoDataFrame, bounds: Bounds) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Names, codes and valid geometries of ``borders`` clipped to ``bounds``.

    ``bounds`` may run past ±180° (a map around the date line): each whole-turn
    strip is clipped on its own, shifted into place, and a country's pieces are
    merged, which also dissolves Natural Earth's own cut at 180° for display.
    """
    pieces = []
    for shift, strip in _strips(bounds):
        idx = borders.sindex.query(box(*strip), predicate="intersects")
        clipped = shapely.clip_by_rect(borders.geometry.values[idx], *strip)
        invalid = ~shapely.is_valid(clipped)  # clip_by_rect is fast but may not keep validity
        clipped[invalid] = shapely.make_valid(clipped[invalid], method="structure")
        if shift:
            clipped = shapely.transform(clipped, lambda xy, dx=shift: xy + [dx, 0.0])
        pieces.append((idx, clipped))
    if len(pieces) == 1:
        idx, geoms = pieces[0]
    else:
        order = np.concatenate([i for i, _ in pieces])
        parts = np.concatenate([g for _, g in pieces])
        idx = np.unique(order)
        geoms = np.array([shapely.union_all(parts[order == i]) for i in idx], dtype=object)
        geoms = shapely.make_valid(geoms, method="structure")
        geoms = np.array([_polygonal(g) for g in geoms], dtype=object)
    return borders["name"].values[idx], borders["iso_a3"].values[idx], geoms


def _strips(bounds: Bounds) -> list[tuple[float, Bounds]]:
    """(shift, box within ±180°) for each whole-turn strip that ``bounds`` covers."""
    west, south, east, north = bounds
    if west >= -180.0 and east <= 180.0:
        return [(0.0, bounds)]
    out = []
    for k in range(int(np.floor((west + 180.0) / 360.0)), int(np.floor((east + 180.0) / 360.0 - 1e-12)) + 1):
        shift = 360.0 * k
        strip_west, strip_east = max(west - shift, -180.0), min(east - shift, 180.0)
        if strip_east > strip_west:
            out.append((shift, (strip_west, south, strip_east, north)))
    return out


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, shapely.Polygon | shapely.MultiPolygon)]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _drop_specks(geom: BaseGeometry, min_area: float) -> BaseGeometry:
    parts = [p for p in shapely.get_parts(geom) if p.area >= min_area]
    if not parts:
        return shapely.Polygon()
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


# Keyed by the Countries object itself (compared by identity, and kept alive by the
# key, so a key never matches a different, recycled object).
_VIEWS: LRUCache[tuple[Countries, Bounds, float], gpd.GeoDataFrame] = LRUCache(64)


def view_borders(
    countries: Countries, bounds: Bounds, tolerance_deg: float | None = None
) -> gpd.GeoDataFrame:
    """:func:`borders_for_view` of ``countries``, cached per view (every renderer shares it)."""
    if tolerance_deg is None:
        tolerance_deg = (bounds[2] - bounds[0]) / 1500.0
    key = (countries, bounds, round(tolerance_deg, 6))
    return _VIEWS.get_or_make(key, lambda: borders_for_view(countries.frame, bounds, key[2]))


def clear_cache() -> None:
    """Forget cached views (benchmarks time building them)."""
    _VIEWS.clear()
