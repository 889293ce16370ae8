"""End-to-end: the app's site and ring names on a phone-sized map (390×844), in Chromium.

Names that would cover an earlier one or run past the map's edge are left out (``rrThin``),
but only once they are laid out: after each stage shown in place, zoom and pan. Each check
waits until the map is still (no zoom under way, no CSS transition running in its frame),
never for a guessed time, and then reads where the names are.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Frame, Page, expect

from coverage.scenario import Scenario, SiteSpec, encode_for_url
from tests.e2e.helpers import MAP_IFRAME, map_frame, open_app, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
STEPS = (
    "1 · The purchase",
    "2 · Where it could not go",
    "3 · Ankara compared",
    "4 · One claim among several",
    "5 · What stood where, 2013–2020",
)
TOUCH_PX = 3.0
"""rrThin's tolerance: a tooltip's border and shadow may touch the next name's."""

NAMES = """() => {
    const map = document.querySelector('.leaflet-container').getBoundingClientRect();
    return Array.from(document.querySelectorAll('.leaflet-tooltip.site-label, .leaflet-tooltip.ring-label'))
        .map(t => { const r = t.getBoundingClientRect();
            return {text: t.textContent, shown: getComputedStyle(t).visibility !== 'hidden',
                    x0: r.left, y0: r.top, x1: r.right, y1: r.bottom,
                    inside: r.left >= map.left - 1 && r.right <= map.right + 1
                        && r.top >= map.top - 1 && r.bottom <= map.bottom + 1}; });
}"""

STILL = """([stages, zoom]) => {
    const m = window.map_div;
    return !!m && (m.rrShown || 0) >= stages && !m._animatingZoom
        && (zoom === null || Math.abs(m.getZoom() - zoom) > 1e-6)
        && document.getAnimations().length === 0;
}"""
"""The map has shown ``stages`` stages, its zoom is not ``zoom`` (None: any) and nothing in
its frame moves (a zoom's or a name's CSS transition)."""


def map_doc(page: Page) -> Frame:
    handle = page.locator(MAP_IFRAME).element_handle()
    frame = handle.content_frame() if handle is not None else None
    assert frame is not None
    return frame


def stages(page: Page) -> int:
    """How many stages the live map has shown (``rrShown``)."""
    return int(map_doc(page).evaluate("() => (window.map_div && window.map_div.rrShown) || 0"))


def still_names(page: Page, stages_at_least: int = 1, zoom_not: float | None = None) -> list[dict[str, Any]]:
    """The site and ring names, once the map is still (see :data:`STILL`)."""
    doc = map_doc(page)
    doc.wait_for_function(STILL, arg=[stages_at_least, zoom_not])
    names: list[dict[str, Any]] = doc.evaluate(NAMES)
    return names


