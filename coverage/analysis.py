"""Who a scenario's rings reach, and how much of them.

Areas are on the WGS84 ellipsoid (see :func:`coverage.geodesy.area_km2`). Rings
are merged before measuring, so where rings overlap nothing is counted twice.

:func:`analyse` computes a :class:`Result` once per set of sites: what every
output reads. The ``*_rows`` functions return plain dicts and need no pandas
(the CLI's report stays quick to start); the ``*_table`` functions wrap them in
DataFrames for callers that analyse without a Result (tests, notebooks).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from coverage.borders import Countries, load_countries, shipped_countries
from coverage.cache import LRUCache
from coverage.geodesy import areas_km2, distance_m
from coverage.places import Place
from coverage.rings import geodesic_rings
from coverage.scenario import Site
from coverage.view import Bounds, display_bounds, view_bounds

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    Borders: TypeAlias = Countries | gpd.GeoDataFrame

# Slivers where a ring merely grazes a border (coastline rounding) are not "reached".
MIN_REACHED_KM2 = 0.01

_PARALLEL_PIECES = 32  # pieces to intersect; fewer are done in the calling thread
_MAX_WORKERS = 4

COVERAGE_COLUMNS = ["country", "iso_a3", "covered_km2", "country_km2", "covered_pct"]
DISTANCE_COLUMNS = ["site", "place", "kind", "distance_km", "radius_km", "inside"]

Row = dict[str, Any]

# Rings by (lat, lon, radius): the app redraws the same rings on every rerun.
_RINGS: LRUCache[tuple[float, float, float], BaseGeometry] = LRUCache(4096)


def rings_for(keys: Sequence[tuple[float, float, float]]) -> list[BaseGeometry]:
    """Cached :func:`~coverage.rings.geodesic_rings` for (lat, lon, radius_m) keys.

    Missing rings are built together in one vectorised pass.
    """
    found = {key: ring for key in dict.fromkeys(keys) if (ring := _RINGS.get(key)) is not None}
    missing = [key for key in dict.fromkeys(keys) if key not in found]
    if missing:
        lat, lon, radius = zip(*missing, strict=True)
        for key, ring in zip(missing, geodesic_rings(lat, lon, radius), strict=True):
            found[key] = _RINGS.put(key, ring)
    return [found[key] for key in keys]


def ring_for(lat_deg: float, lon_deg: float, radius_m: float) -> BaseGeometry:
    """Cached :func:`~coverage.rings.geodesic_ring`."""
    return rings_for([(lat_deg, lon_deg, radius_m)])[0]


def clear_ring_cache() -> None:
    """Forget cached rings, results and views (benchmarks time building them)."""
    from coverage import view

    _RINGS.clear()
    _RESULTS.clear()
    view.clear_cache()


def site_rings(sites: Sequence[Site]) -> list[BaseGeometry]:
    return rings_for([(s.lat_deg, s.lon_deg, s.radius_m) for s in sites])


def site_ring(site: Site) -> BaseGeometry:
    return site_rings([site])[0]


def covered_union(sites: Sequence[Site]) -> BaseGeometry:
    """The union of the sites' rings."""
    return union_of(site_rings(sites))


_PARALLEL_UNION = 200  # rings; fewer are merged in one call


def union_of(rings: Sequence[BaseGeometry]) -> BaseGeometry:
    """The union of ``rings`` (an empty polygon if none).

    Many rings are merged in two halves, west and east of their middle, on two
    threads (GEOS releases the GIL), then the halves merged: the same area as one
    ``union_all``, in a little more than half the time when a second core is free.
    """
    if not rings:
        return shapely.Polygon()
    workers = min(os.cpu_count() or 1, 2)
    if len(rings) < _PARALLEL_UNION or workers < 2:
        return shapely.union_all(rings)
    geoms = np.empty(len(rings), dtype=object)
    geoms[:] = list(rings)
    west_to_east = np.argsort(shapely.bounds(geoms)[:, 0], kind="stable")
    halves = np.array_split(geoms[west_to_east], workers)
    with ThreadPoolExecutor(workers) as pool:
        return shapely.union_all(list(pool.map(shapely.union_all, halves)))


