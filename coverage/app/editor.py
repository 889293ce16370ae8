"""The sites editor and the other ways of adding a site: pure, the catalog passed in."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from coverage import scenario as sc
from coverage.catalog import Catalog
from coverage.errors import CoverageError, ScenarioError
from coverage.i18n import N_
from coverage.places import find_place
from coverage.text import quoted

CUSTOM = "custom radius"
"""The editor's System choice for a radius typed by the user."""

EDITOR_COLUMNS = ["name", "lat", "lon", "system", "figure", "radius", "unit"]


def editor_frame(scenario: sc.Scenario) -> pd.DataFrame:
    """The sites as an editable table (places resolved to lat/lon; unknown places left blank)."""
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
    frame = pd.DataFrame(rows, columns=EDITOR_COLUMNS)
    return frame.astype({"lat": float, "lon": float, "radius": float})


def scenario_from_editor(scenario: sc.Scenario, frame: pd.DataFrame, catalog: Catalog) -> sc.Scenario:
    """A validated scenario from the editor's rows; raises ScenarioError naming a bad row."""
    sites = [_row_site(i, row, catalog) for i, row in enumerate(frame.to_dict("records"))]
    if not sites:
        return sc.Scenario(sites=(), title=scenario.title, subtitle=scenario.subtitle, units=scenario.units)
    new = sc.scenario_from_dict({**scenario.to_dict(), "sites": sites}, "sites table")
    sc.resolve_sites(new, catalog)  # unknown system/figure fails here, not later
    return new


def _row_site(i: int, row: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    site: dict[str, Any] = {"name": _text(row.get("name")) or f"Site {i + 1}"}
    where = f"row {i + 1} ({site['name']})"
    lat, lon = _number(row.get("lat"), where), _number(row.get("lon"), where)
    if lat is None or lon is None:
        raise ScenarioError.of(N_("{where}: give a lat and a lon"), where=where)
    site["lat"], site["lon"] = lat, lon
    system = _text(row.get("system")) or "s-400"
    if system == CUSTOM:
        radius = _number(row.get("radius"), where)
        if radius is None:
            raise ScenarioError.of(N_("{where}: a custom radius needs a value"), where=where)
        site["radius"], site["unit"] = radius, _text(row.get("unit")) or "km"
        return site
    site["system"] = system
    figure = _text(row.get("figure"))
    if figure:
        if figure not in {f.id for f in catalog.system(system).figures}:
            raise ScenarioError.of(
                N_("{where}: figure {figure} is not one of {system}'s figures"),
                where=where,
                figure=repr(figure),
                system=system,
            )
        site["figure"] = figure
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


def wrap_lon(lon_deg: float) -> float:
    """Leaflet reports clicks on world copies as lon beyond ±180; bring them back."""
    return (float(lon_deg) + 180.0) % 360.0 - 180.0


def add_click(scenario: sc.Scenario, lat_deg: float, lon_deg: float) -> sc.Scenario:
    """``scenario`` with an S-400 site where the map was clicked."""
    spec = sc.SiteSpec(
        name=f"Site {len(scenario.sites) + 1}",
        lat=round(max(-90.0, min(90.0, float(lat_deg))), 4),
        lon=round(wrap_lon(lon_deg), 4),
        system="s-400",
    )
    return _with_site(scenario, spec)
