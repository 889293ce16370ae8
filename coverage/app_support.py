"""What the Streamlit app needs beyond the core: cached loaders and view helpers.

Streamlit reruns ``app.py`` top to bottom on every click, so loaded data is
cached once per server (``st.cache_resource``) and pure results per input
(``st.cache_data``). Everything here is plain functions of plain data so
AppTest and unit tests can drive it.
"""

from __future__ import annotations

import hashlib
import html
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import folium
import numpy as np
import pandas as pd
import streamlit as st

from coverage import catalog as _catalog
from coverage import export, maps, story
from coverage import scenario as sc
from coverage.analysis import coverage_by_site, coverage_table, distance_table, reference_places
from coverage.borders import CREDIT as BORDERS_CREDIT
from coverage.borders import load_borders, load_countries
from coverage.errors import CoverageError, ScenarioError
from coverage.horizon import radar_horizon_m
from coverage.places import find_place
from coverage.tiles import PLAIN, tile_source
from coverage.units import Unit, format_distance, from_metres

ROOT = Path(__file__).resolve().parents[1]
STATIC_DIR = ROOT / "static"  # served by Streamlit (enableStaticServing); gitignored
STATIC_URL = "/app/static"
STATIC_LEAFLET = STATIC_DIR / "leaflet"
STATIC_BORDERS = STATIC_DIR / "borders"
LEAFLET_URL = f"{STATIC_URL}/leaflet"
RESOLUTION = "10m"
CUSTOM = "custom radius"

EXPLAINER = """
**What a range figure means.** A published maximum range such as “250 miles” is the
longest reach of the longest-range missile, against a large target flying high, as
claimed or reported. It is not what a battery covers in practice.

**What it does not mean.** Real coverage depends on:
- the **radar horizon**: the Earth curves away, so low-flying aircraft and missiles
  are hidden until they are much closer (chart below);
- the **target's altitude, size and speed**, and the **missile** actually loaded
  (systems carry several, with very different ranges);
- **terrain**, which hides targets behind mountains;
- where the radar is, how many launchers there are, and what else is around.

The circles on this map are the published figures drawn honestly as true circles on
the Earth's surface: a way to see what a number in a news story means on the ground,
not a picture of what a system can actually do.
"""

# Projector-friendly: larger body text and tables; titles stay as they are so the
# map stays above the fold.
PRESENTATION_CSS = """<style>
[data-testid="stMarkdownContainer"] :is(p, li, th, td) {font-size: 1.35rem}
[data-testid="stAlert"] p {font-size: 1.35rem}
h1 {font-size: 2.2rem !important}
</style>"""

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


# ------------------------------------------------------------------ cached data
@st.cache_resource(show_spinner=False)
def catalog() -> _catalog.Catalog:
    return _catalog.load_catalog()


@st.cache_resource(show_spinner=False)
def borders() -> Any:
    return load_borders(RESOLUTION)


@st.cache_resource(show_spinner=False)
def highlights() -> dict[str, Any]:
    return story.story_highlights(borders())


def ensure_static_leaflet() -> Path:
    """Copy Leaflet from the installed wheel to ./static/leaflet for Streamlit to serve."""
    target = STATIC_LEAFLET / "leaflet.js"
    if not target.exists():
        shutil.copytree(maps.leaflet_dir(), STATIC_LEAFLET, dirs_exist_ok=True)
    return STATIC_LEAFLET


def scenario_file(name: str) -> sc.Scenario:
    return story.scenario_file(name)


def story_step_scenario(step: story.Step) -> sc.Scenario:
    return story.scenario_file(step.scenario_file)


def decode_link(text: str) -> sc.Scenario:
    """A scenario from a ``?s=`` link, checked down to its systems and places."""
    scenario = sc.decode_from_url(text)
    sc.resolve_sites(scenario, catalog(), "link")
    return scenario


def parse_upload(data: bytes, name: str) -> sc.Scenario:
    """A scenario from an uploaded file, checked down to its systems and places."""
    scenario = sc.parse_scenario(data, name)
    sc.resolve_sites(scenario, catalog(), name)
    return scenario


# ------------------------------------------------------------------ resolving
def _site_key(s: sc.Site) -> tuple[str, float, float, float]:
    return (s.name, s.lat_deg, s.lon_deg, s.radius_m)


