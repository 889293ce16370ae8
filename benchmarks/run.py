"""Run every benchmark section, print a table, write JSON (and the accuracy plot).

python -m benchmarks                 # full suite (~10 min on 2 cores)
python -m benchmarks --quick         # smoke run: few repeats, small inputs (< 60 s)
python -m benchmarks --only scaling  # one or more sections (e.g. export_browser)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.common import CHROMIUM, PY, ROOT, ChildTimeout, run_child

SECTIONS = ("accuracy", "coldstart", "app_rerun", "browser", "exports", "export_browser", "scaling")
RESULTS_DIR = ROOT / "benchmarks" / "results"
PLOT_PATH = ROOT / "docs" / "img" / "accuracy.png"
SCALING_PLOT_PATH = ROOT / "docs" / "img" / "scaling.png"
PACKAGES = (
    "streamlit",
    "streamlit-folium",
    "folium",
    "geopandas",
    "shapely",
    "pyproj",
    "pyogrio",
    "pyarrow",
    "pandas",
    "numpy",
    "matplotlib",
    "playwright",
    "pyinstrument",
)

FULL: dict[str, Any] = {
    "quick": False,
    "repeats": 7,  # in-process timings
    "warmup": 1,
    "cmd_repeats": 5,  # whole commands (subprocess wall time)
    "cmd_warmup": 1,
    "app_flips": 10,
    "browser_loads": 7,
    "figure_px": 1600,
    "scaling_sites": [1, 10, 100, 1000, 10000],  # whole commands, ours and the peer
    "by_site_sites": [1000],  # and the story: report --by-site, ours and the peer
    "resolution_sites": 1000,  # 1:110m, 1:50m, 1:10m at this many sites
    "app_sites": 100,  # the app's first coverage table
    "single_above": 10000,  # one pair, no warm-up, at and above this many sites
    "big_repeats": 3,
    "peer_budget_s": 150.0,  # a peer run past this is stopped
    "inprocess_sites": [1, 10, 100, 1000],
    "per_ring_repeats": 3,
    "per_ring_single_above": 1000,  # one repetition, no warm-up, at and above this many sites
    "child_timeout_s": 900.0,
    "section_timeout_s": 1800.0,
}
QUICK: dict[str, Any] = {
    **FULL,
    "quick": True,
    "repeats": 1,
    "warmup": 0,
    "cmd_repeats": 1,
    "cmd_warmup": 0,
    "app_flips": 2,
    "browser_loads": 0,  # the one (cold) load only
    "figure_px": 400,
    "scaling_sites": [10],
    "by_site_sites": [10],
    "resolution_sites": 10,
    "app_sites": 10,
    "single_above": 10**9,
    "peer_budget_s": 60.0,
    "inprocess_sites": [10],
    "per_ring_repeats": 1,
    "per_ring_single_above": 10,
    "child_timeout_s": 120.0,
    "section_timeout_s": 120.0,
}


# ---------------------------------------------------------------- targets


@dataclass(frozen=True)
class Check:
    id: str
    label: str
    section: str
    metric: str
    target: str  # as printed
    passes: Callable[[Any, dict[str, Any]], bool | None] | None  # None: reported, no target
    fmt: Callable[[Any, dict[str, Any]], str]


def _s(v: Any, _m: dict[str, Any] | None = None) -> str:
    if v is None:
        return "n/a"
    return f"{v * 1000:.0f} ms" if v < 1 else f"{v:.2f} s"


def _kb(v: Any, _m: dict[str, Any] | None = None) -> str:
    return "n/a" if v is None else f"{v / 1000:,.0f} kB"


def _m(v: Any, _m: dict[str, Any] | None = None) -> str:
    if v is None:
        return "n/a"
    return f"{v:.1e} m" if v < 0.01 else (f"{v:,.1f} m" if v < 1000 else f"{v / 1000:,.1f} km")


def _ratio(v: Any, m: dict[str, Any] | None = None) -> str:
    return "n/a" if v is None else f"{v:.2f}×"


def _at_least(target: float) -> Callable[[Any, dict[str, Any]], bool | None]:
    return lambda v, m: None if v is None else v >= target


CHECKS = (
    Check(
        "accuracy.ours_vertex",
        "Ring accuracy: ours, max vertex error (all cases)",
        "accuracy",
        "ours_vertex_max_m",
        "≤ 1 m",
        lambda v, m: v <= 1.0,
        _m,
    ),
    Check(
        "accuracy.ours_edge",
        "Ring accuracy: ours, max edge error / radius",
        "accuracy",
        "ours_edge_max_frac",
        "≤ 0.005 %",
        lambda v, m: v <= 5e-5,
        lambda v, m: f"{v * 100:.4f} %",
    ),
    Check(
        "accuracy.sweep",
        "Ring accuracy: ours, max edge error / radius, random rings",
        "accuracy",
        "sweep_edge_max_frac",
        "≤ 0.005 %",
        lambda v, m: v <= 5e-5,
        lambda v, m: f"{v * 100:.4f} % ({m['sweep_rings']} rings)",
    ),
    Check(
        "accuracy.leaflet_400",
        "Ring accuracy: Leaflet L.Circle, 400 km, lat 0–75",
        "accuracy",
        "leaflet_400km_max_unclamped_m",
        "(reference)",
        None,
        lambda v, m: f"{_m(m['leaflet_400km_min_m'])} – {_m(v)}",
    ),
    Check(
        "accuracy.turf_400",
        "Ring accuracy: turf circle, 400 km, max",
        "accuracy",
        "turf_400km_max_m",
        "(reference)",
        None,
        _m,
    ),
    Check(
        "accuracy.beats",
        "Ring accuracy: ours better than both, every case",
        "accuracy",
        "ours_beats_both_everywhere",
        "yes",
        lambda v, m: bool(v),
        lambda v, m: "yes" if v else "no",
    ),
    Check(
        "coldstart.load_countries",
        "Cold start: load_countries('10m') in a fresh process",
        "coldstart",
        "load_countries_10m_s",
        "(reference)",
        None,
        _s,
    ),
    Check(
        "coldstart.report",
        "Cold start: `python -m coverage report story.json`",
        "coldstart",
        "report_story_s",
        "≤ 0.8 s",
        lambda v, m: v <= 0.8,
        _s,
    ),
    Check(
        "coldstart.geopandas",
        "Cold start: `python -c 'import geopandas'`",
        "coldstart",
        "import_geopandas_s",
        "(reference)",
        None,
        _s,
    ),
    Check(
        "app.rerun",
        "App rerun: units flip on step 3 (script run time)",
        "app_rerun",
        "rerun_s",
        "≤ 50 ms",
        lambda v, m: v <= 0.05,
        _s,
    ),
    Check(
        "app.payload",
        "App rerun: st_folium map payload",
        "app_rerun",
        "map_payload_bytes",
        "≤ 300 kB",
        lambda v, m: v <= 300_000,
        _kb,
    ),
    Check(
        "app.first_map_payload",
        "App: first story map payload (page script + fetched borders)",
        "app_rerun",
        "first_map_payload_bytes",
        "≤ 300 kB",
        lambda v, m: v <= 300_000,
        _kb,
    ),
    Check(
        "browser.first_ring",
        "Browser: goto → first ring visible (warm server)",
        "browser",
        "first_ring_s",
        "≤ 1.5 s",
        lambda v, m: v <= 1.5,
        _s,
    ),
    Check(
        "browser.returning",
        "Browser: the same, returning visitor (scripts cached)",
        "browser",
        "returning_first_ring_s",
        "(reference)",
        None,
        _s,
    ),
    Check(
        "exports.png",
        "Exports: PNG 1600×1600 (render + encode)",
        "exports",
        "png_s",
        "≤ 0.3 s",
        lambda v, m: v <= 0.3,
        _s,
    ),
    Check("exports.svg", "Exports: SVG (render + encode)", "exports", "svg_s", "(reference)", None, _s),
    Check("exports.pdf", "Exports: PDF (render + encode)", "exports", "pdf_s", "(reference)", None, _s),
    Check(
        "exports.html",
        "Exports: self-contained HTML (CLI render)",
        "exports",
        "html_bytes",
        "≤ 500 kB",
        lambda v, m: v <= 500_000,
        _kb,
    ),
    Check(
        "export_browser.first_ring",
        "HTML export from file://: first ring drawn",
        "export_browser",
        "first_ring_s",
        "≤ 0.5 s",
        lambda v, m: v <= 0.5,
        _s,
    ),
    Check(
        "export_browser.first_ring_4x",
        "HTML export from file://: first ring drawn, CPU throttled 4×",
        "export_browser",
        "first_ring_4x_s",
        "≤ 1.5 s",
        lambda v, m: v <= 1.5,
        _s,
    ),
    Check(
        "export_browser.bytes",
        "HTML export: the story's file size",
        "export_browser",
        "html_bytes",
        "≤ 450 kB",
        lambda v, m: v <= 450_000,
        _kb,
    ),
    Check(
        "scaling.ratio_story",
        "Scaling: union-first peer ÷ ours, story (4 sites), whole command",
        "scaling",
        "ratio_story",
        "≥ 2×",
        _at_least(2.0),
        _ratio,
    ),
    Check(
        "scaling.ratio_1000",
        "Scaling: union-first peer ÷ ours, 1,000 sites, whole command",
        "scaling",
        "ratio_1000",
        "≥ 3×",
        _at_least(3.0),
        _ratio,
    ),
    Check(
        "scaling.cpu_ratio_1000",
        "Scaling: the same in CPU time (user + system), 1,000 sites",
        "scaling",
        "cpu_ratio_1000",
        "(reference)",
        None,
        _ratio,
    ),
    Check(
        "scaling.ratio_story_by_site",
        "Scaling: the same, `report --by-site`, story",
        "scaling",
        "ratio_story_by_site",
        "≥ 2×",
        _at_least(2.0),
        _ratio,
    ),
    Check(
        "scaling.ratio_1000_by_site",
        "Scaling: the same, `report --by-site`, 1,000 sites",
        "scaling",
        "ratio_1000_by_site",
        "≥ 3×",
        _at_least(3.0),
        _ratio,
    ),
    Check(
        "scaling.report_1000",
        "Scaling: `coverage report`, 1,000 sites, 1:10m",
        "scaling",
        "report_1000_s",
        "≤ 1.2 s",
        lambda v, m: v <= 1.2,
        _s,
    ),
    Check(
        "scaling.app_first_table",
        "Scaling: the app's first coverage table (fresh process)",
        "scaling",
        "app_first_table_s",
        "≤ 1 s @ 100",
        lambda v, m: v <= 1.0 if m["app_sites"] >= 100 else None,
        lambda v, m: f"{_s(v)} @ {m['app_sites']:,}",
    ),
    Check(
        "scaling.agree",
        "Scaling: ours and the peers agree (areas within the peers' accuracy)",
        "scaling",
        "agree",
        "yes",
        lambda v, m: bool(v),
        lambda v, m: "yes" if v else "no",
    ),
    Check(
        "scaling.per_ring",
        "Scaling: per-ring overlay (old straw man) ÷ ours, in process",
        "scaling",
        "per_ring_ratio_largest",
        "(reference)",
        None,
        _ratio,
    ),
)


def evaluate(sections: dict[str, Any], config: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for c in CHECKS:
        sec = sections.get(c.section, {})
        metrics = sec.get("metrics") or {}
        value = metrics.get(c.metric)
        status = sec.get("status", "not run")
        if status != "ok" or value is None:
            verdict, shown = None, f"({status})" if status != "ok" else "n/a"
        else:
            verdict = c.passes(value, metrics) if c.passes else None
            shown = c.fmt(value, metrics)
        if c.id == "exports.png" and config["figure_px"] != 1600:
            verdict = None  # the target is for 1600×1600
            shown += f" @ {config['figure_px']} px"
        rows.append(
            {
                "id": c.id,
                "label": c.label,
                "target": c.target,
                "measured": value,
                "shown": shown,
                "pass": verdict,
                "has_target": c.passes is not None,
            }
        )
    return rows


# ---------------------------------------------------------------- machine


def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "executable": PY,
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["mem_gib"] = round(int(line.split()[1]) / 1024**2, 1)
                break
    except OSError:
        pass
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    info["packages"] = versions
    info["chromium"] = CHROMIUM if Path(CHROMIUM).exists() else None
    return info


def loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def wait_quiet(max_wait_s: float) -> float:
    """Wait (up to ``max_wait_s``) until the 1-minute load average is below 3/4 of the cores."""
    t0 = time.monotonic()
    limit = (os.cpu_count() or 1) * 0.75
    while time.monotonic() - t0 < max_wait_s:
        load = loadavg()
        if load is None or load[0] < limit:
            break
        time.sleep(5)  # polling the load average; not part of any measurement
    return time.monotonic() - t0


# ---------------------------------------------------------------- output


def print_table(rows: list[dict[str, Any]], out=sys.stdout) -> None:
    print(markdown_table(rows), file=out)


def markdown_table(rows: list[dict[str, Any]]) -> str:
    lines = ["| Check | Target | Measured | Result |", "| --- | --- | --- | --- |"]
    for r in rows:
        result = {True: "PASS", False: "**FAIL**", None: "—" if not r["has_target"] else "n/a"}[r["pass"]]
        lines.append(f"| {r['label']} | {r['target']} | {r['shown']} | {result} |")
    return "\n".join(lines)


def details_text(sections: dict[str, Any]) -> str:
    """Secondary tables: accuracy grid, scaling, app rerun breakdown."""
    out: list[str] = []
    acc = sections.get("accuracy", {})
    if acc.get("status") == "ok":
        out += [
            "",
            "Ring accuracy, max error of the drawn boundary (edges sampled, lon 30°)",
            "",
            "| radius | lat | ours vertices | ours edges | Leaflet L.Circle | turf circle |",
            "| ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for c in acc["grid"]:
            leaf = c["leaflet"]
            leaf_s = _m(leaf["edge_err_m"]) if leaf["edge_err_m"] is not None else "fails (pole)"
            if leaf.get("note") and leaf["edge_err_m"] is not None:
                leaf_s += " (clamped)"
            out.append(
                f"| {c['radius_km']:,.0f} km | {c['lat']:.0f}° | {_m(c['ours']['vertex_err_m'])} | "
                f"{_m(c['ours']['edge_err_m'])} | {leaf_s} | {_m(c['turf']['edge_err_m'])} |"
            )
        out += [
            "",
            "| special case | ours edges | ours polygon | Leaflet | turf as drawn | turf wrapped ±180 |",
            "| --- | ---: | --- | ---: | ---: | ---: |",
        ]
        for c in acc["special"]:
            poly = c["ours"]["polygon"]
            desc = f"{poly['geom_type']} ×{poly['parts']}, valid={poly['valid']}"
            desc += f", in ±180={poly['within_lon_180']}"
            if "covers_north_pole_area" in poly:
                desc += f", covers pole={poly['covers_north_pole_area']}"
            leaf = c["leaflet"]["edge_err_m"]
            wrapped = c.get("turf_wrapped", {}).get("edge_err_m")
            out.append(
                f"| {c['id']} | {_m(c['ours']['edge_err_m'])} | {desc} | "
                f"{_m(leaf) if leaf is not None else 'fails (pole)'} | {_m(c['turf']['edge_err_m'])} | "
                f"{_m(wrapped) if wrapped is not None else '—'} |"
            )
    sc = sections.get("scaling", {})
    if sc.get("status") == "ok":
        out += [
            "",
            "Whole commands, ours (`python -m coverage report … --format csv`) and the union-first "
            "peer (`python -m benchmarks.peer`), run in turn; 1:10m borders unless said",
            "",
            "| scenario | rows | ours | peer | peer ÷ ours | CPU: ours | CPU: peer | CPU: peer ÷ ours "
            "| areas agree (max diff > 1,000 km²) |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        named = [("story (4 sites)", sc["story"]), ("story, --by-site", sc["story_by_site"])]
        named += [(f"{int(n):,} site{'' if int(n) == 1 else 's'}", r) for n, r in sc["by_sites"].items()]
        named += [(f"{int(n):,} sites, --by-site", r) for n, r in sc["by_site_report"].items()]
        named += [
            (f"{sc['resolution_sites']:,} sites, 1:{res}", r)
            for res, r in sc["by_resolution"].items()
            if res != "10m"
        ]
        for label, r in named:
            out.append(_pair_line(label, r))
        out += [
            "",
            "In process (borders loaded first; rings rebuilt each repetition)",
            "",
            "| sites | countries | ours (`coverage_table`) | of which rings | per-ring overlay "
            "| per-ring ÷ ours |",
            "| ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for n, r in sc["in_process"].items():
            per = r["per_ring_s"]
            per_s = _s(per["median"]) if per["median"] is not None else per["note"]
            ratio = f"{r['per_ring_ratio']:.1f}×" if "per_ring_ratio" in r else "—"
            out.append(
                f"| {int(n):,} | {r['countries']} | {_s(r['ours_s']['median'])} | "
                f"{_s(r['ours_rings_only_s']['median'])} | {per_s} | {ratio} |"
            )
        out += [
            "",
            f"App, first coverage table for {sc['app_sites']:,} sites: "
            f"{_s(sc['app_first_table_s']['median'])}",
        ]
    app = sections.get("app_rerun", {})
    if app.get("status") == "ok":
        out += [
            "",
            "App rerun: what a rerun calls, timed directly (warm medians)",
            "",
            "| step | median |",
            "| --- | ---: |",
        ]
        for k, v in app["render_path"]["steps"].items():
            out.append(f"| {k} | {_s(v.get('median'))} |")
    return "\n".join(out)


def _pair_line(label: str, r: dict[str, Any]) -> str:
    peer = r["peer_s"]
    peer_s = _s(peer["median"]) if peer["median"] is not None else peer["note"]
    if "ratio" in r:
        ratio = f"{r['ratio']:.1f}×"
    else:
        ratio = f"> {r['ratio_at_least']:.1f}×" if "ratio_at_least" in r else "—"
    agree = r.get("agreement")
    if agree is None:
        shown = "—"
    else:
        shown = (
            "yes" if agree["within_accuracy"] else "**no**"
        ) + f" ({agree['max_rel_diff_over_1000km2']:.1e})"
    rows = agree["rows"] if agree else "—"
    ours_cpu = _s(r["ours_cpu_s"]["median"]) if "ours_cpu_s" in r else "—"
    peer_cpu = _s(r["peer_cpu_s"]["median"]) if "peer_cpu_s" in r else "—"
    cpu_ratio = f"{r['cpu_ratio']:.1f}×" if "cpu_ratio" in r else "—"
    return (
        f"| {label} | {rows} | {_s(r['ours_s']['median'])} | {peer_s} | {ratio} | "
        f"{ours_cpu} | {peer_cpu} | {cpu_ratio} | {shown} |"
    )


def write_json(doc: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = doc["timestamp"].replace(":", "").replace("-", "").split(".")[0]
    text = json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    paths = (out_dir / f"{stamp}.json", out_dir / "latest.json")
    for path in paths:
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return paths


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: few repeats, small inputs")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    parser.add_argument("--skip", nargs="+", choices=SECTIONS, default=[], help="leave these sections out")
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR, help="where to write the JSON")
    parser.add_argument(
        "--plot",
        type=Path,
        default=None,
        help=f"accuracy plot path (default: {PLOT_PATH.relative_to(ROOT)} on a full run)",
    )
    parser.add_argument("--no-plot", action="store_true")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="S",
        help="wait up to S seconds for the load average to drop before starting",
    )
    args = parser.parse_args(argv)

    config = dict(QUICK if args.quick else FULL)
    wanted = [s for s in (args.only or SECTIONS) if s not in args.skip]
    waited = wait_quiet(args.wait_quiet) if args.wait_quiet else 0.0
    started = dt.datetime.now(dt.UTC)
    doc: dict[str, Any] = {
        "schema": 1,
        "timestamp": started.isoformat(),
        "mode": "quick" if args.quick else "full",
        "machine": machine_info(),
        "load_average_start": loadavg(),
        "waited_for_quiet_s": round(waited, 1),
        "config": config,
        "sections": {},
    }
    t_all = time.perf_counter()
    for name in SECTIONS:
        if name not in wanted:
            doc["sections"][name] = {"status": "skipped", "metrics": {}}
            continue
        print(f"[bench] {name} …", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        load0 = loadavg()
        try:
            result = run_child(name, "run", config, timeout=config["section_timeout_s"])
            status = "skipped" if "skipped" in result else "ok"
            entry = {"status": status, **result}
        except (ChildTimeout, RuntimeError) as exc:
            entry = {"status": "error", "error": str(exc)[-3000:], "metrics": {}}
            print(f"[bench] {name} failed: {str(exc)[-800:]}", file=sys.stderr, flush=True)
        entry["section_wall_s"] = round(time.perf_counter() - t0, 2)
        entry["load_average"] = {"start": load0, "end": loadavg()}
        doc["sections"][name] = entry
        print(
            f"[bench] {name}: {entry['status']} in {entry['section_wall_s']:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    doc["total_wall_s"] = round(time.perf_counter() - t_all, 2)
    doc["load_average_end"] = loadavg()
    doc["summary"] = evaluate(doc["sections"], config)

    plot_path = args.plot if args.plot is not None else (None if args.quick else PLOT_PATH)
    if plot_path is not None and not args.no_plot and doc["sections"]["accuracy"].get("status") == "ok":
        from benchmarks.accuracy import plot

        plot(doc["sections"]["accuracy"], plot_path)
        doc["accuracy_plot"] = str(plot_path)
    scaling_plot = None if args.quick and args.plot is None else SCALING_PLOT_PATH
    if args.plot is not None:
        scaling_plot = args.plot.with_name("scaling.png")
    if scaling_plot is not None and not args.no_plot and doc["sections"]["scaling"].get("status") == "ok":
        from benchmarks.scaling import plot as plot_scaling

        plot_scaling(doc["sections"]["scaling"], scaling_plot)
        doc["scaling_plot"] = str(scaling_plot)

    paths = write_json(doc, args.out_dir)
    m = doc["machine"]
    print(
        f"\nBenchmarks ({doc['mode']}), {doc['timestamp'][:19]}Z — Python {m['python']}, {m['cpus']} CPUs, "
        f"{m.get('mem_gib', '?')} GiB; load average {doc['load_average_start']} → {doc['load_average_end']}; "
        f"total {doc['total_wall_s']:.0f} s\n"
    )
    print_table(doc["summary"])
    print(details_text(doc["sections"]))
    print(f"\nJSON: {paths[0]} (and {paths[1].name})")
    for key in ("accuracy_plot", "scaling_plot"):
        if key in doc:
            print(f"Plot: {doc[key]}")
    return 0 if all(s["status"] in ("ok", "skipped") for s in doc["sections"].values()) else 1
