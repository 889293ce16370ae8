"""Streamlit app: publicly cited air-defense ranges over country borders.

A thin UI: every computation lives in the ``coverage`` package. Run with
``streamlit run app.py``; it works offline on the shipped data (an online tile
background is optional, off by default).
"""

from __future__ import annotations

import time

_started = time.perf_counter()

import streamlit as st  # noqa: E402

from coverage import app_support as sup  # noqa: E402
from coverage.errors import CoverageError  # noqa: E402
from coverage.scenario import Scenario, encode_for_url  # noqa: E402
from coverage.story import OWN_MAP, PRESETS, STEPS  # noqa: E402
from coverage.tiles import BACKGROUNDS  # noqa: E402
from coverage.units import UNITS  # noqa: E402

st.set_page_config(page_title="Range rings: cited figures on a map", page_icon="🗺️", layout="wide")
sup.ensure_static_leaflet()
catalog = sup.catalog()
state = st.session_state


# ---------------------------------------------------------------- state
def set_scenario(scenario: Scenario, *, own: bool = False) -> None:
    """Replace the scenario (preset, story step, click, place search, sites editor, upload…).

    ``own``: the user changed the map, so the guided story (or preset) ends; the
    preset box shows "Your own map" from the next run (a widget's value can only
    be set before it is drawn).
    """
    state.scenario = scenario
    state.rev = state.get("rev", 0) + 1
    if own:
        state.pending_preset = OWN_MAP


def on_preset() -> None:
    name = PRESETS[state.preset]
    if name == "story":
        state.step = STEPS[0].title
        set_scenario(sup.story_step_scenario(STEPS[0]))
    elif name == "empty":
        set_scenario(Scenario(sites=(), title="Your map"))
    elif name:
        set_scenario(sup.scenario_file(name))
    # OWN_MAP: keep the current sites


def show_error(message: str) -> None:
    """An error box. Messages quote user text (names, titles, file names): escaped, so it
    shows literally and never as live Markdown."""
    st.error(sup.md_escape(message))


def keep_tab() -> None:
    """The tab list changes with presentation mode (no Sites tab), which would reset the
    open tab: remember it for the next run."""
    state.kept_tab = state.get("tab")


def on_step() -> None:
    step = next(s for s in STEPS if s.title == state.step)
    set_scenario(sup.story_step_scenario(step))


if "pending_preset" in state:
    state.preset = state.pop("pending_preset")
if "scenario" not in state:
    state.errors = []
    link = st.query_params.get("s")
    state.preset = next(iter(PRESETS))
    state.step = STEPS[0].title
    if link:
        try:
            set_scenario(sup.decode_link(link))
            state.preset = OWN_MAP
        except CoverageError as exc:
            on_preset()
            state.errors = [f"The link's scenario could not be used: {exc}"]
    else:
        on_preset()

scenario: Scenario = state.scenario
guided = PRESETS[state.preset] == "story"
step = next((s for s in STEPS if s.title == state.step), STEPS[0]) if guided else None

# ---------------------------------------------------------------- sidebar
with st.sidebar:
    st.header("Map")
    # Radios and a toggle, no select boxes or forms here: every other kind of widget on
    # the first page costs the browser its scripts before the map draws (docs/benchmarks.md).
    st.radio("Scenario", list(PRESETS), key="preset", on_change=on_preset)
    units = st.radio("Units", UNITS, horizontal=True, key="units", index=UNITS.index(scenario.units))
    presentation = st.toggle(
        "Presentation mode", key="presentation", help="Larger text, fewer controls", on_change=keep_tab
    )
    # A display setting, like presentation mode: not in the scenario or its link, so
    # nobody's browser contacts a tile server unless they choose it here.
    background = st.radio(
        "Background",
        list(BACKGROUNDS),
        format_func=BACKGROUNDS.get,
        key="background",
        help="Plain draws the shipped borders on a sea colour and needs no network. "
        "The others are map tiles loaded over the internet from their provider.",
    )
    notice = sup.background_notice(background)
    if notice:
        st.caption(notice)

    if not presentation:
        st.caption("Add, rename or remove sites in the **Sites** tab below the map, or click on the map.")

