"""Countries cut into grid cells, so that coverage touches only the cells a ring reaches.

Intersecting a ring (or the union of a thousand) with Russia or China whole
costs time in proportion to the whole border, most of it far from the ring.
Cut into cells of :data:`CELL_DEG` degrees, a country becomes pieces of a few
thousand vertices; a spatial index finds the pieces an area reaches, pieces it
covers entirely are counted whole (their areas are measured once, here), and
only the pieces its edge crosses are intersected. The pieces of a country
tile it exactly: rectangle clipping adds vertices on the cell edges but moves
none, so their areas add up to the country's (tests/test_grid.py).

The cells are cut once per borders file version and kept in the user's cache
(:mod:`coverage.diskcache`), under the borders file's checksum.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import shapely
from numpy.typing import NDArray

from coverage import diskcache
from coverage.geodesy import areas_km2

CELL_DEG = 10.0
"""Cell size. 5° and 20° cost about the same for 1,000 sites; 10° cuts fewer pieces."""

_CACHE_FORMAT = 3  # bump when the cutting or the layout of a cache entry changes


class Pieces:
    """Countries cut into cells: parallel arrays, one entry per piece.

    A piece's geometry is decoded (from the cache's WKB) only when :meth:`take`
    first asks for it: a report on one region never decodes the rest of the world.
    """

    def __init__(
        self,
        owner: NDArray[np.intp],
        area_km2: NDArray[np.float64],
        bounds: NDArray[np.float64],
        geometry: NDArray[np.object_] | None = None,
        wkb: list[bytes] | diskcache.PackedBytes | None = None,
    ) -> None:
        self.owner = owner
        """Index of the country each piece belongs to."""
        self.area_km2 = area_km2
        """Each piece's area, as :func:`coverage.geodesy.area_km2` measures it."""
        self.bounds = bounds
        self._wkb = wkb
        self._geometry = geometry if geometry is not None else np.full(owner.size, None, dtype=object)
        self._lock = threading.Lock()
        self.tree = shapely.STRtree(shapely.box(*bounds.T)) if owner.size else shapely.STRtree([])
        """Spatial index over the pieces' boxes (query it, then :meth:`take` the candidates)."""

    def __len__(self) -> int:
        return int(self.owner.size)

    def take(self, index: NDArray[np.intp]) -> NDArray[np.object_]:
        """The geometries of the pieces at ``index``, decoded on first use."""
        if self._wkb is not None:
            with self._lock:
                missing = np.sort(index[shapely.is_missing(self._geometry[index])])
                # Unique by hand: np.unique would import numpy.ma, 10 ms of a report's start.
                missing = missing[np.diff(missing, prepend=-1) != 0]
                if missing.size:
                    wkb = np.array([self._wkb[i] for i in missing.tolist()], dtype=object)
                    self._geometry[missing] = shapely.from_wkb(wkb)
        out: NDArray[np.object_] = self._geometry[index]
        return out

    @property
    def geometry(self) -> NDArray[np.object_]:
        """Every piece's geometry (decodes them all)."""
        return self.take(np.arange(len(self)))


def cut(geometry: Callable[[], NDArray[np.object_]], count: int, digest: str | None = None) -> Pieces:
    """The ``count`` countries whose geometries ``geometry()`` gives, cut into :data:`CELL_DEG` cells.

    With ``digest`` (the SHA-256 of the file the countries came from) the pieces
    are read from, or kept in, the user's cache; then ``geometry`` is called only
    when they are not there.
    """
    name = f"grid-v{_CACHE_FORMAT}-{CELL_DEG:g}-{digest}.bin"
    kept = diskcache.read_arrays(name) if digest is not None else None
    if kept is not None and _fits(kept, count):
        return Pieces(
            owner=kept["owner"].astype(np.intp),
            area_km2=kept["area"].astype(float),
            bounds=kept["bounds"].astype(float).reshape(-1, 4),
            wkb=diskcache.PackedBytes(kept),
        )
    owner, pieces = _cut(geometry())
    area = areas_km2(pieces)
    bounds = shapely.bounds(pieces).reshape(-1, 4)
    if digest is not None:
        arrays = {"owner": owner.astype(np.int64), "area": area, "bounds": bounds}
        diskcache.write_arrays(name, {**arrays, **diskcache.pack_bytes(list(shapely.to_wkb(pieces)))})
    return Pieces(owner=owner, area_km2=area, bounds=bounds, geometry=pieces)


def _fits(kept: diskcache.Arrays, countries: int) -> bool:
    owner, area, bounds = kept.get("owner"), kept.get("area"), kept.get("bounds")
    return (
        owner is not None
        and area is not None
        and bounds is not None
        and owner.size == area.size == kept["ends"].size == bounds.size // 4
        and (owner.size == 0 or 0 <= int(owner.min()) <= int(owner.max()) < countries)
    )


def _cut(geometry: NDArray[np.object_]) -> tuple[NDArray[np.intp], NDArray[np.object_]]:
    owner: list[int] = []
    pieces: list[shapely.Geometry] = []
    bounds = shapely.bounds(geometry)
    for i, (geom, (x0, y0, x1, y1)) in enumerate(zip(geometry, bounds, strict=True)):
        if geom is None or geom.is_empty:
            continue
        xs = np.arange(np.floor(x0 / CELL_DEG) * CELL_DEG, x1, CELL_DEG)
        ys = np.arange(np.floor(y0 / CELL_DEG) * CELL_DEG, y1, CELL_DEG)
        if xs.size * ys.size <= 1:
            owner.append(i)
            pieces.append(geom)
            continue
        for x in xs.tolist():
            for y in ys.tolist():
                piece = _polygonal(shapely.clip_by_rect(geom, x, y, x + CELL_DEG, y + CELL_DEG))
                if piece is not None:
                    owner.append(i)
                    pieces.append(piece)
    return np.array(owner, dtype=np.intp), np.array(pieces, dtype=object)


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry | None:
    """The polygons of a clipped piece (lines along a cell edge dropped), or None if none.

    Rectangle clipping is quick but may leave a ring touching itself where the
    border runs along a cell edge (4 of 997 pieces at 1:10m): such a piece is
    repaired (``make_valid``: the same area, to rounding).
    """
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if geom.geom_type == "Polygon":
        return geom if geom.area > 0 else None
    parts = [p for p in shapely.get_parts(shapely.get_parts(geom)) if p.geom_type == "Polygon" and p.area > 0]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)
