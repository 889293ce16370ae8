"""Story steps in Chromium: time from a click on a step to the new map drawn, and blank frames.

Starts ``streamlit run app.py`` (tools/app_server.py), opens the story, then clicks
through its steps (1 → 2 → … → 5 → 1, ``rounds`` times). On every animation frame the
top page looks into the live map iframe (same origin) and records:

- whether the map shows borders: a Leaflet container with a size and at least one path
  in its ``countries`` pane (a missing or remounted iframe counts as no borders);
- a signature of what is drawn: the interactive paths' count, the permanent labels'
  texts and the first ring's outline.

A step's latency is the time from the click (the ``pointerdown`` event's time stamp, as
the page saw the button pressed; the harness's own wait for the radio to be clickable
before it presses is not the app's time, and is kept apart as ``harness_s``) to the
first frame whose signature equals the one the map settles on; a blank frame is any
frame between the click and that moment without borders. Every non-loopback request is
blocked; no fixed sleeps.

``python -m benchmarks.step_switch [--rounds N] [--presentation]``; writes
``benchmarks/results/<timestamp>-step_switch.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks.common import CHROMIUM, ROOT, summary
from tools.app_server import CHROMIUM_ARGS, block_non_loopback, streamlit_server

VIEWPORT = {"width": 1280, "height": 720}
TIMEOUT_MS = 120_000
IFRAME = '[data-testid="stElementContainer"][data-stale="false"] iframe[title="streamlit_folium.st_folium"]'

# Installed in the top page: samples the map iframes on every animation frame. During a
# script run Streamlit may mark the map stale or mount a second copy for a moment: the
# map shows borders if any copy on screen does; the signature is the live copy's.
SAMPLER = """() => {
  if (window.rrSamples) { return; }
  window.rrSamples = [];
  document.addEventListener('pointerdown', (e) => { window.rrPress = e.timeStamp; }, true);
  function look() {
    const frames = Array.from(document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]'));
    let borders = false, sig = null;
    for (const f of frames) {
      let doc = null;
      try { doc = f.contentDocument; } catch (e) { doc = null; }
      const r = f.getBoundingClientRect();
      if (!doc || r.height < 10 || r.width < 10) { continue; }
      const box = doc.querySelector('.leaflet-container');
      if (!box || box.getBoundingClientRect().height < 10) { continue; }
      const pane = doc.querySelector('.leaflet-countries-pane');
      const drawn = !!pane && pane.querySelectorAll('path').length > 0;
      borders = borders || drawn;
      if (f.closest('[data-stale="true"]') && sig !== null) { continue; }
      const paths = doc.querySelectorAll('path.leaflet-interactive');
      const tips = Array.from(doc.querySelectorAll('.leaflet-tooltip, .rr-label'))
        .map(t => t.textContent).sort().join('|');
      const ring = doc.querySelector('path.leaflet-interactive[stroke="#0072B2"]');
      sig = paths.length + '#' + tips + '#' + (ring ? ring.getAttribute('d').slice(0, 60) : '');
    }
    window.rrSamples.push([performance.now(), borders, sig]);
    requestAnimationFrame(look);
  }
  requestAnimationFrame(look);
}"""


def _settle(page: Any, before: str | None = None) -> None:
    """Wait until the map's signature differs from ``before``, the script run has ended
    and the signature holds still, with borders, for 30 frames."""
    if before is not None:
        page.wait_for_function(
            "b => { const s = window.rrSamples; return s.length > 0 && s[s.length - 1][2] !== b; }",
            arg=before,
            polling="raf",
        )
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()
    page.wait_for_function(
        """() => { const s = window.rrSamples; if (!s || s.length < 30) return false;
            const t = s.slice(-30); return t.every(x => x[2] !== null && x[2] === t[0][2] && x[1]); }""",
        polling="raf",
    )


def _switch(page: Any, title: str) -> dict[str, Any]:
    """Click the step ``title``; the latency to its drawn map and the blank frames on the way."""
    before = page.evaluate(
        "() => { const s = window.rrSamples; const b = s[s.length - 1][2]; s.length = 0; return b; }"
    )
    story = page.get_by_test_id("stRadio").filter(has_text="Story")
    t_call = page.evaluate("window.rrPress = null; performance.now()")
    story.get_by_text(title, exact=True).click()
    print("  switching to", title, flush=True)
    _settle(page, before)
    samples = page.evaluate("window.rrSamples")
    t_click = page.evaluate("window.rrPress")
    final = samples[-1][2]
    after = [s for s in samples if s[0] >= t_click]
    done = next((s[0] for s in after if s[2] == final), after[-1][0])
    blank = sum(1 for s in after if s[0] <= done and not s[1])
    return {
        "step": title,
        "latency_s": (done - t_click) / 1000.0,
        "harness_s": (t_click - t_call) / 1000.0,
        "blank_frames": blank,
        "frames": len([s for s in after if s[0] <= done]),
    }


def run(rounds: int = 2, presentation: bool = False) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from coverage.story import STEPS

    titles = [s.title for s in STEPS]
    order = [*titles[1:], titles[0]] * rounds
    blocked: list[str] = []
    out: dict[str, Any] = {"viewport": VIEWPORT, "presentation": presentation, "rounds": rounds}
    with streamlit_server() as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            out["chromium_version"] = browser.version
            ctx = browser.new_context(viewport=VIEWPORT, service_workers="block")
            ctx.set_default_timeout(TIMEOUT_MS)
            block_non_loopback(ctx, blocked)
            page = ctx.new_page()
            page.goto(server.url)
            page.locator("h1").first.wait_for()
            page.wait_for_selector(IFRAME)
            if presentation:
                page.get_by_test_id("stSidebar").get_by_text("Presentation mode").click()
            page.evaluate(SAMPLER)
            _settle(page)
            # One untimed round: the server computes and caches every step once.
            for title in [*titles[1:], titles[0]]:
                _switch(page, title)
            switches = [_switch(page, title) for title in order]
            ctx.close()
        finally:
            browser.close()
    out["switches"] = switches
    out["latency_s"] = summary([s["latency_s"] for s in switches])
    out["harness_s"] = summary([s["harness_s"] for s in switches])
    out["blank_frames_total"] = sum(s["blank_frames"] for s in switches)
    out["blank_frames_median"] = statistics.median(s["blank_frames"] for s in switches)
    out["blocked_requests"] = sorted(set(blocked))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--presentation", action="store_true")
    args = parser.parse_args()
    t0 = time.perf_counter()
    out = run(args.rounds, args.presentation)
    out["wall_s"] = time.perf_counter() - t0
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    path = Path(ROOT) / "benchmarks" / "results" / f"{stamp}-step_switch.json"
    path.write_text(json.dumps(out, indent=1))
    print(
        f"step → map drawn: median {out['latency_s']['median'] * 1000:.0f} ms "
        f"(min {out['latency_s']['min'] * 1000:.0f}, max {out['latency_s']['max'] * 1000:.0f}, "
        f"n {out['latency_s']['n']}; the harness's wait before each press: median "
        f"{out['harness_s']['median'] * 1000:.0f} ms, not counted); "
        f"frames without borders: {out['blank_frames_total']} "
        f"(median per switch {out['blank_frames_median']}); {path.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
