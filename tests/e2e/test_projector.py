"""Presentation mode on a projector, and maps that change in place, in Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import playwright.sync_api as playwright_api
import pytest
from playwright.sync_api import Page, expect

from coverage.story import STEPS
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.helpers import MAP_IFRAME, open_app, wait_for_map, wait_idle
from tools.app_server import block_non_loopback

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# In the top page, on every animation frame: whether some st_folium iframe on screen shows a
# Leaflet map with borders (paths in its countries pane). A removed, remounted or empty map
# is a frame without borders; the map's iframes removed from the page are counted too.
BORDER_WATCH = """() => {
  window.rrFrames = []; window.rrRemoved = 0;
  new MutationObserver(records => records.forEach(r => r.removedNodes.forEach(n => {
    if (n.nodeType === 1 && (n.matches('iframe[title="streamlit_folium.st_folium"]')
        || n.querySelector('iframe[title="streamlit_folium.st_folium"]'))) { window.rrRemoved += 1; }
  }))).observe(document.body, {childList: true, subtree: true});
  function look() {
    let borders = false;
    document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]').forEach(f => {
      const r = f.getBoundingClientRect();
      const doc = f.contentDocument;
      if (!doc || r.width < 10 || r.height < 10) { return; }
      const pane = doc.querySelector('.leaflet-container .leaflet-countries-pane');
      if (pane && pane.querySelectorAll('path').length > 0) { borders = true; }
    });
    window.rrFrames.push(borders);
    requestAnimationFrame(look);
  }
  requestAnimationFrame(look);
}"""


@pytest.fixture(params=[(1280, 720), (1920, 1080)], ids=["1280x720", "1920x1080"])
def projector(request: pytest.FixtureRequest, browser: playwright_api.Browser) -> Iterator[Page]:
    width, height = request.param
    ctx = browser.new_context(viewport={"width": width, "height": height}, service_workers="block")
    ctx.set_default_timeout(TIMEOUT_MS)
    block_non_loopback(ctx, [])
    try:
        yield ctx.new_page()
    finally:
        ctx.close()


def _map_document(page: Page) -> playwright_api.Frame:
    handle = page.locator(MAP_IFRAME).element_handle()
    frame = handle.content_frame() if handle is not None else None
    assert frame is not None
    return frame


def _stage_shown(page: Page) -> int:
    """How many stages (rrStage in coverage.maps) the map has shown: a new step shows one more."""
    return int(_map_document(page).evaluate("() => window.map_div.rrShown || 0"))


# The names shown on the map (site names, highlight names) that stick out of the map's box;
# hidden names (thinned at this zoom) have no box and cannot be cut.
_NAMES_OUTSIDE = """() => {
  const map = document.querySelector('.leaflet-container').getBoundingClientRect();
  const shown = [...document.querySelectorAll('.site-label, .rr-highlight')]
    .map(e => [e.textContent, e.getBoundingClientRect()])
    .filter(([, r]) => r.width > 0 && r.height > 0);
  if (!shown.length) { return ['(no name shown)']; }
  return shown.filter(([, r]) => r.left < map.left - 1 || r.right > map.right + 1).map(([t]) => t);
}"""
_NAMES_INSIDE = f"() => ({_NAMES_OUTSIDE})().length === 0"


def _inside_viewport(page: Page, box: dict[str, float] | None) -> bool:
    size = page.viewport_size
    assert box is not None and size is not None
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"] + 0.5
        and box["y"] + box["height"] <= size["height"] + 0.5
    )


def test_presentation_mode_fits_a_projector_on_every_step(projector: Page, app_url: str, tmp_path) -> None:
    page = projector
    open_app(page, app_url)
    normal_title_px = float(
        page.locator("h1").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    )
    page.get_by_test_id("stSidebar").get_by_text("Presentation mode").click()
    wait_idle(page)
    expect(page.get_by_role("button", name="Next ▶")).to_be_visible()
    wait_for_map(page)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_have_attribute("data-collapsed", "true")
    title_px = float(page.locator("h1").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert title_px >= normal_title_px, (title_px, normal_title_px)  # larger, not smaller
    for i, step in enumerate(STEPS):
        if i:
            shown = _stage_shown(page)
            # The keyboard advances the story: → (the Next button's shortcut) and Page Down
            # (a presentation clicker's key), in turn.
            page.locator("h1").first.click()
            page.keyboard.press("ArrowRight" if i % 2 else "PageDown")
            expect(page.get_by_role("radio", name=step.title)).to_be_checked()
            wait_idle(page)
            _map_document(page).wait_for_function("n => window.map_div.rrShown > n", arg=shown)
            wait_for_map(page)
        frame = page.locator(MAP_IFRAME)
        assert _inside_viewport(page, frame.bounding_box()), (step.title, frame.bounding_box())
        text = page.get_by_test_id("stAlert").filter(has_text=step.text[:40])
        expect(text).to_be_visible()
        assert _inside_viewport(page, text.bounding_box()), (step.title, text.bounding_box())
        box = sidebar.bounding_box()
        assert box is None or box["x"] + box["width"] <= 0, box  # still collapsed
        # Every name shown lies within the map (none cut at an edge). Read in one go inside
        # the map's page, and waited for: names are laid out again as the view settles.
        try:
            _map_document(page).wait_for_function(_NAMES_INSIDE, timeout=TIMEOUT_MS)
        except playwright_api.TimeoutError:
            pytest.fail(
                f"{step.title}: names cut at the map's edge: {_map_document(page).evaluate(_NAMES_OUTSIDE)}"
            )
        page.screenshot(path=tmp_path / f"step{i + 1}.png")  # to look at when it fails
    # A clicker's Page Up goes back a step; the clicker's buttons themselves are not shown.
    page.locator("h1").first.click()
    page.keyboard.press("PageUp")
    expect(page.get_by_role("radio", name=STEPS[-2].title)).to_be_checked()
    expect(page.get_by_role("button", name="Next step", exact=True)).to_be_hidden()


def test_steps_and_clicks_never_show_a_map_without_borders(page: Page, app_url: str) -> None:
    open_app(page, app_url)
    page.evaluate(BORDER_WATCH)
    story = page.get_by_test_id("stRadio").filter(has_text="Story")
    for step in (STEPS[1], STEPS[2], STEPS[4], STEPS[0]):
        story.get_by_text(step.title, exact=True).click()
        wait_idle(page)
        wait_for_map(page)
    frame = page.frame_locator(MAP_IFRAME).locator(".leaflet-container")
    box = frame.bounding_box()
    assert box is not None
    frame.click(position={"x": box["width"] * 0.35, "y": box["height"] * 0.5})  # adds a site
    expect(page.frame_locator(MAP_IFRAME).get_by_role("tooltip", name="Site 2", exact=True)).to_be_visible()
    wait_idle(page)
    frames = page.evaluate("window.rrFrames")
    assert len(frames) > 30  # it sampled across the changes
    assert all(frames[frames.index(True) :]), f"{frames.count(False)} frames without borders"
    assert page.evaluate("window.rrRemoved") == 0  # the map was never taken off the page
