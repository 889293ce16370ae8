"""Server CPU seconds for one visit on the costliest links the app accepts (issue 17, item 2).

Each case runs the whole page once through Streamlit's AppTest in a fresh process (the
script, the analysis, the default tab with its tables and the map), and reports the
process CPU time of that run, the median of ``--repeats`` processes. Run from the
repository root: ``.venv/bin/python -m benchmarks.link_cost``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = """
import sys, time, json
from streamlit.testing.v1 import AppTest
from coverage.scenario import Scenario, SiteSpec, encode_for_url
n, radius = int(sys.argv[1]), float(sys.argv[2])
scenario = Scenario(sites=tuple(
    SiteSpec(name=f"S{i}", lat=-60.0 + (i * 37) % 130, lon=-180.0 + (i * 53) % 360, radius=radius, unit="km")
    for i in range(n)), title="cost")
link = encode_for_url(scenario) if n else ""
import coverage.app.data, coverage.analysis  # imports are not the link's cost
at = AppTest.from_file(sys.argv[3], default_timeout=600)
if link:
    at.query_params["s"] = link
start = time.process_time()
at.run()
cpu = time.process_time() - start
print(json.dumps({"cpu_s": cpu, "link_chars": len(link), "errors": [e.value for e in at.error],
                  "exception": bool(at.exception)}))
"""

CASES = (
    ("the story (no link)", 0, 0.0),
    ("4 sites x 400 km", 4, 400.0),
    ("20 sites x 2,000 km", 20, 2_000.0),
    ("20 sites x 10,000 km (site table refused)", 20, 10_000.0),
    ("200 sites x 400 km", 200, 400.0),
    ("200 sites x 10,000 km (the most accepted)", 200, 10_000.0),
    ("201 sites x 10,000 km (refused)", 201, 10_000.0),
)


def run_case(n: int, radius_km: float) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(n), str(radius_km), str(ROOT / "app.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"{'case':<45} {'link chars':>10} {'CPU s (median)':>15}  errors")
    for label, n, radius in CASES:
        runs = [run_case(n, radius) for _ in range(args.repeats)]
        cpu = statistics.median(float(str(r["cpu_s"])) for r in runs)
        errors = runs[0]["errors"] or ""
        print(f"{label:<45} {runs[0]['link_chars']:>10} {cpu:>15.2f}  {str(errors)[:60]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
