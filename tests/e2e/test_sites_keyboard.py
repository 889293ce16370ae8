"""End-to-end: the Sites tab driven by the keyboard alone (Tab, arrows, Enter, typing).

The sites table is Streamlit's data editor, a Glide grid drawn on a canvas: the canvas takes
the focus; the arrows select a cell (→ then ← the first one, in a grid just entered), Enter
or a typed character opens its editor, Enter commits. (Enter in a grid just entered, with no
cell selected yet, opens the first cell's editor too, but its edit was lost now and then:
these tests select first.) Which cell is selected is read from the grid's accessible table
(``td#glide-cell-<column>-<row>``, ``aria-selected``), which Glide keeps for screen readers.

An applied edit starts the table afresh (a new scenario, a new editor), so the focus leaves the
grid; the browser's focus navigation point stays where the grid was, and Tab reaches it again
past the grid's toolbar (Add row, columns, search, fullscreen). The helpers below count those
presses and fail if the grid is not reached within a bound.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import (
    countries_table,
    label,
    map_frame,
    markers,
    open_app,
    read_table,
    rings,
    wait_idle,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

GRID = '[data-testid="stDataFrame"]'
# Columns of the grid's accessible table: 0 is the row marker, then the editor's columns.
NAME, LAT, LON, RANGE, RADIUS, UNIT = 1, 2, 3, 4, 5, 6
MAX_TABS = 40  # from the top of the page to the Sites tab's last control is fewer presses

FOCUSED = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return {tag: 'BODY', role: '', label: '', text: '', grid: false};
    return {
        tag: e.tagName,
        role: e.getAttribute('role') || '',
        label: e.getAttribute('aria-label') || '',
        text: (e.textContent || '').trim().slice(0, 80),
        grid: !!e.closest('[data-testid="stDataFrame"]') && e.tagName === 'CANVAS',
    };
}"""


def focused(page: Page) -> dict[str, str | bool]:
    return page.evaluate(FOCUSED)


def tab_until(
    page: Page,
    wanted: str,
    test: Callable[[dict[str, str | bool]], bool],
    limit: int = MAX_TABS,
    key: str = "Tab",
) -> None:
    """Press Tab (or ``key``) until ``test(focused element)`` holds; fail naming what was reached."""
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        now = focused(page)
        if test(now):
            return
        seen.append(f"{now['tag']}[{now['role'] or now['label'] or now['text'][:20]}]")
    raise AssertionError(f"{wanted} not reached with {limit} Tab presses; reached: {seen}")


def open_tab(page: Page, name: str, key: str = "Tab") -> None:
    """Tab (or Shift+Tab) to the tab list, then the arrows to the tab ``name`` (it opens on focus)."""
    tab_until(page, "the tab list", lambda f: f["role"] == "tab", key=key)
    names = [n.strip() for n in page.get_by_role("tab").all_inner_texts()]
    steps = names.index(name) - names.index(str(focused(page)["text"]))
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowRight" if steps > 0 else "ArrowLeft")
    assert focused(page)["text"] == name, focused(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("tab", name=name)).to_have_attribute("aria-selected", "true")
    wait_idle(page)


def open_sites_tab(page: Page) -> None:
    """From the top of a page just opened, to the Sites tab and its grid drawn."""
    open_tab(page, "Sites")
    expect(page.locator(GRID)).to_be_visible()
    wait_idle(page)
    # The grid has drawn its rows (its accessible table holds the first name).
    expect(page.locator(f"{GRID} #glide-cell-1-0")).not_to_be_empty()


def to_grid(page: Page) -> None:
    """Tab into the sites grid (from the Sites tab, or from where an applied edit left the focus)."""
    expect(page.locator(GRID)).to_be_visible()
    if focused(page)["grid"]:
        return
    tab_until(page, "the sites grid", lambda f: bool(f["grid"]))


def selected_cell(page: Page) -> Locator:
    return page.locator(f'{GRID} td[id^="glide-cell-"][aria-selected="true"]')


def go_to(page: Page, column: int, row: int = 0) -> None:
    """Select a cell with the arrow keys, from the selected one (or, in a grid just entered,
    from the first Name cell, which → then ← select)."""
    cell = selected_cell(page)
    if cell.count() == 0:
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowLeft")
        expect(cell).to_have_attribute("id", f"glide-cell-{NAME}-0")
    match = re.fullmatch(r"glide-cell-(\d+)-(\d+)", str(cell.get_attribute("id")))
    assert match, cell.get_attribute("id")
    now_col, now_row = int(match[1]), int(match[2])
    for _ in range(abs(column - now_col)):
        page.keyboard.press("ArrowRight" if column > now_col else "ArrowLeft")
    for _ in range(abs(row - now_row)):
        page.keyboard.press("ArrowDown" if row > now_row else "ArrowUp")
    expect(cell).to_have_attribute("id", f"glide-cell-{column}-{row}")


