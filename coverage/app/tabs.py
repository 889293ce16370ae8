"""The page's parts as functions: the sidebar, the map and the tab bodies.

Only the open tab's body runs (lazy tabs), keeping each rerun short. A body
that changes the scenario sets it through :mod:`coverage.app.state` and
reruns, so the map above shows the change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from coverage import maps
from coverage.alttext import describe
from coverage.analysis import NEAREST_CAPITALS, STORY_PLACE_REACH, Result
from coverage.catalog import Catalog
from coverage.errors import CoverageError
from coverage.i18n import EN, LANGS, N_, Translator, language_name, translator
from coverage.places import find_matches, spelling_hints
from coverage.projection import far_side_error
from coverage.render import FORMATS, SIZE_LABELS, RenderOptions, caption
from coverage.scenario import Scenario, encode_for_url, link_fits
from coverage.story import PRESETS, STEPS
from coverage.style import THEME_NAMES, credit_text, short_credit
from coverage.text import quoted, shorten
from coverage.tiles import BACKGROUNDS, PLAIN, tile_source
from coverage.timeline import load_timeline
from coverage.units import UNITS, Unit

from . import data, editor, state, styles, views

TOO_LONG_FOR_A_LINK = N_(
    "This map is too large to share as a link ({chars} characters): the address bar no "
    "longer holds it. Share the scenario file instead (Sites tab, Download scenario)."
)

TAB_NAMES = (
    N_("Countries reached"),
    N_("Sites"),
    N_("Distances"),
    N_("Sources"),
    N_("Caption"),
    N_("Download"),
    N_("What a range means"),
)
"""The tabs, by their English names (the page shows them translated)."""

LANGUAGE_LABEL = "Language · Dil · Γλώσσα"
"""The language chooser's label in all three languages: findable whatever the page is in."""


THEME_WORDS = {"light": N_("light"), "dark": N_("dark")}


def show_error(message: str) -> None:
    """An error box. Messages quote user text (names, titles, file names): escaped, so it
    shows literally and never as live Markdown."""
    st.error(views.md_escape(shorten(message)))


def sidebar(scenario: Scenario, tr: Translator = EN) -> tuple[Unit, bool, str]:
    """The sidebar's choices: (units, presentation mode, background)."""
    session = st.session_state
    with st.sidebar:
        st.radio(
            LANGUAGE_LABEL,
            LANGS,
            format_func=language_name,
            key="lang",
            horizontal=True,
            on_change=lambda: state.on_lang(session, translator(str(session.get("lang", "en")))),
        )
        st.header(tr.gettext("Map"))
        # Radios and a toggle, no select boxes or forms here: every other kind of widget on
        # the first page costs the browser its scripts before the map draws (docs/benchmarks.md).
        st.radio(
            tr.gettext("Scenario"),
            list(PRESETS),
            format_func=tr.gettext,
            key="preset",
            on_change=state.on_preset,
            args=(session,),
        )
        units: Unit = st.radio(
            tr.gettext("Units"),
            UNITS,
            format_func=tr.unit_symbol,
            horizontal=True,
            key="units",
            index=UNITS.index(scenario.units),
        )
        presentation = st.toggle(
            tr.gettext("Presentation mode"),
            key="presentation",
            help=tr.gettext("Larger text, fewer controls"),
            on_change=state.keep_tab,
            args=(session,),
        )
        # A display setting, like presentation mode: not in the scenario or its link, so
        # nobody's browser contacts a tile server unless they choose it here.
        background: str = st.radio(
            tr.gettext("Background"),
            list(BACKGROUNDS),
            format_func=lambda key: tr.gettext(BACKGROUNDS[key]) if key in BACKGROUNDS else str(key),
            key="background",
            help=tr.gettext(
                "Plain draws the shipped borders on a sea colour and needs no network. "
                "The others are map tiles loaded over the internet from their provider."
            ),
        )
        # A modified browser can send any text for a radio: fall back to what we know.
        units = units if units in UNITS else scenario.units
        background = background if background in BACKGROUNDS else PLAIN
        notice = views.background_notice(background, tr)
        if notice:
            st.caption(notice)
        if not presentation:
            st.caption(
                tr.gettext(
                    "Add, rename or remove sites in the **Sites** tab below the map, or click on the map."
                )
            )
    return units, presentation, background


