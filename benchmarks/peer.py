"""The peer: the script a GIS user would write in ten minutes, run as a whole command.

python -m benchmarks.peer SITES.json [--resolution 10m] [--by-site] [--method union|per-ring]

``SITES.json`` is a plain list of ``{"name", "lat", "lon", "radius_km"}`` (the
benchmark writes it from a scenario, resolved beforehand, so the peer does not
need our catalog). Prints CSV like ``python -m coverage report … --format csv``:
``country,iso_a3,covered_km2,country_km2,covered_pct`` (with a leading ``site``
column under ``--by-site``).

Two methods, both plain geopandas, none of our code:

* ``union`` (the reference peer, what a GIS user would write): a 360-vertex
  polygon per ring from ``pyproj.Geod.fwd``, ``shapely.union_all`` of the rings,
  one ``geopandas.overlay(countries, union, how="intersection")``, areas in an
  equal-area projection (EPSG:6933, WGS 84 / NSIDC EASE-Grid 2.0 Global, a
  cylindrical equal-area projection of WGS84). Under ``--by-site`` there is
  nothing to union: one overlay of the rings with the countries, areas per
  (site, country).
* ``per-ring``: the old straw man, every ring overlaid with the whole world
  separately and the pieces dissolved by country (what ``scaling.per_ring_overlay``
  does in process with our rings).

It reads the same shipped GeoParquet file as ours (``geopandas.read_parquet``),
takes the countries' whole areas from its ``area_km2`` column as ours does, does not
check its checksum, and does not split rings at the antimeridian (the benchmark's
sites never reach it): all in its favour.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

ROOT = Path(__file__).resolve().parents[1]
VERTICES = 360
EQUAL_AREA = "EPSG:6933"
MIN_REACHED_KM2 = 0.01  # as ours: slivers where a ring grazes a border are not "reached"


def rings(sites: list[dict[str, float]]) -> list[shapely.Polygon]:
    """A 360-vertex polygon per site from ``Geod.fwd`` (vertices exactly on the circle)."""
    geod = Geod(ellps="WGS84")
    az = np.linspace(0.0, 360.0, VERTICES, endpoint=False)
    out = []
    for s in sites:
        n = np.full(VERTICES, 1.0)
        lon, lat, _ = geod.fwd(n * s["lon"], n * s["lat"], az, n * s["radius_km"] * 1000.0)
        out.append(shapely.Polygon(np.column_stack([lon, lat])))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.peer", description=__doc__.splitlines()[0])
    parser.add_argument("sites", type=Path)
    parser.add_argument("--resolution", default="10m", choices=("10m", "50m", "110m"))
    parser.add_argument("--by-site", action="store_true")
    parser.add_argument("--method", default="union", choices=("union", "per-ring"))
    args = parser.parse_args(argv)

    sites = json.loads(args.sites.read_text(encoding="utf-8"))
    countries = gpd.read_parquet(ROOT / "data" / "boundaries" / f"countries-{args.resolution}.parquet")
    # The file's own column for the countries' whole areas, as ours uses: no work spent on them.
    countries = countries[["name", "iso_a3", "area_km2", "geometry"]].rename(
        columns={"area_km2": "country_km2"}
    )
    circles = gpd.GeoDataFrame({"site": [s["name"] for s in sites]}, geometry=rings(sites), crs="EPSG:4326")

    if args.by_site:
        pieces = gpd.overlay(circles, countries, how="intersection", keep_geom_type=True)
        keys = ["site", "name"]
    elif args.method == "union":
        union = gpd.GeoDataFrame(geometry=[shapely.union_all(circles.geometry.values)], crs="EPSG:4326")
        pieces = gpd.overlay(countries, union, how="intersection", keep_geom_type=True)
        keys = ["name"]
    else:
        pieces = gpd.overlay(circles, countries, how="intersection", keep_geom_type=True)
        pieces = pieces.dissolve(
            by="name", as_index=False, aggfunc={"iso_a3": "first", "country_km2": "first"}
        )
        keys = ["name"]

    pieces["covered_km2"] = pieces.to_crs(EQUAL_AREA).area / 1e6
    table = pd.DataFrame(pieces.drop(columns="geometry"))
    table = table[table["covered_km2"] >= MIN_REACHED_KM2]
    table["covered_pct"] = (100.0 * table["covered_km2"] / table["country_km2"]).clip(upper=100.0)
    table = table.rename(columns={"name": "country"})
    order = [k for k in keys if k != "name"] + ["country"]
    table = table.sort_values([*order[:-1], "covered_km2"], ascending=[True] * (len(order) - 1) + [False])
    columns = ([] if not args.by_site else ["site"]) + [
        "country",
        "iso_a3",
        "covered_km2",
        "country_km2",
        "covered_pct",
    ]
    table[columns].to_csv(sys.stdout, index=False, float_format="%.3f")
    return 0


if __name__ == "__main__":
    sys.exit(main())
