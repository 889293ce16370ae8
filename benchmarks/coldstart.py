"""2. Cold start: loading the borders in a fresh process, and whole CLI commands.

* ``load_countries("10m")`` (what the report reads: checksum, Parquet, WKB):
  time around the call only, in a fresh interpreter (imports done before the
  clock starts).
* ``python -m coverage report scenarios/story.json``: whole-command wall time.
* ``python -c "import geopandas"`` and ``python -c pass``: references.
* One ``-X importtime`` run of the report command: the slowest top-level imports.
"""

from __future__ import annotations

import subprocess
from typing import Any

from benchmarks.common import PY, ROOT, child_env, summary, wall_summary

LOAD_SNIPPET = """
import time
t0 = time.perf_counter()
from coverage.borders import load_countries
import pyarrow.parquet  # imported inside load_countries; an import, not loading
t1 = time.perf_counter()
load_countries("10m")
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def _load_once() -> tuple[float, float]:
    proc = subprocess.run(
        [PY, "-c", LOAD_SNIPPET],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=child_env(),
        check=True,
        timeout=120,
    )
    imp, load = map(float, proc.stdout.split())
    return imp, load


def import_breakdown(cmd: list[str], top: int = 10) -> dict[str, list[dict[str, Any]]]:
    """Where import time goes (``-X importtime``), in seconds.

    ``top_level``: modules imported directly by the command, by cumulative time.
    ``by_package``: self time summed per top-level package (pandas, shapely, ...).
    """
    proc = subprocess.run(
        [PY, "-X", "importtime", *cmd], cwd=ROOT, capture_output=True, text=True, env=child_env(), timeout=120
    )
    top_level: list[dict[str, Any]] = []
    by_package: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        # "import time: <self us> | <cumulative us> | <two spaces per level><name>"
        parts = line[len("import time:") :].split("|")
        raw_name = parts[2].rstrip()
        name = raw_name.strip()
        depth = (len(raw_name) - len(raw_name.lstrip(" "))) // 2
        package = name.split(".")[0]
        by_package[package] = by_package.get(package, 0.0) + int(parts[0]) / 1e6
        if depth == 0:
            top_level.append({"module": name, "cumulative_s": int(parts[1]) / 1e6})
    top_level.sort(key=lambda r: r["cumulative_s"], reverse=True)
    packages = sorted(
        ({"package": k, "self_s": v} for k, v in by_package.items()), key=lambda r: -r["self_s"]
    )
    return {"top_level": top_level[:top], "by_package": packages[:top]}


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    repeats, warmup = cfg["cmd_repeats"], cfg["cmd_warmup"]
    for _ in range(warmup):
        _load_once()  # warm the OS file cache and .pyc files
    loads = [_load_once() for _ in range(repeats)]
    report_cmd = [PY, "-m", "coverage", "report", "scenarios/story.json"]
    out = {
        "load_countries_10m_in_process_s": summary([load for _, load in loads]),
        "import_coverage_borders_s": summary([imp for imp, _ in loads]),
        "report_story_wall_s": wall_summary(report_cmd, repeats, warmup=warmup),
        "import_geopandas_wall_s": wall_summary([PY, "-c", "import geopandas"], repeats, warmup=warmup),
        "python_bare_wall_s": wall_summary([PY, "-c", "pass"], repeats, warmup=warmup),
    }
    if not cfg["quick"]:
        out["report_story_imports"] = import_breakdown(report_cmd[1:])
    out["metrics"] = {
        "load_countries_10m_s": out["load_countries_10m_in_process_s"]["median"],
        "report_story_s": out["report_story_wall_s"]["median"],
        "import_geopandas_s": out["import_geopandas_wall_s"]["median"],
        "python_bare_s": out["python_bare_wall_s"]["median"],
    }
    return out