# ---------------------------------------------------------------- header
if presentation:
    st.markdown(sup.PRESENTATION_CSS, unsafe_allow_html=True)
st.title(sup.md_escape(scenario.title or "Range rings"), anchor=False)
if scenario.subtitle:
    st.subheader(sup.md_escape(scenario.subtitle), anchor=False)

if guided:
    st.radio("Story", [s.title for s in STEPS], key="step", on_change=on_step, horizontal=True)
    assert step is not None
    st.info(step.text)

for message in state.get("errors", []):
    show_error(message)
state.errors = []

# ---------------------------------------------------------------- resolve and compute
try:
    sites = sup.resolve(scenario)
except CoverageError as exc:
    show_error(str(exc))
    scenario = state.scenario = Scenario(sites=(), title=scenario.title)
    sites = ()

if sites:
    st.query_params["s"] = encode_for_url(scenario)
else:  # a scenario needs at least one site; an empty map has no link to share
    st.query_params.pop("s", None)
table = sup.coverage(sites)

# ---------------------------------------------------------------- map
highlights = sup.highlights() if (step is not None and step.highlight) else None
horizon_m = (
    sup.horizon_m(state.get("mast", 20), state.get("altitude", 300)) if state.get("horizon_on") else None
)
fmap = sup.build_map(
    sites,
    table,
    units=units,
    presentation=presentation,
    highlights=highlights,
    horizon_m=horizon_m,
    background=background,
)
from streamlit_folium import st_folium  # noqa: E402  (imported late: heavy, and only for the map)

out = st_folium(
    fmap,
    key="map",
    height=620 if presentation else 540,
    use_container_width=True,
    returned_objects=["last_clicked"],
    # st_folium renders the map itself again below; the extra whole-page render that
    # render=True adds changes nothing in what is sent (checked) and costs ~15 ms a rerun.
    render=False,
)
click = (out or {}).get("last_clicked")
if click and click != state.get("last_click"):
    state.last_click = click
    if not presentation:
        try:
            set_scenario(sup.add_click(scenario, click["lat"], click["lng"]), own=True)
            st.rerun()
        except CoverageError as exc:
            show_error(str(exc))

if sites:
    st.markdown(sup.legend_markdown(sites, units))
st.caption(sup.credit(sites, background))

# ---------------------------------------------------------------- numbers
# Lazy tabs: only the open tab's content runs, keeping each rerun short.
# Presentation mode leaves out the Sites tab (fewer controls on a projector).
tab_names = [
    "Countries reached",
    "Sites",
    "Distances",
    "Sources",
    "Caption",
    "Download",
    "What a range means",
]
if presentation:
    tab_names.remove("Sites")
kept = state.pop("kept_tab", None)
if kept in tab_names:
    state.tab = kept
tabs = dict(zip(tab_names, st.tabs(tab_names, key="tab", on_change="rerun"), strict=True))
if tabs["Countries reached"].open:
    with tabs["Countries reached"]:
        if len(table):
            # Markdown tables, not st.dataframe or st.table: readable on a projector (they
            # scale with the text), easy to copy, and they spare the first page load the
            # data-frame scripts, which held back the map's first drawing (docs/benchmarks.md).
            st.markdown(sup.coverage_shown(sites, units))
            comparison = sup.comparison_shown(sites)
            if comparison:
                st.markdown("**Site by site**: share of each country within each site's ring (%)")
                st.markdown(comparison)
        else:
            st.write("No site yet: choose a scenario, search a place, or click on the map.")
