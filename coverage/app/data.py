"""Streamlit's caches around the core, the app's map, and the files it offers.

Streamlit reruns ``app.py`` top to bottom on every click, so loaded data is
cached once per server (``st.cache_resource``) and shown results per input
(``st.cache_data``). Analysis results themselves live in the core's one
bounded cache (:func:`coverage.analysis.analyse_shipped`); the Streamlit caches
here hold what is derived from them for the page.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import folium
import streamlit as st
from shapely.geometry.base import BaseGeometry

from coverage import leaflet, maps, story
from coverage import scenario as sc
from coverage.analysis import Result, analyse_shipped, result_key, rings_for
from coverage.borders import load_borders
from coverage.catalog import Catalog, load_catalog
from coverage.errors import ScenarioError
from coverage.export import write_atomic
from coverage.i18n import N_, translator
from coverage.render import RenderOptions, csv_metadata, render
from coverage.rings import MIN_RADIUS_M
from coverage.tiles import PLAIN, tile_source
from coverage.units import Unit

from . import views

RESOLUTION = "10m"
STATIC_URL = "/app/static"  # Streamlit serves <app folder>/static here (enableStaticServing)
APP_MAX_SITES = 200
"""Sites one map in the app may have (files and the CLI allow :data:`coverage.scenario.MAX_SITES`):
200 rings of the largest radius cost about a second of server time (docs/reliability.md)."""
MAX_COMPARISON_PAIRS = 1500
"""Site-country pairs the site-by-site table may intersect (about 1 ms each): above it the
table is not computed, and the tab says why."""
MAX_BORDER_FILES = 256
"""Borders files kept under static/borders (the oldest go first): one per view ever shown."""

RUN_SLOTS = 2
"""Page runs the server does at once (the others wait their turn). Streamlit runs each
session's script in its own thread; every run in progress holds its working set (about
18 MB for a 200-site world map), so 25 clients asking at once, or clients that ask and
never read, would hold 25 of them (issue 17, item 10). Under one GIL more than the two
cores' worth of runs at once is no faster, only bigger."""
_RUN_SLOTS = threading.BoundedSemaphore(RUN_SLOTS)


@contextlib.contextmanager
def run_slot(wait_s: float = 0.0) -> Iterator[None]:
    """Wait ``wait_s`` (see :func:`coverage.app.state.run_delay_s`), then hold one of the
    server's :data:`RUN_SLOTS` for the page's work.

    A run that waits and meanwhile gets a newer rerun request (or whose visitor left) is
    stopped by Streamlit at its next element, releasing the slot unused.
    """
    if wait_s > 0:
        time.sleep(wait_s)
    with _RUN_SLOTS:
        yield


# st.cache_data hashes a Result by what it was computed from, not by pickling its geometry.
_BY_KEY: dict[Any, Any] = {Result: lambda r: (RESOLUTION, result_key(r.sites))}


@st.cache_resource(show_spinner=False)
def catalog() -> Catalog:
    return load_catalog()


@st.cache_resource(show_spinner=False)
def highlights() -> dict[str, BaseGeometry]:
    """The story's borders and coasts (step 2), drawn over the map."""
    return story.story_highlights(load_borders(RESOLUTION))


def ensure_static_leaflet(static_dir: Path) -> None:
    """Copy Leaflet from the installed wheel to ``static_dir``/leaflet for Streamlit to serve."""
    target = static_dir / "leaflet"
    if not (target / "leaflet.js").exists():
        shutil.copytree(leaflet.leaflet_dir(), target, dirs_exist_ok=True)


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


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=_BY_KEY)
def site_country_pairs(result: Result) -> int:
    """:func:`views.site_country_pairs`, once per map (the Countries tab asks on every rerun)."""
    return views.site_country_pairs(result)


def comparison_too_costly(result: Result) -> bool:
    """Whether the site-by-site table would intersect more than :data:`MAX_COMPARISON_PAIRS`
    site-country pairs (counted on the spatial index's boxes)."""
    return site_country_pairs(result) > MAX_COMPARISON_PAIRS


def analysed(scenario: sc.Scenario) -> Result:
    """The scenario resolved and analysed against the shipped borders (cached in the core).

    A shared server bounds the work one request may ask for: more than
    :data:`APP_MAX_SITES` sites is refused before anything is computed.
    """
    if len(scenario.sites) > APP_MAX_SITES:
        raise ScenarioError.of(
            N_(
                "this map has {count} sites; the app draws at most {limit}. "
                "Use the command line for more (range-rings report SCENARIO.json)"
            ),
            count=f"{len(scenario.sites):,}",
            limit=APP_MAX_SITES,
        )
    return analyse_shipped(sc.resolve_sites(scenario, catalog()), RESOLUTION)


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=_BY_KEY)
def coverage_shown(result: Result, units: Unit, lang: str = "en") -> str:
    """The coverage table as the app shows it: Markdown, areas in ``units``, in ``lang``."""
    return views.markdown_table(views.table_view(result.table, units, translator(lang)))


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=_BY_KEY)
def comparison_shown(result: Result, lang: str = "en") -> str:
    """The site-by-site shares as Markdown, one decimal ("" under two sites or over the
    :data:`MAX_COMPARISON_PAIRS` budget), in ``lang``."""
    if len(result.sites) < 2 or comparison_too_costly(result):
        return ""
    tr = translator(lang)
    shares = views.comparison(result, tr).map(lambda v: tr.number(v, 1))
    return views.markdown_table(shares, index_label=tr.gettext("Country"))


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=_BY_KEY)
def _borders_file(result: Result) -> tuple[str, bytes]:
    """The view's borders as JSON and their content-addressed file name (cached per view)."""
    data = maps.display_json(result).encode()
    return hashlib.sha256(data).hexdigest()[:20] + ".json", data


