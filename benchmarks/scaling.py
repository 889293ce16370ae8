"""6. Scaling: many sites, three border resolutions, and a naive pipeline for comparison.

Scenarios of 1, 10, 100 and 1,000 sites (fixed seed; lat 30–65, lon −10–120, custom
radius 100–600 km) are written to a temporary folder. For each we time:

* the whole command ``python -m coverage report <scenario>`` (wall, median);
* our pipeline in process: ``coverage.analysis.coverage_table`` on resolved sites,
  ring caches cleared before every repetition, borders loaded beforehand;
* the naive pipeline in process: ``geopandas.overlay`` of all rings (``geodesic_ring``)
  with the whole 1:10m world, ``dissolve`` by country, geodesic ``area_km2`` per
  country; borders loaded beforehand. Capped by a time budget: past it the figure
  is reported as "> budget".

The speed-up is naive median / ours median, both measured in this run, each in a
fresh process. Both tables are compared (same countries, areas within 0.5 %).
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import PY, ChildTimeout, clear_ring_caches, run_child, time_call, wall_summary

SEED = 20170712
LAT_RANGE = (30.0, 65.0)
LON_RANGE = (-10.0, 120.0)
RADIUS_KM = (100.0, 600.0)


def scenario_dict(n: int, seed: int = SEED) -> dict[str, Any]:
    """The first ``n`` of 1,000 random sites (nested: the 10 are the first 10 of the 100…)."""
    rng = np.random.default_rng(seed)
    lat = rng.uniform(*LAT_RANGE, 1000)
    lon = rng.uniform(*LON_RANGE, 1000)
    radius = rng.uniform(*RADIUS_KM, 1000)
    sites = [
        {
            "name": f"Site {i + 1}",
            "lat": round(float(lat[i]), 4),
            "lon": round(float(lon[i]), 4),
            "radius": round(float(radius[i]), 1),
            "unit": "km",
        }
        for i in range(n)
    ]
    return {"version": 1, "title": f"{n} random sites", "units": "km", "sites": sites}


def _sites(path: str):
    from coverage.catalog import load_catalog
    from coverage.scenario import load_scenario, resolve_sites

    return resolve_sites(load_scenario(path), load_catalog())


def _table_dict(table) -> dict[str, float]:
    return {str(k): float(v) for k, v in zip(table["country"], table["covered_km2"], strict=True)}


def ours_inprocess(args: dict[str, Any]) -> dict[str, Any]:
    """coverage_table on resolved sites, for each (scenario, resolution) job, in one process.

    Ring caches are cleared before every repetition (rings are rebuilt each time);
    borders are loaded before the clock starts.
    """
    from coverage.analysis import coverage_table
    from coverage.borders import load_countries
    from coverage.rings import geodesic_rings

    results = []
    for job in args["jobs"]:
        borders = load_countries(job["resolution"])  # what the CLI's report uses
        sites = _sites(job["scenario"])
        total, table = time_call(
            lambda sites=sites, borders=borders: coverage_table(sites, borders),
            args["repeats"],
            before=clear_ring_caches,
        )
        rings, _ = time_call(
            lambda sites=sites: geodesic_rings(*_centres(sites)),
            args["repeats"],
            warmup=0,
        )
        results.append({"coverage_table_s": total, "rings_only_s": rings, "countries": _table_dict(table)})
    return {"results": results}


def _centres(sites) -> tuple[list[float], list[float], list[float]]:
    return [s.lat_deg for s in sites], [s.lon_deg for s in sites], [s.radius_m for s in sites]


def naive_pipeline(sites, borders) -> dict[str, float]:
    import geopandas as gpd

    from coverage.geodesy import area_km2
    from coverage.rings import geodesic_rings

    rings = gpd.GeoDataFrame(
        {"site": [s.name for s in sites]},
        geometry=geodesic_rings(*_centres(sites)),  # the same rings as ours: only the overlay differs
        crs=borders.crs,
    )
    pieces = gpd.overlay(
        rings, borders[["name", "iso_a3", "geometry"]], how="intersection", keep_geom_type=True
    )
    merged = pieces.dissolve(by="name")
    areas = {str(name): area_km2(geom) for name, geom in zip(merged.index, merged.geometry, strict=True)}
    return {k: v for k, v in areas.items() if v >= 0.01}


def naive_inprocess(args: dict[str, Any]) -> dict[str, Any]:
    from coverage.borders import load_borders

    borders = load_borders("10m")
    sites = _sites(args["scenario"])
    total, table = time_call(lambda: naive_pipeline(sites, borders), args["repeats"], warmup=args["warmup"])
    return {"naive_s": total, "countries": table}


def _agreement(ours: dict[str, float], naive: dict[str, float]) -> dict[str, Any]:
    both = set(ours) & set(naive)
    rel = [abs(ours[k] - naive[k]) / max(naive[k], 1e-9) for k in both if naive[k] > 100.0]
    return {
        "only_ours": sorted(set(ours) - set(naive)),
        "only_naive": sorted(set(naive) - set(ours)),
        "max_rel_diff_over_100km2": max(rel) if rel else 0.0,
    }


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    sizes = cfg["scaling_sites"]
    out: dict[str, Any] = {"seed": SEED, "sites": sizes, "by_sites": {}, "by_resolution": {}}
    with tempfile.TemporaryDirectory(prefix="bench-scenarios-") as tmp:
        paths = {}
        for n in sorted(set(sizes) | {cfg["resolution_sites"]}):
            paths[n] = Path(tmp) / f"sites-{n}.json"
            paths[n].write_text(json.dumps(scenario_dict(n)))

        n_res = cfg["resolution_sites"]
        jobs = [{"scenario": str(paths[n]), "resolution": "10m"} for n in sizes]
        jobs += [{"scenario": str(paths[n_res]), "resolution": res} for res in ("10m", "50m", "110m")]
        ours_all = run_child(
            "scaling",
            "ours_inprocess",
            {"jobs": jobs, "repeats": cfg["repeats"]},
            timeout=cfg["child_timeout_s"],
        )["results"]
        warmup = cfg["cmd_warmup"]
        for n, ours in zip(sizes, ours_all, strict=False):
            row: dict[str, Any] = {}
            cmd = [PY, "-m", "coverage", "report", str(paths[n])]
            row["report_wall_s"] = wall_summary(cmd, cfg["cmd_repeats"], warmup=warmup)
            row["ours_s"] = ours["coverage_table_s"]
            row["ours_rings_only_s"] = ours["rings_only_s"]
            row["countries"] = len(ours["countries"])
            if n not in cfg.get("naive_sites", sizes):
                row["naive_s"] = {"median": None, "note": "not run"}
                out["by_sites"][str(n)] = row
                continue
            budget = cfg["naive_budget_s"]
            big = n >= cfg["naive_single_above"]
            naive_args = {
                "scenario": str(paths[n]),
                "repeats": 1 if big else cfg["naive_repeats"],
                "warmup": 0 if big else 1,
            }
            t0 = time.perf_counter()
            try:
                naive = run_child("scaling", "naive_inprocess", naive_args, timeout=budget)
                row["naive_s"] = naive["naive_s"]
                row["speedup"] = naive["naive_s"]["median"] / ours["coverage_table_s"]["median"]
                row["agreement"] = _agreement(ours["countries"], naive["countries"])
            except ChildTimeout:
                row["naive_s"] = {"median": None, "over_s": budget, "note": f"> {budget:.0f} s (stopped)"}
                # The budget also covered the child's imports and border loading: the bound is conservative.
                row["speedup_at_least"] = budget / ours["coverage_table_s"]["median"]
                row["naive_child_wall_s"] = time.perf_counter() - t0
            out["by_sites"][str(n)] = row

        for res, ours in zip(("10m", "50m", "110m"), ours_all[len(sizes) :], strict=True):
            entry: dict[str, Any] = {"ours_s": ours["coverage_table_s"], "countries": len(ours["countries"])}
            if cfg["resolution_cmd"]:
                cmd = [PY, "-m", "coverage", "report", str(paths[n_res]), "--resolution", res]
                entry["report_wall_s"] = wall_summary(cmd, cfg["cmd_repeats"], warmup=warmup)
            out["by_resolution"][res] = entry
        out["resolution_sites"] = n_res

    largest = str(max(sizes))
    big = out["by_sites"][largest]
    speedups = [r.get("speedup", r.get("speedup_at_least")) for r in out["by_sites"].values()]
    out["metrics"] = {
        "largest_sites": int(largest),
        "report_largest_s": big["report_wall_s"]["median"],
        "ours_largest_s": big["ours_s"]["median"],
        "naive_largest_s": big["naive_s"]["median"],
        "speedup_largest": big.get("speedup"),
        "speedup_largest_at_least": big.get("speedup_at_least"),
        "speedup_min": min(s for s in speedups if s is not None) if any(speedups) else None,
    }
    return out
