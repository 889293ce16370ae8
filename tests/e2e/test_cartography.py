"""End-to-end: the map as a locator map (issue 12), in Chromium with outside requests blocked.

The whole world at every zoom, place names without collisions, rings whole across
the date line, a credit that hides neither the scale nor a ring.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Frame, Page, expect

from coverage.scenario import Scenario, SiteSpec, encode_for_url
from tests.e2e.helpers import MAP_IFRAME, map_frame, open_app, rings, wait_for_map, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

KARS_PRESET = "S-400 at the Armenian border (Kars)"


def _frame(page: Page) -> Frame:
    handle = page.locator(MAP_IFRAME).element_handle()
    assert handle is not None
    frame = handle.content_frame()
    assert frame is not None
    return frame


def _boxes(frame: Frame, selector: str) -> list[dict[str, float]]:
    return frame.eval_on_selector_all(
        selector,
        """els => els.map(e => { const r = e.getBoundingClientRect();
            return {x: r.left, y: r.top, w: r.width, h: r.height, text: e.textContent}; })
           .filter(b => b.w > 0 && b.h > 0)""",
    )


def _overlap(a: dict[str, float], b: dict[str, float], tol: float = 1.0) -> bool:
    return (
        a["x"] + tol < b["x"] + b["w"]
        and b["x"] + tol < a["x"] + a["w"]
        and a["y"] + tol < b["y"] + b["h"]
        and b["y"] + tol < a["y"] + a["h"]
    )


def test_borders_arrive_with_the_rings_and_cover_the_world_when_zoomed_out(page: Page, app_url: str) -> None:
    open_app(page, app_url)
    frame = _frame(page)
    # Rings are added only after the borders: when a ring shows, the land is there.
    assert frame.locator(".leaflet-world-pane path").count() > 100  # the world base
    assert frame.locator(".leaflet-countries-pane path").count() > 20  # the view's finer borders
    # The world's copies a turn east and west are drawn only while the view reaches them.
    copies = """() => { let n = 0; window.map_div.eachLayer(l => {
        if (l instanceof L.Polygon && l.options.pane === 'world'
            && (l.getBounds().getWest() >= 180 || l.getBounds().getEast() <= -180)) { n += 1; } });
        return n; }"""
    assert frame.evaluate(copies) == 0
    frame.evaluate("() => window.map_div.setZoom(1, {animate: false})")
    frame.wait_for_function("() => window.map_div.getZoom() === 1")
    assert frame.evaluate(copies) > 100
    # Land drawn (filled countries on screen) both west of 0° and east of 100°E.
    spread = frame.evaluate(
        """() => {
            const map = window.map_div, size = map.getSize();
            let west = 0, east = 0;
            map.eachLayer(l => {
                if (!(l instanceof L.Polygon) || l.options.pane !== 'world' || !l._path) { return; }
                const b = l.getBounds();
                const p = map.latLngToContainerPoint(b.getCenter());
                if (p.x < 0 || p.x > size.x || p.y < 0 || p.y > size.y) { return; }
                if (b.getEast() < 0) { west += 1; }
                if (b.getWest() > 100) { east += 1; }
            });
            return {west, east};
        }"""
    )
    assert spread["west"] >= 20 and spread["east"] >= 10, spread
    # The zoomed-out world is named too (oceans, large countries).
    expect(map_frame(page).locator("span.rr-sea", has_text=re.compile(r"^Atlantic Ocean$"))).to_have_count(1)


def test_kars_preset_names_the_neighbours_without_collisions(page: Page, app_url: str) -> None:
    open_app(page, app_url)
    page.get_by_text(KARS_PRESET, exact=True).click()
    wait_idle(page)
    expect(page.locator("h1").first).to_contain_text("Armenian border")
    wait_for_map(page)
    frame = map_frame(page)
    for name in ("Armenia", "Azerbaijan", "Georgia", "Iran", "Turkey"):
        expect(frame.locator("span.rr-country", has_text=re.compile(f"^{name}$"))).to_be_visible()
    boxes = _boxes(_frame(page), ".rr-label span, .site-label")
    assert len(boxes) > 8
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not _overlap(a, b), (a, b)


def test_credit_hides_neither_the_scale_nor_a_ring(page: Page, app_url: str) -> None:
    open_app(page, app_url)
    frame = _frame(page)
    (credit,) = _boxes(frame, ".leaflet-control-attribution")
    scales = _boxes(frame, ".leaflet-control-scale-line")
    assert scales and not any(_overlap(credit, s, 0.0) for s in scales), (credit, scales)
    ring = rings(page).first.bounding_box()
    frame_box = page.locator(MAP_IFRAME).bounding_box()
    assert ring is not None and frame_box is not None
    ring_in_frame = {
        "x": ring["x"] - frame_box["x"],
        "y": ring["y"] - frame_box["y"],
        "w": ring["width"],
        "h": ring["height"],
    }
    assert not _overlap(credit, ring_in_frame, 0.0), (credit, ring_in_frame)
    assert (
        float(
            frame.eval_on_selector(
                ".leaflet-control-attribution", "e => parseFloat(getComputedStyle(e).fontSize)"
            )
        )
        <= 10.0
    )


def test_anadyr_ring_is_whole_and_the_map_regional(page: Page, app_url: str) -> None:
    scenario = Scenario(sites=(SiteSpec(name="Anadyr", lat=64.73, lon=177.5, radius=402, unit="km"),))
    page.goto(f"{app_url}/?s={quote(encode_for_url(scenario))}")
    wait_idle(page)
    wait_for_map(page)
    expect(rings(page)).to_have_count(1)
    ring = rings(page).first.bounding_box()
    frame_box = page.locator(MAP_IFRAME).bounding_box()
    assert ring is not None and frame_box is not None
    assert ring["width"] < 0.6 * frame_box["width"] and ring["height"] < 0.9 * frame_box["height"], ring
    assert ring["width"] > 100  # drawn, at a regional scale
    zoom = _frame(page).evaluate("() => window.map_div.getZoom()")
    assert zoom >= 4, zoom
    expect(map_frame(page).locator("span.rr-country", has_text=re.compile(r"^Russia$"))).to_be_visible()
