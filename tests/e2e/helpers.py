"""Locators and readers for the Streamlit page and the folium map in its iframe."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from playwright.sync_api import FrameLocator, Locator, Page, expect

# During a rerun Streamlit may mount a second, stale copy of the component for a
# moment; only the live one (data-stale="false") is the map to look at.
MAP_IFRAME = (
    '[data-testid="stElementContainer"][data-stale="false"] iframe[title="streamlit_folium.st_folium"]'
)
FIRST_SITE_COLOUR = "#0072B2"  # maps.PALETTE[0]
MARKER_STROKE = "#ffffff"  # CircleMarker outline in maps.coverage_map


@dataclass
class Net:
    """What the browser asked for: blocked (url, resource type) and every response (url, status)."""

    blocked: list[tuple[str, str]] = field(default_factory=list)
    responses: list[tuple[str, int]] = field(default_factory=list)


def map_frame(page: Page) -> FrameLocator:
    return page.frame_locator(MAP_IFRAME)


def rings(page: Page, colour: str = FIRST_SITE_COLOUR) -> Locator:
    return map_frame(page).locator(f'path.leaflet-interactive[stroke="{colour}"]')


def markers(page: Page) -> Locator:
    return map_frame(page).locator(f'path.leaflet-interactive[stroke="{MARKER_STROKE}"]')


def tooltips(page: Page) -> Locator:
    """Every Leaflet tooltip: permanent site/highlight labels and the one under the mouse."""
    return map_frame(page).locator(".leaflet-tooltip")


def label(page: Page, text: str) -> Locator:
    """The map tooltip whose whole text is ``text`` (a site's permanent label, say)."""
    return map_frame(page).get_by_role("tooltip", name=text, exact=True)


def wait_for_map(page: Page) -> FrameLocator:
    """Wait until Leaflet drew the map and at least one ring of the first site."""
    frame = map_frame(page)
    expect(frame.locator(".leaflet-container")).to_be_visible()
    expect(rings(page).first).to_be_visible()
    return frame


def wait_idle(page: Page) -> None:
    """Wait until the script run is over (Streamlit marks it on the app root)."""
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")


def open_app(page: Page, url: str) -> FrameLocator:
    page.goto(url)
    expect(page.locator("h1").first).to_be_visible()
    wait_idle(page)
    return wait_for_map(page)


def countries_table(page: Page) -> Locator:
    """The countries table: in the "Countries reached" tab (not the hidden sites editor),
    the dataframe whose header has a "Country" column (not the site-by-site pivot)."""
    panel = page.get_by_test_id("stTabs").get_by_role("tabpanel", name="Countries reached")
    header = page.locator("table[role=grid] thead th", has_text=re.compile(r"^\s*Country\s*$"))
    return panel.get_by_test_id("stDataFrame").filter(has=header)


def read_grid(grid: Locator, timeout_s: float = 15.0) -> list[dict[str, str]]:
    """All rows of a Streamlit dataframe, read from glide-data-grid's accessible table.

    The grid draws on a canvas; inside the canvas element it keeps an ARIA
    ``table[role=grid]`` holding the header and only the rows currently in view
    (``aria-rowcount`` is the total, header included). We scroll the grid's
    ``.dvn-scroller`` and collect rows by ``aria-rowindex`` until we have them all.
    """
    table = grid.locator("table[role=grid]")
    expect(table).to_be_attached()
    total = int(table.get_attribute("aria-rowcount") or "1") - 1
    header = table.locator("thead th").all_text_contents()
    scroller = grid.locator(".dvn-scroller")
    scroller.evaluate("e => { e.scrollTop = 0; }")
    rows: dict[int, list[str]] = {}
    read = """t => Array.from(t.querySelectorAll('tbody tr[aria-rowindex]')).map(
        r => [Number(r.getAttribute('aria-rowindex')),
              Array.from(r.querySelectorAll('td')).map(c => c.textContent)])"""
    deadline = time.monotonic() + timeout_s
    while True:
        for index, cells in table.evaluate(read):
            rows[int(index)] = cells
        if len(rows) >= total:
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"read {len(rows)} of {total} rows from the grid")
        last = max(rows, default=1)
        scroller.evaluate("e => e.scrollBy(0, Math.max(e.clientHeight / 2, 20))")
        # Wait (condition, not sleep) for the accessible table to show a later row.
        grid.page.wait_for_function(
            """([t, last]) => Array.from(t.querySelectorAll('tbody tr[aria-rowindex]'))
                   .some(r => Number(r.getAttribute('aria-rowindex')) > last)""",
            arg=[table.element_handle(), last],
            timeout=max(1.0, deadline - time.monotonic()) * 1000,
        )
    scroller.evaluate("e => { e.scrollTop = 0; }")
    return [dict(zip(header, rows[i], strict=True)) for i in sorted(rows)]
