"""6. Scaling: ours against the script a GIS user would write, whole commands, as the work grows.

Scenarios: the story (``scenarios/story.json``, 4 sites) and 1, 10, 100, 1,000 and
10,000 random sites (fixed seed; 20–65°N, 10°W–140°E, radius 100–400 km; the sets
are nested: the 10 are the first 10 of the 100…). For each we time two whole
commands, run in turn (ours, peer, ours, peer…) so that a drift in the machine's
speed hits both, and report the median of each and the median of the per-pair
ratios (peer ÷ ours), of wall time (what a user waits for, the figure the targets are
on) and of CPU time (user + system of each process, which other work on a shared
machine moves far less):

* ours: ``python -m coverage report SCENARIO --format csv`` (and ``--by-site``);
* the peer: ``python -m benchmarks.peer SITES.json`` (:mod:`benchmarks.peer`): the
  union-first geopandas script, with the same sites resolved beforehand into a
  plain list (and its ``--by-site``: one overlay of the rings with the countries).
  Past ``peer_budget_s`` a run is stopped and reported as "> budget".

At 1,000 sites the same pair runs at 1:110m, 1:50m and 1:10m. Every pair's two
outputs are compared (same countries; areas within the peer's own accuracy, see
:func:`agreement`).

In process (borders loaded before the clock starts): ours = ``coverage_table`` on
resolved sites, ring caches cleared before every repetition; the second peer, the
per-ring overlay (:func:`per_ring_overlay`: every ring overlaid with the whole
world separately, then dissolved by country; what this suite called "naive" up to
November 2026), checked for agreement the same way. And the app's first coverage
table for 100 sites: what the app does for it, in a fresh process that has
imported what the app server has (the borders not yet loaded).
"""

from __future__ import annotations

import csv
import io
import json
import math
import resource
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import (
    PY,
    ROOT,
    ChildTimeout,
    child_env,
    clear_ring_caches,
    run_child,
    summary,
    time_call,
)

SEED = 20170712
LAT_RANGE = (20.0, 65.0)
LON_RANGE = (-10.0, 140.0)
RADIUS_KM = (100.0, 400.0)
MAX_SITES = 10_000
STORY = ROOT / "scenarios" / "story.json"
MAX_SCENARIO_SITES = 1000  # coverage.scenario.MAX_SITES: a scenario file holds no more

# The peer's rings are 360-gons inscribed in the circle: each covers less than the
# circle by 1 - sin(2π/n)/(2π/n) ≈ (2π/n)²/6 of its area, all of it along its edge.
PEER_VERTICES = 360
PEER_RING_SHORTFALL = (2.0 * math.pi / PEER_VERTICES) ** 2 / 6.0
# Ours is exact to 0.005 % of the radius along the edge and 1e-5 in area. The peer
# projects the vertices (EPSG:6933) and measures edges straight in the projection; ours
# are straight in lon/lat (as maps draw them). The two differ along long border edges:
# whole countries over 1,000 km² by up to 2e-4 (1:10m), 1e-4 (1:50m), 9e-4 (1:110m),
# a partly covered one more (Finland at 1:110m, 10 sites: 3.3e-3).
AREA_REL_TOL = {"10m": 1e-4, "50m": 1e-3, "110m": 5e-3}
AREA_ABS_TOL_KM2 = 0.5  # small pieces, and our CSV's rounding to 0.1 km²


def scenario_dict(n: int, seed: int = SEED) -> dict[str, Any]:
    """The first ``n`` of 10,000 random sites."""
    rng = np.random.default_rng(seed)
    lat = rng.uniform(*LAT_RANGE, MAX_SITES)
    lon = rng.uniform(*LON_RANGE, MAX_SITES)
    radius = rng.uniform(*RADIUS_KM, MAX_SITES)
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


def peer_sites(path: str) -> list[dict[str, Any]]:
    """A scenario's sites resolved by our code into the peer's plain list (before any clock)."""
    return [
        {"name": s.name, "lat": s.lat_deg, "lon": s.lon_deg, "radius_km": s.radius_km} for s in _sites(path)
    ]


def random_peer_sites(n: int) -> list[dict[str, Any]]:
    """:func:`scenario_dict`'s sites as the peer's plain list (custom radii: nothing to resolve)."""
    return [
        {"name": s["name"], "lat": s["lat"], "lon": s["lon"], "radius_km": s["radius"]}
        for s in scenario_dict(n)["sites"]
    ]


def _centres(sites) -> tuple[list[float], list[float], list[float]]:
    return [s.lat_deg for s in sites], [s.lon_deg for s in sites], [s.radius_m for s in sites]


