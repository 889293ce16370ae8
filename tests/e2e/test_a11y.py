"""End-to-end: accessibility, phones and embedding, in Chromium (issue 15).

- axe-core (npm, installed by ``scripts/setup.sh dev`` from ``tools/a11y``'s lock) finds no
  violation of serious or critical impact in the HTML export (light and dark, wide and
  phone) or in the app (the page and the map's frame);
- at 375×667 and 390×844 nothing scrolls sideways; the export shows map and legend and
  the app shows the map's top in the first screen; at 320×568 too, the app's widest tables
  (countries, site by site, distances) fit the screen without scrolling inside themselves;
- the app follows a dark setting: Streamlit's dark theme, readable small print, the map's
  sea, land and shares in the dark palette and its credit readable;
- the zoom buttons show keyboard focus; the table is reached with the skip link;
- the export in an iframe takes the height it posts (the embed snippet's script).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Frame, Page, expect

from coverage.app.styles import CAPTION_COLOUR_DARK, DARK_BACKGROUNDS
from coverage.style import THEMES, contrast_ratio, relative_luminance
from coverage.webpage import embed_snippet
from tests.e2e.conftest import ROOT, TIMEOUT_MS
from tests.e2e.helpers import MAP_IFRAME, open_app, wait_idle
from tests.e2e.test_export_browser import FIRST_RING, render

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

AXE = ROOT / "tools" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
PHONES = [(375, 667), (390, 844)]


@pytest.fixture(scope="module")
def story_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(ROOT / "scenarios" / "story.json", tmp_path_factory.mktemp("a11y") / "story.html")


def axe_violations(target: Page | Frame) -> list[dict[str, Any]]:
    """axe-core's violations of serious or critical impact in ``target`` (frames checked apart)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} missing: scripts/setup.sh dev installs axe-core from tools/a11y")
    target.add_script_tag(path=str(AXE))
    result = target.evaluate(
        "async () => await axe.run(document, {iframes: false, resultTypes: ['violations']})"
    )
    found = [v for v in result["violations"] if v["impact"] in BLOCKING]
    for v in found:  # shown on failure
        nodes = [(n["target"], n["html"][:120], n["failureSummary"][-160:]) for n in v["nodes"]]
        print(v["id"], v["impact"], v["help"], nodes[:5])
    return found


@contextmanager
def open_export(
    browser: Browser, path: Path, width: int, height: int, scheme: str = "light", *, drawn: bool = True
) -> Iterator[Page]:
    """``path`` opened from file:// (nothing else loads), once its first ring is drawn if ``drawn``."""
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    try:
        page = context.new_page()
        page.goto(path.as_uri())
        if drawn:
            expect(page.locator(FIRST_RING).first).to_be_visible()
            expect(page.locator(".leaflet-container")).to_have_attribute("data-rr-drawn", "true")
        yield page
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", [(1280, 720), (390, 844), (320, 640)], ids=["wide", "phone", "320"])
def test_the_html_export_has_no_serious_accessibility_violation(
    browser: Browser, story_page: Path, scheme: str, size: tuple[int, int]
) -> None:
    with open_export(browser, story_page, *size, scheme) as page:
        assert axe_violations(page) == []


@pytest.mark.parametrize("size", PHONES, ids=["375x667", "390x844"])
def test_the_html_export_fits_a_phone_with_map_and_legend_in_view(
    browser: Browser, story_page: Path, size: tuple[int, int]
) -> None:
    with open_export(browser, story_page, *size) as page:
        box = page.evaluate(
            """() => ({scroll: document.documentElement.scrollWidth, inner: innerWidth,
                       height: innerHeight,
                       map: document.querySelector('.rr-map').getBoundingClientRect().toJSON(),
                       legend: document.querySelector('.rr-legend').getBoundingClientRect().toJSON(),
                       table: [document.querySelector('.rr-table-wrap').scrollWidth,
                               document.querySelector('.rr-table-wrap').clientWidth],
                       swatch: getComputedStyle(document.querySelector('.rr-legend .rr-swatch'))
                           .borderRadius})"""
        )
        assert box["swatch"] == "0px", box  # the share classes' swatches are squares (not ring dots)
        assert box["scroll"] <= box["inner"], box
        assert box["table"][0] <= box["table"][1], box  # the table fits too (no scrolling inside)
        assert box["map"]["top"] >= 0 and box["map"]["bottom"] <= box["height"], box
        assert box["map"]["right"] <= box["inner"], box
        assert box["legend"]["top"] < box["height"] - 20, box  # the legend starts on the first screen


