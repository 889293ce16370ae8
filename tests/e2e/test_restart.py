"""A server killed mid-session and started again (issue 17, "a server killed mid-session
and restarted still renders every shared link"): open pages reconnect and keep their maps,
shared links opened before and after the restart draw."""

from __future__ import annotations

import os
import signal
from urllib.parse import quote

import playwright.sync_api as playwright_api
import pytest
from playwright.sync_api import expect

from coverage.scenario import Scenario, SiteSpec, encode_for_url
from tests.e2e.helpers import label, markers, open_app, wait_for_map
from tools import app_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _link(name: str, lat: float, lon: float) -> str:
    scenario = Scenario(sites=(SiteSpec(name=name, lat=lat, lon=lon, radius=150, unit="km"),), title=name)
    return f"/?s={quote(encode_for_url(scenario))}"


def test_a_server_killed_and_restarted_keeps_open_pages_and_serves_every_shared_link(
    context: playwright_api.BrowserContext,
) -> None:
    port = app_server.free_port()
    athens, kars = _link("Athens", 37.98, 23.73), _link("Kars", 40.6, 43.1)
    with app_server.streamlit_server(port) as first:
        story, shared = context.new_page(), context.new_page()
        open_app(story, first.url)
        open_app(shared, first.url + athens)
        expect(label(shared, "Athens")).to_be_visible()
        os.killpg(first.proc.pid, signal.SIGKILL)  # no clean shutdown: the sessions are lost
        first.proc.wait(10)
        for page in (story, shared):
            expect(page.get_by_test_id("stApp")).not_to_have_attribute(
                "data-test-connection-state", "CONNECTED"
            )
    with app_server.streamlit_server(port) as second:
        # The front end reconnects by itself and reruns its page on the new server.
        for page in (story, shared):
            expect(page.get_by_test_id("stApp")).to_have_attribute(
                "data-test-connection-state", "CONNECTED", timeout=60_000
            )
            wait_for_map(page)
            expect(markers(page).first).to_be_visible()
        expect(shared.locator("h1").first).to_have_text("Athens")
        expect(label(shared, "Athens")).to_be_visible()
        # A link shared before the crash and one made after it, opened fresh.
        for link, name in ((athens, "Athens"), (kars, "Kars")):
            page = context.new_page()
            open_app(page, second.url + link)
            expect(page.locator("h1").first).to_have_text(name)
            expect(label(page, name)).to_be_visible()
        for page in context.pages:
            assert not page.get_by_test_id("stException").all_inner_texts()
