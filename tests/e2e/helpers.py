"""Locators and readers for the Streamlit page and the folium map in its iframe."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from playwright.sync_api import FrameLocator, Locator, Page, expect

# During a rerun Streamlit may mount a second, stale copy of the component for a
# moment; only the live one (data-stale="false") is the map to look at.
MAP_IFRAME = (
    '[data-testid="stElementContainer"][data-stale="false"] iframe[title="streamlit_folium.st_folium"]'
)
FIRST_SITE_COLOUR = "#0072B2"  # style.PALETTE[0]
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
    """The countries table: in the "Countries reached" tab, the first Markdown table
    whose header starts with a "Country" column (the site-by-site one comes second)."""
    panel = page.get_by_test_id("stTabs").get_by_role("tabpanel", name="Countries reached")
    header = page.locator("thead th", has_text=re.compile(r"^\s*Country\s*$"))
    return panel.get_by_test_id("stMarkdown").filter(has=header).first


def read_table(table: Locator) -> list[dict[str, str]]:
    """All rows of a rendered table, as {header text: cell text}, in order."""
    header, rows = table.locator("table").evaluate(
        """t => {
            const text = row => Array.from(row.cells).map(c => c.textContent.trim());
            return [text(t.tHead.rows[0]), Array.from(t.tBodies[0].rows).map(text)];
        }"""
    )
    return [dict(zip(header, cells, strict=True)) for cells in rows]


def edit_sites_name_cell(page: Page, row: int) -> Locator:
    """Open the Sites tab and the Name cell of data row ``row`` (1 = first; one past the
    last is the grid's empty row, which adds a site); return the cell's editor."""
    page.get_by_role("tab", name="Sites").click()
    grid = page.get_by_test_id("stDataFrame")
    expect(grid).to_be_visible()
    wait_idle(page)  # the tab's run has ended: an edit now starts a run of its own
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    # The data grid is a canvas: double-click inside the cell (header and rows 35 px high).
    page.mouse.dblclick(box["x"] + 60, box["y"] + 35 * row + 17)
    cell = page.locator("textarea.gdg-input").first  # the grid's cell editor
    expect(cell).to_be_visible()
    return cell