def resolve(scenario: sc.Scenario) -> tuple[sc.Site, ...]:
    return sc.resolve_sites(scenario, catalog())


@st.cache_data(show_spinner=False, max_entries=256)
def _coverage(keys: tuple[tuple[str, float, float, float], ...], by_site: bool) -> pd.DataFrame:
    sites = [sc.Site(*k) for k in keys]
    countries = load_countries(RESOLUTION)  # the arrays behind borders(), with their own index
    if by_site:
        return coverage_by_site(sites, countries)
    return coverage_table(sites, countries)


def coverage(sites: Sequence[sc.Site]) -> pd.DataFrame:
    if not sites:
        return pd.DataFrame(columns=["country", "iso_a3", "covered_km2", "country_km2", "covered_pct"])
    return _coverage(tuple(_site_key(s) for s in sites), False)


def comparison(sites: Sequence[sc.Site]) -> pd.DataFrame:
    """Countries × sites: the share of each country within each site's ring (%)."""
    if len(sites) < 2:
        return pd.DataFrame()
    return _comparison(tuple(_site_key(s) for s in sites))


@st.cache_data(show_spinner=False, max_entries=256)
def _comparison(keys: tuple[tuple[str, float, float, float], ...]) -> pd.DataFrame:
    sites = [sc.Site(*k) for k in keys]
    per_site = _coverage(keys, True)
    pivot = per_site.pivot_table(index="country", columns="site", values="covered_pct", aggfunc="first")
    pivot = pivot.reindex(columns=[s.name for s in sites])
    return pivot.round(1).sort_values(by=list(pivot.columns), ascending=False).fillna(0.0)


def coverage_shown(sites: Sequence[sc.Site], units: Unit) -> str:
    """The coverage table as the app shows it: Markdown, figures in ``units`` (cached)."""
    return _coverage_shown(tuple(_site_key(s) for s in sites), units)


@st.cache_data(show_spinner=False, max_entries=256)
def _coverage_shown(keys: tuple[tuple[str, float, float, float], ...], units: Unit) -> str:
    return markdown_table(table_view(coverage([sc.Site(*k) for k in keys]), units))


def comparison_shown(sites: Sequence[sc.Site]) -> str:
    """:func:`comparison` as the app shows it: Markdown, one decimal ("" under two sites; cached)."""
    if len(sites) < 2:
        return ""
    return _comparison_shown(tuple(_site_key(s) for s in sites))


@st.cache_data(show_spinner=False, max_entries=256)
def _comparison_shown(keys: tuple[tuple[str, float, float, float], ...]) -> str:
    return markdown_table(_comparison(keys).map("{:.1f}".format), index_label="Country")


@st.cache_data(show_spinner=False, max_entries=64)
def _display_borders(bounds: tuple[float, float, float, float]) -> str:
    return maps.borders_json(maps.borders_for_view(borders(), bounds))


@st.cache_data(show_spinner=False, max_entries=256)
def _borders_url(bounds: tuple[float, float, float, float]) -> str:
    """Write the view's borders once under ./static/borders and return their URL.

    Content-addressed, so every session shares the file and browsers cache it.
    """
    data = _display_borders(bounds).encode()
    name = hashlib.sha256(data).hexdigest()[:20] + ".json"
    path = STATIC_BORDERS / name
    if not path.exists():
        STATIC_BORDERS.mkdir(parents=True, exist_ok=True)
        export.write_atomic(path, data)
    return f"{STATIC_URL}/borders/{name}"


def build_map(
    sites: Sequence[sc.Site],
    table: pd.DataFrame,
    *,
    units: Unit,
    presentation: bool,
    highlights: dict[str, Any] | None,
    horizon_m: float | None = None,
    background: str = PLAIN,
) -> folium.Map:
    """The app's map. ``background`` is a key of ``tiles.BACKGROUNDS``: only a tile
    background (never the default) makes the browser load anything off this server."""
    view = maps.view_bounds(sites) if sites else (15.0, 30.0, 50.0, 48.0)
    url = _borders_url(tuple(round(v, 2) for v in maps.display_bounds(view)))
    m = maps.coverage_map(
        sites,
        table,
        borders_url=url,
        units=units,
        presentation=presentation,
        highlights=highlights,
        horizon_m=horizon_m,
        tiles=tile_source(background),
    )
    if not sites:
        m.fit_bounds([[view[1], view[0]], [view[3], view[2]]])
    return maps.use_local_leaflet(m, LEAFLET_URL)


