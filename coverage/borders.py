"""The shipped Natural Earth country borders (see data/boundaries/README.md)."""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

import geopandas as gpd

from coverage.errors import DataFileError

Resolution = Literal["10m", "50m", "110m"]
RESOLUTIONS: tuple[Resolution, ...] = get_args(Resolution)
BOUNDARIES_DIR = Path(__file__).resolve().parents[1] / "data" / "boundaries"
COLUMNS = ("name", "iso_a3", "iso_n3", "area_km2", "geometry")
CREDIT = "Borders: Natural Earth (public domain), via world-atlas 2.0.2"


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
def load_borders(resolution: str = "10m") -> gpd.GeoDataFrame:
    """Countries at ``resolution`` (valid, split at ±180°, EPSG:4326).

    The file's SHA-256 is checked against ``SHA256SUMS`` so that an edited or
    truncated file fails here with its name, not deep inside geopandas.
    Callers must not modify the returned frame (it is cached).
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
    gdf = gpd.read_parquet(io.BytesIO(data))
    missing = set(COLUMNS) - set(gdf.columns)
    if missing:
        raise DataFileError(f"{path}: missing columns {sorted(missing)}")
    return gdf