def header(scenario: Scenario, presentation: bool, tr: Translator = EN) -> tuple[Any, Any]:
    """Title, subtitle, the story's steps when guided, and waiting errors.

    Returns where the map goes and where the legend and credit go: under the map on the
    normal page (the step's text above it); in presentation mode, on a projector, the map
    on the left and the step's text, legend and credit on the right.
    """
    session = st.session_state
    # The map keeps its place in the page whatever comes before it (a subtitle, the timeline's
    # slider, an error): a map that moves is mounted afresh by the browser, blank for a moment.
    head = st.container()
    if presentation:
        area, side = st.columns([6.2, 3.8], gap="medium")
        text = side
    else:
        text = head
        area, side = st.container(), st.container()
    with head:
        if presentation:
            st.markdown(views.projector_css(), unsafe_allow_html=True)
        st.title(views.md_escape(tr.shipped(scenario.title) or tr.gettext("Range rings")), anchor=False)
        if scenario.subtitle and not presentation:
            st.subheader(views.md_escape(tr.shipped(scenario.subtitle)), anchor=False)
        guided = state.is_guided(session)
        if guided and not presentation:
            _step_radio(tr, horizontal=True)
    with text:
        if guided and presentation:
            step_controls(tr)
        if guided:
            step = state.current_step(session)
            with st.container(key=styles.STORY_KEY):  # on a phone, shown under the map
                st.info(tr.gettext(step.text))
                if step.timeline:
                    timeline_slider(tr)
        for message in state.take_errors(session, tr):
            show_error(message)
    return area, side


def step_controls(tr: Translator = EN) -> None:
    """Presentation mode's story controls, beside the map: Previous and Next, then the steps by
    name. The arrow keys (←, →) press Previous and Next, and so do Page Up and Page Down,
    which a presentation clicker sends (Streamlit's own button shortcuts: one key a button,
    so the clicker's pair are buttons of their own, kept out of sight)."""
    session = st.session_state
    steps = [s.title for s in STEPS]
    i = steps.index(state.current_step(session).title)
    with st.container(key=styles.CLICKER_KEY):
        for key, shortcut, by, label in (
            ("step_page_up", "PageUp", -1, tr.gettext("Previous step")),
            ("step_page_down", "PageDown", 1, tr.gettext("Next step")),
        ):
            st.button(label, key=key, on_click=state.step_by, args=(session, by, tr), shortcut=shortcut)
    c1, c3 = st.columns(2)
    c1.button(
        "◀ " + tr.gettext("Previous"),
        key="step_prev",
        on_click=state.step_by,
        args=(session, -1, tr),
        disabled=i == 0,
        shortcut="Left",
        help=tr.gettext("Previous step (← key)"),
        width="stretch",
    )
    c3.button(
        tr.gettext("Next") + " ▶",
        key="step_next",
        on_click=state.step_by,
        args=(session, 1, tr),
        disabled=i == len(steps) - 1,
        shortcut="Right",
        help=tr.gettext("Next step (→ key)"),
        type="primary",
        width="stretch",
    )
    _step_radio(tr, label_visibility="collapsed")


def _step_radio(tr: Translator, **layout: Any) -> None:
    """The story's steps by name (``layout``: how the page shows them)."""
    st.radio(
        tr.gettext("Story"),
        [s.title for s in STEPS],
        format_func=tr.gettext,
        key="step",
        on_change=state.on_step,
        args=(st.session_state, tr),
        **layout,
    )


