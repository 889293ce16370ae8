"""End-to-end: the optional online tile background, with every non-loopback request blocked.

The default (plain) background must make no request off loopback; choosing a tile
background makes the map ask the provider's host for tiles (recorded and aborted
here: no test downloads anything), and the borders, rings and sites still draw.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from coverage.tiles import TILE_SOURCES
from tests.e2e.helpers import Net, label, markers, open_app, rings, wait_for_map, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

OSM = TILE_SOURCES["osm"]


def _choose_background(page: Page, text: str) -> None:
    chooser = page.get_by_test_id("stSidebar").get_by_test_id("stRadio").filter(has_text="Background")
    chooser.get_by_text(text, exact=True).click()


def _from_provider(url: str) -> bool:
    return urlsplit(url).hostname in OSM.hosts


def test_tiles_are_requested_only_when_chosen_and_the_rings_draw_without_them(
    page: Page, net: Net, app_url: str
) -> None:
    frame = open_app(page, app_url)
    page.wait_for_load_state("load")
    expect(frame.locator("img.leaflet-tile")).to_have_count(0)
    assert net.blocked == []  # the default view: nothing off loopback

    with page.expect_request(lambda r: _from_provider(r.url)) as first_tile:
        _choose_background(page, OSM.label)
    assert first_tile.value.url.startswith("https://tile.openstreetmap.org/")
    assert first_tile.value.resource_type == "image"
    wait_idle(page)
    frame = wait_for_map(page)
    expect(page.get_by_text("Needs internet", exact=False)).to_be_visible()

    # Tiles were asked for (and aborted: no network), with the provider's credit on the map...
    expect(frame.locator("img.leaflet-tile").first).to_be_attached()
    credit = frame.locator('.leaflet-control-attribution a[href="https://www.openstreetmap.org/copyright"]')
    expect(credit).to_have_text("OpenStreetMap")
    expect(frame.locator(".leaflet-control-attribution")).to_contain_text("contributors")
    # ...and everything else still draws: ring, marker, label, above the tile pane.
    box = rings(page).first.bounding_box()
    assert box is not None and box["width"] > 50 and box["height"] > 50, box
    expect(markers(page)).to_have_count(1)
    expect(label(page, "Ankara")).to_be_visible()
    assert frame.locator(".leaflet-tile-pane img").count() > 0
    # The only requests that tried to leave loopback were tile images from the chosen provider.
    assert net.blocked and all(_from_provider(url) and kind == "image" for url, kind in net.blocked), (
        net.blocked
    )

    # Back to plain: the map is redrawn with no tile layer at all.
    _choose_background(page, "Plain (offline)")
    wait_idle(page)
    frame = wait_for_map(page)
    expect(frame.locator(".leaflet-tile-pane img")).to_have_count(0)
    expect(frame.locator(".leaflet-control-attribution")).not_to_contain_text("OpenStreetMap")
    expect(page.get_by_text("Needs internet", exact=False)).to_have_count(0)