def overlapping(names: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Pairs of shown names whose boxes overlap by more than :data:`TOUCH_PX`."""
    shown = [n for n in names if n["shown"]]
    return [
        (a["text"], b["text"])
        for i, a in enumerate(shown)
        for b in shown[i + 1 :]
        if a["x0"] < b["x1"] - TOUCH_PX
        and b["x0"] < a["x1"] - TOUCH_PX
        and a["y0"] < b["y1"] - TOUCH_PX
        and b["y0"] < a["y1"] - TOUCH_PX
    ]


def assert_thinned(names: list[dict[str, Any]], where: str) -> None:
    """No two shown names overlap, and none runs past the map's edge."""
    assert names, f"{where}: no site or ring name on the map"
    assert not overlapping(names), (where, overlapping(names), names)
    assert all(n["inside"] for n in names if n["shown"]), (where, names)


def zoom_by(page: Page, button: str) -> float:
    """Click the map's zoom-in ("in") or zoom-out ("out") button; returns the zoom it left."""
    doc = map_doc(page)
    before = float(doc.evaluate("() => window.map_div.getZoom()"))
    doc.locator(f".leaflet-control-zoom-{button}").click()
    return before


def step_to(page: Page, step: str) -> int:
    """Show a story step in place (the map stays, a new stage comes); returns the stages shown
    before it."""
    shown = stages(page)
    page.get_by_test_id("stRadio").filter(has_text="Story").get_by_text(step, exact=True).click()
    wait_idle(page)
    return shown


def test_story_names_on_a_phone_never_cover_each_other(page: Page, app_url: str) -> None:
    """Every story step, shown in place at 390×844, as it opens and zoomed out once (names
    crowd): no two shown names overlap and none runs past the map's edge."""
    page.set_viewport_size(PHONE)
    open_app(page, app_url + "/?step=1")
    hidden_somewhere = False
    for i, step in enumerate(STEPS):
        before = step_to(page, step) if i else 0
        names = still_names(page, before + 1)
        assert_thinned(names, step)
        zoom = zoom_by(page, "out")
        names = still_names(page, before + 1, zoom_not=zoom)
        assert_thinned(names, f"{step}, zoomed out")
        hidden_somewhere |= not all(n["shown"] for n in names)
    assert hidden_somewhere, "zoomed out, every step's names still fitted: the test checks nothing"


@pytest.mark.parametrize("how", ["opened", "in place"])
def test_the_storys_names_all_show_on_a_phone(page: Page, app_url: str, how: str) -> None:
    """No false hiding: steps 1 and 3 fit at 390×844, so every name shows, whether the page
    opens on the step (its first stage comes while the map zooms to its view) or the step is
    shown in place."""
    page.set_viewport_size(PHONE)
    expected = {
        1: ["Ankara"],
        3: ["Ankara", "İzmir (Aegean coast)", "Edirne (Greek border)", "Kars (Armenian border)"],
    }
    for number, names in expected.items():
        if how == "opened" or number == 1:
            open_app(page, f"{app_url}/?step={number}")
            before = 0
        else:
            before = step_to(page, STEPS[number - 1])
        shown = still_names(page, before + 1)
        assert sorted(n["text"] for n in shown if n["shown"]) == sorted(names), (number, shown)
        assert_thinned(shown, f"step {number}")


CROWDED = Scenario(
    title="Six sites within 100 km",
    sites=tuple(
        SiteSpec(name=f"Post {letter}", lat=39.7 + 0.4 * (i // 3), lon=32.4 + 0.45 * (i % 3), system="s-400")
        for i, letter in enumerate("ABCDEF")
    ),
)


def test_a_crowded_map_on_a_phone_is_thinned_again_after_each_change(page: Page, app_url: str) -> None:
    """Six sites within about 100 km at 390×844: the names shown never overlap, and the
    legend names every site. Zoomed in, a name left out before shows again where it now fits;
    after an in-place update (a site added by a click) the new names are thinned again."""
    page.set_viewport_size(PHONE)
    open_app(page, f"{app_url}/?s={quote(encode_for_url(CROWDED))}")
    names = still_names(page)
    assert_thinned(names, "opened")
    left_out = {n["text"] for n in names if not n["shown"]}
    assert len(names) == 6 and left_out, names  # crowded: some names are left out
    legend = page.get_by_test_id("stMarkdown")
    for site in CROWDED.sites:  # the legend names every site
        expect(legend.filter(has_text=f"{site.name}: S-400").first).to_be_visible()

    zoom = zoom_by(page, "in")
    still_names(page, zoom_not=zoom)
    zoom = zoom_by(page, "in")
    names = still_names(page, zoom_not=zoom)
    assert_thinned(names, "zoomed in twice")
    back = left_out & {n["text"] for n in names if n["shown"]}
    assert back, (left_out, names)  # room now: a name left out before shows again

    before = stages(page)
    container = map_doc(page).locator(".leaflet-container")
    box = container.bounding_box()
    assert box is not None
    container.click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.85})  # south of the sites
    # (its name may be left out: hidden, it is not in the accessibility tree)
    expect(map_frame(page).locator(".leaflet-tooltip.site-label", has_text="Site 7")).to_be_attached()
    wait_idle(page)
    names = still_names(page, before + 1)
    assert len(names) == 7, names
    assert_thinned(names, "a site added")
    assert not all(n["shown"] for n in names), names  # framed on all seven rings: crowded again
