"""End-to-end: the load test's protocol client against a real ``streamlit run`` server.

Two sessions at once, without a browser: each must open the websocket as the front
end does, get the st_folium args with the first ring (and download Leaflet and the
borders JSON they reference), change the story step with the widget states and
get the fourth ring. A minimal recorded visit (no front-end bundle) keeps it fast.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json

import pytest

from tools import protocol_client as pc

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


async def _two_sessions(base: str) -> tuple[list[dict], list[pc.ProtocolSession]]:
    visit = pc.Visit(handshake=["/_stcore/health", "/_stcore/host-config"])
    sessions = [pc.ProtocolSession(base, visit, timeout_s=25) for _ in range(2)]
    results = await asyncio.wait_for(asyncio.gather(*(s.run() for s in sessions)), 28)
    return list(results), sessions


def test_two_protocol_sessions_render_the_map_and_change_the_step(app_url: str) -> None:
    # In a thread of its own: the session's Playwright (sync API) keeps an event loop
    # running in this one, and asyncio.run refuses to start inside it.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        results, sessions = pool.submit(asyncio.run, _two_sessions(app_url)).result(timeout=60)
    for result, session in zip(results, sessions, strict=True):
        assert result["ok"], result
        assert result["first_map_s"] > 0 and result["step_s"] > 0
        # The first run drew one ring (step 1), the step run the fourth ring's colour.
        first = [args for _, args in session.components if pc.ring_check(args, pc.FIRST_RING_COLOUR)]
        assert first and not pc.ring_check(first[0], pc.FOURTH_RING_COLOUR)
        assert pc.ring_check(session.components[-1][1], pc.FOURTH_RING_COLOUR)
        fetched = {f.path: f.status for f in session.http.fetches}
        assert fetched.get("/app/static/leaflet/leaflet.js") == 200
        assert any(p.startswith("/app/static/borders/") and s == 200 for p, s in fetched.items())
        assert "_streamlit_xsrf" in session.http.cookies
        # The step BackMsg carried the Story radio's new value among the page's widget states.
        assert session.widgets[session.story_id].string_value == pc.STEP
        assert len(session.widgets) >= 5
        assert session.finish_status == ["FINISHED_SUCCESSFULLY"] * 2


def test_ring_check_needs_a_polygon_in_that_colour() -> None:
    feature = (
        '{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[1,2],[3,4],[5,6],[1,2]]]},'
        '"properties":{"tip":"x","colour":"#0072B2"}}'
    )
    assert pc.ring_check(json.dumps({"script": feature}), "#0072B2")
    assert not pc.ring_check(json.dumps({"script": feature}), "#CC79A7")
    assert not pc.ring_check(json.dumps({"script": feature.replace("Polygon", "Point")}), "#0072B2")
    assert not pc.ring_check("not json", "#0072B2")
