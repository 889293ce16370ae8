"""The sites editor and the other ways of adding a site: pure, the catalog passed in."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from coverage import scenario as sc
from coverage.catalog import Catalog, Figure
from coverage.errors import CoverageError, Phrase, ScenarioError
from coverage.i18n import EN, N_, Translator
from coverage.places import Match, find_place
from coverage.text import quoted

CUSTOM = "Custom radius (unsourced)"
"""The Range choice for a radius typed by the user."""

EDITOR_COLUMNS = ["name", "lat", "lon", "range", "radius", "unit"]


def figure_label(fig: Figure) -> str:
    """A cited figure as the editor lists it: "S-400 Triumf: 250 mi — Defense Mirror citing
    Bloomberg, 2017 (maximum, target type not stated)"."""
    return f"{fig.system_name}: {fig.as_published()} — {fig.source.cite()} ({fig.kind_label})"


def range_choices(catalog: Catalog) -> dict[str, Figure | None]:
    """Every choice of the Range column, by label: each cited figure of each system (the
    system's default first), then a custom radius (None)."""
    out: dict[str, Figure | None] = {}
    for system in catalog.systems.values():
        default = system.figure()
        for fig in (default, *(f for f in system.figures if f.id != default.id)):
            label = figure_label(fig)
            while label in out:  # two records alike in every shown word: keep both choosable
                label += " ·"
            out[label] = fig
    out[CUSTOM] = None
    return out


def _label_of(fig: Figure, choices: dict[str, Figure | None]) -> str:
    return next(
        label
        for label, f in choices.items()
        if f is not None and f.id == fig.id and f.system_id == fig.system_id
    )


def editor_frame(scenario: sc.Scenario, catalog: Catalog) -> pd.DataFrame:
    """The sites as an editable table: places resolved to lat/lon (unknown places left blank),
    each site's range as its cited figure (named, with value and source) or a custom radius,
    and beside it the radius and unit it draws (a cited figure's own)."""
    choices = range_choices(catalog)
    rows = []
    for spec in scenario.sites:
        lat, lon = spec.lat, spec.lon
        if spec.place is not None:
            try:
                place = find_place(spec.place)
                lat, lon = place.lat_deg, place.lon_deg
            except CoverageError:
                pass  # left blank for the user to fill in
        radius: float | None
        if spec.system is not None:
            fig = catalog.figure(spec.system, spec.figure)
            shown, radius, unit = _label_of(fig, choices), fig.value, fig.unit
        else:
            shown, radius, unit = CUSTOM, spec.radius, spec.unit or "km"
        rows.append(
            {"name": spec.name, "lat": lat, "lon": lon, "range": shown, "radius": radius, "unit": unit}
        )
    frame = pd.DataFrame(rows, columns=EDITOR_COLUMNS)
    return frame.astype({"lat": float, "lon": float, "radius": float})


def scenario_from_editor(
    scenario: sc.Scenario,
    frame: pd.DataFrame,
    catalog: Catalog,
    base: pd.DataFrame | None = None,
    tr: Translator = EN,
) -> sc.Scenario:
    """A validated scenario from the editor's rows; raises ScenarioError naming a bad row.

    A row's Range says what it draws; a radius or unit typed over a cited figure's own
    (the Range left as it was) makes that row a custom radius. ``base``: the table as it
    was shown (:func:`editor_frame` of ``scenario`` if not given), to tell the two apart.
    A row left without a name is named "Site N" in ``tr``'s language.
    """
    if base is None:
        base = editor_frame(scenario, catalog)
    choices = range_choices(catalog)
    before = base.to_dict("records")
    sites = []
    for i, row in enumerate(frame.to_dict("records")):
        old = before[i] if i < len(before) else None
        spec = scenario.sites[i] if i < len(scenario.sites) else None
        sites.append(_row_site(i, row, old, spec, choices, tr))
    if not sites:
        return sc.Scenario(sites=(), title=scenario.title, subtitle=scenario.subtitle, units=scenario.units)
    new = sc.scenario_from_dict({**scenario.to_dict(), "sites": sites}, "sites table")
    sc.resolve_sites(new, catalog)  # unknown system/figure fails here, not later
    return new


