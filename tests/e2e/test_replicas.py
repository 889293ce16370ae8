"""Two replicas behind nginx (tools/replicas.py): sessions stick, static files come from nginx,
and when one replica dies mid-visit, open pages, new visits and shared links go on."""

from __future__ import annotations

import subprocess
import urllib.request
from collections.abc import Iterator
from urllib.parse import quote

import playwright.sync_api as playwright_api
import pytest
from playwright.sync_api import expect

from coverage.scenario import Scenario, SiteSpec, encode_for_url
from tests.e2e.conftest import VIEWPORT
from tests.e2e.helpers import label, markers, open_app, wait_for_map
from tools.app_server import is_loopback
from tools.replicas import STICKY_COOKIE, Replicated, replicated_app

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def app() -> Iterator[Replicated]:
    with replicated_app(2) as running:
        yield running


def _context(browser: playwright_api.Browser) -> playwright_api.BrowserContext:
    ctx = browser.new_context(viewport=VIEWPORT, service_workers="block")
    ctx.route("**/*", lambda r: r.continue_() if is_loopback(r.request.url) else r.abort("blockedbyclient"))
    return ctx


def _websockets(port: int) -> int:
    """Established connections to a replica's port (nginx's proxied websockets among them)."""
    out = subprocess.run(
        ["ss", "-Htn", "state", "established", f"( sport = :{port} )"], capture_output=True, text=True
    ).stdout
    return len([line for line in out.splitlines() if line.strip()])


def test_static_files_come_from_nginx_with_long_caching(app: Replicated) -> None:
    with urllib.request.urlopen(app.url + "/", timeout=10) as resp:
        page = resp.read().decode()
        assert STICKY_COOKIE in (resp.headers.get("Set-Cookie") or "")
    bundle = page.split('src="./static/js/', 1)[1].split('"', 1)[0]
    with urllib.request.urlopen(f"{app.url}/static/js/{bundle}", timeout=10) as resp:
        assert resp.status == 200 and "immutable" in resp.headers["Cache-Control"]
        assert "Server" in resp.headers and resp.headers["Server"].startswith("nginx")


def test_a_replica_killed_mid_visit_loses_no_page_visit_or_link(
    app: Replicated, browser: playwright_api.Browser
) -> None:
    ports = [int(s.url.rsplit(":", 1)[1]) for s in app.replicas]
    contexts: list[playwright_api.BrowserContext] = []
    try:
        pages = []
        # Browsers, each stuck to a replica by its random cookie, until both replicas hold
        # sessions (two at least; 20 browsers all on one replica would be a 1-in-500,000 draw).
        while len(pages) < 2 or not all(_websockets(p) >= 1 for p in ports):
            assert len(pages) < 20, [_websockets(p) for p in ports]
            contexts.append(_context(browser))
            page = contexts[-1].new_page()
            open_app(page, app.url)
            pages.append(page)

        app.kill(0)

        # Pages open before the kill: those whose replica died reconnect through nginx to the
        # other one; every page still shows its map, with no error.
        for page in pages:
            expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-connection-state", "CONNECTED")
            wait_for_map(page)
            expect(markers(page)).to_have_count(1)
        # A new visit and a shared link, after the kill.
        fresh = _context(browser)
        contexts.append(fresh)
        visit = fresh.new_page()
        open_app(visit, app.url)
        link = Scenario(
            sites=(SiteSpec(name="Athens", lat=37.98, lon=23.73, radius=150, unit="km"),), title="Shared"
        )
        shared = fresh.new_page()
        shared.goto(f"{app.url}/?s={quote(encode_for_url(link))}")
        expect(shared.locator("h1").first).to_have_text("Shared")
        wait_for_map(shared)
        expect(label(shared, "Athens")).to_be_visible()
        for page in [*pages, visit, shared]:
            assert not page.get_by_test_id("stException").all_inner_texts()
    finally:
        for ctx in contexts:
            ctx.close()