def timeline_slider(tr: Translator = EN) -> None:
    """The timeline step's slider over the dated events, and the chosen event with its source."""
    session = st.session_state
    events = {e.id: e for e in load_timeline()}
    session["event"] = state.current_event(session)
    st.select_slider(
        tr.gettext("When"),
        list(events),
        format_func=lambda i: events[i].label_in(tr),
        key="event",
        on_change=state.on_event,
        args=(session, tr),
    )
    st.markdown(views.event_markdown(events[session["event"]], tr))


def update_link(scenario: Scenario, result: Result, tr: Translator = EN) -> None:
    """Keep the page's address the map's link: ``?s=`` the scenario (none for an empty map or
    one too large for a link, which says so), ``?step=`` the story step shown and ``?lang=``
    the language (none for English: a link without it opens in the reader's browser language)."""
    session = st.session_state
    link = encode_for_url(scenario) if result.sites else ""
    if link and link_fits(link):
        st.query_params["s"] = link
    else:
        st.query_params.pop("s", None)
        if link:
            st.info(tr.gettext(TOO_LONG_FOR_A_LINK).format(chars=tr.number(len(link))))
    step = state.step_link(session)
    if step is not None:
        st.query_params["step"] = step
    else:
        st.query_params.pop("step", None)
    if tr.lang != "en":
        st.query_params["lang"] = tr.lang
    else:
        st.query_params.pop("lang", None)


def map_section(
    result: Result,
    scenario: Scenario,
    *,
    static_dir: Path,
    units: Unit,
    presentation: bool,
    background: str,
    area: Any = None,
    side: Any = None,
    tr: Translator = EN,
) -> None:
    """The map (in ``area``), its legend and credit (in ``side``); a click on the map adds a site."""
    with area if area is not None else st.container():
        _map(
            result,
            scenario,
            static_dir=static_dir,
            units=units,
            presentation=presentation,
            background=background,
            tr=tr,
        )
    with side if side is not None else st.container():
        if presentation and scenario.subtitle:  # the title's second line, under the step's text
            st.markdown(f"**{views.md_escape(tr.shipped(scenario.subtitle))}**")
        if result.sites:
            shares = "  \n" + views.share_legend_markdown(tr) if result.rows else ""
            st.markdown(views.legend_markdown(result.sites, units, tr) + shares)
        st.caption(credit_text(result.sites, tile_source(background), tr))


def _map(
    result: Result,
    scenario: Scenario,
    *,
    static_dir: Path,
    units: Unit,
    presentation: bool,
    background: str,
    tr: Translator = EN,
) -> None:
    session = st.session_state
    guided_step = state.current_step(session) if state.is_guided(session) else None
    highlights = (
        {tr.gettext(name): line for name, line in data.highlights().items()}
        if guided_step is not None and guided_step.highlight
        else None
    )
    horizon_m = _horizon_shown()
    # The base map opens on the session's first view and stays the same from step to step,
    # so the browser keeps it; each scenario comes as a stage shown in place (no blank map).
    home = session.setdefault("map_home", maps.view_box(result))
    fmap, stage = data.build_map(
        result,
        static_dir=static_dir,
        units=units,
        presentation=presentation,
        highlights=highlights,
        horizon_m=horizon_m,
        background=background,
        home=home,
        lang=tr.lang,
    )
    from streamlit_folium import st_folium  # imported late: heavy, and only for the map

    out = st_folium(
        fmap,
        key="map-presentation" if presentation else "map",  # a new layout mounts a new map
        height=map_height(presentation),
        use_container_width=True,
        returned_objects=["last_clicked"],
        feature_group_to_add=stage,
        # st_folium renders the map itself again below; the extra whole-page render that
        # render=True adds changes nothing in what is sent (checked) and costs ~15 ms a rerun.
        render=False,
    )
    click = state.new_click(session, (out or {}).get("last_clicked"))
    if click and not presentation:
        try:
            system = session.get("click_system", "s-400")  # as chosen in the Sites tab
            state.set_scenario(
                session, editor.add_click(scenario, click["lat"], click["lng"], system, tr), own=True
            )
            st.rerun()
        except CoverageError as exc:
            show_error(exc.translated(tr))