def as_countries(borders: Borders) -> Countries:
    """``borders`` as :class:`~coverage.borders.Countries` (a GeoDataFrame is converted).

    The shipped borders' own frame (:func:`~coverage.borders.load_borders`) maps back
    to the countries already loaded, cells and all.
    """
    if isinstance(borders, Countries):
        return borders
    shipped = shipped_countries(borders)
    return shipped if shipped is not None else Countries.from_frame(borders)


def coverage_rows(area: BaseGeometry, borders: Borders) -> list[Row]:
    """Countries that ``area`` reaches, with covered and total km² and the share.

    One dict per country with the keys of :data:`COVERAGE_COLUMNS`, largest
    covered area first.
    """
    return coverage_rows_many([area], borders)[0]


def coverage_rows_many(areas: Sequence[BaseGeometry], borders: Borders) -> list[list[Row]]:
    """:func:`coverage_rows` of each of ``areas``, in one pass (the pieces' work shared)."""
    countries = as_countries(borders)
    which, country, km2 = covered_km2(areas, countries)
    out: list[list[Row]] = [[] for _ in areas]
    for a, i, covered in zip(which.tolist(), country.tolist(), km2.tolist(), strict=True):
        if covered < MIN_REACHED_KM2:
            continue
        total = float(countries.area_km2[i])
        out[a].append(
            {
                "country": countries.name[i],
                "iso_a3": countries.iso_a3[i],
                "covered_km2": covered,
                "country_km2": total,
                "covered_pct": min(100.0, 100.0 * covered / total),
            }
        )
    for rows in out:
        rows.sort(key=lambda row: row["covered_km2"], reverse=True)
    return out


