"""7. The HTML export in a browser: opened from file://, time to the first ring drawn.

Renders the story with ``python -m coverage render scenarios/story.json --out story.html``
(the command a user runs), then, for each CPU throttling rate (1×, and 4× through the
Chrome DevTools Protocol's ``Emulation.setCPUThrottlingRate``, a mid-range phone's pace),
opens it in fresh browser contexts of the system Chromium and reads, from the page's own
clock (navigation start = 0), when the first ring is laid out with a size (checked on
every animation frame by a script that runs before the page's own, so a ring drawn before
the harness could ask is still timed), when everything is drawn (the place names and the
world outside the view come just after the first paint; the map is then marked
``data-rr-drawn``), with DOMContentLoaded and the load event. Nothing but file://
loads (every other request is aborted). Also: the file's size.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import CHROMIUM, PY, ROOT, summary

SCENARIO = ROOT / "scenarios" / "story.json"
RING = 'path.leaflet-interactive[stroke="#0072B2"]'
RATES = (1, 4)
VIEWPORT = {"width": 1280, "height": 720}
TIMEOUT_MS = 60_000
# Installed before the page's scripts: on every animation frame from the document's start,
# the first frame with a ring laid out and the first with the whole map drawn.
FRAME_WATCH = """(() => {
    window.rrSeen = {ring: null, drawn: null};
    const look = () => {
        const ring = document.querySelector('%s');
        if (window.rrSeen.ring === null && ring && ring.getBoundingClientRect().width > 0) {
            window.rrSeen.ring = performance.now();
        }
        if (window.rrSeen.drawn === null && document.querySelector('[data-rr-drawn]')) {
            window.rrSeen.drawn = performance.now();
        }
        if (window.rrSeen.drawn === null) { requestAnimationFrame(look); }
    };
    requestAnimationFrame(look);
})();""" % RING.replace("'", "\\'")


def _load(browser: Any, url: str, rate: int) -> dict[str, float]:
    """One fresh load at CPU throttling ``rate``: seconds to the first ring and the milestones."""
    context = browser.new_context(viewport=VIEWPORT)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
        page.add_init_script(FRAME_WATCH)
        page.goto(url, wait_until="commit")
        seen = page.wait_for_function(
            "() => window.rrSeen && window.rrSeen.drawn && window.rrSeen"
        ).json_value()
        ring_ms = seen["ring"]
        page.wait_for_load_state("load")
        nav = page.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0];"
            " return [n.domContentLoadedEventEnd, n.loadEventEnd]; }"
        )
        return {
            "first_ring_s": ring_ms / 1000.0,
            "all_drawn_s": seen["drawn"] / 1000.0,
            "dom_content_loaded_s": nav[0] / 1000.0,
            "load_s": nav[1] / 1000.0,
        }
    finally:
        context.close()


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from tools.app_server import CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        return {"skipped": f"{CHROMIUM} not found", "metrics": {}}
    loads = max(1, cfg["browser_loads"])
    out: dict[str, Any] = {"loads_per_rate": loads, "rates": {}}
    with tempfile.TemporaryDirectory(prefix="bench-html-") as tmp:
        page_path = Path(tmp) / "story.html"
        subprocess.run(
            [PY, "-m", "coverage", "render", str(SCENARIO), "--out", str(page_path)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=600,
        )
        out["html_bytes"] = page_path.stat().st_size
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                _load(browser, page_path.as_uri(), 1)  # warm-up: the browser's own start-up costs
                for rate in RATES:
                    samples = [_load(browser, page_path.as_uri(), rate) for _ in range(loads)]
                    out["rates"][str(rate)] = {key: summary([s[key] for s in samples]) for key in samples[0]}
            finally:
                browser.close()
    out["metrics"] = {
        "first_ring_s": out["rates"]["1"]["first_ring_s"]["median"],
        "first_ring_4x_s": out["rates"]["4"]["first_ring_s"]["median"],
        "html_bytes": out["html_bytes"],
    }
    return out