def map_height(presentation: bool) -> int:
    """The map's height in pixels (presentation mode: the projector layout's CSS sizes it)."""
    return 620 if presentation else 540


def tabs(presentation: bool, tr: Translator = EN) -> dict[str, Any]:
    """The tabs (no Sites tab in presentation mode), keeping the open one across that switch;
    keyed by their English names, shown in ``tr``'s language."""
    names = [n for n in TAB_NAMES if not (presentation and n == "Sites")]
    labels = [tr.gettext(n) for n in names]
    state.restore_tab(st.session_state, labels)
    return dict(zip(names, st.tabs(labels, key="tab", on_change="rerun"), strict=True))


def countries_tab(result: Result, units: Unit, tr: Translator = EN) -> None:
    if not result.sites:
        st.write(tr.gettext("No site yet: choose a scenario, search a place, or click on the map."))
        return
    if not result.rows:
        st.write(tr.gettext("No country within range: every ring lies over the sea."))
        return
    # Markdown tables, not st.dataframe or st.table: readable on a projector (they
    # scale with the text), easy to copy, and they spare the first page load the
    # data-frame scripts, which held back the map's first drawing (docs/benchmarks.md).
    st.markdown(data.coverage_shown(result, units, tr.lang))
    pairs = data.site_country_pairs(result)
    if len(result.sites) > 1 and pairs > data.MAX_COMPARISON_PAIRS:
        st.caption(
            tr.gettext(
                "No site-by-site table for this map: its {rings} rings touch {pairs} site–country pairs, "
                "more than the {limit} the app computes on a shared server. "
                "`range-rings report --by-site` gives it on your own computer."
            ).format(
                rings=tr.number(len(result.sites)),
                pairs=tr.number(pairs),
                limit=tr.number(data.MAX_COMPARISON_PAIRS),
            )
        )
        return
    comparison = data.comparison_shown(result, tr.lang)
    if comparison:
        st.markdown(tr.gettext("**Site by site**: share of each country within each site's ring (%)"))
        st.markdown(comparison)


def sites_tab(scenario: Scenario, catalog: Catalog, tr: Translator = EN) -> None:
    """Add a place, edit the sites table, open or download a scenario file."""
    session = st.session_state
    if session.pop("clear_query", False):  # a place was added: the search starts afresh
        session["place_query"] = ""
    c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
    query = c1.text_input(
        tr.gettext("Find a place"),
        placeholder=tr.gettext("e.g. Kars, Athens, Springfield (then Enter)"),
        key="place_query",
    )
    # Outside any form: the choice holds at once, for "Add" and for a click on the map.
    system = c2.selectbox(
        tr.gettext("System for new sites (here and by a click on the map)"),
        list(catalog.systems),
        format_func=lambda i: catalog.system(i).name,
        key="add_system",
    )
    session["click_system"] = system if system in catalog.systems else "s-400"
    if query.strip():
        place_choice(scenario, query, session["click_system"], catalog, tr)
    for notice in session.pop("notices", []):
        st.success(views.md_escape(notice))
    base = editor.editor_frame(scenario, catalog)
    # The table's errors show above it: in view while the grid keeps the keyboard's focus.
    table_errors = st.container()
    st.caption(
        tr.gettext(
            "Range: a cited figure (value, who published it, year, what it measures) or a custom "
            "radius. Type a radius or unit over a cited figure's to draw your own (unsourced)."
        )
    )
    edited = st.data_editor(
        base,
        key=f"sites-{session.rev}",
        num_rows="dynamic",
        width="stretch",
        hide_index=True,
        column_config=editor_columns(catalog, tr),
    )
    if not edited.equals(base):
        # A new editor key (set_scenario bumps rev): its edits are now in the base.
        with table_errors:
            _apply(
                lambda: editor.scenario_from_editor(scenario, edited, catalog, base, tr),
                prefix=tr.gettext("Not applied: "),
                tr=tr,
            )
    st.markdown(tr.gettext("**Scenario file**"))
    c1, c2 = st.columns(2)
    upload = c1.file_uploader(
        tr.gettext("Open a scenario (.json)"), type=["json"], key=f"upload-{session.rev}"
    )
    if upload is not None:
        _apply(lambda: data.parse_upload(upload.getvalue(), upload.name), tr=tr)
    c2.download_button(
        tr.gettext("Download scenario (.json)"),
        scenario.to_json(),
        file_name=views.safe_filename(scenario.title or "scenario") + ".json",
        mime="application/json",
    )