# ---------------------------------------------------------------- whole commands


def _run(cmd: list[str], timeout: float) -> tuple[float, float, str]:
    """Wall time, CPU time (user + system) and standard output of one command.

    The CPU time is what the finished child used (``RUSAGE_CHILDREN``), a figure
    other work on the machine moves far less than the wall time. Raises on a
    non-zero exit.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, timeout=timeout, env=child_env(), check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {proc.returncode}:\n" + proc.stderr.decode()[-2000:])
    return wall, cpu, proc.stdout.decode("utf-8")


def paired(
    ours: list[str], peer: list[str], repeats: int, warmup: int, budget: float, resolution: str = "10m"
) -> dict[str, Any]:
    """Ours and the peer run in turn; medians of each and of the per-pair ratio peer ÷ ours.

    The warm-up runs (OS file cache, ``.pyc``, our cache of decoded borders) are not
    counted; their outputs are compared (:func:`agreement`). A peer run past
    ``budget`` seconds is stopped: the peer figure is then a lower bound.
    """
    out: dict[str, Any] = {"ours_cmd": ours[1:], "peer_cmd": peer[1:]}
    ours_wall, ours_cpu, ours_csv = _run(ours, 600.0)
    try:
        peer_wall, peer_cpu, peer_csv = _run(peer, budget)
    except subprocess.TimeoutExpired:
        runs = [(ours_wall, ours_cpu)] if warmup == 0 else []
        runs += [_run(ours, 600.0)[:2] for _ in range(max(1, repeats) - len(runs))]
        out["ours_s"] = summary([w for w, _ in runs])
        out["ours_cpu_s"] = summary([c for _, c in runs])
        out["peer_s"] = {"median": None, "over_s": budget, "note": f"> {budget:.0f} s (stopped)"}
        out["ratio_at_least"] = budget / out["ours_s"]["median"]
        return out
    out["agreement"] = agreement(_read_csv(ours_csv), _read_csv(peer_csv), resolution)
    # A big pair runs once more than it is checked: its check run is its first timing.
    pairs = [((ours_wall, ours_cpu), (peer_wall, peer_cpu))] if warmup == 0 else []
    while len(pairs) < max(1, repeats):
        pairs.append((_run(ours, 600.0)[:2], _run(peer, budget)[:2]))
    out["ours_s"] = summary([o[0] for o, _ in pairs])
    out["peer_s"] = summary([p[0] for _, p in pairs])
    out["ours_cpu_s"] = summary([o[1] for o, _ in pairs])
    out["peer_cpu_s"] = summary([p[1] for _, p in pairs])
    out["ratio"] = summary([p[0] / o[0] for o, p in pairs])["median"]
    out["cpu_ratio"] = summary([p[1] / o[1] for o, p in pairs])["median"]
    return out


def _read_csv(text: str) -> dict[tuple[str, str], float]:
    """(site or "", country) -> covered km² from a report's CSV (ours or the peer's)."""
    from coverage.borders import house_names

    names = house_names()  # the peer prints Natural Earth's names, ours the house style's
    rows = csv.DictReader(io.StringIO(text))
    return {
        (row.get("site") or "", names.get(row["country"], row["country"])): float(row["covered_km2"])
        for row in rows
    }


def agreement(
    ours: dict[tuple[str, str], float],
    peer: dict[tuple[str, str], float],
    resolution: str = "10m",
    sliver_km2: float = 1.0,
) -> dict[str, Any]:
    """How far two coverage tables are apart, and whether that is within the peers' accuracy.

    Same countries, except slivers under ``sliver_km2`` that one side finds and the
    other does not (a 360-gon cuts corners along the ring's edge). Areas: within
    :data:`AREA_REL_TOL` (for ``resolution``) and :data:`AREA_ABS_TOL_KM2` of each
    other, plus the area the peer's 360-gons leave out (:data:`PEER_RING_SHORTFALL`
    of the area covered, an upper bound: the shortfall lies along the rings' edges).
    """
    only_ours = sorted(k for k in set(ours) - set(peer) if ours[k] >= sliver_km2)
    only_peer = sorted(k for k in set(peer) - set(ours) if peer[k] >= sliver_km2)
    worst, worst_key, within = 0.0, None, True
    for key in set(ours) & set(peer):
        a, b = ours[key], peer[key]
        allowed = (AREA_REL_TOL[resolution] + PEER_RING_SHORTFALL) * a + AREA_ABS_TOL_KM2
        if abs(a - b) > allowed:
            within = False
        rel = abs(a - b) / max(a, 1e-9)
        if a >= 1000.0 and rel > worst:
            worst, worst_key = rel, key
    return {
        "rows": len(ours),
        "only_ours": [list(k) for k in only_ours],
        "only_peer": [list(k) for k in only_peer],
        "max_rel_diff_over_1000km2": worst,
        "worst": list(worst_key) if worst_key else None,
        "within_accuracy": within and not only_ours and not only_peer,
        "resolution": resolution,
    }


# ---------------------------------------------------------------- in process


def ours_inprocess(args: dict[str, Any]) -> dict[str, Any]:
    """coverage_table on resolved sites, for each scenario, in one process (10m borders).

    Ring caches are cleared before every repetition (rings are rebuilt each time);
    borders are loaded (and cut into cells) before the clock starts.
    """
    from coverage.analysis import coverage_table
    from coverage.borders import load_countries
    from coverage.rings import geodesic_rings

    borders = load_countries("10m")
    borders.pieces  # noqa: B018 - loaded before the clock, like the borders
    results = []
    for path in args["scenarios"]:
        sites = _sites(path)
        total, table = time_call(
            lambda sites=sites: coverage_table(sites, borders), args["repeats"], before=clear_ring_caches
        )
        rings, _ = time_call(lambda sites=sites: geodesic_rings(*_centres(sites)), args["repeats"], warmup=0)
        countries = {
            ("", str(k)): float(v) for k, v in zip(table["country"], table["covered_km2"], strict=True)
        }
        results.append(
            {"coverage_table_s": total, "rings_only_s": rings, "countries": countries_json(countries)}
        )
    return {"results": results}


def countries_json(table: dict[tuple[str, str], float]) -> dict[str, float]:
    return {country: km2 for (_, country), km2 in table.items()}


def per_ring_overlay(sites, borders) -> dict[str, float]:
    """The second peer: every ring overlaid with the whole world separately, then dissolved.

    Uses our rings (``geodesic_rings``) and our area measure, so that only the
    overlay differs from ours. Formerly ``naive_pipeline``: a straw man (a GIS user
    would union the rings first; see :mod:`benchmarks.peer`).
    """
    import geopandas as gpd

    from coverage.geodesy import area_km2
    from coverage.rings import geodesic_rings

    rings = gpd.GeoDataFrame(
        {"site": [s.name for s in sites]}, geometry=geodesic_rings(*_centres(sites)), crs=borders.crs
    )
    pieces = gpd.overlay(
        rings, borders[["name", "iso_a3", "geometry"]], how="intersection", keep_geom_type=True
    )
    merged = pieces.dissolve(by="name")
    areas = {str(name): area_km2(geom) for name, geom in zip(merged.index, merged.geometry, strict=True)}
    return {k: v for k, v in areas.items() if v >= 0.01}


def per_ring_inprocess(args: dict[str, Any]) -> dict[str, Any]:
    from coverage.borders import load_borders

    borders = load_borders("10m")
    sites = _sites(args["scenario"])
    total, table = time_call(lambda: per_ring_overlay(sites, borders), args["repeats"], warmup=args["warmup"])
    return {"per_ring_s": total, "countries": table}


APP_SNIPPET = """
import sys, time
import pandas
from coverage.analysis import analyse_shipped
from coverage.app import views
from coverage.catalog import load_catalog
from coverage.scenario import load_scenario, resolve_sites
from coverage.units import check_unit
t0 = time.perf_counter()
scenario = load_scenario(sys.argv[1])
result = analyse_shipped(resolve_sites(scenario, load_catalog()), "10m")
text = views.markdown_table(views.table_view(result.table, check_unit(scenario.units)))
print(time.perf_counter() - t0, len(result.rows))
"""


def app_first_table(path: str, repeats: int) -> dict[str, Any]:
    """The app's first coverage table (Markdown) for a scenario, in fresh processes."""
    samples = []
    for _ in range(max(1, repeats)):
        proc = subprocess.run(
            [PY, "-c", APP_SNIPPET, path],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=child_env(),
            timeout=300,
        )
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr[-2000:])
        samples.append(float(proc.stdout.split()[0]))
    return summary(samples)