if "Sites" in tabs and tabs["Sites"].open:
    with tabs["Sites"]:
        # Changes made here are applied and the page reruns, so the map above shows them.
        with st.form("add_place", clear_on_submit=True, border=False):
            c1, c2, c3 = st.columns([3, 2, 1], vertical_alignment="bottom")
            query = c1.text_input("Add a place", placeholder="e.g. Kars, Athens, Tokyo", key="place_query")
            system = c2.selectbox(
                "System",
                list(catalog.systems),
                format_func=lambda i: catalog.system(i).name,
                key="add_system",
            )
            if c3.form_submit_button("Add place"):
                try:
                    set_scenario(sup.add_place(scenario, query, system), own=True)
                    st.rerun()
                except CoverageError as exc:
                    show_error(str(exc))
        base = sup.editor_frame(scenario, catalog)
        edited = st.data_editor(
            base,
            key=f"sites-{state.rev}",
            num_rows="dynamic",
            width="stretch",
            hide_index=True,
            column_config=sup.editor_columns(catalog),
        )
        if not edited.equals(base):
            try:
                # A new editor key (set_scenario bumps rev): its edits are now in the base.
                set_scenario(sup.scenario_from_editor(scenario, edited), own=True)
                st.rerun()
            except CoverageError as exc:
                show_error(f"Not applied: {exc}")
        st.markdown("**Scenario file**")
        c1, c2 = st.columns(2)
        upload = c1.file_uploader("Open a scenario (.json)", type=["json"], key=f"upload-{state.rev}")
        if upload is not None:
            try:
                set_scenario(sup.parse_upload(upload.getvalue(), upload.name), own=True)
                st.rerun()
            except CoverageError as exc:
                show_error(str(exc))
        c2.download_button(
            "Download scenario (.json)",
            scenario.to_json(),
            file_name=sup.safe_filename(scenario.title or "scenario") + ".json",
            mime="application/json",
        )
if tabs["Distances"].open:
    with tabs["Distances"]:
        st.dataframe(sup.distances_view(sites, table, units), hide_index=True, width="stretch")
if tabs["Sources"].open:
    with tabs["Sources"]:
        for item in sup.sources(sites):
            st.markdown(item)
if tabs["Caption"].open:
    with tabs["Caption"]:
        st.code(sup.caption(sites, scenario, units), language=None, wrap_lines=True)
        st.caption("Copy this paragraph into your story or slide.")
if tabs["Download"].open:
    with tabs["Download"]:
        if sites:
            c1, c2 = st.columns(2)
            edited_title = c1.text_input("Title", scenario.title, max_chars=200, key="image_title")
            edited_subtitle = c2.text_input(
                "Subtitle", scenario.subtitle, max_chars=300, key="image_subtitle"
            )
            c3, c4 = st.columns(2)
            size = c3.selectbox("Image size", list(sup.IMAGE_SIZES), format_func=sup.IMAGE_SIZES.get)
            theme = c4.radio("Theme", ["light", "dark"], horizontal=True)
            export_scenario = Scenario(
                sites=scenario.sites,
                title=edited_title.strip(),
                subtitle=edited_subtitle.strip(),
                units=units,
            ).to_json()
            stem = sup.safe_filename(edited_title or "coverage-map")
            cols = st.columns(4)
            for i, (fmt, (label, mime)) in enumerate(sup.DOWNLOADS.items()):
                cols[i % 4].download_button(
                    label,
                    data=lambda fmt=fmt: sup.export_bytes(export_scenario, fmt, size, theme, units),
                    file_name=f"{stem}.{fmt}",
                    mime=mime,
                    key=f"download-{fmt}",
                )
            st.caption("Files are made when you click. Every file carries the sources of its figures.")
        else:
            st.write("Add a site to download a map.")
if tabs["What a range means"].open:
    with tabs["What a range means"]:
        st.markdown(sup.EXPLAINER)
        c1, c2 = st.columns(2)
        mast = c1.slider("Radar mast height (m)", 5, 60, 20, key="mast")
        altitude = c2.select_slider(
            "Target altitude (m)", [15, 50, 100, 300, 1000, 3000, 10000], value=300, key="altitude"
        )
        st.line_chart(sup.horizon_chart(mast), x="target altitude (m)", y="radar horizon (km)")
        st.write(sup.horizon_sentence(mast, altitude, units))
        st.checkbox(
            "Draw this radar horizon on the map as a dashed ring (textbook approximation)",
            key="horizon_on",
        )

# The server-side time of this run, read by the benchmarks (benchmarks/).
state._run_seconds = time.perf_counter() - _started