def borders_url(result: Result, static_dir: Path) -> str:
    """The URL of the view's borders under ``static_dir``/borders, written if missing.

    Content-addressed, so every session shares the file and browsers cache it.
    At most :data:`MAX_BORDER_FILES` are kept, the least recently used going first:
    each use marks its file as used, and a file pruned while its view is still
    cached is written again on its next use.
    """
    name, data = _borders_file(result)
    path = static_dir / "borders" / name
    try:
        os.utime(path)  # used now: the last to be pruned
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
        _prune(path.parent, keep=name)
    return f"{STATIC_URL}/borders/{name}"


@st.cache_resource(show_spinner=False)
def _world_file() -> tuple[str, bytes]:
    """The packed world base (:func:`coverage.maps.world_json`) and its content-addressed name."""
    data = maps.world_json().encode()
    return "world-" + hashlib.sha256(data).hexdigest()[:20] + ".json", data


def world_url(static_dir: Path) -> str:
    """The URL of the world base under ``static_dir``/borders, written if missing.

    One file for every map and session, named by its content: the browser
    downloads it once and keeps it.
    """
    name, data = _world_file()
    path = static_dir / "borders" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
    return f"{STATIC_URL}/borders/{name}"


def _prune(folder: Path, keep: str) -> None:
    files = []
    for file in folder.glob("*.json"):
        if file.name.startswith("world-"):  # the world base is shared by every view
            continue
        try:
            files.append((file.stat().st_mtime, file))
        except FileNotFoundError:  # pruned by another session meanwhile
            continue
    files.sort(reverse=True)
    for _, old in files[MAX_BORDER_FILES:]:
        if old.name != keep:
            old.unlink(missing_ok=True)


def build_map(
    result: Result,
    *,
    static_dir: Path,
    units: Unit,
    presentation: bool,
    highlights: dict[str, BaseGeometry] | None,
    horizon_m: float | None = None,
    background: str = PLAIN,
    home: list[list[float]] | None = None,
    lang: str = "en",
) -> tuple[folium.Map, folium.FeatureGroup]:
    """The app's map as a base and a stage (:func:`coverage.maps.app_map`): the browser keeps
    the base, opened on ``home`` (the session's first view), and shows each stage in place.
    ``background`` is a key of ``tiles.BACKGROUNDS``: only a tile background (never the
    default) makes the browser load anything off this server."""
    m, stage = maps.app_map(
        result,
        borders_url=borders_url(result, static_dir),
        world_url=world_url(static_dir),
        home=home if home is not None else maps.view_box(result),
        units=units,
        presentation=presentation,
        highlights=highlights,
        horizon=_horizon(result.sites, horizon_m, units, lang),
        tiles=tile_source(background),
        tr=translator(lang),
    )
    return leaflet.use_local_leaflet(m, f"{STATIC_URL}/leaflet"), stage


def _horizon(
    sites: Sequence[sc.Site], horizon_m: float | None, units: Unit, lang: str = "en"
) -> tuple[str, list[BaseGeometry]] | None:
    if horizon_m is None:
        return None
    rings = rings_for([(s.lat_deg, s.lon_deg, max(horizon_m, MIN_RADIUS_M)) for s in sites])
    return views.horizon_label(horizon_m, units, translator(lang)), rings


@st.cache_data(show_spinner=False, max_entries=32)
def export_bytes(
    scenario_json: str,
    fmt: str,
    size: str,
    theme: str,
    units: Unit,
    highlight: bool = False,
    horizon_m: float | None = None,
    lang: str = "en",
) -> bytes:
    """The file for a download button (built on click, cached per input).

    The same road as the CLI's ``render``; downloads never carry a tile background.
    ``highlight`` and ``horizon_m`` draw what the map on screen shows (the story's
    highlights, the dashed radar horizon) on the images too.
    """
    scenario = sc.parse_scenario(scenario_json, "scenario")
    options = RenderOptions.for_scenario(
        scenario, size=size, theme=theme, units=units, highlight=highlight, horizon_m=horizon_m, lang=lang
    )
    return render(analysed(scenario), fmt, options)


@st.cache_data(show_spinner=False, max_entries=16)
def handout_bytes(scenario_json: str, units: Unit, lang: str = "en") -> bytes:
    """The classroom handout PDF (:func:`coverage.handout.handout`) in ``lang``, made on click, cached."""
    from coverage.handout import handout

    scenario = sc.parse_scenario(scenario_json, "scenario")
    return handout(analysed(scenario), scenario, units, translator(lang))


@st.cache_data(show_spinner=False, max_entries=8)
def csv_metadata_bytes(scenario_json: str, units: Unit, csv_name: str, lang: str = "en") -> bytes:
    """The CSV download's description (CSVW JSON, to save beside ``csv_name``), in ``lang``."""
    scenario = sc.parse_scenario(scenario_json, "scenario")
    options = RenderOptions.for_scenario(scenario, units=units, lang=lang)
    return csv_metadata(analysed(scenario), options, csv_name)
