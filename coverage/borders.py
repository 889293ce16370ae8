"""The shipped Natural Earth country borders (see data/boundaries/README.md).

Two views of the same cached data: :func:`load_countries` gives plain arrays
(enough for coverage numbers, and quick to import: no pandas), and
:func:`load_borders` a GeoDataFrame for maps and figures.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np
import shapely
from numpy.typing import NDArray

from coverage import diskcache, paths
from coverage.errors import DataFileError
from coverage.i18n import N_
from coverage.integrity import read_sums

if TYPE_CHECKING:
    import geopandas as gpd

    from coverage.grid import Pieces

Resolution = Literal["10m", "50m", "110m"]
RESOLUTIONS: tuple[Resolution, ...] = get_args(Resolution)
BOUNDARIES_DIR = paths.BOUNDARIES_DIR
COLUMNS = ("name", "iso_a3", "iso_n3", "area_km2", "geometry")
NAMES_CSV = BOUNDARIES_DIR / "names.csv"
"""House-style English names of the features (scripts/build_names.py; see the README)."""
CREDIT = N_("Borders: Natural Earth (public domain), via world-atlas 2.0.2")
SHORT_CREDIT = N_("Borders: Natural Earth")

DISPUTED_AREAS: dict[str, tuple[float, float, float, float]] = {
    # (min_lon, min_lat, max_lon, max_lat), approximate extents, to tell whether a map shows them
    "Northern Cyprus": (32.2, 34.9, 34.6, 35.7),
    "Crimea": (32.4, 44.3, 36.7, 46.3),
    "Kashmir": (72.5, 32.3, 80.5, 37.1),
}
"""Disputed areas that Natural Earth draws its own (de facto) way: README, 'Caveats'.
A map that shows one says so in its credit line."""


@dataclass(frozen=True, eq=False)
class Countries:
    """Countries as parallel arrays, one entry per country.

    ``iso_a3`` and ``iso_n3`` may hold ``None`` (a few Natural Earth units have
    no code); ``area_km2`` is each country's whole area, computed when the data was built
    (GeographicLib; within 1e-4 of :func:`coverage.geodesy.area_km2`, which measures
    the covered parts).
    """

    name: NDArray[np.object_]
    iso_a3: NDArray[np.object_]
    iso_n3: NDArray[np.object_]
    area_km2: NDArray[np.float64]
    shapes: NDArray[np.object_] | Callable[[], NDArray[np.object_]]
    """The geometries, or their WKB, or a function that reads their WKB: decoded into
    :attr:`geometry` on first use (a report reads only the cells of :attr:`pieces`, so it
    never reads or decodes the whole world)."""
    digest: str | None = None
    """SHA-256 of the shipped file these came from (None if not from one): names cache entries."""

    def __len__(self) -> int:
        return len(self.name)

    @cached_property
    def geometry(self) -> NDArray[np.object_]:
        """One (multi)polygon per country (lon/lat)."""
        shapes = self.shapes() if callable(self.shapes) else self.shapes
        if len(shapes) and isinstance(shapes[0], bytes):
            decoded: NDArray[np.object_] = shapely.from_wkb(shapes)
            return decoded
        return shapes

    @cached_property
    def tree(self) -> shapely.STRtree:
        """Spatial index over :attr:`geometry`."""
        return shapely.STRtree(self.geometry)

    @cached_property
    def pieces(self) -> Pieces:
        """The countries cut into grid cells (:mod:`coverage.grid`), for quick coverage."""
        from coverage.grid import cut

        return cut(lambda: self.geometry, len(self), self.digest)

    @cached_property
    def frame(self) -> gpd.GeoDataFrame:
        """The same countries as a GeoDataFrame (EPSG:4326), built once."""
        import geopandas as gpd

        columns = {key: getattr(self, key) for key in COLUMNS if key != "geometry"}
        return gpd.GeoDataFrame(columns, geometry=self.geometry, crs="EPSG:4326")

    @classmethod
    def from_frame(cls, frame: gpd.GeoDataFrame) -> Countries:
        """Arrays of a GeoDataFrame with :data:`COLUMNS` (e.g. a filtered :func:`load_borders`)."""
        return cls(
            name=frame["name"].to_numpy(dtype=object),
            iso_a3=frame["iso_a3"].to_numpy(dtype=object),
            iso_n3=frame["iso_n3"].to_numpy(dtype=object),
            area_km2=frame["area_km2"].to_numpy(dtype=float),
            shapes=frame.geometry.to_numpy(),
        )


def boundary_path(resolution: str) -> Path:
    """Path of the shipped GeoParquet file for ``resolution``."""
    if resolution not in RESOLUTIONS:
        raise DataFileError(f"unknown resolution {resolution!r}: use one of {', '.join(RESOLUTIONS)}")
    return BOUNDARIES_DIR / f"countries-{resolution}.parquet"


@lru_cache(maxsize=1)
def _checksums() -> dict[str, str]:
    return read_sums(BOUNDARIES_DIR / "SHA256SUMS")


def _verified(path: Path) -> bytes:
    """The bytes of a shipped boundaries file, checked against ``SHA256SUMS``."""
    return _read_verified(path)[0]


def _read_verified(path: Path) -> tuple[bytes, str]:
    """:func:`_verified` and the file's SHA-256 (hex)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read boundary file ({exc.strerror})") from exc
    digest = hashlib.sha256(data).hexdigest()
    if digest != _checksums().get(path.name):
        raise DataFileError(
            f"{path}: checksum does not match SHA256SUMS; the file is corrupted or was "
            "edited. Restore it from git or rebuild with scripts/build_boundaries.py"
        )
    return data, digest


