"""The shipped Natural Earth country borders (see data/boundaries/README.md).

Two views of the same cached data: :func:`load_countries` gives plain arrays
(enough for coverage numbers, and quick to import: no pandas), and
:func:`load_borders` a GeoDataFrame for maps and figures.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np
import shapely
from numpy.typing import NDArray

from coverage import paths
from coverage.errors import DataFileError

if TYPE_CHECKING:
    import geopandas as gpd

Resolution = Literal["10m", "50m", "110m"]
RESOLUTIONS: tuple[Resolution, ...] = get_args(Resolution)
BOUNDARIES_DIR = paths.BOUNDARIES_DIR
COLUMNS = ("name", "iso_a3", "iso_n3", "area_km2", "geometry")
CREDIT = "Borders: Natural Earth (public domain), via world-atlas 2.0.2"
SHORT_CREDIT = "Borders: Natural Earth"


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
    geometry: NDArray[np.object_]

    def __len__(self) -> int:
        return len(self.name)

    @cached_property
    def tree(self) -> shapely.STRtree:
        """Spatial index over :attr:`geometry`."""
        return shapely.STRtree(self.geometry)

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
            geometry=frame.geometry.to_numpy(),
        )


def boundary_path(resolution: str) -> Path:
    """Path of the shipped GeoParquet file for ``resolution``."""
    if resolution not in RESOLUTIONS:
        raise DataFileError(f"unknown resolution {resolution!r}: use one of {', '.join(RESOLUTIONS)}")
    return BOUNDARIES_DIR / f"countries-{resolution}.parquet"


@lru_cache(maxsize=1)
def _checksums() -> dict[str, str]:
    sums = BOUNDARIES_DIR / "SHA256SUMS"
    try:
        lines = sums.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{sums}: cannot read the boundary checksums ({exc})") from exc
    out = {}
    for number, line in enumerate(lines, 1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 2:
            raise DataFileError(f"{sums}, line {number}: expected '<sha256>  <file name>'")
        digest, name = fields
        out[name] = digest
    return out


@lru_cache(maxsize=len(RESOLUTIONS))
def load_countries(resolution: str = "10m") -> Countries:
    """Countries at ``resolution`` (valid, split at ±180°, lon/lat on WGS84).

    The file's SHA-256 is checked against ``SHA256SUMS`` so that an edited or
    truncated file fails here with its name, not deep inside a reader. The
    result is cached: callers must not modify it.
    """
    path = boundary_path(resolution)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read boundary file ({exc.strerror})") from exc
    if hashlib.sha256(data).hexdigest() != _checksums().get(path.name):
        raise DataFileError(
            f"{path}: checksum does not match SHA256SUMS; the file is corrupted or was "
            "edited. Restore it from git or rebuild with scripts/build_boundaries.py"
        )
    # Here, so that importing this module stays cheap.
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(io.BytesIO(data)).read()  # read_table would load pyarrow.dataset
        missing = set(COLUMNS) - set(table.column_names)
        if missing:
            raise DataFileError(f"{path}: missing columns {sorted(missing)}")
        # to_pylist, not to_numpy: pyarrow converts strings through pandas, a slow import.
        columns = {key: np.array(table.column(key).to_pylist(), dtype=object) for key in COLUMNS}
        return Countries(
            name=columns["name"],
            iso_a3=columns["iso_a3"],
            iso_n3=columns["iso_n3"],
            area_km2=columns["area_km2"].astype(float),
            geometry=shapely.from_wkb(columns["geometry"]),
        )
    except DataFileError:
        raise
    except Exception as exc:  # the checksum matched, so this is a mismatched SHA256SUMS
        raise DataFileError(f"{path}: cannot read the boundary file ({exc})") from exc


def load_borders(resolution: str = "10m") -> gpd.GeoDataFrame:
    """:func:`load_countries` as a GeoDataFrame (cached with it: do not modify)."""
    return load_countries(resolution).frame


def clear_caches() -> None:
    """Forget loaded borders and checksums (tests that edit the data files use this)."""
    load_countries.cache_clear()
    _checksums.cache_clear()
