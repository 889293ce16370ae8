"""End-to-end: the self-contained HTML export, opened from file:// in Chromium, offline.

``python -m coverage render SCENARIO --out page.html`` must give a page that draws
its rings with no network at all (every non-file:// request is aborted and
recorded), and that shows hostile site names and titles as text: no dialog,
no injected element.

Uses the session ``browser`` fixture of tests/e2e/conftest.py, but its own
context: the app tests' context lets loopback http through, this one only file://.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests._payloads import PAYLOADS
from tests.e2e.conftest import ROOT, TIMEOUT_MS, VIEWPORT

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

FIRST_RING = 'path.leaflet-interactive[stroke="#0072B2"]'
HARMLESS_NON_FILE: set[str] = set()  # none expected: the page is self-contained

XSS_TITLE = "<img src=x onerror=alert(5)></script><script>alert(6)</script>"
XSS_SUBTITLE = '" onmouseover="alert(7)'


def render(scenario: Path, out: Path) -> Path:
    """Run the CLI exactly as a user would."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "coverage", "render", str(scenario), "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.exists() and out.stat().st_size > 10_000
    return out


@pytest.fixture(scope="module")
def story_html(tmp_path_factory) -> Path:
    return render(ROOT / "scenarios" / "story.json", tmp_path_factory.mktemp("story") / "story.html")


def write_scenario(folder: Path, names: list[str], title: str, subtitle: str = "") -> Path:
    sites = [
        {"name": name, "lat": 37.0 + (i % 4), "lon": 28.0 + 2.0 * i, "system": "s-400"}
        for i, name in enumerate(names)
    ]
    path = folder / "scenario.json"
    path.write_text(json.dumps({"version": 1, "title": title, "subtitle": subtitle, "sites": sites}), "utf-8")
    return path


@pytest.fixture(scope="module")
def xss_html(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("xss")
    return render(write_scenario(folder, PAYLOADS, XSS_TITLE, XSS_SUBTITLE), folder / "xss.html")


class Offline:
    """A page that may load file:// only; records blocked requests, dialogs and page errors."""

    def __init__(self, browser: Browser) -> None:
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport=VIEWPORT, service_workers="block")
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.route("**/*", self._route)
        self.context.route_web_socket("**/*", self._route_ws)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def _route_ws(self, ws) -> None:
        self.blocked.append(ws.url)
        ws.close()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, path: Path) -> Page:
        self.page.goto(path.resolve().as_uri())
        expect(self.page.locator(".leaflet-container")).to_be_visible()
        expect(self.page.locator(FIRST_RING).first).to_be_visible()
        # The place names and the world outside the view come just after the first paint.
        expect(self.page.locator(".leaflet-container")).to_have_attribute("data-rr-drawn", "true")
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def offline(browser: Browser) -> Iterator[Offline]:
    o = Offline(browser)
    try:
        yield o
    finally:
        o.close()


def hover_every_ring(page: Page) -> None:
    """Hover each ring's edge so sticky tooltips (and any onmouseover) get their chance."""
    for ring in page.locator("path.leaflet-interactive").all()[:12]:
        box = ring.bounding_box()
        if box and box["width"] > 20:
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 2)
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_story_export_draws_offline(offline: Offline, story_html: Path) -> None:
    page = offline.open(story_html)
    box = page.locator(FIRST_RING).first.bounding_box()
    assert box is not None and box["width"] > 50 and box["height"] > 50, box
    for colour in ("#0072B2", "#D55E00", "#009E73", "#CC79A7"):  # the story's four rings
        expect(page.locator(f'path.leaflet-interactive[stroke="{colour}"]').first).to_be_visible()
    expect(page.locator(".leaflet-tooltip", has_text="Ankara").first).to_be_visible()
    expect(page).to_have_title("Where a 250-mile S-400 ring reaches from four places in Turkey")
    hover_every_ring(page)
    assert offline.dialogs == []
    assert offline.errors == [], offline.errors
    assert [u for u in offline.blocked if u not in HARMLESS_NON_FILE] == [], offline.blocked


