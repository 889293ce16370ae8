"""Text and tables as the app shows them: pure functions of plain data, no Streamlit.

Site names, titles and file names are user input: everything shown as Markdown
goes through :func:`md_escape`, so it shows literally, never as a link, maths or HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from coverage import catalog as _catalog
from coverage.analysis import DISTANCE_COLUMNS, Result
from coverage.borders import CREDIT as BORDERS_CREDIT
from coverage.horizon import radar_horizon_m
from coverage.i18n import EN, N_, Translator
from coverage.scenario import Site
from coverage.style import site_colour
from coverage.tiles import tile_source
from coverage.timeline import Event
from coverage.units import Unit, from_metres

EXPLAINER = N_("""
**What a range figure means.** A published range such as “250 miles” is a claim about
the longest reach of a system's longest-range missile, usually against a large target
flying high, as a maker, an official or a reporter put it. Sources disagree: the
Sources tab lists every figure we could read for each system, what it refers to
(aircraft, ballistic missiles, or not stated) and who published it.

**What it does not mean.** Real coverage depends on:
- the **radar horizon**: the Earth curves away, so low-flying aircraft and missiles
  are hidden until they are much closer (chart below);
- the **target's altitude, size and speed**, and the **missile** actually loaded
  (systems carry several, with very different ranges);
- **terrain**, which hides targets behind mountains;
- where the radar is, how many launchers there are, and what else is around.

**What the map draws.** Rings show publicly cited ranges as true circles on the Earth's
surface; custom radii are unsourced. They show what a number in a news story means on
the ground, not what a system can actually do.
""")

# Presentation mode on a projector (1280×720 up to 1920×1080): the title, the step controls,
# the map and the step's text on one screen. Only on wide viewports: a phone keeps its own layout.
PROJECTOR_MIN_WIDTH_PX = 1000
PROJECTOR_TOP_PX = 190
"""What presentation mode keeps above the map on a projector (padding and a title of up to two
lines; the step controls and text are beside the map): the map's height is the viewport's less this."""
PROJECTOR_CAPTION_COLOURS = {"light": "#262730", "dark": "#edebe8"}
"""Presentation mode's credit and small print: the text colour of Streamlit's light and dark
theme (opaque, not the 60 % small print), chosen by ``prefers-color-scheme`` as the theme is."""


def projector_css() -> str:
    """The style of presentation mode on a wide screen (a projector): see :data:`PROJECTOR_TOP_PX`.

    Headline, step names and text larger than on the normal page, the credit dark and
    readable (in either theme); the map fills the height left (its frame, and Leaflet inside it, follow).
    """
    colours = PROJECTOR_CAPTION_COLOURS
    return f"""<style>
