"""Rebuild data/boundaries/ from the world-atlas npm package (Natural Earth 4.1).

Usage::

    python scripts/build_boundaries.py            # runs `npm pack world-atlas@2.0.2`
    python scripts/build_boundaries.py --tarball world-atlas-2.0.2.tgz

What it repairs, once, so the app never has to:

* GDAL reads the TopoJSON without a CRS: we set EPSG:4326.
* world-atlas stitches polygons across ±180° and round the poles (Russia, Fiji,
  Antarctica come out invalid): rings are unwrapped, closed round the pole
  when they wind round it, and cut at ±180° (RFC 7946).
* Quantisation leaves self-touching rings (52 countries at 1:10m are invalid
  as read): ``make_valid`` keeps the polygonal parts.
* ISO 3166 alpha-3 codes come from the numeric ids through ``pycountry``;
  features without an id (Kosovo, N. Cyprus, Somaliland, ...) keep none, and
  of the two features with id 036 only Australia keeps AUS.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import tarfile
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pycountry
import pyogrio
import shapely
from shapely.geometry import MultiPolygon, Polygon

from coverage.antimeridian import close_around_pole, split_polygon, unwrap_lon, winding
from coverage.borders import BOUNDARIES_DIR, RESOLUTIONS, boundary_path
from coverage.geodesy import area_km2

ROOT = Path(__file__).resolve().parents[1]

PACKAGE = "world-atlas@2.0.2"
TARBALL_SHA256 = "032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97"


def fetch_tarball(workdir: Path) -> Path:
    """Download the npm tarball with ``npm pack`` into ``workdir``."""
    out = subprocess.run(
        ["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True, capture_output=True, text=True
    )
    return workdir / out.stdout.strip().splitlines()[-1]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def repair_ring(coords: np.ndarray) -> Polygon:
    """A polygon in unwrapped longitudes from one stitched ring."""
    lon = unwrap_lon(coords[:-1, 0])
    lat = coords[:-1, 1]
    if winding(lon) != 0:
        lon, lat = close_around_pole(lon, lat, 90.0 if lat.mean() > 0 else -90.0)
    return shapely.make_valid(Polygon(np.column_stack([lon, lat])), method="structure")


def _winds(ring: object) -> bool:
    coords = np.asarray(ring.coords)
    return winding(unwrap_lon(coords[:-1, 0])) != 0


def repair_polygon(poly: Polygon) -> list[Polygon]:
    """Unwrap, close round poles, subtract holes, cut at ±180°."""
    shell = repair_ring(np.asarray(poly.exterior.coords))
    interiors = list(poly.interiors)
    if _winds(poly.exterior):
        # At 1:50m Antarctica is a ring round the pole at -89.999° whose *hole* is
        # the coast: on the sphere the region is between the two, i.e. the cap
        # inside the coast less the tiny cap inside the outer ring.
        polar = [ring for ring in interiors if _winds(ring)]
        if polar:
            interiors.remove(polar[0])
            coast = repair_ring(np.asarray(polar[0].coords))
            shell = shapely.make_valid(coast.difference(shell), method="structure")
    centre = (shell.bounds[0] + shell.bounds[2]) / 2.0
    for interior in interiors:
        hole = repair_ring(np.asarray(interior.coords))
        # Put the hole in the same 360° window as its shell.
        shift = 360.0 * round((centre - hole.centroid.x) / 360.0)
        hole = shapely.transform(hole, lambda xy, dx=shift: xy + [dx, 0.0])
        shell = shapely.make_valid(shell.difference(hole), method="structure")
    parts: list[Polygon] = []
    for piece in shapely.get_parts(shell):
        split = split_polygon(piece)
        parts.extend(shapely.get_parts(split))
    return parts


def repair(geom: Polygon | MultiPolygon) -> MultiPolygon:
    parts: list[Polygon] = []
    for poly in shapely.get_parts(geom):
        if not poly.is_empty:
            parts.extend(repair_polygon(poly))
    merged = shapely.make_valid(shapely.union_all(parts), method="structure")
    polys = [p for p in shapely.get_parts(merged) if isinstance(p, Polygon) and p.area > 0]
    return MultiPolygon(polys)


def iso_codes(numeric: object, name: str) -> tuple[str | None, str | None]:
    """(alpha-3, numeric) for a world-atlas id; None where there is no code."""
    if not isinstance(numeric, str) or not numeric:
        return None, None
    country = pycountry.countries.get(numeric=numeric)
    if country is None:
        return None, numeric
    if numeric == "036" and name != "Australia":
        return None, None  # Ashmore and Cartier Is. share Australia's id
    return country.alpha_3, numeric


def build(resolution: str, source: Path) -> gpd.GeoDataFrame:
    raw = pyogrio.read_dataframe(source, layer="countries")
    rows = []
    for numeric, name, geom in zip(raw["id"], raw["name"], raw.geometry, strict=True):
        fixed = repair(geom)
        a3, n3 = iso_codes(numeric, name)
        rows.append(
            {"name": name, "iso_a3": a3, "iso_n3": n3, "area_km2": area_km2(fixed), "geometry": fixed}
        )
    gdf = gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs="EPSG:4326")
    gdf = gdf.sort_values("name", ignore_index=True)
    invalid = gdf[~gdf.is_valid]
    if len(invalid):
        raise SystemExit(f"{resolution}: still invalid after repair: {list(invalid.name)}")
    if gdf.total_bounds[0] < -180 or gdf.total_bounds[2] > 180:
        raise SystemExit(f"{resolution}: longitudes outside ±180 after repair")
    return gdf


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="world-atlas-2.0.2.tgz (default: npm pack)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        tarball = args.tarball or fetch_tarball(workdir)
        if sha256(tarball) != TARBALL_SHA256:
            raise SystemExit(f"{tarball}: unexpected SHA-256, not {PACKAGE}")
        with tarfile.open(tarball) as tar:
            tar.extractall(workdir, filter="data")
        for resolution in RESOLUTIONS:
            gdf = build(resolution, workdir / "package" / f"countries-{resolution}.json")
            out = boundary_path(resolution)
            gdf.to_parquet(out, compression="zstd", write_covering_bbox=False)
            areas = gdf.set_index("name")["area_km2"]
            print(
                f"{out.relative_to(ROOT)}: {len(gdf)} features, {out.stat().st_size:,} bytes; "
                f"all {areas.sum() / 1e6:.2f} M km², Russia {areas['Russia'] / 1e6:.2f} M km², "
                f"Antarctica {areas['Antarctica'] / 1e6:.2f} M km²"
            )
    sums = "".join(f"{sha256(boundary_path(r))}  {boundary_path(r).name}\n" for r in RESOLUTIONS)
    (BOUNDARIES_DIR / "SHA256SUMS").write_text(sums)
    print(sums, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
