"""Browser fixtures: one Streamlit server and one Chromium per session, offline.

Every browser context routes all requests: loopback http(s)/ws, ``data:``,
``blob:`` and ``about:`` pass; anything else is aborted and recorded in
``net.blocked`` so tests can assert the app works (and draws its map) offline.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import playwright.sync_api as playwright_api
import pytest

from tests.e2e.helpers import Net
from tools.app_server import CHROMIUM, CHROMIUM_ARGS, is_loopback, streamlit_server

ROOT = Path(__file__).resolve().parents[2]

VIEWPORT = {"width": 1400, "height": 900}
TIMEOUT_MS = 30_000  # generous: the first run computes coverage on the 10m borders

playwright_api.expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: scripts/setup.sh dev installs Debian's chromium")
    with streamlit_server() as server:
        yield server.url


@pytest.fixture(scope="session")
def browser() -> Iterator[playwright_api.Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: scripts/setup.sh dev installs Debian's chromium")
    with playwright_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def net() -> Net:
    return Net()


@pytest.fixture
def context(browser: playwright_api.Browser, net: Net) -> Iterator[playwright_api.BrowserContext]:
    ctx = browser.new_context(viewport=VIEWPORT, service_workers="block")
    ctx.set_default_timeout(TIMEOUT_MS)

    def route(route: playwright_api.Route) -> None:
        request = route.request
        if is_loopback(request.url):
            route.continue_()
        else:
            net.blocked.append((request.url, request.resource_type))
            route.abort("blockedbyclient")

    def route_ws(ws: playwright_api.WebSocketRoute) -> None:
        net.blocked.append((ws.url, "websocket"))
        ws.close()

    ctx.route("**/*", route)
    # Loopback websockets (Streamlit's /_stcore/stream) are left alone; others are closed.
    ctx.route_web_socket(lambda url: not is_loopback(url), route_ws)
    ctx.on("response", lambda r: net.responses.append((r.url, r.status)))
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: playwright_api.BrowserContext) -> Iterator[playwright_api.Page]:
    page = context.new_page()
    yield page
    # A Python exception in app.py shows as an st.exception box: never acceptable.
    errors = page.get_by_test_id("stException").all_inner_texts()
    assert not errors, errors
