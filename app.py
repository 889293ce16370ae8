"""Streamlit app: publicly cited air-defense ranges over country borders.

A thin page: it lays out the parts and calls functions; everything else lives in
the ``coverage`` package (the page's parts in ``coverage.app``). Run with
``streamlit run app.py``; it works offline on the shipped data (an online tile
background is optional, off by default).
"""

from __future__ import annotations

import time
from pathlib import Path

import streamlit as st

from coverage.app import data, state, styles, tabs
from coverage.errors import CoverageError
from coverage.i18n import translator
from coverage.scenario import Scenario

STATIC_DIR = Path(__file__).resolve().parent / "static"  # served as /app/static; gitignored

session = st.session_state
# The reader's language: the link's ?lang=, else the browser's, then the sidebar's choice.
tr = translator(state.choose_lang(session, st.query_params.get("lang"), st.context.locale))
# Presentation mode collapses the sidebar (a projector needs the width); its arrow reopens it.
st.set_page_config(
    page_title=tr.gettext("Range rings: cited figures on a map"),
    page_icon="🗺️",
    layout="wide",
    initial_sidebar_state="collapsed" if st.session_state.get("presentation") else "auto",
)
st.html(styles.page_css())  # readable small print; on a phone, the map in the first screen
data.ensure_static_leaflet(STATIC_DIR)
# The page's work holds one of the server's few run slots (a flood of reruns waits first);
# a rerun request that came meanwhile stops this run at its first widget, in the sidebar.
with data.run_slot(wait_s=state.run_delay_s(session, time.monotonic())):
    state.begin_run(session, st.query_params.get("s"), data.decode_link, st.query_params.get("step"), tr)
    scenario: Scenario = session.scenario

    units, presentation, background = tabs.sidebar(scenario, tr)
    scenario = state.keep_units(session, units)
    map_area, beside_map = tabs.header(scenario, presentation, tr)

    with beside_map:  # notes go beside or under the map, which keeps its place in the page
        try:
            result = data.analysed(scenario)
        except CoverageError as exc:
            tabs.show_error(exc.translated(tr))
            scenario = session.scenario = Scenario(sites=(), title=scenario.title)
            result = data.analysed(scenario)
        tabs.update_link(scenario, result, tr)

    tabs.map_section(
        result,
        scenario,
        static_dir=STATIC_DIR,
        units=units,
        presentation=presentation,
        background=background,
        area=map_area,
        side=beside_map,
        tr=tr,
    )

    # Lazy tabs: only the open tab's body runs, keeping each rerun short.
    bodies = {
        "Countries reached": lambda: tabs.countries_tab(result, units, tr),
        "Sites": lambda: tabs.sites_tab(scenario, data.catalog(), tr),
        "Distances": lambda: tabs.distances_tab(result, units, tr),
        "Sources": lambda: tabs.sources_tab(result, tr),
        "Caption": lambda: tabs.caption_tab(result, scenario, units, tr),
        "Download": lambda: tabs.download_tab(scenario, units, tr),
        "What a range means": lambda: tabs.explainer_tab(units, tr),
    }
    for name, tab in tabs.tabs(presentation, tr).items():
        if tab.open:
            with tab:
                bodies[name]()
