"""4. Browser: time from navigation to the first ring drawn, on a warm server.

Starts ``streamlit run app.py`` on a free loopback port (scripts/app_server.py),
waits for /_stcore/health, loads the page once to warm it (that first load is
reported as ``cold_first_load_s``), then for each fresh browser context times
``page.goto`` until the first ``path.leaflet-interactive[stroke="#0072B2"]`` inside
the st_folium iframe is visible. Every non-loopback request is blocked. No
fixed sleeps: Playwright waits on the DOM.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import CHROMIUM, ROOT, summary

IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
RING = 'path.leaflet-interactive[stroke="#0072B2"]'
TIMEOUT_MS = 120_000
VIEWPORT = {"width": 1400, "height": 900}


def _is_loopback(url: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname in {
        "127.0.0.1",
        "localhost",
        "::1",
    }


def _load(browser, url: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    blocked: list[str] = []
    ctx = browser.new_context(viewport=VIEWPORT, service_workers="block")
    ctx.set_default_timeout(TIMEOUT_MS)

    def route(r):  # type: ignore[no-untyped-def]
        if _is_loopback(r.request.url):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort("blockedbyclient")

    ctx.route("**/*", route)
    try:
        page = ctx.new_page()
        t0 = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.locator("h1").first.wait_for(state="visible")
        t_title = time.perf_counter() - t0
        page.frame_locator(IFRAME).first.locator(RING).first.wait_for(state="visible")
        t_ring = time.perf_counter() - t0
        return {"title_s": t_title, "first_ring_s": t_ring, "blocked": blocked}
    finally:
        ctx.close()


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        return {"skipped": f"{CHROMIUM} not found", "metrics": {"first_ring_s": None}}
    sys.path.insert(0, str(ROOT / "scripts"))
    from app_server import CHROMIUM_ARGS, streamlit_server  # the project's launcher and browser flags
    from playwright.sync_api import sync_playwright

    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    with streamlit_server() as base, sync_playwright() as pw:
        out["server_healthy_s"] = time.perf_counter() - t0
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            out["chromium_version"] = browser.version
            warm = _load(browser, base)  # first load: the server computes and caches coverage
            out["cold_first_load_s"] = warm["first_ring_s"]
            # A quick run stops at the cold load (no warm loads): it only checks the path works.
            loads = [_load(browser, base) for _ in range(cfg["browser_loads"])] or [warm]
        finally:
            browser.close()
    out["first_ring_s"] = summary([x["first_ring_s"] for x in loads])
    out["title_visible_s"] = summary([x["title_s"] for x in loads])
    out["blocked_requests"] = sorted({u for x in [warm, *loads] for u in x["blocked"]})
    out["metrics"] = {
        "first_ring_s": out["first_ring_s"]["median"],
        "cold_first_load_s": out["cold_first_load_s"],
    }
    return out
