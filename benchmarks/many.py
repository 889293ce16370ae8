"""Our report for a plain list of sites, past the scenario format's 1,000-site cap.

python -m benchmarks.many SITES.json [--resolution 10m] [--by-site]

``SITES.json`` is the peer's plain list (:mod:`benchmarks.peer`). A scenario file
holds at most ``coverage.scenario.MAX_SITES`` (1,000) sites, so the 10,000-site
point of the scaling benchmark cannot be ``python -m coverage report``: this runs
what that command runs after reading the file (``analyse_shipped``, the rows, the
CSV), on sites built directly, and prints the same CSV; run as a program it sets up the
process as the command does (one OpenBLAS thread, :mod:`coverage.allocator`, the end
without teardown).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from coverage import blas  # noqa: F401 - before NumPy loads, as coverage.cli
from coverage.analysis import COVERAGE_COLUMNS, analyse_shipped
from coverage.export import rows_csv
from coverage.scenario import Site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.many", description=__doc__.splitlines()[0])
    parser.add_argument("sites", type=Path)
    parser.add_argument("--resolution", default="10m", choices=("10m", "50m", "110m"))
    parser.add_argument("--by-site", action="store_true")
    args = parser.parse_args(argv)
    plain = json.loads(args.sites.read_text(encoding="utf-8"))
    sites = [Site(s["name"], float(s["lat"]), float(s["lon"]), float(s["radius_km"]) * 1000.0) for s in plain]
    result = analyse_shipped(sites, args.resolution)
    rows = list(result.by_site_rows if args.by_site else result.rows)
    columns = ["site", *COVERAGE_COLUMNS] if args.by_site else COVERAGE_COLUMNS
    sys.stdout.write(rows_csv(rows, result.sites, columns))
    return 0


if __name__ == "__main__":
    from coverage.allocator import keep_freed_memory
    from coverage.cli import _end_process

    keep_freed_memory()
    _end_process(main())
