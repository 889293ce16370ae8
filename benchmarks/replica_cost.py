"""Server CPU seconds per first visit: one app server alone, and replicas behind nginx.

Each visit is a fresh Chromium context (no cache) that opens the app and waits for the
story's first ring; visits run one after another after a warm-up visit. The CPU is the
sum over the app servers' process trees (and nginx's, behind it), read from /proc before
and after. Run from the repository root: ``.venv/bin/python -m benchmarks.replica_cost``.
Used for docs/reliability.md ("Replicas").
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from playwright.sync_api import Browser, sync_playwright

from tests.e2e.helpers import open_app
from tools.app_server import CHROMIUM, CHROMIUM_ARGS, is_loopback, streamlit_server
from tools.loadtest import cpu_s, tree_pids
from tools.replicas import replicated_app


def _cpu(pids: list[int]) -> float:
    return sum(cpu_s(p) for root in pids for p in tree_pids(root))


def _visits(browser: Browser, url: str, n: int, roots: list[int], warm: int = 1) -> dict[str, float]:
    per_visit, walls = [], []
    for i in range(warm + n):
        ctx = browser.new_context(viewport={"width": 1400, "height": 900}, service_workers="block")
        ctx.route("**/*", lambda r: r.continue_() if is_loopback(r.request.url) else r.abort())
        page = ctx.new_page()
        before, start = _cpu(roots), time.monotonic()
        open_app(page, url)
        time.sleep(1.0)  # let the session's last messages go out before the CPU is read
        spent, wall = _cpu(roots) - before, time.monotonic() - start
        ctx.close()
        if i >= warm:  # the first visits warm the servers' caches (each replica's own)
            per_visit.append(spent)
            walls.append(wall)
    return {
        "cpu_s_per_visit_median": statistics.median(per_visit),
        "cpu_s_per_visit_max": max(per_visit),
        "first_map_s_median": statistics.median(walls),
        "visits": n,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--visits", type=int, default=10)
    args = parser.parse_args(argv)
    out = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            with streamlit_server() as server:
                out["one server, no nginx"] = _visits(browser, server.url, args.visits, [server.pid])
            with replicated_app(2) as app:
                roots = [s.pid for s in app.replicas]
                out["2 replicas behind nginx: app servers"] = _visits(browser, app.url, args.visits, roots)
                out["2 replicas behind nginx: nginx"] = _visits(
                    browser, app.url, args.visits, [app.nginx.pid]
                )
        finally:
            browser.close()
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