def place_choice(scenario: Scenario, query: str, system: str, catalog: Catalog, tr: Translator = EN) -> None:
    """What the place search found: every match named in full, the biggest first, to choose
    from and add; or a clear "not found" with close spellings."""
    matches = find_matches(query)
    if not matches:
        hints = spelling_hints(query)
        close = tr.gettext("Close spellings: {names}.").format(names=", ".join(hints))
        hint = f" {close}" if hints else ""
        st.warning(
            views.md_escape(
                tr.gettext(
                    "No place called {name} in the gazetteer (the story's places and "
                    "GeoNames cities of 15,000 people or more).{hint} Or type its lat and lon in the table."
                ).format(name=quoted(query.strip()), hint=hint)
            )
        )
        return
    described = [m.describe() for m in matches]
    found = tr.ngettext("{n} place", "{n} places", len(matches)).format(n=tr.number(len(matches)))
    pick = st.radio(
        views.md_escape(
            tr.gettext("Found {found} called {name}: choose one").format(
                found=found, name=quoted(query.strip())
            )
        ),
        range(len(matches)),
        format_func=lambda i: described[i],
        key=f"place_pick-{query}",
    )
    pick = pick if isinstance(pick, int) and 0 <= pick < len(matches) else 0
    chosen = matches[pick]
    name = catalog.system(system).name
    add = tr.gettext("Add {place} ({system})").format(place=chosen.full_name, system=name)
    if st.button(views.md_escape(add), key="add_place"):
        session = st.session_state
        try:
            new = editor.add_match(scenario, chosen, system)
        except CoverageError as exc:
            show_error(exc.translated(tr))
            return
        state.set_scenario(session, new, own=True)
        session["notices"] = [
            tr.gettext("Added {place}, with the {system}.").format(place=chosen.describe(), system=name)
        ]
        session["clear_query"] = True
        st.rerun()


def _apply(make: Any, prefix: str = "", tr: Translator = EN) -> None:
    """Set the scenario ``make()`` returns and rerun; show its error instead if it fails."""
    try:
        state.set_scenario(st.session_state, make(), own=True)
    except CoverageError as exc:
        show_error(f"{prefix}{exc.translated(tr)}")
        return
    st.rerun()


def editor_columns(catalog: Catalog, tr: Translator = EN) -> dict[str, Any]:
    """The sites editor's columns: the range as a named, sourced choice, and the radius and
    unit it draws."""
    choices = list(editor.range_choices(catalog))
    return {
        "name": st.column_config.TextColumn(tr.gettext("Name"), required=True, max_chars=100),
        "lat": st.column_config.NumberColumn(
            tr.gettext("Lat"), min_value=-90.0, max_value=90.0, format="%.4f"
        ),
        "lon": st.column_config.NumberColumn(
            tr.gettext("Lon"), min_value=-180.0, max_value=180.0, format="%.4f"
        ),
        "range": st.column_config.SelectboxColumn(
            tr.gettext("Range (cited figure, or custom)"), options=choices, width="large", default=choices[0]
        ),
        "radius": st.column_config.NumberColumn(
            tr.gettext("Radius"), min_value=0.0, max_value=10000.0, format="%g"
        ),
        "unit": st.column_config.SelectboxColumn(tr.gettext("Unit"), options=list(UNITS), default="km"),
    }