@lru_cache(maxsize=1)
def house_names() -> dict[str, str]:
    """Natural Earth's name -> the house-style name printed on maps and in tables.

    Current names from ISO 3166 (pycountry) with a few house-style choices ("Turkey",
    "Russia"), built by ``scripts/build_names.py``: Natural Earth 4.1's are 2018's
    ("Macedonia") and abbreviated ("Bosnia and Herz.").
    """
    try:
        text = _verified(NAMES_CSV).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{NAMES_CSV}: not UTF-8 text ({exc})") from exc
    names: dict[str, str] = {}
    for number, row in enumerate(csv.reader(io.StringIO(text)), 1):
        if number == 1:
            continue
        if len(row) != 3 or not row[0] or not row[1]:
            raise DataFileError(f"{NAMES_CSV}, line {number}: expected natural_earth_name,name,source")
        names[row[0]] = row[1]
    return names


@lru_cache(maxsize=len(RESOLUTIONS))
def load_countries(resolution: str = "10m") -> Countries:
    """Countries at ``resolution`` (valid, split at ±180°, lon/lat on WGS84).

    The file's SHA-256 is checked against ``SHA256SUMS`` (once per version of the file:
    :func:`_checked_digest`) so that an edited or truncated file fails here with its
    name, not deep inside a reader. Its decoded columns are kept in the user's cache
    (:mod:`coverage.diskcache`) under that checksum, so later loads skip Parquet and
    pyarrow, and the geometry is read from there only when asked for. The result is
    cached: callers must not modify it.
    """
    path = boundary_path(resolution)
    digest = _checked_digest(path)
    renamed = house_names()
    columns = _read_decoded(digest)
    shapes: NDArray[np.object_] | Callable[[], NDArray[np.object_]]
    if columns is None:
        name, iso_a3, iso_n3, area, wkb = _decode_and_keep(path, digest)
        shapes = np.array(wkb, dtype=object)
    else:
        name, iso_a3, iso_n3, area = columns
        shapes = partial(_read_shapes, path, digest)  # read only if a map or figure asks
    countries = Countries(
        name=np.array([renamed.get(n, n) for n in name], dtype=object),
        iso_a3=np.array(iso_a3, dtype=object),
        iso_n3=np.array(iso_n3, dtype=object),
        area_km2=area,
        shapes=shapes,
        digest=digest,
    )
    _LOADED[resolution] = countries
    return countries


_LOADED: dict[str, Countries] = {}
"""What :func:`load_countries` returned, by resolution (it is cached: the same objects)."""


def shipped_countries(frame: gpd.GeoDataFrame) -> Countries | None:
    """The loaded :class:`Countries` whose :attr:`Countries.frame` is ``frame`` itself, if any.

    So that a caller who passes :func:`load_borders`'s frame gets the countries
    already loaded (and cut into cells) rather than a copy to cut again.
    """
    for countries in list(_LOADED.values()):
        if countries.__dict__.get("frame") is frame:
            return countries
    return None


# name, iso_a3, iso_n3, area_km2, geometry as WKB: what a boundaries file decodes to.
_Columns = tuple[list[str], list[str | None], list[str | None], NDArray[np.float64], list[bytes]]
# The same without the geometry: what a report reads (the geometry is kept apart).
_Attributes = tuple[list[str], list[str | None], list[str | None], NDArray[np.float64]]

_CACHE_FORMAT = 3  # bump when the layout of a cache entry changes


def _cache_name(digest: str) -> str:
    return f"borders-v{_CACHE_FORMAT}-{digest}.bin"


def _shapes_name(digest: str) -> str:
    return f"shapes-v{_CACHE_FORMAT}-{digest}.bin"


def _stamp(path: Path) -> NDArray[np.int64]:
    try:
        st = path.stat()
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read boundary file ({exc.strerror})") from exc
    fields = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
    return np.array([value % 2**63 for value in fields], dtype=np.int64)