def covered_km2(
    areas: Sequence[BaseGeometry], countries: Countries
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]:
    """How much of each country each area covers: (area index, country index, km²).

    One entry per pair that meet, in the order of area then country. Works on the
    countries cut into cells (:attr:`Countries.pieces`): a cell piece that an
    area contains is counted whole, with its area measured once; only the pieces
    its edge crosses are intersected, both clipped first to the box where their
    boxes overlap (the union of a thousand rings is large, a piece small; a ring
    small, a piece of Russia large). Empty or missing areas have no entries.
    """
    geoms = np.empty(len(areas), dtype=object)
    geoms[:] = list(areas)
    keep = ~(shapely.is_empty(geoms) | shapely.is_missing(geoms)) if geoms.size else np.zeros(0, bool)
    none = np.empty(0, dtype=np.intp)
    if not keep.any():
        return none, none, np.empty(0)
    pieces = countries.pieces
    shapely.prepare(geoms[keep])
    found, piece = pieces.tree.query(geoms[keep], predicate="intersects")  # the pieces' boxes
    which = np.flatnonzero(keep)[found]
    shapes = pieces.take(piece)
    meet = shapely.intersects(geoms[which], shapes)
    which, piece, shapes = which[meet], piece[meet], shapes[meet]
    inside = shapely.contains_properly(geoms[which], shapes)
    km2 = np.where(inside, pieces.area_km2[piece], 0.0)
    cut = np.flatnonzero(~inside)
    km2[cut] = areas_km2(_intersections(geoms[which[cut]], shapes[cut]))
    # Sum the pieces of each (area, country).
    key = which * len(countries) + pieces.owner[piece]
    pairs, slot = np.unique(key, return_inverse=True)
    sums: NDArray[np.float64] = np.bincount(slot, weights=km2, minlength=pairs.size).astype(float)
    n = len(countries)
    return (pairs // n).astype(np.intp), (pairs % n).astype(np.intp), sums


_PIECE_PAD_DEG = 1e-6  # clip boxes a little larger than needed: no shape's edge on a box edge


def _intersections(areas: NDArray[np.object_], pieces: NDArray[np.object_]) -> NDArray[np.object_]:
    """``areas[k] ∩ pieces[k]`` for every k, split between threads when there are many.

    Both are clipped first to the box where their boxes overlap (rectangle
    clipping is linear and quick; a clipped shape that comes out invalid is
    replaced by an exact intersection with the box). Shapely releases the GIL in
    GEOS calls.
    """
    if pieces.size == 0:
        return np.empty(0, dtype=object)
    workers = min(os.cpu_count() or 1, _MAX_WORKERS)
    if pieces.size < _PARALLEL_PIECES or workers < 2:
        return _intersect_chunk(areas, pieces)
    # Deal the pieces out largest first, so each thread gets a similar share of vertices.
    order = np.argsort(-shapely.get_num_coordinates(pieces), kind="stable")
    chunks = [order[w::workers] for w in range(workers)]
    out = np.empty(pieces.size, dtype=object)
    with ThreadPoolExecutor(workers) as pool:
        for chunk, result in zip(
            chunks, pool.map(lambda c: _intersect_chunk(areas[c], pieces[c]), chunks), strict=True
        ):
            out[chunk] = result
    return out


def _intersect_chunk(areas: NDArray[np.object_], pieces: NDArray[np.object_]) -> NDArray[np.object_]:
    # The intersection lies inside the box where their boxes overlap (padded). A shape is
    # clipped to it only where that leaves out much of its own box: clipping the union of
    # a thousand rings to a piece's cell pays, clipping a piece that the box spans does
    # not (and its validity check would cost more than the clip).
    a, p = shapely.bounds(areas), shapely.bounds(pieces)
    box = np.column_stack([np.maximum(a[:, :2], p[:, :2]), np.minimum(a[:, 2:], p[:, 2:])])
    box[:, :2] -= _PIECE_PAD_DEG
    box[:, 2:] += _PIECE_PAD_DEG
    inside = _box_area(box)
    areas, pieces = areas.copy(), pieces.copy()
    for shapes, own in ((areas, a), (pieces, p)):
        clip = np.flatnonzero(inside < _CLIP_BELOW * _box_area(own))
        shapes[clip] = _clipped(shapes[clip], box[clip])
    return np.asarray(shapely.intersection(areas, pieces), dtype=object)


_CLIP_BELOW = 0.5  # clip a shape to the common box when that is under this share of its own box


def _box_area(box: NDArray[np.float64]) -> NDArray[np.float64]:
    out: NDArray[np.float64] = (box[:, 2] - box[:, 0]) * (box[:, 3] - box[:, 1])
    return out


def _clipped(geoms: NDArray[np.object_], box: NDArray[np.float64]) -> NDArray[np.object_]:
    """Each geometry clipped to its box: rectangle clipping, or exact where that comes out invalid."""
    out = np.array(
        [shapely.clip_by_rect(g, *b) for g, b in zip(geoms, box.tolist(), strict=True)], dtype=object
    )
    broken = np.flatnonzero(~shapely.is_valid(out)) if out.size else np.empty(0, np.intp)
    if broken.size:
        out[broken] = shapely.intersection(geoms[broken], shapely.box(*box[broken].T))
    return out


def coverage_rows_by_site(sites: Sequence[Site], borders: Borders) -> list[Row]:
    """:func:`coverage_rows` of each site's own ring, in site order, with a leading ``site`` key."""
    per_site = coverage_rows_many(site_rings(sites), borders)
    return [{"site": site.name, **row} for site, rows in zip(sites, per_site, strict=True) for row in rows]


def coverage_of(area: BaseGeometry, borders: Borders) -> pd.DataFrame:
    """:func:`coverage_rows` as a DataFrame with :data:`COVERAGE_COLUMNS`."""
    import pandas as pd

    return pd.DataFrame(coverage_rows(area, borders), columns=COVERAGE_COLUMNS)


def coverage_table(sites: Sequence[Site], borders: Borders) -> pd.DataFrame:
    """Coverage of the union of all rings (see :func:`coverage_of`)."""
    return coverage_of(covered_union(sites), borders)


def coverage_by_site(sites: Sequence[Site], borders: Borders) -> pd.DataFrame:
    """One coverage table per site, stacked, with a leading ``site`` column."""
    import pandas as pd

    return pd.DataFrame(coverage_rows_by_site(sites, borders), columns=["site", *COVERAGE_COLUMNS])


def distance_rows(sites: Sequence[Site], places: Sequence[Place]) -> list[Row]:
    """Geodesic distance from every site to every place, and whether it is inside the ring.

    One dict per (site, place) with the keys of :data:`DISTANCE_COLUMNS`.
    """
    if not sites or not places:
        return []
    s_lat = np.array([s.lat_deg for s in sites])[:, None]
    s_lon = np.array([s.lon_deg for s in sites])[:, None]
    p_lat = np.array([p.lat_deg for p in places])[None, :]
    p_lon = np.array([p.lon_deg for p in places])[None, :]
    dist = distance_m(s_lat, s_lon, p_lat, p_lon)
    return [
        {
            "site": site.name,
            "place": place.name,
            "kind": place.kind,
            "distance_km": float(dist[i, j]) / 1000.0,
            "radius_km": site.radius_km,
            "inside": bool(dist[i, j] <= site.radius_m),
        }
        for i, site in enumerate(sites)
        for j, place in enumerate(places)
    ]


def distance_table(sites: Sequence[Site], places: Sequence[Place]) -> pd.DataFrame:
    """:func:`distance_rows` as a DataFrame with :data:`DISTANCE_COLUMNS`."""
    import pandas as pd

    return pd.DataFrame(distance_rows(sites, places), columns=DISTANCE_COLUMNS)


NEAREST_CAPITALS = 5
"""Capitals listed for each site in its distances: the nearest."""
STORY_PLACE_REACH = 2.0
"""The story's places listed for a site: those within this many times its radius."""


def site_distance_rows(
    sites: Sequence[Site],
    capitals: Sequence[Place],
    story_places: Sequence[Place],
    nearest: int = NEAREST_CAPITALS,
    reach: float = STORY_PLACE_REACH,
) -> list[Row]:
    """Distances that fit each site: its ``nearest`` capitals, then the story's places
    within ``reach`` times its radius, nearest first.

    Rows as :func:`distance_rows`, with ``why`` saying why each place is listed.
    """
    out: list[Row] = []
    for site in sites:
        caps = sorted(distance_rows([site], capitals), key=lambda r: r["distance_km"])[:nearest]
        for row in caps:
            row["why"] = "one of the nearest capitals"
        near = [
            {**row, "why": f"story place within {reach:g}× the range"}
            for row in sorted(distance_rows([site], story_places), key=lambda r: r["distance_km"])
            if row["distance_km"] <= reach * site.radius_km and row["place"] not in {c["place"] for c in caps}
        ]
        out += caps + near
    return out


def reference_places(reached_iso_a3: Sequence[str | None]) -> list[Place]:
    """The story's places plus the capital of every country reached."""
    from coverage.places import capitals, story_places

    out = list(story_places())
    names = {p.name for p in out}
    caps = capitals()
    for code in reached_iso_a3:
        cap = caps.get(code) if isinstance(code, str) else None
        if cap is not None and cap.name not in names:
            out.append(cap)
            names.add(cap.name)
    return out


@dataclass(frozen=True, eq=False)
class Result:
    """A scenario's sites analysed once: everything every output needs.

    The folium map, the print figures, the HTML, GeoJSON, KML and CSV files, the
    caption and the app's tables all read this (see :mod:`coverage.render`); none
    of them asks the analysis again. (The app's optional radar-horizon rings are
    an overlay it builds itself.) The dearer
    parts (the union and its coverage, per-site coverage, distances, DataFrames)
    are computed on first use, once.
    """

    sites: tuple[Site, ...]
    rings: tuple[BaseGeometry, ...]
    """Each site's geodesic ring (lon/lat; split at ±180°)."""
    countries: Countries
    view: Bounds
    """The rings' bounds, padded: what a map frames."""
    display: Bounds
    """The wider, rounded box of borders sent with a map (:func:`coverage.view.display_bounds`)."""
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def _once(self, name: str, make: Callable[[], Any]) -> Any:
        # A lock per result (functools.cached_property on 3.11 locks per class: one
        # session's per-site coverage would hold up every other session's).
        with self._lock:
            if name not in self._memo:
                self._memo[name] = make()
            return self._memo[name]

    @property
    def union(self) -> BaseGeometry:
        """The union of the rings (computed on first use: ``report --by-site`` never needs it)."""
        union: BaseGeometry = self._once("union", lambda: union_of(self.rings))
        return union

    @property
    def rows(self) -> tuple[Row, ...]:
        """Coverage of the union: one row per country reached (:data:`COVERAGE_COLUMNS`)."""
        rows: tuple[Row, ...] = self._once("rows", lambda: tuple(coverage_rows(self.union, self.countries)))
        return rows

    @property
    def reached(self) -> frozenset[str]:
        """Names of the countries reached."""
        found: frozenset[str] = self._once("reached", lambda: frozenset(row["country"] for row in self.rows))
        return found

    @property
    def by_site_rows(self) -> tuple[Row, ...]:
        """Coverage of each site's own ring, in site order, with a leading ``site`` key."""

        def make() -> tuple[Row, ...]:
            per_site = coverage_rows_many(self.rings, self.countries)
            return tuple(
                {"site": site.name, **row}
                for site, rows in zip(self.sites, per_site, strict=True)
                for row in rows
            )

        rows: tuple[Row, ...] = self._once("by_site_rows", make)
        return rows

    @property
    def distance_rows(self) -> tuple[Row, ...]:
        """Distances that fit each site (:func:`site_distance_rows`): its nearest capitals and
        the story's places within twice its range."""

        def make() -> tuple[Row, ...]:
            from coverage.places import capitals, story_places

            return tuple(site_distance_rows(self.sites, list(capitals().values()), story_places()))

        rows: tuple[Row, ...] = self._once("distance_rows", make)
        return rows

    @property
    def table(self) -> pd.DataFrame:
        """:attr:`rows` as a DataFrame with :data:`COVERAGE_COLUMNS` (do not modify: shared)."""
        import pandas as pd

        return self._once("table", lambda: pd.DataFrame(list(self.rows), columns=COVERAGE_COLUMNS))

    @property
    def by_site_table(self) -> pd.DataFrame:
        """:attr:`by_site_rows` as a DataFrame (do not modify: shared)."""
        import pandas as pd

        columns = ["site", *COVERAGE_COLUMNS]
        return self._once("by_site_table", lambda: pd.DataFrame(list(self.by_site_rows), columns=columns))


def analyse(sites: Sequence[Site], countries: Countries | gpd.GeoDataFrame) -> Result:
    """Analyse ``sites`` against ``countries`` (not cached; see :func:`analyse_shipped`)."""
    countries = as_countries(countries)
    rings = tuple(site_rings(sites))
    view = view_bounds(rings)
    display = display_bounds(view)
    return Result(sites=tuple(sites), rings=rings, countries=countries, view=view, display=display)


def result_key(sites: Sequence[Site]) -> tuple[tuple[str, float, float, float, str | None], ...]:
    # Site equality leaves the figure out (two figures may share a radius); the key must not,
    # or one figure's result would carry another's citation.
    return tuple(
        (s.name, s.lat_deg, s.lon_deg, s.radius_m, s.figure.id if s.figure is not None else None)
        for s in sites
    )


# Weighed by sites, so a few 1,000-site scenarios cannot hold gigabytes of rings.
RESULTS_SITE_BUDGET = 4096
_RESULTS: LRUCache[tuple[object, ...], Result] = LRUCache(RESULTS_SITE_BUDGET, cost=lambda r: len(r.sites))


def analyse_shipped(sites: Sequence[Site], resolution: str = "10m") -> Result:
    """:func:`analyse` against the shipped borders at ``resolution``, cached per sites.

    Keyed by the loaded borders object itself, so borders reloaded (tests that
    edit the data files) never meet results computed on the old ones.
    """
    countries = load_countries(resolution)
    key = (countries, result_key(sites))
    return _RESULTS.get_or_make(key, lambda: analyse(sites, countries))