def frames(page: Page) -> None:
    """Wait for two animation frames. The grid's cell editor keeps its value in React state,
    set in effects: keys pressed before they ran were lost now and then (an Enter pressed
    0.15 s after typing committed nothing)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def type_in_cell(page: Page, text: str) -> None:
    """Type ``text`` over the selected cell, as in a spreadsheet, and Enter: the first key
    opens the cell's editor holding that key, the rest follow once the editor has the focus."""
    page.keyboard.press(text[0])
    editor = page.locator("#portal .gdg-input")
    expect(editor).to_be_focused()
    expect(editor).to_have_value(text[0])
    frames(page)
    page.keyboard.type(text[1:])
    expect(editor).to_have_value(text)
    frames(page)  # the editor's state follows its text in an effect too: Enter before, edit lost
    page.keyboard.press("Enter")


def choose_in_cell(page: Page, typed: str, option: str) -> None:
    """Open a choice cell with Enter, type to narrow its list, pick ``option`` with the arrows."""
    page.keyboard.press("Enter")
    box = page.get_by_role("combobox").and_(page.locator("#portal input"))
    expect(box).to_be_focused()
    frames(page)
    page.keyboard.type(typed)
    wanted = page.get_by_role("option", name=option, exact=True)
    expect(wanted).to_be_visible()
    # The list's highlighted option is the input's active descendant (react-select).
    target = wanted.get_attribute("id")
    for _ in range(page.get_by_role("option").count()):
        if box.get_attribute("aria-activedescendant") == target:
            break
        page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", str(target))
    page.keyboard.press("Enter")


def legend(page: Page) -> Locator:
    """The legend under the map (one line per site)."""
    return page.get_by_test_id("stMarkdown").filter(has_text=re.compile("^●")).first


def ring_tip(page: Page) -> Locator:
    """The sticky tooltip of the first site's ring, shown while the mouse is over the ring
    (the mouse only reads here: it moves over the ring, inside it and off the marker)."""
    ring = rings(page).first
    box = ring.bounding_box()
    assert box is not None
    ring.hover(position={"x": box["width"] * 0.3, "y": box["height"] * 0.5}, force=True)
    return map_frame(page).locator(".leaflet-tooltip").filter(has_text=":")


def test_keyboard_renames_a_site_cites_another_figure_and_types_a_custom_radius(
    page: Page, app_url: str
) -> None:
    open_app(page, app_url)
    before = {row["Country"] for row in read_table(countries_table(page))}
    open_sites_tab(page)

    # The name: Enter opens the first cell ("Ankara"), typing replaces it, Enter applies it.
    to_grid(page)
    go_to(page, NAME)
    expect(selected_cell(page)).to_have_text("Ankara")
    type_in_cell(page, "Capital")
    expect(label(page, "Capital")).to_be_visible()
    wait_idle(page)
    expect(label(page, "Ankara")).to_have_count(0)

    # Another cited figure: the Range cell's list, narrowed by typing, chosen with the arrows.
    to_grid(page)
    go_to(page, RANGE)
    choose_in_cell(page, "TASS, 2017", "S-400 Triumf: 400 km — TASS, 2017 (against aircraft)")
    expect(legend(page)).to_contain_text("Capital: S-400 Triumf, 400 km")
    wait_idle(page)

    # A custom radius: chosen in Range, then its value and its unit, side by side.
    to_grid(page)
    go_to(page, RANGE)
    choose_in_cell(page, "Custom", "Custom radius (unsourced)")
    expect(legend(page)).to_contain_text("Capital: custom radius")
    wait_idle(page)
    to_grid(page)
    go_to(page, RADIUS)
    type_in_cell(page, "300")
    expect(legend(page)).to_contain_text("Capital: custom radius, 300 km")
    wait_idle(page)
    to_grid(page)
    go_to(page, UNIT)
    choose_in_cell(page, "nmi", "nmi")  # 300 nmi = 556 km, shown in km (and mi)
    expect(legend(page)).to_contain_text("Capital: custom radius, 556 km (345 mi)")
    wait_idle(page)

    # The map: one site, its ring named with the custom radius; the tables follow.
    expect(markers(page)).to_have_count(1)
    expect(label(page, "Capital")).to_have_count(1)  # one name per site: none left behind
    expect(label(page, "Capital")).to_be_visible()
    expect(ring_tip(page)).to_have_text("Capital: custom radius, 556 km (345 mi)")
    page.mouse.move(0, 0)
    open_tab(page, "Countries reached", key="Shift+Tab")
    table = countries_table(page)
    expect(table.locator("tbody tr")).not_to_have_count(len(before))
    after = {row["Country"] for row in read_table(table)}
    # 250 mi from Ankara stays in Turkey; 300 nmi (556 km) reaches Cyprus, Greece and Syria.
    assert before == {"Turkey"}, before
    assert {"Turkey", "Cyprus", "Greece", "Syria"} <= after, after


