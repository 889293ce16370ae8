"""The session's transitions (coverage/app/state.py), on a plain dict."""

from __future__ import annotations

from typing import Any

import pytest

from coverage.app import editor, state
from coverage.errors import ScenarioError
from coverage.scenario import Scenario
from coverage.story import OWN_MAP, PRESETS, STEPS, scenario_file
from coverage.timeline import load_timeline, scenario_at

STORY_PRESET = next(iter(PRESETS))


def _no_link(text: str) -> Scenario:
    raise AssertionError("no link was given")


def test_a_first_run_without_a_link_opens_the_story_at_step_one() -> None:
    session: dict[str, Any] = {}
    state.begin_run(session, None, _no_link)
    assert session["preset"] == STORY_PRESET and state.is_guided(session)
    assert session["step"] == STEPS[0].title
    assert session["scenario"] == scenario_file(STEPS[0].scenario_file)
    assert session["rev"] == 1 and state.take_errors(session) == []


def test_a_good_link_becomes_the_users_own_map() -> None:
    link_scenario = scenario_file("story-kars.json")
    session: dict[str, Any] = {}
    state.begin_run(session, "abc", lambda text: link_scenario)
    assert session["scenario"] == link_scenario and session["preset"] == OWN_MAP
    assert not state.is_guided(session)


def test_a_bad_link_falls_back_to_the_story_with_one_error_shown_once() -> None:
    def bad(text: str) -> Scenario:
        raise ScenarioError("not base64")

    session: dict[str, Any] = {}
    state.begin_run(session, "%%%", bad)
    assert state.is_guided(session)
    errors = state.take_errors(session)
    assert len(errors) == 1 and "not base64" in errors[0]
    assert state.take_errors(session) == []


def test_later_runs_keep_the_scenario_and_apply_a_pending_preset() -> None:
    session: dict[str, Any] = {}
    state.begin_run(session, None, _no_link)
    own = scenario_file("story-kars.json")
    state.set_scenario(session, own, own=True)
    assert session["preset"] == STORY_PRESET  # a drawn radio cannot change in this run
    state.begin_run(session, "ignored on later runs", _no_link)
    assert session["preset"] == OWN_MAP and session["scenario"] == own and session["rev"] == 2


@pytest.mark.parametrize("label, name", [(k, v) for k, v in PRESETS.items() if v not in ("", "story")])
def test_each_preset_loads_its_scenario(label: str, name: str) -> None:
    session: dict[str, Any] = {"preset": label}
    state.on_preset(session)
    if name == "empty":
        assert session["scenario"].sites == ()
    else:
        assert session["scenario"] == scenario_file(name)


def test_own_map_preset_keeps_the_sites_and_a_step_change_loads_the_step() -> None:
    session: dict[str, Any] = {}
    state.begin_run(session, None, _no_link)
    session["step"] = STEPS[2].title
    state.on_step(session)
    assert session["scenario"] == scenario_file(STEPS[2].scenario_file)
    kept = session["scenario"]
    session["preset"] = OWN_MAP
    state.on_preset(session)
    assert session["scenario"] is kept


def test_the_open_tab_survives_a_switch_only_if_it_still_exists() -> None:
    session: dict[str, Any] = {"tab": "Sites"}
    state.keep_tab(session)
    state.restore_tab(session, ["Countries reached", "Distances"])  # no Sites tab now
    assert session["tab"] == "Sites" and "kept_tab" not in session  # left for Streamlit to reset
    session = {"tab": "Distances"}
    state.keep_tab(session)
    session["tab"] = "Countries reached"  # Streamlit reset it
    state.restore_tab(session, ["Countries reached", "Distances"])
    assert session["tab"] == "Distances"


def test_a_click_counts_once() -> None:
    session: dict[str, Any] = {}
    click = {"lat": 40.0, "lng": 30.0}
    assert state.new_click(session, click) == click
    assert state.new_click(session, dict(click)) is None  # st_folium repeats the last click
    assert state.new_click(session, None) is None
    assert state.new_click(session, {"lat": 41.0, "lng": 30.0}) is not None


def test_the_timeline_step_draws_the_chosen_event_and_the_slider_moves_it() -> None:
    session: dict[str, Any] = {}
    state.begin_run(session, None, _no_link)
    session["step"] = STEPS[4].title
    state.on_step(session)  # no event chosen yet: the story's end
    events = load_timeline()
    assert session["scenario"] == scenario_at(events, events[-1].id)
    session["event"] = "patriot-gaziantep-2013"
    state.on_event(session)
    assert [s.name for s in session["scenario"].sites] == [
        "Adana (Dutch Patriot, from 2013)",
        "Kahramanmaraş (German Patriot, from 2013)",
        "Gaziantep (US Patriot, from 2013)",
    ]
    session["event"] = "no-such-event"  # a stale choice falls back to the end, never an error
    assert state.current_event(session) == events[-1].id