# ---------------------------------------------------------------- the section


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    sizes: list[int] = cfg["scaling_sites"]
    out: dict[str, Any] = {
        "seed": SEED,
        "sites": sizes,
        "peer_budget_s": cfg["peer_budget_s"],
        "by_sites": {},
        "by_site_report": {},
        "by_resolution": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-scenarios-") as tmp:
        scenarios: dict[str, Path] = {"story": STORY}
        for n in sorted(set(sizes) | {cfg["resolution_sites"], cfg["app_sites"]}):
            scenarios[str(n)] = Path(tmp) / f"sites-{n}.json"
            scenarios[str(n)].write_text(json.dumps(scenario_dict(n)))
        peers: dict[str, Path] = {}
        for key, path in scenarios.items():
            peers[key] = Path(tmp) / f"peer-{key}.json"
            plain = peer_sites(str(path)) if key == "story" else random_peer_sites(int(key))
            peers[key].write_text(json.dumps(plain))

        def pair(key: str, *extra: str, repeats: int | None = None) -> dict[str, Any]:
            n = 4 if key == "story" else int(key)
            big = n >= cfg["single_above"]
            ours = [PY, "-m", "coverage", "report", str(scenarios[key]), "--format", "csv", *extra]
            if (
                n > MAX_SCENARIO_SITES
            ):  # past the scenario format's cap: the same report, see benchmarks/many.py
                ours = [PY, "-m", "benchmarks.many", str(peers[key]), *extra]
            peer = [PY, "-m", "benchmarks.peer", str(peers[key]), *extra]
            reps = repeats if repeats is not None else (cfg["big_repeats"] if big else cfg["cmd_repeats"])
            res = extra[extra.index("--resolution") + 1] if "--resolution" in extra else "10m"
            warmup = 0 if big else max(1, cfg["cmd_warmup"])  # our cache of each resolution's borders
            return paired(ours, peer, reps, warmup, cfg["peer_budget_s"], res)

        out["story"] = pair("story")
        out["story_by_site"] = pair("story", "--by-site")
        for n in sizes:
            out["by_sites"][str(n)] = pair(str(n))
        for n in cfg["by_site_sites"]:
            out["by_site_report"][str(n)] = pair(str(n), "--by-site")
        n_res = cfg["resolution_sites"]
        for res in ("110m", "50m", "10m"):
            if res == "10m" and str(n_res) in out["by_sites"]:
                out["by_resolution"][res] = out["by_sites"][str(n_res)]
            else:
                out["by_resolution"][res] = pair(str(n_res), "--resolution", res)
        out["resolution_sites"] = n_res
        out["border_vertices"] = _border_vertices()

        inproc = [str(scenarios[str(n)]) for n in cfg["inprocess_sites"]]
        ours_all = run_child(
            "scaling",
            "ours_inprocess",
            {"scenarios": inproc, "repeats": cfg["repeats"]},
            cfg["child_timeout_s"],
        )["results"]
        out["in_process"] = {}
        for n, ours in zip(cfg["inprocess_sites"], ours_all, strict=True):
            row: dict[str, Any] = {
                "ours_s": ours["coverage_table_s"],
                "ours_rings_only_s": ours["rings_only_s"],
            }
            row["countries"] = len(ours["countries"])
            big = n >= cfg["per_ring_single_above"]
            args = {"scenario": str(scenarios[str(n)]), "repeats": 1 if big else cfg["per_ring_repeats"]}
            args["warmup"] = 0 if big else 1
            try:
                per_ring = run_child("scaling", "per_ring_inprocess", args, timeout=cfg["peer_budget_s"])
                row["per_ring_s"] = per_ring["per_ring_s"]
                row["per_ring_ratio"] = per_ring["per_ring_s"]["median"] / ours["coverage_table_s"]["median"]
                row["per_ring_agreement"] = agreement(
                    {("", k): v for k, v in ours["countries"].items()},
                    {("", k): v for k, v in per_ring["countries"].items()},
                )
            except ChildTimeout:
                row["per_ring_s"] = {"median": None, "note": f"> {cfg['peer_budget_s']:.0f} s (stopped)"}
            out["in_process"][str(n)] = row
        out["app_first_table_s"] = app_first_table(str(scenarios[str(cfg["app_sites"])]), cfg["cmd_repeats"])
        out["app_sites"] = cfg["app_sites"]

    thousand = out["by_sites"].get("1000", {})
    by_site_thousand = out["by_site_report"].get("1000", {})
    largest = str(max(sizes))
    out["metrics"] = {
        "ratio_story": out["story"].get("ratio"),
        "ratio_1000": thousand.get("ratio"),
        "ratio_story_by_site": out["story_by_site"].get("ratio"),
        "ratio_1000_by_site": by_site_thousand.get("ratio"),
        "cpu_ratio_story": out["story"].get("cpu_ratio"),
        "cpu_ratio_1000": thousand.get("cpu_ratio"),
        "report_1000_s": thousand.get("ours_s", {}).get("median"),
        "peer_1000_s": thousand.get("peer_s", {}).get("median"),
        "largest_sites": int(largest),
        "report_largest_s": out["by_sites"][largest]["ours_s"]["median"],
        "app_first_table_s": out["app_first_table_s"]["median"],
        "app_sites": cfg["app_sites"],
        "agree": all(
            p.get("agreement", {"within_accuracy": True})["within_accuracy"]
            for p in [
                out["story"],
                out["story_by_site"],
                *out["by_sites"].values(),
                *out["by_site_report"].values(),
            ]
        ),
        "per_ring_ratio_largest": max(
            (r.get("per_ring_ratio") for r in out["in_process"].values() if r.get("per_ring_ratio")),
            default=None,
        ),
    }
    return out


def _border_vertices() -> dict[str, int]:
    import shapely

    from coverage.borders import load_countries

    return {
        res: int(shapely.get_num_coordinates(load_countries(res).geometry).sum())
        for res in ("110m", "50m", "10m")
    }


# ---------------------------------------------------------------- the plot


def plot(section: dict[str, Any], path: Path) -> None:
    """docs/img/scaling.png: whole-command time by number of sites and by border resolution, log-log."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 4.4), dpi=110, layout="constrained")
    left, right = fig.subplots(1, 2)
    ours_style = {"color": "#0072B2", "marker": "o", "lw": 1.8}
    peer_style = {"color": "#D55E00", "marker": "s", "lw": 1.8}

    def series(
        rows: dict[str, Any], xs: list[float], kind: str = "s"
    ) -> tuple[list[float], list[float], list[float], list[float]]:
        ours = [rows[k][f"ours_{kind}"]["median"] for k in rows]
        # A stopped peer run has no figures (its CPU time is not even recorded).
        done = [k for k in rows if rows[k].get(f"peer_{kind}", {}).get("median") is not None]
        peer_x = [x for x, k in zip(xs, rows, strict=True) if k in done]
        return xs, ours, peer_x, [rows[k][f"peer_{kind}"]["median"] for k in done]

    # CPU time in both panels: on a machine shared with other work the wall times of a
    # run move with the load far more than with the number of sites (the table has both).
    by_sites = section["by_sites"]
    xs = [float(k) for k in by_sites]
    x, ours, px, peer = series(by_sites, xs, "cpu_s")
    left.plot(x, ours, label="ours: coverage report --format csv", **ours_style)
    left.plot(px, peer, label="peer: union-first geopandas script", **peer_style)
    stopped = [
        (float(k), r["peer_s"]["over_s"]) for k, r in by_sites.items() if r["peer_s"]["median"] is None
    ]
    for sx, sy in stopped:
        left.plot([sx], [sy], marker="^", color="#D55E00", ls="none", ms=9)
        left.annotate(f"peer stopped at {sy:.0f} s", (sx, sy), textcoords="offset points", xytext=(-110, 6))
    by_site = section.get("by_site_report", {})
    if by_site:
        bx, bo, bpx, bp = series(by_site, [float(k) for k in by_site], "cpu_s")
        left.plot(bx, bo, ls="--", label="ours --by-site", **{**ours_style, "marker": "D"})
        left.plot(
            bpx,
            bp,
            ls="--",
            label="peer --by-site (one overlay of the rings)",
            **{**peer_style, "marker": "D"},
        )
    left.set(
        xscale="log",
        yscale="log",
        xlabel="sites (random, 100–400 km, 1:10m borders)",
        ylabel="whole command, CPU time, user + system (s, median)",
        title="Cost by number of sites",
    )
    left.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=8)

    verts = section["border_vertices"]
    res_rows = section["by_resolution"]
    rx = [float(verts[r]) for r in res_rows]
    # CPU time here: these pairs are few and short, and other work on a shared machine
    # moves their wall times more than the border detail does.
    x, ours, px, peer = series(res_rows, rx, "cpu_s")
    right.plot(x, ours, label="ours", **ours_style)
    right.plot(px, peer, label="peer", **peer_style)
    for r, vx in zip(res_rows, rx, strict=True):
        right.annotate(
            f"1:{r}", (vx, res_rows[r]["ours_cpu_s"]["median"]), textcoords="offset points", xytext=(4, -12)
        )
    right.set(
        xscale="log",
        yscale="log",
        xlabel="border vertices (Natural Earth 1:110m, 1:50m, 1:10m)",
        ylabel="whole command, CPU time, user + system (s, median)",
        title=f"Cost by border detail, {section['resolution_sites']:,} sites",
    )
    right.grid(True, which="both", alpha=0.3)
    right.legend(fontsize=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