# ------------------------------------------------------------------ editing
def editor_frame(scenario: sc.Scenario, cat: _catalog.Catalog) -> pd.DataFrame:
    """The sites as an editable table (places resolved to lat/lon)."""
    rows = []
    for spec in scenario.sites:
        lat, lon = spec.lat, spec.lon
        if spec.place is not None:
            try:
                place = find_place(spec.place)
                lat, lon = place.lat_deg, place.lon_deg
            except CoverageError:
                pass  # left blank for the user to fill in
        rows.append(
            {
                "name": spec.name,
                "lat": lat,
                "lon": lon,
                "system": spec.system or CUSTOM,
                "figure": spec.figure or "",
                "radius": spec.radius,
                "unit": spec.unit or "km",
            }
        )
    frame = pd.DataFrame(rows, columns=["name", "lat", "lon", "system", "figure", "radius", "unit"])
    return frame.astype({"lat": float, "lon": float, "radius": float})


def editor_columns(cat: _catalog.Catalog) -> dict[str, Any]:
    figure_ids = [""] + [f.id for s in cat.systems.values() for f in s.figures]
    return {
        "name": st.column_config.TextColumn("Name", required=True, max_chars=100),
        "lat": st.column_config.NumberColumn("Lat", min_value=-90.0, max_value=90.0, format="%.4f"),
        "lon": st.column_config.NumberColumn("Lon", min_value=-180.0, max_value=180.0, format="%.4f"),
        "system": st.column_config.SelectboxColumn(
            "System", options=[*cat.systems, CUSTOM], required=True, default="s-400"
        ),
        "figure": st.column_config.SelectboxColumn(
            "Cited figure (blank = the system's default)", options=figure_ids
        ),
        "radius": st.column_config.NumberColumn("Custom radius", min_value=0.0, max_value=10000.0),
        "unit": st.column_config.SelectboxColumn("Unit", options=["km", "mi", "nmi"], default="km"),
    }


def scenario_from_editor(scenario: sc.Scenario, frame: pd.DataFrame) -> sc.Scenario:
    """A validated scenario from the editor's rows; raises ScenarioError on a bad row."""
    sites = []
    for i, row in enumerate(frame.to_dict("records")):
        site: dict[str, Any] = {"name": _text(row.get("name")) or f"Site {i + 1}"}
        lat, lon = row.get("lat"), row.get("lon")
        if _missing(lat) or _missing(lon):
            raise ScenarioError(f"row {i + 1} ({site['name']}): give a lat and a lon")
        site["lat"], site["lon"] = float(lat), float(lon)
        system = _text(row.get("system")) or "s-400"
        if system == CUSTOM:
            radius = row.get("radius")
            if _missing(radius):
                raise ScenarioError(f"row {i + 1} ({site['name']}): a custom radius needs a value")
            site["radius"], site["unit"] = float(radius), _text(row.get("unit")) or "km"
        else:
            site["system"] = system
            figure = _text(row.get("figure"))
            if figure:
                if figure not in {f.id for f in catalog().system(system).figures}:
                    raise ScenarioError(
                        f"row {i + 1} ({site['name']}): figure {figure!r} is not one of {system}'s figures"
                    )
                site["figure"] = figure
        sites.append(site)
    raw = {**scenario.to_dict(), "sites": sites}
    if not sites:
        return sc.Scenario(sites=(), title=scenario.title, subtitle=scenario.subtitle, units=scenario.units)
    new = sc.scenario_from_dict(raw, "sites table")
    sc.resolve_sites(new, catalog())  # unknown system/figure fails here, not later
    return new


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _text(value: Any) -> str:
    return "" if _missing(value) else str(value).strip()


def _with_site(scenario: sc.Scenario, spec: sc.SiteSpec) -> sc.Scenario:
    if len(scenario.sites) >= sc.MAX_SITES:
        raise ScenarioError(f"at most {sc.MAX_SITES} sites")
    raw = {**scenario.to_dict(), "sites": [*(s.to_dict() for s in scenario.sites), spec.to_dict()]}
    return sc.scenario_from_dict(raw, "new site")


