"""4. Browser: time from navigation to the first ring drawn, on a warm server.

Starts ``streamlit run app.py`` on a free loopback port (tools/app_server.py's
``streamlit_server``), waits for /_stcore/health, loads the page once to warm it (that first load is
reported as ``cold_first_load_s``), then for each fresh browser context times
``page.goto`` until the first ``path.leaflet-interactive[stroke="#0072B2"]`` inside
the st_folium iframe is laid out (checked in that document on every animation
frame), with the milestones on the way (DOMContentLoaded, websocket open, title, the
map's iframe requested). Then the same for a returning
visitor (one context, scripts in its cache). Every non-loopback request is blocked.
No fixed sleeps: Playwright waits on the DOM.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from benchmarks.common import CHROMIUM, summary
from tools.app_server import CHROMIUM_ARGS, block_non_loopback, streamlit_server

IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
RING = 'path.leaflet-interactive[stroke="#0072B2"]'
TIMEOUT_MS = 120_000
# In the map's document: the time (ms since the epoch, as the page's clock has it) once
# the first ring is laid out with a size, else null.
RING_SEEN = """() => {
    const ring = document.querySelector('%s');
    return ring && ring.getBoundingClientRect().width > 0
        ? performance.timeOrigin + performance.now() : null;
}""" % RING.replace("'", "\\'")
VIEWPORT = {"width": 1400, "height": 900}


def _load(browser, url: str, context=None) -> dict[str, Any]:
    """One page load: seconds from ``goto`` to the title, the first ring and the milestones between.

    A fresh context unless ``context`` is given (a returning visitor: its HTTP cache is warm).
    """
    blocked: list[str] = []
    ctx = context or browser.new_context(viewport=VIEWPORT, service_workers="block")
    if context is None:
        ctx.set_default_timeout(TIMEOUT_MS)
        block_non_loopback(ctx, blocked)
    page = ctx.new_page()
    marks: dict[str, float] = {}
    t0 = time.perf_counter()

    def mark(name: str) -> None:
        marks.setdefault(name, time.perf_counter() - t0)

    page.on("domcontentloaded", lambda _: mark("dom_content_loaded_s"))
    page.on("websocket", lambda _: mark("websocket_open_s"))
    page.on("request", lambda r: mark("map_iframe_requested_s") if "st_folium/index.html" in r.url else None)
    try:
        page.goto(url, wait_until="commit")
        page.locator("h1").first.wait_for(state="visible")
        mark("title_s")
        # The ring is looked for inside the map's document on every animation frame, and
        # the page's own clock says when it was first there: a frame_locator() wait polls
        # across frames at growing intervals and can notice the ring up to ~0.1 s late.
        iframe = page.wait_for_selector(IFRAME, state="attached")
        frame = iframe.content_frame() if iframe else None
        if frame is None:
            raise RuntimeError("the map's iframe has no document")
        seen_at = frame.wait_for_function(RING_SEEN, polling="raf").json_value()
        mark("first_ring_s")
        marks["first_ring_page_clock_s"] = (seen_at - page.evaluate("performance.timeOrigin")) / 1000.0
        return {**marks, "blocked": blocked}
    finally:
        page.close()
        if context is None:
            ctx.close()


def _returning_loads(browser, url: str, n: int) -> list[dict[str, Any]]:
    """``n`` loads in one context after a first (uncounted) one: scripts come from its cache."""
    blocked: list[str] = []
    ctx = browser.new_context(viewport=VIEWPORT, service_workers="block")
    ctx.set_default_timeout(TIMEOUT_MS)
    block_non_loopback(ctx, blocked)
    try:
        _load(browser, url, ctx)
        return [{**_load(browser, url, ctx), "blocked": blocked} for _ in range(n)]
    finally:
        ctx.close()


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        return {"skipped": f"{CHROMIUM} not found", "metrics": {"first_ring_s": None}}
    from playwright.sync_api import sync_playwright

    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    with streamlit_server() as server, sync_playwright() as pw:
        base = server.url
        out["server_healthy_s"] = time.perf_counter() - t0
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            out["chromium_version"] = browser.version
            warm = _load(browser, base)  # first load: the server computes and caches coverage
            out["cold_first_load_s"] = warm["first_ring_s"]
            # A quick run stops at the cold load (no warm loads): it only checks the path works.
            loads = [_load(browser, base) for _ in range(cfg["browser_loads"])] or [warm]
            returning = _returning_loads(browser, base, cfg["browser_loads"]) if cfg["browser_loads"] else []
        finally:
            browser.close()
    out["first_ring_s"] = summary([x["first_ring_s"] for x in loads])
    out["title_visible_s"] = summary([x["title_s"] for x in loads])
    # The same loads, from navigation start to the ring by the page's clock (a check).
    out["first_ring_page_clock_s"] = summary([x["first_ring_page_clock_s"] for x in loads])
    # Where the time goes, fresh contexts (medians): the page, its websocket, the map's iframe.
    out["milestones_s"] = {
        key: summary([x[key] for x in loads if key in x])["median"]
        for key in ("dom_content_loaded_s", "websocket_open_s", "title_s", "map_iframe_requested_s")
    }
    if returning:
        out["returning_first_ring_s"] = summary([x["first_ring_s"] for x in returning])
    out["blocked_requests"] = sorted({u for x in [warm, *loads, *returning] for u in x["blocked"]})
    out["metrics"] = {
        "first_ring_s": out["first_ring_s"]["median"],
        "cold_first_load_s": out["cold_first_load_s"],
        "returning_first_ring_s": out["returning_first_ring_s"]["median"] if returning else None,
    }
    return out