def _row_site(
    i: int,
    row: dict[str, Any],
    old: dict[str, Any] | None,
    spec: sc.SiteSpec | None,
    choices: dict[str, Figure | None],
    tr: Translator = EN,
) -> dict[str, Any]:
    site: dict[str, Any] = {"name": _text(row.get("name")) or tr.gettext(N_("Site {n}")).format(n=i + 1)}
    where = Phrase(N_("row {row} ({name})"), row=i + 1, name=site["name"])
    lat, lon = _number(row.get("lat"), where), _number(row.get("lon"), where)
    if lat is None or lon is None:
        raise ScenarioError.of(N_("{where}: give a lat and a lon"), where=where)
    site["lat"], site["lon"] = lat, lon
    shown = _text(row.get("range"))
    radius = _number(row.get("radius"), where)
    unit = _text(row.get("unit")) or "km"
    if shown and shown not in choices:
        raise ScenarioError.of(
            N_("{where}: {value} is not one of the ranges to choose from"), where=where, value=quoted(shown)
        )
    fig = choices.get(shown) if shown else None
    range_kept = old is not None and shown == _text(old.get("range"))
    typed_over = (
        fig is not None and range_kept and radius is not None and (radius != fig.value or unit != fig.unit)
    )
    if fig is None and not shown and radius is None:  # a new row with nothing chosen
        fig = next(f for f in choices.values() if f is not None and f.system_id == "s-400")
    if fig is None or typed_over:
        if radius is None:
            raise ScenarioError.of(
                N_("{where}: a custom radius needs a value (the Radius column)"), where=where
            )
        if radius <= 0:  # said here with the row's name, not as the scenario's sites[i]
            raise ScenarioError.of(
                N_("{where}: a radius must be more than 0 (the Radius column)"), where=where
            )
        site["radius"], site["unit"] = radius, unit
        return site
    site["system"] = fig.system_id
    if range_kept and spec is not None and spec.system == fig.system_id:
        if spec.figure is not None:
            site["figure"] = spec.figure  # as the file had it (a system's default stays implicit)
    else:
        site["figure"] = fig.id
    return site


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and bool(np.isnan(value)))


def _number(value: Any, where: str) -> float | None:
    """A cell as a float; None for an empty cell (the grid gives None or NaN).

    The grid only sends numbers here, but a modified browser can send anything.
    """
    if _missing(value):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ScenarioError.of(
            N_("{where}: {value} is not a number"), where=where, value=quoted(str(value))
        ) from None
    if not math.isfinite(number):
        raise ScenarioError.of(
            N_("{where}: {value} is not a finite number"), where=where, value=quoted(str(value))
        )
    return number


def _text(value: Any) -> str:
    return "" if _missing(value) else str(value).strip()


def _with_site(scenario: sc.Scenario, spec: sc.SiteSpec) -> sc.Scenario:
    if len(scenario.sites) >= sc.MAX_SITES:
        raise ScenarioError.of(N_("at most {count} sites"), count=sc.MAX_SITES)
    raw = {**scenario.to_dict(), "sites": [*(s.to_dict() for s in scenario.sites), spec.to_dict()]}
    return sc.scenario_from_dict(raw, "new site")


def add_place(scenario: sc.Scenario, query: str, system: str) -> sc.Scenario:
    """``scenario`` with a site at the place named ``query`` (raises if none is found)."""
    place = find_place(query)
    spec = sc.SiteSpec(name=place.name, lat=place.lat_deg, lon=place.lon_deg, system=system)
    return _with_site(scenario, spec)


def add_match(scenario: sc.Scenario, match: Match, system: str) -> sc.Scenario:
    """``scenario`` with a site at a place chosen among the search's matches."""
    place = match.place
    spec = sc.SiteSpec(
        name=place.name, lat=round(place.lat_deg, 5), lon=round(place.lon_deg, 5), system=system
    )
    return _with_site(scenario, spec)


def wrap_lon(lon_deg: float) -> float:
    """Leaflet reports clicks on world copies as lon beyond ±180; bring them back."""
    return (float(lon_deg) + 180.0) % 360.0 - 180.0


def add_click(
    scenario: sc.Scenario, lat_deg: float, lon_deg: float, system: str = "s-400", tr: Translator = EN
) -> sc.Scenario:
    """``scenario`` with a site of ``system`` (its default figure) where the map was clicked,
    named "Site N" in the page's language (the name is the user's to change)."""
    spec = sc.SiteSpec(
        name=tr.gettext(N_("Site {n}")).format(n=len(scenario.sites) + 1),
        lat=round(max(-90.0, min(90.0, float(lat_deg))), 4),
        lon=round(wrap_lon(lon_deg), 4),
        system=system,
    )
    return _with_site(scenario, spec)
