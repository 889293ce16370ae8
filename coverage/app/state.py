"""The session's transitions: what each click does to the state, on any mapping.

Streamlit's ``st.session_state`` in the app, a plain dict in the tests. Keys:
``scenario`` (the current :class:`~coverage.scenario.Scenario`), ``preset`` and
``step`` (the radios), ``lang`` (the reader's language), ``event`` (the timeline
step's slider), ``rev`` (bumped on
every new scenario, so editors and uploads start afresh), ``pending_preset`` (a
preset to show from the next run: a widget's value can only be set before it is
drawn), ``errors`` (messages to show once), ``tab`` / ``kept_tab`` (the open tab), ``last_click``
and ``run_times`` (when the session's recent runs started, for :func:`run_delay_s`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import replace
from typing import Any

from coverage.errors import CoverageError
from coverage.i18n import EN, LANGS, N_, Lang, Translator, best_lang
from coverage.scenario import Scenario
from coverage.story import OWN_MAP, PRESETS, STEPS, Step, scenario_file
from coverage.timeline import load_timeline, scenario_at
from coverage.units import UNITS, check_unit

State = MutableMapping[Any, Any]  # st.session_state's keys are str | int


def set_scenario(state: State, scenario: Scenario, *, own: bool = False) -> None:
    """Replace the scenario (preset, story step, click, place search, sites editor, upload…).

    ``own``: the user changed the map, so the guided story (or preset) ends; the
    preset radio shows "Your own map" from the next run.
    """
    state["scenario"] = scenario
    state["rev"] = state.get("rev", 0) + 1
    if own:
        state["pending_preset"] = OWN_MAP


def on_preset(state: State) -> None:
    """The Scenario radio changed: load that preset (the story from its first step).

    A value that is no preset (only a modified browser sends one) keeps the map as it is.
    """
    name = PRESETS.get(str(state.get("preset")))
    if name is None:
        state["preset"] = OWN_MAP
        return
    if name == "story":
        state["step"] = STEPS[0].title
        set_scenario(state, scenario_file(STEPS[0].scenario_file))
    elif name == "empty":
        set_scenario(state, Scenario(sites=(), title=N_("Your map")))
    elif name:
        set_scenario(state, scenario_file(name))
    # OWN_MAP: keep the current sites


def keep_units(state: State, units: str) -> Scenario:
    """The scenario in the units chosen in the sidebar, kept in the session: the share link,
    the scenario file and every export then carry them (a story step or preset loads in km
    and takes the reader's units here)."""
    scenario: Scenario = state["scenario"]
    if units in UNITS and scenario.units != units:
        scenario = replace(scenario, units=check_unit(units))
        state["scenario"] = scenario
    return scenario


def on_step(state: State, tr: Translator = EN) -> None:
    """The Story radio changed: show that step's scenario (a timeline step: at its chosen event)."""
    set_scenario(state, step_scenario(current_step(state), current_event(state), tr))


def step_by(state: State, delta: int, tr: Translator = EN) -> None:
    """Previous (-1) or next (+1) story step: show it (nothing past either end)."""
    titles = [s.title for s in STEPS]
    i = titles.index(current_step(state).title) + delta
    if 0 <= i < len(titles):
        state["step"] = titles[i]
        on_step(state, tr)


def on_event(state: State, tr: Translator = EN) -> None:
    """The timeline slider moved: show the deployments standing at that event."""
    set_scenario(state, step_scenario(current_step(state), current_event(state), tr))


def step_scenario(step: Step, event_id: str, tr: Translator = EN) -> Scenario:
    """What ``step`` draws; ``event_id`` chooses the moment of a timeline step (whose map,
    made from the timeline, is titled in ``tr``'s language; the shipped files stay as they are)."""
    if step.timeline:
        return scenario_at(load_timeline(), event_id, tr)
    return scenario_file(step.scenario_file)


def choose_lang(state: State, link_lang: str | None, browser_locale: str | None) -> Lang:
    """The reader's language: on a session's first run the link's ``?lang=`` if it names one
    we have, else the browser's language (English for any other); then the sidebar's choice."""
    chosen = state.get("lang")
    if chosen not in LANGS:
        chosen = link_lang if link_lang in LANGS else best_lang(browser_locale)
        state["lang"] = chosen
    return best_lang(str(chosen))


def on_lang(state: State, tr: Translator) -> None:
    """The language changed: a timeline step's map, titled from the timeline, is made anew."""
    if is_guided(state) and current_step(state).timeline:
        on_step(state, tr)


def current_event(state: State) -> str:
    """The timeline event chosen (the last one, where the story ends, if none or unknown)."""
    ids = [e.id for e in load_timeline()]
    chosen = state.get("event")
    return chosen if chosen in ids else ids[-1]


# A person clicks a few times a second at most; a client asking for more is flooding the
# server (each run queues the whole page for a client that may never read it: issue 17,
# item 10). Beyond the burst, each run first waits, and rerun requests that arrive
# meanwhile are merged by Streamlit into one run.
RUN_BURST = 6
RUN_WINDOW_S = 3.0
RUN_BACKOFF_S = 1.0


def run_delay_s(state: State, now_s: float) -> float:
    """Seconds this run should wait before its work: 0 within the burst, else the backoff.

    Records the run's start (``now_s``, a monotonic clock) in ``state["run_times"]``,
    keeping only those inside the window.
    """
    times = [t for t in state.get("run_times", ()) if now_s - t < RUN_WINDOW_S]
    times.append(now_s)
    state["run_times"] = times
    return 0.0 if len(times) <= RUN_BURST else RUN_BACKOFF_S


def begin_run(
    state: State,
    link: str | None,
    decode_link: Callable[[str], Scenario],
    step: str | None = None,
    tr: Translator = EN,
) -> None:
    """At the top of every run: apply a pending preset; on a session's first run, open the
    ``?step=`` of the guided story (a story step's own link, and how a page that reconnects
    to another server keeps its place), else the ``?s=`` link (or, without one or with a bad
    one, the first preset, the story)."""
    if "pending_preset" in state:
        state["preset"] = state.pop("pending_preset")
    if "scenario" in state:
        return
    state["errors"] = []
    state["preset"] = next(iter(PRESETS))
    state["step"] = STEPS[0].title
    number = step_number(step)
    if number is not None:
        state["step"] = STEPS[number - 1].title
        set_scenario(state, step_scenario(current_step(state), current_event(state), tr))
        return
    if not link:
        on_preset(state)
        return
    try:
        set_scenario(state, decode_link(link))
        state["preset"] = OWN_MAP
    except CoverageError as exc:
        on_preset(state)
        state["errors"] = [LinkError(exc)]


def step_number(text: str | None) -> int | None:
    """``?step=`` as a story step's number (1 to the last); None for anything else."""
    if text is None or not text.isdigit() or not 1 <= int(text) <= len(STEPS):
        return None
    return int(text)


def step_link(state: State) -> str | None:
    """The ``?step=`` value of the page: the story step shown, or None off the story."""
    if not is_guided(state):
        return None
    return str(STEPS.index(current_step(state)) + 1)


def is_guided(state: State) -> bool:
    """Whether the guided story is on (its steps are shown)."""
    return PRESETS.get(str(state.get("preset"))) == "story"


def current_step(state: State) -> Step:
    """The story step chosen (the first if the choice is unknown)."""
    return next((s for s in STEPS if s.title == state.get("step")), STEPS[0])


class LinkError:
    """A link's scenario that could not be used: said in the reader's language when shown."""

    def __init__(self, error: CoverageError) -> None:
        self.error = error

    def message(self, tr: Translator) -> str:
        return tr.gettext("The link's scenario could not be used: {error}").format(
            error=self.error.translated(tr)
        )


def take_errors(state: State, tr: Translator = EN) -> list[str]:
    """The messages waiting to be shown, once, in ``tr``'s language."""
    errors = [e.message(tr) if isinstance(e, LinkError) else str(e) for e in state.get("errors", [])]
    state["errors"] = []
    return errors


def keep_tab(state: State) -> None:
    """The tab list changes with presentation mode (no Sites tab), which would reset the
    open tab: remember it for the next run."""
    state["kept_tab"] = state.get("tab")


def restore_tab(state: State, tab_names: Sequence[str]) -> None:
    """Reopen the tab kept by :func:`keep_tab`, if it is still there."""
    kept = state.pop("kept_tab", None)
    if kept in tab_names:
        state["tab"] = kept


def new_click(state: State, click: Any) -> dict[str, float] | None:
    """The map click to act on: ``click`` if it is new (st_folium repeats the last one) and
    holds a finite latitude within ±90° and a finite longitude (Leaflet's may pass ±180° on a
    wrapped map; :func:`coverage.app.editor.add_click` wraps it). Anything else (only a
    modified browser sends it) is ignored."""
    if not isinstance(click, dict) or click == state.get("last_click"):
        return None
    lat, lng = _coordinate(click.get("lat")), _coordinate(click.get("lng"))
    if lat is None or lng is None or not -90.0 <= lat <= 90.0 or abs(lng) >= 1e6:
        return None
    state["last_click"] = click
    return {"lat": lat, "lng": lng}


def _coordinate(value: Any) -> float | None:
    """A finite JSON number as a float; None for anything else (text, booleans, NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)
