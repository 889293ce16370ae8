"""Screenshots for the docs: the app's (docs/img/app-{story,compare,sites,presentation}.png),
the app and the HTML export on a phone and a desktop, in light and dark
(docs/img/{app,export}-{375,1440}-{light,dark}.png, shown in docs/screens.md), and
presentation mode on a projector (docs/img/presentation-{1280,1920}-step*.png).

Starts the app on a free loopback port (``tools.app_server.streamlit_server``), opens it
in the system Chromium (1400x900 for the first four) with every non-loopback request
blocked, and waits for the map to be drawn before each shot. The HTML export of the story
is written by the command line (``python -m coverage render``) and opened from file://.
Run from the repository root: ``.venv/bin/python -m tools.screenshots`` (``--screens``:
only the phone and desktop ones).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Literal

from playwright.sync_api import Browser, BrowserContext, Page, Route, expect, sync_playwright

from tools.app_server import CHROMIUM, CHROMIUM_ARGS, ROOT, block_non_loopback, streamlit_server

OUT = ROOT / "docs" / "img"
MAP_IFRAME = (
    '[data-testid="stElementContainer"][data-stale="false"] iframe[title="streamlit_folium.st_folium"]'
)
TIMEOUT_MS = 60_000
SCREENS = {375: 812, 1440: 900}
"""Width: height of the phone and desktop screens (CSS px) of docs/screens.md."""
Scheme = Literal["light", "dark"]
SCHEMES: tuple[Scheme, ...] = ("light", "dark")
STEP = 3
"""The story's step shot on every screen: the same ring from four places (as the export's story)."""


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


def story_html(folder: Path) -> Path:
    """The story's HTML export, written by the command line as a user would."""
    out = folder / "story.html"
    subprocess.run(
        [sys.executable, "-m", "coverage", "render", "scenarios/story.json", "--out", str(out)],
        cwd=ROOT,
        check=True,
    )
    return out


def _context(
    browser: Browser, width: int, height: int, blocked: list[str], scheme: Scheme = "light"
) -> BrowserContext:
    """A browser context of that size and colour scheme for the app, every non-loopback
    request blocked."""
    context = browser.new_context(
        viewport={"width": width, "height": height},
        color_scheme=scheme,
        service_workers="block",
    )
    context.set_default_timeout(TIMEOUT_MS)
    block_non_loopback(context, blocked)
    return context


def screens(browser: Browser, app_url: str, export: Path, blocked: list[str]) -> None:
    """The app (story step :data:`STEP`) and the HTML export on each of :data:`SCREENS`, in each
    colour scheme: the export's first screen; the app's on a phone, its map on a desktop."""
    for width, height in SCREENS.items():
        for scheme in SCHEMES:
            context = _context(browser, width, height, blocked, scheme)
            try:
                page = context.new_page()
                page.goto(f"{app_url}/?step={STEP}")
                wait_for_map(page, sites=4)
                name = f"app-{width}-{scheme}.png"
                if width >= 1000:  # a desktop: down to the map's foot
                    shoot(page, name)
                else:  # a phone's first screen, as it opens: the map in it
                    page.mouse.move(0, 0)
                    page.screenshot(path=str(OUT / name))
                    print(f"wrote docs/img/{name}")
            finally:
                context.close()
            # The export from file://, and nothing else (it loads nothing: checked by blocking all).
            context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
            context.set_default_timeout(TIMEOUT_MS)
            context.route(
                "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else _block(r, blocked)
            )
            try:
                page = context.new_page()
                page.goto(export.as_uri())
                expect(page.locator('path.leaflet-interactive[stroke="#0072B2"]').first).to_be_visible()
                # The first screen (a whole-page shot resizes the window mid-way, and the map with it).
                page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")
                path = OUT / f"export-{width}-{scheme}.png"
                page.screenshot(path=str(path))
                print(f"wrote {path.relative_to(ROOT)}")
            finally:
                context.close()


def _block(route: Route, blocked: list[str]) -> None:
    blocked.append(route.request.url)
    route.abort("blockedbyclient")


def app_shots(browser: Browser, app_url: str, blocked: list[str]) -> None:
    """The app at 1400x900: the story, step 3, the Sites tab and presentation mode."""
    context = _context(browser, 1400, 900, blocked)
    try:
        page = context.new_page()
        page.goto(app_url)
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
        context.close()


PROJECTORS = {1280: 720, 1920: 1080}
"""Width: height of the projectors presentation mode is shot on (every step at the first)."""


def _stage_shown(page: Page) -> int:
    """How many stages the live map has shown (``rrShown``: each step shows one more)."""
    handle = page.locator(MAP_IFRAME).element_handle()
    frame = handle.content_frame() if handle is not None else None
    if frame is None:
        return 0
    return int(frame.evaluate("() => (window.map_div && window.map_div.rrShown) || 0"))


def projector_shots(browser: Browser, app_url: str, blocked: list[str]) -> None:
    """Presentation mode on a projector: each story step at 1280x720
    (docs/img/presentation-1280-step{1..5}.png), step 3 at 1920x1080."""
    from coverage.story import STEPS

    for width, height in PROJECTORS.items():
        context = _context(browser, width, height, blocked)
        try:
            page = context.new_page()
            page.goto(app_url)
            wait_for_map(page, sites=1)
            page.get_by_test_id("stSidebar").get_by_text("Presentation mode", exact=True).click()
            expect(page.get_by_role("button", name="Next ▶")).to_be_visible()
            expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")
            page.locator(MAP_IFRAME).wait_for()
            for i, step in enumerate(STEPS):
                if width != 1280 and i + 1 != STEP:
                    continue
                if i:
                    shown = _stage_shown(page)
                    page.get_by_role("radio", name=step.title).check(force=True)
                    expect(page.get_by_test_id("stApp")).to_have_attribute(
                        "data-test-script-state", "notRunning"
                    )
                    page.wait_for_function(
                        """([sel, n]) => { const f = document.querySelector(sel);
                            const m = f && f.contentWindow && f.contentWindow.map_div;
                            return m && m.rrShown > n; }""",
                        arg=[MAP_IFRAME, shown],
                    )
                page.mouse.move(0, 0)  # no hover tooltip in the picture
                path = OUT / f"presentation-{width}-step{i + 1}.png"
                page.screenshot(path=str(path))
                print(f"wrote {path.relative_to(ROOT)}")
        finally:
            context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.screenshots", description=__doc__.split("\n")[0])
    parser.add_argument("--screens", action="store_true", help="only the phone and desktop screens")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=TIMEOUT_MS)
    blocked: list[str] = []
    with (
        streamlit_server() as server,
        sync_playwright() as pw,
        tempfile.TemporaryDirectory() as tmp,
    ):
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            screens(browser, server.url, story_html(Path(tmp)), blocked)
            if not args.screens:
                app_shots(browser, server.url, blocked)
                projector_shots(browser, server.url, blocked)
        finally:
            browser.close()
    if blocked:
        print(f"blocked {len(blocked)} non-loopback requests: {blocked}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