def distances_tab(result: Result, units: Unit, tr: Translator = EN) -> None:
    # A Markdown table, escaped, like the others: st.dataframe would offer Streamlit's own
    # "Download as CSV", which writes a site named =HYPERLINK(…) as a live formula.
    frame = views.distances_view(result, units, tr)
    if frame.empty:
        st.write(tr.gettext("No site yet."))
        return
    st.caption(
        tr.gettext(
            "For each site: its {count} nearest capitals, and the story's places within "
            "{reach} times its range. Distances along the Earth's surface."
        ).format(count=NEAREST_CAPITALS, reach=f"{STORY_PLACE_REACH:g}")
    )
    st.markdown(views.markdown_table(frame, text_columns=4))


def sources_tab(result: Result, tr: Translator = EN) -> None:
    for item in views.sources(result.sites, data.catalog(), tr):
        st.markdown(item)


def caption_tab(result: Result, scenario: Scenario, units: Unit, tr: Translator = EN) -> None:
    """The caption and, apart, the short credit line: each in a box with a copy button."""
    options = RenderOptions.for_scenario(scenario, units=units, horizon_m=_horizon_shown(), lang=tr.lang)
    text = caption(result, options)
    st.markdown(tr.gettext("**Caption**"))
    st.code(text, language=None, wrap_lines=True)
    st.markdown(tr.gettext("**Credit line**"))
    st.code(short_credit(result.sites, tr), language=None, wrap_lines=True)
    if result.sites:
        description = describe(result, options.title, units, tr)
        st.markdown(
            tr.gettext("**Alt text** (for the image's alt attribute; every downloaded file carries it)")
        )
        st.code(description.alt, language=None, wrap_lines=True)
        with st.expander(tr.gettext("Long description (for a screen reader or a text version of the map)")):
            st.code(description.long, language=None, wrap_lines=True)
    st.caption(
        tr.gettext(
            "Copy them into your story or slide. The Sources tab has each source's headline, date, "
            "link and the words quoted."
        )
    )


def download_tab(scenario: Scenario, units: Unit, tr: Translator = EN) -> None:
    """Title and look of the map files, and a button per format (files made on click)."""
    if not scenario.sites:
        st.write(tr.gettext("Add a site to download a map."))
        return
    c1, c2 = st.columns(2)
    shown_title, shown_subtitle = tr.shipped(scenario.title), tr.shipped(scenario.subtitle)
    title = c1.text_input(
        tr.gettext("Title"), shown_title, max_chars=200, key=_per_language("image_title", tr)
    )
    subtitle = c2.text_input(
        tr.gettext("Subtitle"), shown_subtitle, max_chars=300, key=_per_language("image_subtitle", tr)
    )
    c3, c4 = st.columns(2)
    size = c3.selectbox(
        tr.gettext("Image size"), list(SIZE_LABELS), format_func=lambda key: tr.gettext(SIZE_LABELS[key])
    )
    theme = c4.radio(
        tr.gettext("Theme"), THEME_NAMES, format_func=lambda t: tr.gettext(THEME_WORDS[t]), horizontal=True
    )
    size = size if size in SIZE_LABELS else "square"  # only a modified browser sends others
    theme = theme if theme in THEME_NAMES else "light"
    export = Scenario(sites=scenario.sites, title=title.strip(), subtitle=subtitle.strip(), units=units)
    export_json = export.to_json()
    stem = views.safe_filename(title or "coverage-map")
    far_side = far_side_error(data.analysed(scenario).sites)
    problem = None if far_side is None else far_side.translated(tr)
    if problem is not None:
        st.warning(
            views.md_escape(tr.gettext("No PNG, SVG or PDF for this map: {problem}.").format(problem=problem))
        )
    offered = [f for f in FORMATS.values() if not (f.image and problem is not None)]
    # The images show what the map shows: the story step's highlights, the radar horizon.
    session = st.session_state
    guided_step = state.current_step(session) if state.is_guided(session) else None
    highlight = bool(guided_step is not None and guided_step.highlight)
    horizon_m = _horizon_shown()
    cols = st.columns(4)
    for i, fmt in enumerate(offered):
        cols[i % 4].download_button(
            tr.gettext(fmt.label),
            data=_maker(export_json, fmt.name, size, theme, units, highlight, horizon_m, tr.lang),
            file_name=f"{stem}{fmt.extension}",
            mime=fmt.mime,
            key=f"download-{fmt.name}",
        )
    cols[len(offered) % 4].download_button(
        tr.gettext("CSV description (CSVW JSON)"),
        data=lambda: data.csv_metadata_bytes(export_json, units, f"{stem}.csv", tr.lang),
        file_name=f"{stem}.csv-metadata.json",
        mime="application/csvm+json",
        key="download-csvw",
        help=tr.gettext(
            "The CSV table's title, description and sources, for CSV-on-the-Web tools; "
            "save it beside the CSV. Spreadsheets open the CSV as it is."
        ),
    )
    st.caption(tr.gettext("Files are made when you click. Every file carries the sources of its figures."))
    embed_section(title.strip(), f"{stem}.html", tr)
    if problem is None:  # the handout shows the print map
        st.markdown(tr.gettext("**For a class**"))
        st.download_button(
            tr.gettext("Classroom handout (PDF): predict, then reveal"),
            data=lambda: data.handout_bytes(export_json, units, tr.lang),
            file_name=f"{stem}-handout.pdf",
            mime="application/pdf",
            key="download-handout",
            help=tr.gettext(
                "Page 1 asks students which capitals lie within the range before they see the map; "
                "page 2 shows the map, the distances, what a range figure means and the sources."
            ),
        )


