"""3. App rerun: the Streamlit script's run time when the user flips the units radio.

Driven by ``streamlit.testing.v1.AppTest`` on app.py: load the story, go to step
"3 · Ankara compared", then flip the units radio between "mi" and "km". The page
runs inside ``benchmarks/timed_app.py``, which stores the script's own run time in
``st.session_state["_run_seconds"]`` (app.py carries no timing code); we report the
median of it. AppTest's wall time per rerun is reported too (it adds AppTest's
own overhead). ``render_path`` times the functions a rerun calls, directly, so
the numbers say where a rerun's time goes.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

from benchmarks.common import ROOT, summary, time_call

STEP = "3 · Ankara compared"


def _run_seconds(at) -> float | None:
    try:
        value = at.session_state["_run_seconds"]
    except (KeyError, AttributeError):
        return None
    return float(value) if isinstance(value, int | float) else None


def _exceptions(at) -> list[str]:
    return [str(e.value if hasattr(e, "value") else e)[:500] for e in at.exception]


def first_map_payload(at) -> dict[str, Any]:
    """What the browser gets for the story's first map: the component's arguments plus every
    static JSON file its script fetches (the view's borders and the world base), uncompressed."""
    import json
    import re

    maps = at.get("component_instance")
    if not maps:
        return {"first_map_payload_bytes": None}
    args = maps[0].proto.json_args
    script = json.loads(args).get("script", "")
    files = {}
    for url in sorted(set(re.findall(r'fetch\("(/app/static/[^"]+)"\)', script))):
        path = ROOT / "static" / url.removeprefix("/app/static/")
        files[url] = path.stat().st_size if path.exists() else None
    total = len(args) + sum(v or 0 for v in files.values())
    return {"first_map_args_bytes": len(args), "first_map_files": files, "first_map_payload_bytes": total}


def apptest(flips: int) -> dict[str, Any]:
    from streamlit.testing.v1 import AppTest

    out: dict[str, Any] = {}
    at = AppTest.from_file(str(ROOT / "benchmarks" / "timed_app.py"), default_timeout=600)
    t0 = time.perf_counter()
    at.run()
    out["first_run_wall_s"] = time.perf_counter() - t0
    out["first_run_seconds"] = _run_seconds(at)
    out.update(first_map_payload(at))
    t0 = time.perf_counter()
    at.radio(key="step").set_value(STEP).run()
    out["step3_wall_s"] = time.perf_counter() - t0
    out["step3_run_seconds"] = _run_seconds(at)
    errors = _exceptions(at)
    walls, runs = [], []
    for i in range(flips):
        t0 = time.perf_counter()
        at.radio(key="units").set_value("mi" if i % 2 == 0 else "km").run()
        walls.append(time.perf_counter() - t0)
        runs.append(_run_seconds(at))
        errors += _exceptions(at)
    out["rerun_wall_s"] = summary(walls)
    out["run_seconds_available"] = all(r is not None for r in runs)
    out["rerun_run_seconds"] = (
        summary([r for r in runs if r is not None]) if out["run_seconds_available"] else None
    )
    maps = at.get("component_instance")
    out["map_components"] = len(maps)
    out["map_payload_bytes"] = len(maps[0].proto.json_args) if maps else None
    out["map_script_bytes"] = None
    if maps:
        import json

        args = json.loads(maps[0].proto.json_args)
        out["map_script_bytes"] = len(args.get("script", ""))
        out["map_html_bytes"] = len(args.get("html", "") or "")
    out["app_exceptions"] = sorted(set(errors))
    return out


def render_path(repeats: int, warmup: int = 1) -> dict[str, Any]:
    """Warm medians of what one rerun of step 3 calls (caches warm, as in the app)."""
    warnings.simplefilter("ignore")
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from coverage.app import data, editor, views
    from coverage.render import RenderOptions, caption
    from coverage.scenario import encode_for_url
    from coverage.story import STEPS, scenario_file
    from coverage.style import credit_text

    step = next(s for s in STEPS if s.title == STEP)
    scenario = scenario_file(step.scenario_file)
    static = ROOT / "static"
    steps: dict[str, Any] = {}
    w = max(1, warmup)

    steps["analysed (cached)"], result = time_call(lambda: data.analysed(scenario), repeats, w)
    steps["highlights (cached)"], hl = time_call(data.highlights, repeats, w)

    def build():
        return data.build_map(result, static_dir=static, units="mi", presentation=False, highlights=hl)

    steps["build_map"], fmap = time_call(build, repeats)

    def serialise():  # what st_folium does to the map (base and stage) before sending it
        from streamlit_folium import _get_feature_group_string, _get_map_string

        m, stage = build()
        m.get_root().render()
        m.render()
        return _get_map_string(m) + _get_feature_group_string(stage, m)

    try:
        steps["build_map + st_folium serialise"], script = time_call(serialise, repeats, w)
        serialised_bytes = len(script)
    except Exception as exc:  # private API of streamlit_folium: may move
        steps["build_map + st_folium serialise"] = {"error": repr(exc)}
        serialised_bytes = None
    steps["tables as shown (cached)"], _ = time_call(
        lambda: (data.coverage_shown(result, "mi"), data.comparison_shown(result)), repeats, w
    )
    steps["legend"], _ = time_call(lambda: views.legend_markdown(result.sites, "mi"), repeats, w)
    steps["distances_view"], _ = time_call(lambda: views.distances_view(result, "mi"), repeats, w)
    steps["editor_frame"], _ = time_call(lambda: editor.editor_frame(scenario, data.catalog()), repeats, w)
    options = RenderOptions.for_scenario(scenario, units="mi")
    steps["caption + sources + credit"], _ = time_call(
        lambda: (caption(result, options), views.sources(result.sites), credit_text(result.sites)), repeats
    )
    steps["encode_for_url"], _ = time_call(lambda: encode_for_url(scenario), repeats, w)
    steps["horizon chart + sentence"], _ = time_call(
        lambda: (views.horizon_chart(20), views.horizon_sentence(20, 300, "mi")), repeats
    )
    parts = [v["median"] for k, v in steps.items() if "median" in v and k != "build_map"]
    return {"steps": steps, "sum_of_medians_s": sum(parts), "serialised_script_bytes": serialised_bytes}


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    try:
        out["apptest"] = apptest(cfg["app_flips"])
    except Exception as exc:
        out["apptest"] = {"error": repr(exc)[:2000]}
    out["render_path"] = render_path(cfg["repeats"], cfg["warmup"])
    at = out["apptest"]
    rs = at.get("rerun_run_seconds")
    out["metrics"] = {
        "rerun_s": rs["median"] if rs else None,
        "rerun_source": "st.session_state['_run_seconds']" if rs else "render path functions (fallback)",
        "rerun_apptest_wall_s": at["rerun_wall_s"]["median"] if "rerun_wall_s" in at else None,
        "map_payload_bytes": at.get("map_payload_bytes"),
        "first_map_payload_bytes": at.get("first_map_payload_bytes"),
        "app_exceptions": len(at.get("app_exceptions", [])) if "error" not in at else None,
    }
    if rs is None:
        out["metrics"]["rerun_s"] = out["render_path"]["sum_of_medians_s"]
    return out