@pytest.mark.parametrize("width", [320, 1920])
def test_the_html_export_fills_its_width_without_scrolling_sideways(
    browser: Browser, story_page: Path, width: int
) -> None:
    with open_export(browser, story_page, width, 900) as page:
        scroll, map_width, table = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.querySelector('.rr-map').offsetWidth,"
            " [document.querySelector('.rr-table-wrap').scrollWidth,"
            " document.querySelector('.rr-table-wrap').clientWidth]]"
        )
        assert scroll <= width and map_width >= width - 40
        assert table[0] <= table[1], table  # the countries' table fits as well


def test_the_table_is_reached_without_the_map_and_focus_is_visible(
    browser: Browser, story_page: Path
) -> None:
    with open_export(browser, story_page, 1280, 720) as page:
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Skip the map")
        expect(skip).to_be_focused()
        expect(skip).to_be_in_viewport()
        page.keyboard.press("Enter")
        assert page.evaluate("() => location.hash") == "#rr-table"
        table = page.get_by_role("table")
        expect(table.locator("caption")).to_contain_text("Countries within range")
        expect(table.get_by_role("rowheader", name="Armenia")).to_be_visible()
        # Keyboard focus on a zoom button draws an outline.
        zoom_in = page.locator(".leaflet-control-zoom-in")
        zoom_in.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus by keyboard, so :focus-visible applies
        expect(zoom_in).to_be_focused()
        style = zoom_in.evaluate("e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]")
        assert style[0] != "none" and float(style[1].removesuffix("px")) >= 2, style


def test_the_embedded_export_takes_the_height_it_posts(
    browser: Browser, story_page: Path, tmp_path: Path
) -> None:
    host = tmp_path / "host.html"
    host.write_text(
        "<!doctype html><html lang=en><title>Host</title><body style='margin:0'><div style='width:360px'>"
        + embed_snippet(story_page.as_uri(), "Story")
        + "</div></body></html>",
        "utf-8",
    )
    with open_export(browser, host, 800, 600, drawn=False) as page:
        frame = page.locator("iframe[data-range-rings]")
        page.wait_for_function(
            "() => document.querySelector('iframe[data-range-rings]').style.height.endsWith('px')"
        )
        inner = page.frame_locator("iframe[data-range-rings]")
        expect(inner.locator(FIRST_RING).first).to_be_visible()
        height = frame.evaluate("f => f.getBoundingClientRect().height")
        content = inner.locator("html").evaluate(
            "h => [h.classList.contains('rr-embedded'), h.scrollHeight, innerHeight,"
            " h.scrollWidth, innerWidth]"
        )
        embedded, scroll_height, inner_height, scroll_width, inner_width = content
        assert embedded
        assert abs(height - scroll_height) <= 2 and scroll_height <= inner_height + 2, (height, content)
        assert scroll_width <= inner_width, content


def map_content_frame(page: Page) -> Frame:
    """The map's frame, to run scripts in."""
    frame = page.frame_locator(MAP_IFRAME).owner.element_handle().content_frame()
    assert frame is not None
    return frame


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_app_has_no_serious_accessibility_violation(page: Page, app_url: str, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)  # the reader's setting, for the page and its frames
    open_app(page, app_url)
    assert axe_violations(page) == []
    assert axe_violations(map_content_frame(page)) == []