def _per_language(key: str, tr: Translator) -> str:
    """A text box's key that changes with the language, so that its default (a shipped title)
    is shown again in the new language; English keeps the plain key."""
    return key if tr.lang == "en" else f"{key}-{tr.lang}"


def embed_section(title: str, file_name: str, tr: Translator = EN) -> None:
    """The iframe snippet for the HTML file, for the address where it will be hosted, and how."""
    from coverage.webpage import HOSTING_NOTE, embed_snippet

    st.markdown(tr.gettext("**Embed the interactive map** in a web page"))
    url = st.text_input(
        tr.gettext("Address of the HTML file once you have put it online"),
        placeholder=f"https://example.org/maps/{file_name}",
        max_chars=500,
        key="embed_url",
    )
    st.code(embed_snippet(url.strip() or file_name, title, tr), language="html", wrap_lines=True)
    st.caption(views.md_escape(tr.gettext(HOSTING_NOTE)))


def _horizon_shown() -> float | None:
    """The radar horizon the map shows (its checkbox on the Explainer tab), in metres, or None."""
    session = st.session_state
    if not session.get("horizon_on"):
        return None
    return views.horizon_m(session.get("mast", 20), session.get("altitude", 300))


def _maker(
    scenario_json: str,
    fmt: str,
    size: str,
    theme: str,
    units: Unit,
    highlight: bool = False,
    horizon_m: float | None = None,
    lang: str = "en",
) -> Any:
    return lambda: data.export_bytes(scenario_json, fmt, size, theme, units, highlight, horizon_m, lang)


def explainer_tab(units: Unit, tr: Translator = EN) -> None:
    st.markdown(tr.gettext(views.EXPLAINER))
    c1, c2 = st.columns(2)
    mast = c1.slider(tr.gettext("Radar mast height (m)"), 5, 60, 20, key="mast")
    altitude = c2.select_slider(
        tr.gettext("Target altitude (m)"),
        [15, 50, 100, 300, 1000, 3000, 10000],
        value=300,
        format_func=tr.number,
        key="altitude",
    )
    x, y = (tr.gettext(axis) for axis in views.HORIZON_AXES)
    st.line_chart(views.horizon_chart(mast, tr), x=x, y=y)
    st.write(views.horizon_sentence(mast, altitude, units, tr))
    st.checkbox(
        tr.gettext("Draw this radar horizon on the map as a dashed ring (textbook approximation)"),
        key="horizon_on",
    )