def _checked_digest(path: Path) -> str:
    """The SHA-256 of a boundaries file, once it is found to be the one ``SHA256SUMS`` lists.

    Hashed once per version of the file, not on every start (5.7 MB for 1:10m): the digest
    is kept in the user's cache with the file's size, inode and modification and change
    times, and the file is read and hashed again as soon as one of them differs. Any
    write to the file sets its change time, which no program can set back, so an edited
    or truncated file still fails here with its name.
    """
    stamp = _stamp(path)
    expected = _checksums().get(path.name)
    name = f"verified-v1-{hashlib.sha256(str(path.resolve()).encode('utf-8')).hexdigest()}.bin"
    kept = diskcache.read_arrays(name) or {}
    kept_stamp, kept_digest = kept.get("stamp"), kept.get("sha256")
    if (
        expected is not None
        and kept_stamp is not None
        and kept_digest is not None
        and np.array_equal(kept_stamp, stamp)
        and kept_digest.tobytes() == expected.encode("ascii")
    ):
        return expected
    _, digest = _read_verified(path)  # raises unless it matches SHA256SUMS
    diskcache.write_arrays(name, {"stamp": stamp, "sha256": np.frombuffer(digest.encode("ascii"), np.uint8)})
    return digest


def _decode_and_keep(path: Path, digest: str) -> _Columns:
    """The columns of the boundaries file at ``path`` (read and checked again), kept in the cache."""
    data, found = _read_verified(path)
    if found != digest:  # changed since it was checked: say so rather than decode another file
        raise DataFileError(f"{path}: the file changed while it was being read; run the command again")
    columns = _decode_parquet(path, data)
    _write_decoded(digest, columns)
    return columns


def _read_shapes(path: Path, digest: str) -> NDArray[np.object_]:
    """The WKB of every country, from the user's cache, or decoded again if it is not there."""
    arrays = diskcache.read_arrays(_shapes_name(digest))
    if arrays is not None:
        try:
            return np.array(diskcache.unpack_bytes(arrays), dtype=object)
        except (KeyError, ValueError, TypeError):
            pass
    return np.array(_decode_and_keep(path, digest)[4], dtype=object)


def _decode_parquet(path: Path, data: bytes) -> _Columns:
    """The columns of a verified boundaries file."""
    # Here, so that importing this module stays cheap.
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(io.BytesIO(data)).read()  # read_table would load pyarrow.dataset
        missing = set(COLUMNS) - set(table.column_names)
        if missing:
            raise DataFileError(f"{path}: missing columns {sorted(missing)}")
        # to_pylist, not to_numpy: pyarrow converts strings through pandas, a slow import.
        name, iso_a3, iso_n3, area, wkb = (table.column(key).to_pylist() for key in COLUMNS)
        return name, iso_a3, iso_n3, np.array(area, dtype=float), wkb
    except DataFileError:
        raise
    except Exception as exc:  # the checksum matched, so this is a mismatched SHA256SUMS
        raise DataFileError(f"{path}: cannot read the boundary file ({exc})") from exc


def _write_decoded(digest: str, columns: _Columns) -> None:
    """Keep decoded columns in the user's cache (:mod:`coverage.diskcache`)."""
    name, iso_a3, iso_n3, area, wkb = columns
    text = json.dumps([name, iso_a3, iso_n3], ensure_ascii=False).encode("utf-8")
    # The geometry apart: a report reads the names and areas, and the cells (coverage.grid).
    diskcache.write_arrays(_shapes_name(digest), diskcache.pack_bytes(wkb))
    diskcache.write_arrays(_cache_name(digest), {"text": np.frombuffer(text, dtype=np.uint8), "area": area})


def _read_decoded(digest: str) -> _Attributes | None:
    """Decoded columns but the geometry from the user's cache, or None if absent or damaged."""
    arrays = diskcache.read_arrays(_cache_name(digest))
    if arrays is None:
        return None
    try:
        name, iso_a3, iso_n3 = json.loads(arrays["text"].tobytes().decode("utf-8"))
        area = arrays["area"].astype(float)
    except (KeyError, ValueError, TypeError):
        return None
    if not len(name) == len(iso_a3) == len(iso_n3) == len(area):
        return None
    return name, iso_a3, iso_n3, area


def load_borders(resolution: str = "10m") -> gpd.GeoDataFrame:
    """:func:`load_countries` as a GeoDataFrame (cached with it: do not modify)."""
    return load_countries(resolution).frame


def clear_caches() -> None:
    """Forget loaded borders and checksums (tests that edit the data files use this)."""
    load_countries.cache_clear()
    _LOADED.clear()
    house_names.cache_clear()
    _checksums.cache_clear()