def add_place(scenario: sc.Scenario, query: str, system: str) -> sc.Scenario:
    place = find_place(query)
    spec = sc.SiteSpec(name=place.name, lat=place.lat_deg, lon=place.lon_deg, system=system)
    return _with_site(scenario, spec)


def wrap_lon(lon_deg: float) -> float:
    """Leaflet reports clicks on world copies as lon beyond ±180; bring them back."""
    return (float(lon_deg) + 180.0) % 360.0 - 180.0


def add_click(scenario: sc.Scenario, lat_deg: float, lon_deg: float) -> sc.Scenario:
    spec = sc.SiteSpec(
        name=f"Site {len(scenario.sites) + 1}",
        lat=round(max(-90.0, min(90.0, float(lat_deg))), 4),
        lon=round(wrap_lon(lon_deg), 4),
        system="s-400",
    )
    return _with_site(scenario, spec)


# ------------------------------------------------------------------ views
def colour(index: int) -> str:
    return maps.site_colour(index)


def md_escape(text: str) -> str:
    """Escape text for st.markdown, st.title, st.error…: HTML and Markdown punctuation,
    $ (maths), and whitespace runs (newlines included) collapsed to one space."""
    one_line = " ".join(text.split())
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|>~<$])", r"\\\1", html.escape(one_line, quote=False))


def legend_markdown(sites: Sequence[sc.Site], units: Unit) -> str:
    """One line naming each site's figure, after a dot in its ring's colour.

    Markdown's own colour syntax, not HTML: the page needs no ``unsafe_allow_html``
    (and the browser no HTML-in-Markdown scripts before it draws the map).
    """
    return " · ".join(
        f':color[●]{{foreground="{colour(i)}"}} {md_escape(s.name)}: {md_escape(s.label(units))}'
        for i, s in enumerate(sites)
    )