@pytest.mark.parametrize(
    "click",
    [
        {"lat": "40", "lng": 30.0},
        {"lat": 40.0, "lng": None},
        {"lat": float("nan"), "lng": 30.0},
        {"lat": 95.0, "lng": 30.0},
        {"lat": True, "lng": 30.0},
        {"lat": 40.0, "lng": 1e308},
        {"lat": [40], "lng": {}},
        "40,30",
        [40, 30],
        {},
    ],
)
def test_a_crafted_map_click_is_ignored(click: Any) -> None:
    """Only a modified browser sends these: no site is added and nothing raises."""
    session: dict[str, Any] = {}
    assert state.new_click(session, click) is None
    assert "last_click" not in session


def test_a_click_across_the_date_line_is_kept_and_wrapped_by_the_editor() -> None:
    session: dict[str, Any] = {}
    click = state.new_click(session, {"lat": 64.7, "lng": 182.5})
    assert click == {"lat": 64.7, "lng": 182.5}
    scenario = editor.add_click(Scenario(sites=()), click["lat"], click["lng"])
    assert scenario.sites[0].lon == pytest.approx(-177.5)


def test_a_preset_that_is_not_one_keeps_the_map() -> None:
    session: dict[str, Any] = {}
    state.begin_run(session, None, _no_link)
    kept = session["scenario"]
    session["preset"] = "</script> not a preset"
    state.on_preset(session)
    assert session["scenario"] is kept and session["preset"] == OWN_MAP
    assert not state.is_guided(session)


def test_a_step_link_opens_the_guided_story_at_that_step() -> None:
    for number, step in enumerate(STEPS, 1):
        session: dict[str, Any] = {}
        state.begin_run(session, "ignored-when-a-step-is-given", _no_link, str(number))
        assert state.is_guided(session) and session["step"] == step.title
        assert state.step_link(session) == str(number)
        assert session["scenario"] == state.step_scenario(step, state.current_event(session))
    for bad in ("0", "6", "-1", "two", "", "1.5"):
        session = {}
        state.begin_run(session, None, _no_link, bad)
        assert session["step"] == STEPS[0].title  # the story from its start
    session = {}
    state.begin_run(session, None, _no_link)
    session["preset"] = OWN_MAP
    assert state.step_link(session) is None


@pytest.mark.parametrize(
    ("link", "browser", "expected"),
    [
        ("tr", "el-GR", "tr"),  # the link names the language: it wins
        (None, "el-GR", "el"),  # none in the link: the browser's
        (None, "tr", "tr"),
        (None, "de-DE", "en"),  # a language we do not have: English
        ("xx", None, "en"),
    ],
)
def test_the_language_comes_from_the_link_then_the_browser(link, browser, expected) -> None:
    session: dict[str, Any] = {}
    assert state.choose_lang(session, link, browser) == expected
    assert state.choose_lang(session, "el", "tr") == expected  # later runs keep the session's own


def test_a_bad_links_error_is_said_in_the_readers_language() -> None:
    from coverage.i18n import translator

    session: dict[str, Any] = {}
    state.begin_run(session, "bad", lambda text: (_ for _ in ()).throw(ScenarioError.of("link: damaged")))
    (message,) = state.take_errors(session, translator("el"))
    assert message.startswith("Το σενάριο του συνδέσμου δεν μπόρεσε να χρησιμοποιηθεί: link: damaged")


def test_step_by_moves_one_step_and_stops_at_the_ends() -> None:
    session: dict[str, Any] = {}
    state.begin_run(session, None, _no_link)
    state.step_by(session, -1)
    assert session["step"] == STEPS[0].title
    rev = session["rev"]
    state.step_by(session, 1)
    assert session["step"] == STEPS[1].title and session["rev"] == rev + 1
    for _ in range(10):
        state.step_by(session, 1)
    assert session["step"] == STEPS[-1].title


def test_runs_within_the_burst_start_at_once_and_a_flood_waits() -> None:
    s: dict[str, Any] = {}
    delays = [state.run_delay_s(s, 100.0 + i * 0.1) for i in range(state.RUN_BURST + 3)]
    assert delays[: state.RUN_BURST] == [0.0] * state.RUN_BURST
    assert delays[state.RUN_BURST :] == [state.RUN_BACKOFF_S] * 3
    # Once the window has passed, the next run starts at once, and old starts are forgotten.
    later = 100.0 + state.RUN_BURST * 0.1 + state.RUN_WINDOW_S + 1.0
    assert state.run_delay_s(s, later) == 0.0
    assert s["run_times"] == [later]


def test_a_person_clicking_twice_a_second_never_waits() -> None:
    s: dict[str, Any] = {}
    assert all(state.run_delay_s(s, i * 0.5) == 0.0 for i in range(60))