@media (min-width: {PROJECTOR_MIN_WIDTH_PX}px) {{
  .block-container {{padding-top: 2.6rem !important; padding-bottom: 1rem !important;
    padding-left: 2.5rem !important; padding-right: 2.5rem !important; max-width: 100% !important}}
  [data-testid="stHeader"] {{background: transparent}}
  h1 {{font-size: clamp(2.9rem, 2.7vw, 3.6rem) !important; line-height: 1.12 !important;
    padding: 0 0 0.2rem 0 !important}}
  [data-testid="stMarkdownContainer"] :is(p, li, th, td) {{font-size: clamp(1.35rem, 1.2vw, 1.6rem)}}
  [data-testid="stAlert"] p {{font-size: clamp(1.35rem, 1.2vw, 1.6rem); line-height: 1.4}}
  [data-testid="stRadio"] label p {{font-size: clamp(1.25rem, 1.1vw, 1.5rem) !important; font-weight: 600;
    line-height: 1.3}}
  [data-testid="stRadio"] [role="radiogroup"] {{gap: 0.1rem}}
  [data-testid="stButton"] button p {{font-size: clamp(1.3rem, 1.15vw, 1.55rem); font-weight: 700}}
  [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {{
    font-size: clamp(1.05rem, 0.95vw, 1.3rem) !important; color: {colours["light"]} !important}}
  iframe[title="streamlit_folium.st_folium"] {{height: calc(100vh - {PROJECTOR_TOP_PX}px) !important;
    min-height: 360px}}
}}
@media (min-width: {PROJECTOR_MIN_WIDTH_PX}px) and (prefers-color-scheme: dark) {{
  [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {{
    color: {colours["dark"]} !important}}
}}
</style>"""


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


_WORD_JOINER = "\u2060"  # invisible, and joins nothing a reader sees
_LIVE = re.compile(r"(:(?=[\w/\\+])|@|(?<![^\W_])www(?=\\\.))", re.IGNORECASE)


def md_escape(text: str) -> str:
    """Escape text for st.markdown, st.title, st.error…: HTML and Markdown punctuation,
    $ (maths), and whitespace runs (newlines included) collapsed to one space.

    Streamlit's Markdown also turns ``https://…``, ``www.…`` and ``name@host`` into
    links and ``:smile:`` or ``:material/warning:`` into icons, after escapes are read;
    an invisible word joiner after each ``:`` that a scheme or shortcode could follow,
    before each ``@`` and after a leading ``www`` keeps user text literal (a phishing
    link typed into a name never becomes clickable on our page).
    """
    one_line = " ".join(text.split())
    escaped = re.sub(r"([\\`*_{}\[\]()#+\-.!|>~<$])", r"\\\1", html.escape(one_line, quote=False))
    return _LIVE.sub(_unlink, escaped)


def _unlink(match: re.Match[str]) -> str:
    found = match.group()
    return _WORD_JOINER + found if found == "@" else found + _WORD_JOINER


def legend_markdown(sites: Sequence[Site], units: Unit, tr: Translator = EN) -> str:
    """One line naming each site's figure, after a dot in its ring's colour.

    Markdown's own colour syntax, not HTML: the page needs no ``unsafe_allow_html``
    (and the browser no HTML-in-Markdown scripts before it draws the map).
    """
    return " · ".join(
        f':color[●]{{foreground="{site_colour(i)}"}} {md_escape(tr.place(s.name))}: '
        f"{md_escape(s.label(units, tr))}"
        for i, s in enumerate(sites)
    )


def share_legend_markdown(tr: Translator = EN) -> str:
    """The map's country shading: a swatch of each class of share within range, as Markdown.

    The same classes and fills as the map (:data:`coverage.style.SHARE_CLASSES`,
    the light theme; in dark mode :data:`coverage.app.styles.DARK_CSS` swaps them as the
    map's are), so a reader can tell 0.1 % from 100 %.
    """
    from coverage.maps import STYLE
    from coverage.style import SHARE_CLASSES, share_label

    swatches = "  ".join(
        f':color[■]{{foreground="{STYLE.share_fill(lower)}"}} {md_escape(share_label(i, tr))}'
        for i, (lower, _) in enumerate(SHARE_CLASSES)
    )
    return tr.gettext("Countries shaded by the share within range: {swatches}").format(swatches=swatches)


def markdown_table(frame: pd.DataFrame, *, index_label: str | None = None, text_columns: int = 1) -> str:
    """``frame`` as a Markdown table for ``st.markdown``, every cell escaped.

    The first ``text_columns`` columns are left-aligned and the figures right-aligned; with
    ``index_label`` the index comes first under that heading. Markdown rather than
    ``st.table``: the same look, without the eleven data-frame scripts that the
    browser would otherwise load before it draws the first map (docs/benchmarks.md).
    """
    header = [str(c) for c in frame.columns]
    rows = frame.values.tolist()
    if index_label is not None:
        header = [index_label, *header]
        rows = [[i, *row] for i, row in zip(frame.index.tolist(), rows, strict=True)]

    def line(cells: list[object]) -> str:
        return "| " + " | ".join(md_escape(str(c)) for c in cells) + " |"

    rule = "| " + " | ".join([*[":--"] * text_columns, *["--:"] * (len(header) - text_columns)]) + " |"
    return "\n".join([line(list(header)), rule, *(line(row) for row in rows)])


def safe_filename(text: str) -> str:
    name = _SAFE_NAME.sub("-", text).strip("-.")[:60]
    return name or "scenario"


def table_view(table: pd.DataFrame, units: Unit, tr: Translator = EN) -> pd.DataFrame:
    """The coverage table with headings, names and figures as shown in ``tr``'s language,
    areas in ``units`` squared."""
    area_unit = _area_unit(units, tr)
    factor = from_metres(1000.0, units) ** 2
    covered, whole = table["covered_km2"] * factor, table["country_km2"] * factor
    return pd.DataFrame(
        {
            tr.gettext("Country"): table["country"].map(tr.country),
            tr.gettext("Within range ({unit})").format(unit=area_unit): covered.map(tr.number),
            tr.gettext("Country ({unit})").format(unit=area_unit): whole.map(tr.number),
            tr.gettext("Share within range"): table["covered_pct"].map(lambda v: tr.percent(v, 1)),
        }
    )


def _area_unit(units: Unit, tr: Translator) -> str:
    """ "km²", "sq mi" ("mil²" in Turkish), "sq nmi"."""
    return tr.area(0, units).split(" ", 1)[1]


def site_country_pairs(result: Result) -> int:
    """How many (site, country) pairs the site-by-site table intersects: each ring against the
    countries whose boxes it touches. The cost of that table grows with it."""
    if not result.rings:
        return 0
    return int(result.countries.tree.query(list(result.rings)).shape[1])


def comparison(result: Result, tr: Translator = EN) -> pd.DataFrame:
    """Countries × sites: the share of each country within each site's ring (%; empty under two sites)."""
    if len(result.sites) < 2:
        return pd.DataFrame()
    per_site = result.by_site_table
    pivot = per_site.pivot_table(index="country", columns="site", values="covered_pct", aggfunc="first")
    pivot = pivot.reindex(columns=[s.name for s in result.sites])
    pivot = pivot.round(1).sort_values(by=list(pivot.columns), ascending=False).fillna(0.0)
    pivot.index = [tr.country(name) for name in pivot.index]
    pivot.columns = [tr.place(name) for name in pivot.columns]
    return pivot


_KINDS = {
    "capital": N_("capital"),
    "city": N_("city"),
    "air base": N_("air base"),
}
"""The kinds of place in data/places (story_places.csv, capitals.csv), as the Distances tab says them."""
_NEAREST_CAPITAL = N_("one of the nearest capitals")
_STORY_PLACE = re.compile(r"story place within (?P<reach>[\d.]+)× the range")


def _why(text: str, tr: Translator) -> str:
    """Why a place is listed (:func:`coverage.analysis.site_distance_rows`), in ``tr``'s language."""
    found = _STORY_PLACE.fullmatch(text)
    if found:
        return tr.gettext("story place within {reach}× the range").format(reach=found["reach"])
    return tr.gettext(_NEAREST_CAPITAL) if text == _NEAREST_CAPITAL else text


def distances_view(result: Result, units: Unit, tr: Translator = EN) -> pd.DataFrame:
    """Distances that fit each site, in ``units``: its nearest capitals and the story's places
    within twice its range, each with why it is listed (in ``tr``'s language)."""
    if not result.sites:
        return pd.DataFrame()
    dist = pd.DataFrame(list(result.distance_rows), columns=[*DISTANCE_COLUMNS, "why"])
    inside = {True: tr.gettext("inside"), False: tr.gettext("outside")}
    return pd.DataFrame(
        {
            tr.gettext("Site"): dist["site"].map(tr.place),
            tr.gettext("Place"): dist["place"].map(tr.place),
            tr.gettext("Kind"): dist["kind"].map(lambda k: tr.gettext(_KINDS.get(str(k), str(k)))),
            tr.gettext("Listed as"): dist["why"].map(lambda w: _why(str(w), tr)),
            tr.gettext("Distance ({unit})").format(unit=tr.unit_symbol(units)): (
                dist["distance_km"] * 1000.0
            ).map(lambda m: tr.number(from_metres(m, units))),
            tr.gettext("Inside the ring"): dist["inside"].map(inside),
        }
    )


def sources(sites: Sequence[Site], catalog: _catalog.Catalog | None = None, tr: Translator = EN) -> list[str]:
    """One Markdown line per distinct figure on the map: what it measures, who published it
    (and whom they cite), what kind of source, headline, date, link and the quote; then, per
    system, the other published figures, so a reader sees the spread."""
    seen: dict[str, str] = {}
    systems: dict[str, None] = {}
    for s in sites:
        fig = s.figure
        if fig is None:
            seen.setdefault("custom", "- " + tr.gettext("**Custom radius**: chosen by the user; unsourced."))
            continue
        systems[fig.system_id] = None
        seen.setdefault(fig.id, f"- {figure_line(fig, tr)}")
    lines = list(seen.values())
    for system_id in systems:
        system = catalog.systems.get(system_id) if catalog is not None else None
        others = [f for f in system.figures if f.id not in seen] if system is not None else []
        if system is not None and others:
            heading = tr.gettext("**Other published figures for the {system}** (not drawn):")
            lines.append(heading.format(system=md_escape(system.name)))
            lines += [f"- {figure_line(f, tr)}" for f in others]
    return [*lines, f"- {tr.gettext(BORDERS_CREDIT)}."]


def figure_line(fig: _catalog.Figure, tr: Translator = EN) -> str:
    """A figure with its source, as the Sources tab lists it. The quote stays as published,
    with its language named (always, when the page is not in the quote's language)."""
    src = fig.source
    quoted_lang = src.lang or "en"
    if src.lang or tr.lang != quoted_lang:
        language = " " + tr.gettext("(in {language})").format(language=src.quote_language(tr))
    else:
        language = ""
    quote = f" — “{md_escape(src.quote)}”{language}"
    link = tr.gettext("link")
    return (
        f"**{md_escape(fig.system_name)}, {md_escape(fig.as_published(tr))}**, "
        f"{md_escape(fig.kind_label_in(tr))}: {md_escape(src.who_in(tr))} "
        f"({md_escape(src.type_label_in(tr))}), "
        f"*{md_escape(src.headline_in(tr))}*, {md_escape(src.when_in(tr))}, "
        f"[{link}]({src.url.replace(')', '%29')}){quote}"
    )


def event_markdown(event: Event, tr: Translator = EN) -> str:
    """A timeline event as the story shows it: date, what happened, and its source."""
    src = event.source
    link = tr.gettext("link")
    source = tr.gettext("Source: {source}").format(
        source=f"{md_escape(src.who_in(tr))} ({md_escape(src.type_label_in(tr))}), "
        f"{md_escape(src.headline_in(tr))}, {md_escape(src.when_in(tr))}, "
        f"[{link}]({src.url.replace(')', '%29')})"
    )
    return (
        f"**{md_escape(_catalog.human_date(event.date, tr))}: {md_escape(tr.gettext(event.title))}.** "
        f"{md_escape(tr.gettext(event.text))} *{source}.*"
    )


def _language_name(code: str) -> str:
    """ "pl" -> "Polish" (ISO 639 names from pycountry; the code itself if unknown)."""
    import pycountry

    found = pycountry.languages.get(alpha_2=code)
    return str(found.name) if found is not None else code


def background_notice(key: str, tr: Translator = EN) -> str | None:
    """What choosing an online background means, for under the chooser (None when offline)."""
    source = tile_source(key)
    if source is None:
        return None
    return tr.gettext(
        "Needs internet: your browser loads the map images from {host}, "
        "which sees the area you look at. Not part of the shared link or the downloads."
    ).format(host=source.host_label)


HORIZON_AXES = (N_("target altitude (m)"), N_("radar horizon (km)"))
"""The radar-horizon chart's axes (:func:`horizon_chart`'s columns, translated)."""


def horizon_chart(mast_height_m: float, tr: Translator = EN) -> pd.DataFrame:
    altitudes = np.array([0, 15, 30, 50, 100, 200, 300, 500, 1000, 2000, 3000, 5000, 10000], dtype=float)
    x, y = (tr.gettext(axis) for axis in HORIZON_AXES)
    return pd.DataFrame({x: altitudes, y: radar_horizon_m(mast_height_m, altitudes) / 1000.0})


def horizon_m(mast_height_m: float, altitude_m: float) -> float:
    return float(radar_horizon_m(mast_height_m, altitude_m))


def horizon_sentence(mast_height_m: float, altitude_m: float, units: Unit, tr: Translator = EN) -> str:
    d = horizon_m(mast_height_m, altitude_m)
    return tr.gettext(
        "Textbook approximation (smooth 4/3 Earth): a radar {mast} m up sees a target "
        "flying at {altitude} m out to about {distance}, whatever the missile's published range."
    ).format(mast=tr.number(mast_height_m), altitude=tr.number(altitude_m), distance=tr.distance(d, units))


def horizon_label(horizon_m: float, units: Unit, tr: Translator = EN) -> str:
    """The tooltip of the dashed horizon rings."""
    return tr.gettext("Radar horizon, textbook approximation: {distance}").format(
        distance=tr.distance(horizon_m, units)
    )
