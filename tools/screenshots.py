"""Screenshots of the app for the docs: docs/img/app-{story,compare,sites,presentation}.png.

Starts the app on a free loopback port (``tools.app_server.streamlit_server``), opens it
in the system Chromium at 1400x900 with every non-loopback request blocked, and waits
for the map to be drawn before each shot. Run from the repository root:
``.venv/bin/python -m tools.screenshots``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

from tools.app_server import CHROMIUM, CHROMIUM_ARGS, ROOT, block_non_loopback, streamlit_server

OUT = ROOT / "docs" / "img"
MAP_IFRAME = (
    '[data-testid="stElementContainer"][data-stale="false"] iframe[title="streamlit_folium.st_folium"]'
)
TIMEOUT_MS = 60_000


def wait_for_map(page: Page, sites: int) -> None:
    """Wait for the script run to end and Leaflet to draw ``sites`` site markers and a ring."""
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")
    frame = page.frame_locator(MAP_IFRAME)
    expect(frame.locator(".leaflet-container")).to_be_visible()
    expect(frame.locator('path.leaflet-interactive[stroke="#0072B2"]').first).to_be_visible()
    expect(frame.locator('path.leaflet-interactive[stroke="#ffffff"]')).to_have_count(sites)
    # Tooltip fade-in is a CSS transition; wait until every label is fully opaque.
    frame.locator(".leaflet-container").evaluate(
        """c => new Promise(done => {
            const ready = () => Array.from(c.querySelectorAll('.leaflet-tooltip'))
                .every(t => getComputedStyle(t).opacity === '0.9' || getComputedStyle(t).opacity === '1');
            const tick = () => ready() ? done() : requestAnimationFrame(tick);
            tick();
        })"""
    )
    errors = page.get_by_test_id("stException").all_inner_texts()
    if errors:
        raise RuntimeError(f"the app raised: {errors}")


def shoot(page: Page, name: str, show: str = "") -> Path:
    """Save the viewport with the whole map in it (its bottom edge at the window's bottom),
    or, with ``show``, from the top of that element down."""
    path = OUT / name
    if show:
        page.locator(show).evaluate("e => e.scrollIntoView({block: 'start', behavior: 'instant'})")
        expect(page.locator(show)).to_be_in_viewport()
    else:
        page.locator(MAP_IFRAME).evaluate("e => e.scrollIntoView({block: 'end', behavior: 'instant'})")
        expect(page.locator(MAP_IFRAME)).to_be_in_viewport(ratio=0.99)
    page.mouse.move(0, 0)  # no hover tooltip in the picture
    page.screenshot(path=str(path))
    print(f"wrote {path.relative_to(ROOT)}")
    return path


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    blocked: list[str] = []
    with streamlit_server() as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 900}, service_workers="block")
            context.set_default_timeout(TIMEOUT_MS)
            expect.set_options(timeout=TIMEOUT_MS)
            block_non_loopback(context, blocked)
            page = context.new_page()
            page.goto(server.url)
            wait_for_map(page, sites=1)
            shoot(page, "app-story.png")

            page.get_by_test_id("stRadio").filter(has_text="Story").get_by_text(
                "3 · Ankara compared", exact=True
            ).click()
            expect(page.locator("h1").first).to_contain_text("four places")
            wait_for_map(page, sites=4)
            shoot(page, "app-compare.png")

            page.get_by_role("tab", name="Sites").click()
            expect(page.get_by_test_id("stDataFrame")).to_be_visible()
            wait_for_map(page, sites=4)
            shoot(page, "app-sites.png", show='[data-testid="stTabs"]')
            page.get_by_role("tab", name="Countries reached").click()

            page.get_by_test_id("stSidebar").get_by_text("Presentation mode", exact=True).click()
            expect(page.get_by_role("tab", name="Sites")).to_have_count(0)
            wait_for_map(page, sites=4)
            shoot(page, "app-presentation.png")
        finally:
            browser.close()
    if blocked:
        print(f"blocked {len(blocked)} non-loopback requests: {blocked}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