def test_hostile_names_show_as_text_and_run_nothing(offline: Offline, xss_html: Path) -> None:
    page = offline.open(xss_html)
    expect(page).to_have_title(XSS_TITLE)
    expect(page.get_by_role("heading", level=1)).to_have_text(XSS_TITLE)
    expect(page.locator(".rr-head p")).to_have_text(XSS_SUBTITLE)
    legend = page.locator(".rr-legend")
    for name in PAYLOADS:
        expect(legend).to_contain_text(name)  # legend entry, literally
        # The site's permanent label on the map, literally (in the page: so many names on
        # one map cover one another, and rrThin leaves some out of sight).
        expect(page.locator(".leaflet-tooltip").filter(has_text=name).first).to_be_attached()
    expect(page.locator(".leaflet-tooltip.site-label:visible").first).to_be_visible()
    hover_every_ring(page)
    texts = page.locator(".leaflet-tooltip").all_text_contents()
    assert any(t.startswith("<img src=x onerror=alert(1)>") for t in texts), texts

    # Nothing was injected or run.
    assert page.locator("img[src='x']").count() == 0
    assert page.evaluate("document.querySelectorAll('[onmouseover],[onerror]').length") == 0
    scripts = page.evaluate("Array.from(document.scripts).map(s => s.textContent)")
    assert not any(s.strip().startswith("alert(") for s in scripts), "a <script> with the payload exists"
    assert offline.dialogs == [], offline.dialogs
    assert offline.errors == [], offline.errors
    assert [u for u in offline.blocked if u not in HARMLESS_NON_FILE] == [], offline.blocked


def test_template_syntax_in_a_name_shows_literally(offline: Offline, tmp_path: Path) -> None:
    name = "Total {{ 7*7 }}"
    page = offline.open(render(write_scenario(tmp_path, [name], "Braces {{ 6*7 }}"), tmp_path / "t.html"))
    texts = page.locator(".leaflet-tooltip").all_inner_texts()
    assert name in texts, texts


VISIBLE_SITE_NAMES = """() => {
    const map = document.querySelector('.leaflet-container').getBoundingClientRect();
    return Array.from(document.querySelectorAll('.leaflet-tooltip.site-label'))
        .filter(t => getComputedStyle(t).visibility !== 'hidden')
        .map(t => { const r = t.getBoundingClientRect();
            return {text: t.innerText, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom,
                    inside: r.left >= map.left - 1 && r.right <= map.right + 1
                        && r.top >= map.top - 1 && r.bottom <= map.bottom + 1}; });
}"""


def _overlap(a: dict, b: dict, touch: float = 3.0) -> bool:
    """Whether two boxes overlap by more than ``touch`` px (rrThin's tolerance: a tooltip's
    border and shadow may touch the next)."""
    return (
        a["x0"] < b["x1"] - touch
        and b["x0"] < a["x1"] - touch
        and a["y0"] < b["y1"] - touch
        and b["y0"] < a["y1"] - touch
    )


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_site_names_fit_the_map_on_a_phone(offline: Offline, tmp_path: Path, width: int) -> None:
    """On a phone-sized map the names drop their parenthesis; any that would still cover an
    earlier one, or run past the map's edge, are left out (the legend names every site)."""
    names = [f"Site {i} (a long description of the place)" for i in range(6)]
    html_path = render(write_scenario(tmp_path, names, "Crowded"), tmp_path / "crowded.html")
    offline.page.set_viewport_size({"width": width, "height": 800})
    offline.open(html_path)
    shown = offline.page.evaluate(VISIBLE_SITE_NAMES)
    assert shown, "no site name shown at all"
    assert all(s["inside"] for s in shown), shown
    assert not any(_overlap(a, b) for i, a in enumerate(shown) for b in shown[i + 1 :]), shown
    short = width <= 480
    assert all(s["text"].endswith("(a long description of the place)") != short for s in shown), shown