def markdown_table(frame: pd.DataFrame, *, index_label: str | None = None) -> str:
    """``frame`` as a Markdown table for ``st.markdown``, every cell escaped.

    Site names are user input: they must show literally, never as links, maths or
    HTML. The first column is left-aligned and the figures right-aligned; with
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

    rule = "| " + " | ".join([":--", *["--:"] * (len(header) - 1)]) + " |"
    return "\n".join([line(list(header)), rule, *(line(row) for row in rows)])


def safe_filename(text: str) -> str:
    name = _SAFE_NAME.sub("-", text).strip("-.")[:60]
    return name or "scenario"


def table_view(table: pd.DataFrame, units: Unit) -> pd.DataFrame:
    area_unit = {"km": "km²", "mi": "sq mi", "nmi": "sq nmi"}[units]
    factor = from_metres(1000.0, units) ** 2
    return pd.DataFrame(
        {
            "Country": table["country"],
            f"Within range ({area_unit})": (table["covered_km2"] * factor).round(0).map("{:,.0f}".format),
            f"Country ({area_unit})": (table["country_km2"] * factor).round(0).map("{:,.0f}".format),
            "Share within range": table["covered_pct"].map("{:.1f} %".format),
        }
    )


def distances_view(sites: Sequence[sc.Site], table: pd.DataFrame, units: Unit) -> pd.DataFrame:
    if not sites:
        return pd.DataFrame()
    dist = distance_table(sites, reference_places(list(table["iso_a3"].dropna())))
    return pd.DataFrame(
        {
            "Site": dist["site"],
            "Place": dist["place"],
            "Kind": dist["kind"],
            f"Distance ({units})": (dist["distance_km"] * 1000.0).map(
                lambda m: f"{from_metres(m, units):,.0f}"
            ),
            "Inside the ring": dist["inside"].map({True: "inside", False: "outside"}),
        }
    )


def sources(sites: Sequence[sc.Site]) -> list[str]:
    """One Markdown line per distinct figure on the map, with its source and link."""
    seen: dict[str, str] = {}
    for s in sites:
        fig = s.figure
        if fig is None:
            seen.setdefault("custom", "- **Custom radius**: chosen by the user; no published source.")
            continue
        src = fig.source
        quote = f" — “{md_escape(src.quote)}”" if src.quote else ""
        seen.setdefault(
            fig.id,
            f"- **{md_escape(fig.system_name)}, {md_escape(fig.as_published())}** "
            f"({md_escape(fig.refers_to)}): {md_escape(src.publisher)}, "
            f"*{md_escape(src.title)}*, {md_escape(_catalog.human_date(src.date))}, "
            f"[link]({src.url.replace(')', '%29')}){quote}",
        )
    return list(seen.values()) + [f"- {BORDERS_CREDIT}."]


def credit(sites: Sequence[sc.Site], background: str = PLAIN) -> str:
    return maps.credit_text(sites, tile_source(background))


def background_notice(key: str) -> str | None:
    """What choosing an online background means, for under the chooser (None when offline)."""
    source = tile_source(key)
    if source is None:
        return None
    return (
        f"Needs internet: your browser loads the map images from {source.host_label}, "
        "which sees the area you look at. Not part of the shared link or the downloads."
    )


def caption(sites: Sequence[sc.Site], scenario: sc.Scenario, units: Unit) -> str:
    return export.caption(sites, scenario.title, units)


def horizon_chart(mast_height_m: float) -> pd.DataFrame:
    altitudes = np.array([0, 15, 30, 50, 100, 200, 300, 500, 1000, 2000, 3000, 5000, 10000], dtype=float)
    return pd.DataFrame(
        {
            "target altitude (m)": altitudes,
            "radar horizon (km)": radar_horizon_m(mast_height_m, altitudes) / 1000.0,
        }
    )


def horizon_m(mast_height_m: float, altitude_m: float) -> float:
    return float(radar_horizon_m(mast_height_m, altitude_m))


def horizon_sentence(mast_height_m: float, altitude_m: float, units: Unit) -> str:
    d = float(radar_horizon_m(mast_height_m, altitude_m))
    return (
        f"Textbook approximation (smooth 4/3 Earth): a radar {mast_height_m:.0f} m up sees a target "
        f"flying at {altitude_m:,.0f} m out to about {format_distance(d, units)}, "
        "whatever the missile's published range."
    )


# ------------------------------------------------------------------ downloads
IMAGE_SIZES = {
    "16x9": "16:9 (1920×1080)",
    "square": "Square (1080×1080)",
    "portrait": "Portrait (1080×1350)",
    "print": "Print (2480×1754, 300 dpi)",
}
DOWNLOADS: dict[str, tuple[str, str]] = {
    "png": ("PNG image", "image/png"),
    "svg": ("SVG (editable text)", "image/svg+xml"),
    "pdf": ("PDF (vector)", "application/pdf"),
    "html": ("Interactive HTML (self-contained)", "text/html"),
    "geojson": ("GeoJSON", "application/geo+json"),
    "kml": ("KML (Google Earth)", "application/vnd.google-earth.kml+xml"),
    "csv": ("CSV table", "text/csv"),
}


@st.cache_data(show_spinner=False, max_entries=32)
def export_bytes(scenario_json: str, fmt: str, size: str, theme: str, units: Unit) -> bytes:
    """The file for a download button (built on click, cached per input)."""
    scenario = sc.parse_scenario(scenario_json, "scenario")
    sites = resolve(scenario)
    if fmt == "geojson":
        import json

        return (json.dumps(export.geojson_document(sites), ensure_ascii=False) + "\n").encode()
    if fmt == "kml":
        return export.kml_bytes(sites)
    table = coverage(sites)
    if fmt == "csv":
        return export.table_csv(table, sites).encode()
    if fmt == "html":
        view = maps.display_bounds(maps.view_bounds(sites))
        page = export.map_html(
            sites,
            table,
            _display_borders(tuple(round(v, 2) for v in view)),
            title=scenario.title,
            subtitle=scenario.subtitle,
            units=units,
        )
        return page.encode()
    from coverage.figures import figure_bytes, render_figure

    fig = render_figure(
        sites,
        table,
        borders(),
        title=scenario.title,
        subtitle=scenario.subtitle,
        units=units,
        size=size,
        theme=theme,  # type: ignore[arg-type]
    )
    return figure_bytes(fig, fmt)