def test_keyboard_a_bad_radius_is_refused_clearly_and_the_error_goes_once_fixed(
    page: Page, app_url: str
) -> None:
    open_app(page, app_url)
    open_sites_tab(page)
    to_grid(page)
    go_to(page, RANGE)
    choose_in_cell(page, "Custom", "Custom radius (unsourced)")
    expect(legend(page)).to_contain_text("Ankara: custom radius, 402 km")  # 250 mi, now unsourced
    wait_idle(page)

    to_grid(page)
    go_to(page, RADIUS)
    type_in_cell(page, "0")
    error = page.get_by_test_id("stAlert").filter(has_text="Not applied")
    expect(error).to_have_text(
        "Not applied: row 1 (Ankara): a radius must be more than 0 (the Radius column)"
    )
    expect(error).to_be_in_viewport()  # above the grid: seen without leaving it
    wait_idle(page)
    expect(legend(page)).to_contain_text("Ankara: custom radius, 402 km")  # the last good map stays
    expect(markers(page)).to_have_count(1)

    # The grid kept the typed 0, and the focus; Enter moved the selection down to the empty
    # row that adds a site (not in the accessible table): ↑ goes back to the 0, to type over it.
    expect(page.locator(GRID).locator("canvas").first).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(selected_cell(page)).to_have_attribute("id", f"glide-cell-{RADIUS}-0")
    expect(selected_cell(page)).to_have_text("0")
    type_in_cell(page, "150")
    expect(legend(page)).to_contain_text("Ankara: custom radius, 241 km (150 mi)")  # the row says mi
    wait_idle(page)
    expect(page.get_by_test_id("stAlert").filter(has_text="Not applied")).to_have_count(0)
    expect(ring_tip(page)).to_have_text("Ankara: custom radius, 241 km (150 mi)")
    page.mouse.move(0, 0)
    expect(markers(page)).to_have_count(1)


def test_keyboard_searches_a_place_chooses_the_system_and_a_map_click_uses_it(
    page: Page, app_url: str
) -> None:
    open_app(page, app_url)
    open_sites_tab(page)

    # The search: Tab to it, type, Enter.
    tab_until(page, "the place search", lambda f: f["label"] == "Find a place")
    page.keyboard.type("Springfield")
    page.keyboard.press("Enter")
    choice = page.get_by_role("radiogroup", name="Found")
    expect(choice).to_be_visible()
    wait_idle(page)

    # The system beside it: Tab, type to narrow the list, Enter.
    tab_until(page, "the system chooser", lambda f: str(f["label"]).startswith("System for new sites"))
    page.keyboard.type("MIM-104")
    expect(page.get_by_role("option", name="MIM-104 Patriot")).to_be_visible()
    page.keyboard.press("Enter")
    chooser = page.get_by_role("combobox", name=re.compile("^System for new sites"))
    expect(chooser).to_have_value("MIM-104 Patriot")
    wait_idle(page)

    # The match: Tab into the list of places found, ↓ to Illinois's, Tab to "Add", Enter.
    tab_until(page, "the places found", lambda f: f["tag"] == "INPUT" and f["role"] in ("", "radio"))
    illinois = choice.get_by_role("radio", name=re.compile(r"^Springfield, Illinois, United States"))
    for _ in range(choice.get_by_role("radio").count()):
        if illinois.is_checked():
            break
        page.keyboard.press("ArrowDown")
        wait_idle(page)
    expect(illinois).to_be_checked()
    add = page.get_by_role("button", name="Add Springfield, Illinois, United States (MIM-104 Patriot)")
    tab_until(page, "the Add button", lambda f: str(f["text"]).startswith("Add Springfield"))
    expect(add).to_be_focused()
    page.keyboard.press("Enter")
    expect(
        page.get_by_test_id("stAlert").filter(has_text="Added Springfield, Illinois, United States")
    ).to_contain_text("with the MIM-104 Patriot")
    expect(legend(page)).to_contain_text("Springfield: MIM-104 Patriot")
    wait_idle(page)
    expect(markers(page)).to_have_count(2)

    # A click on the map (the mouse, here) adds a site of the system chosen by keyboard.
    container = map_frame(page).locator(".leaflet-container")
    box = container.bounding_box()
    assert box is not None
    container.click(position={"x": box["width"] * 0.35, "y": box["height"] * 0.5})
    expect(legend(page)).to_contain_text("Site 3: MIM-104 Patriot")
    wait_idle(page)
    expect(markers(page)).to_have_count(3)