def luminance(rgb: str) -> float:
    """WCAG relative luminance of a computed ``rgb(r, g, b)`` or ``rgba(…)`` colour."""
    r, g, b = (int(float(v)) for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
    return relative_luminance(f"#{r:02x}{g:02x}{b:02x}")


def test_the_app_follows_a_dark_setting_with_readable_small_print_and_a_dark_map(
    page: Page, app_url: str
) -> None:
    page.emulate_media(color_scheme="dark")
    open_app(page, app_url)
    colours = page.evaluate(
        """() => {
            const style = sel => getComputedStyle(document.querySelector(sel));
            return {app: style('.stApp').backgroundColor,
                    sidebar: style('[data-testid="stSidebar"]').backgroundColor,
                    caption: style('[data-testid="stSidebar"] [data-testid="stCaptionContainer"]').color};
        }"""
    )
    print(colours)
    # Streamlit's own dark theme (no pinned theme in .streamlit/config.toml), its colours as measured.
    assert luminance(colours["app"]) < 0.02 and luminance(colours["sidebar"]) < 0.02, colours
    assert {colours["app"], colours["sidebar"]} <= {rgb(c) for c in DARK_BACKGROUNDS}, colours
    assert colours["caption"] == rgb(CAPTION_COLOUR_DARK)
    assert contrast_ratio(CAPTION_COLOUR_DARK, hex_of(colours["sidebar"])) >= 4.5
    # The legend's share swatches in the dark map's fills (the Markdown writes the light ones).
    swatches = page.locator(".stMarkdownColoredText", has_text="■").evaluate_all(
        "spans => spans.map(s => getComputedStyle(s).color)"
    )
    assert swatches == [rgb(c) for c in THEMES["dark"].shares], swatches
    # The map: sea, land and the reached countries in the dark theme's colours (the page's
    # style functions still write the light ones; CSS swaps them), its credit readable.
    frame = map_content_frame(page)
    dark, light = THEMES["dark"], THEMES["light"]
    seen = frame.evaluate(
        """([land, shares]) => {
            const fill = c => { const e = document.querySelector(`path[fill="${c}"]`);
                                return e && getComputedStyle(e).fill; };
            const credit = getComputedStyle(document.querySelector('.leaflet-control-attribution'));
            return {sea: getComputedStyle(document.querySelector('.leaflet-container')).backgroundColor,
                    land: fill(land), shares: shares.map(fill),
                    credit: credit.color, creditBackground: credit.backgroundColor};
        }""",
        [light.land, list(light.shares)],
    )
    print(seen)
    assert seen["sea"] == rgb(dark.sea) and seen["land"] == rgb(dark.land), seen
    drawn = [(shown, rgb(d)) for shown, d in zip(seen["shares"], dark.shares, strict=True) if shown]
    assert drawn and all(shown == want for shown, want in drawn), seen  # Turkey, 10–50 % within range
    credit_on_sea = blend(seen["creditBackground"], dark.sea)
    assert contrast_ratio(hex_of(seen["credit"]), credit_on_sea) >= 4.5, seen


def rgb(colour: str) -> str:
    """A ``#rrggbb`` colour as the browser computes it."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def hex_of(computed: str) -> str:
    """A computed ``rgb(…)`` colour as ``#rrggbb`` (alpha dropped)."""
    r, g, b = (int(float(v)) for v in computed[computed.index("(") + 1 : computed.index(")")].split(",")[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def blend(computed: str, under: str) -> str:
    """A computed ``rgba(…)`` colour over the opaque ``#rrggbb`` ``under``, as ``#rrggbb``."""
    parts = [float(v) for v in computed[computed.index("(") + 1 : computed.index(")")].split(",")]
    alpha = parts[3] if len(parts) == 4 else 1.0
    base = [int(under[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(alpha * c + (1 - alpha) * b) for c, b in zip(parts[:3], base, strict=True)]
    return "#" + "".join(f"{c:02x}" for c in mixed)


@pytest.mark.parametrize("size", PHONES, ids=["375x667", "390x844"])
def test_the_app_on_a_phone_shows_the_map_in_the_first_screen(
    page: Page, app_url: str, size: tuple[int, int]
) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_app(page, app_url)
    box = page.evaluate(
        """sel => ({scroll: document.documentElement.scrollWidth, inner: innerWidth, height: innerHeight,
                    map: document.querySelector(sel).getBoundingClientRect().toJSON(),
                    story: document.querySelector('.st-key-rr-story').getBoundingClientRect().toJSON()})""",
        MAP_IFRAME,
    )
    print(json.dumps(box))
    assert box["scroll"] <= box["inner"], box
    assert box["map"]["top"] < box["height"] / 2, box  # the map's top in the upper half of the screen
    assert box["map"]["right"] <= box["inner"], box
    assert box["story"]["top"] >= box["map"]["bottom"], box  # the step's text comes under the map
    assert axe_violations(page) == []  # the phone layout too (its chips, contrast, order)


@pytest.mark.parametrize("size", [(320, 568), *PHONES], ids=["320x568", "375x667", "390x844"])
def test_the_apps_widest_tables_fit_a_phone(page: Page, app_url: str, size: tuple[int, int]) -> None:
    """Step 3 (four sites): the countries, site-by-site and distances tables, each within the
    page's column (none scrolls inside itself) and the page never wider than the screen."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_app(page, app_url + "/?step=3")
    expect(page.locator("h1").first).to_contain_text("four places")
    measure = """() => ({scroll: document.documentElement.scrollWidth, inner: innerWidth,
        tables: Array.from(document.querySelectorAll('[data-testid="stTabs"] table'))
            .filter(t => t.offsetParent !== null)
            .map(t => [t.tHead.rows[0].cells[1].textContent.trim(), t.scrollWidth, t.clientWidth])})"""
    shown = []
    for tab in ("Countries reached", "Distances"):
        page.get_by_role("tab", name=tab).click()
        wait_idle(page)
        expect(page.get_by_role("tabpanel", name=tab).locator("table").first).to_be_visible()
        box = page.evaluate(measure)
        print(tab, json.dumps(box))
        assert box["scroll"] <= box["inner"], box
        assert all(scroll <= client for _, scroll, client in box["tables"]), box
        shown += [heading for heading, _, _ in box["tables"]]
    # The tables meant: countries (then its area), site by site (Ankara first), distances (Place).
    assert shown == ["Within range (km²)", "Ankara", "Place"], shown
