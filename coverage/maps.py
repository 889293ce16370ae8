"""Folium maps of a scenario: borders, reached countries, geodesic rings, sites.

Rings are drawn as the polygons from :mod:`coverage.rings` with
``smooth_factor=0``; never ``folium.Circle`` (a sphere-and-Mercator ellipse).
Borders are clipped to the view and simplified as a coverage so neighbours
keep shared edges. Leaflet comes from the ``django-js-lib-leaflet`` wheel:
served by Streamlit in the app, inlined in exported HTML, so maps draw with
no network.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from coverage.analysis import site_ring
from coverage.borders import CREDIT as BORDERS_CREDIT
from coverage.scenario import Site
from coverage.units import Unit, format_distance

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
SEA = "#dbe8f1"
LAND = "#f4f1ea"
BORDER = "#9a9a9a"
REACHED = "#f6d58e"
HIGHLIGHT = "#6a1b9a"


def leaflet_dir() -> Path:
    """Folder of Leaflet 1.9.4 inside the installed ``django-js-lib-leaflet`` wheel."""
    import js_lib_leaflet

    return Path(js_lib_leaflet.__file__).parent / "static" / "js_lib_leaflet"


def site_colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def view_bounds(sites: Sequence[Site], pad_fraction: float = 0.08) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of all rings, padded, within the world."""
    rings = [site_ring(s) for s in sites]
    min_lon, min_lat, max_lon, max_lat = shapely.total_bounds(rings)
    pad = pad_fraction * max(max_lon - min_lon, max_lat - min_lat, 1.0)
    return (
        max(-180.0, min_lon - pad),
        max(-90.0, min_lat - pad),
        min(180.0, max_lon + pad),
        min(90.0, max_lat + pad),
    )


def display_bounds(view: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """A box around ``view`` large enough to fill a wide map panel at any zoom-out step.

    Maps are wider than tall and Leaflet fits the view with margins, so we send
    borders well beyond the rings; a pan or one zoom-out still shows land.
    """
    min_lon, min_lat, max_lon, max_lat = view
    span = max(max_lon - min_lon, max_lat - min_lat)
    return (
        max(-180.0, min_lon - 1.5 * span),
        max(-90.0, min_lat - 0.75 * span),
        min(180.0, max_lon + 1.5 * span),
        min(90.0, max_lat + 0.75 * span),
    )


def borders_for_view(
    borders: gpd.GeoDataFrame, bounds: tuple[float, float, float, float], pixels: int = 2000
) -> gpd.GeoDataFrame:
    """Borders clipped to ``bounds`` and simplified to about a pixel at ``pixels`` wide.

    ``shapely.coverage_simplify`` keeps shared edges shared, so no slivers open
    between neighbours (per-polygon simplification leaves them).
    """
    view = box(*bounds)
    idx = borders.sindex.query(view, predicate="intersects")
    sub = borders.iloc[idx]
    clipped = shapely.clip_by_rect(sub.geometry.values, *bounds)
    clipped = shapely.make_valid(clipped, method="structure")
    tolerance = (bounds[2] - bounds[0]) / pixels
    simplified = shapely.coverage_simplify(clipped, tolerance, simplify_boundary=True)
    simplified = shapely.set_precision(simplified, 1e-4, mode="pointwise")
    out = gpd.GeoDataFrame(
        {"name": sub["name"].values, "iso_a3": sub["iso_a3"].values},
        geometry=simplified,
        crs=borders.crs,
    )
    return out[~out.geometry.is_empty & out.geometry.notna()]


def _ring_geojson(site: Site, index: int, units: Unit) -> dict:
    geom = shapely.set_precision(site_ring(site), 1e-5, mode="pointwise")
    return {
        "type": "Feature",
        "geometry": json.loads(shapely.to_geojson(geom)),
        "properties": {"site": site.name, "label": site.label(units), "colour": site_colour(index)},
    }


def coverage_map(
    sites: Sequence[Site],
    table: pd.DataFrame,
    display_borders: gpd.GeoDataFrame,
    *,
    units: Unit = "km",
    presentation: bool = False,
    highlights: dict[str, BaseGeometry] | None = None,
    height: int | str = "100%",
) -> folium.Map:
    """The scenario on a plain locator map (no tiles: works offline).

    ``table`` is the coverage table (for fills and tooltips); ``display_borders``
    comes from :func:`borders_for_view`.
    """
    m = folium.Map(tiles=None, control_scale=True, zoom_snap=0.25, prefer_canvas=False, height=height)
    share = dict(zip(table["country"], table["covered_pct"], strict=True)) if len(table) else {}
    features = []
    for name, iso, geom in zip(
        display_borders["name"], display_borders["iso_a3"], display_borders.geometry, strict=True
    ):
        pct = share.get(name)
        reached = "not reached" if pct is None else f"{pct:.1f} % within range"
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(shapely.to_geojson(geom)),
                "properties": {
                    "name": html.escape(str(name)),
                    "reached": reached,
                    "pct": -1 if pct is None else round(float(pct), 1),
                },
            }
        )
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name="Countries",
        style_function=_country_style,
        highlight_function=lambda f: {"weight": 2, "color": "#555"},
        tooltip=folium.GeoJsonTooltip(fields=["name", "reached"], labels=False),
        smooth_factor=0,
    ).add_to(m)

    for i, site in enumerate(sites):
        colour = site_colour(i)
        folium.GeoJson(
            _ring_geojson(site, i, units),
            name=f"Ring: {html.escape(site.name)}",
            style_function=lambda f, c=colour: {
                "color": c,
                "weight": 3 if presentation else 2,
                "fillColor": c,
                "fillOpacity": 0.08,
            },
            tooltip=folium.Tooltip(html.escape(f"{site.name}: {site.label(units)}")),
            smooth_factor=0,
        ).add_to(m)
    for label, geom in (highlights or {}).items():
        folium.GeoJson(
            json.loads(shapely.to_geojson(shapely.set_precision(geom, 1e-4))),
            name=html.escape(label),
            style_function=lambda f: {"color": HIGHLIGHT, "weight": 6 if presentation else 5, "opacity": 0.9},
            tooltip=folium.Tooltip(html.escape(label), permanent=True, sticky=False),
            smooth_factor=0,
        ).add_to(m)
    for i, site in enumerate(sites):
        folium.CircleMarker(
            location=[site.lat_deg, site.lon_deg],
            radius=7 if presentation else 5,
            color="#ffffff",
            weight=2,
            fill=True,
            fill_color=site_colour(i),
            fill_opacity=1.0,
            tooltip=folium.Tooltip(html.escape(site.name), permanent=True, direction="right"),
        ).add_to(m)

    min_lon, min_lat, max_lon, max_lat = view_bounds(sites) if sites else (-30, 20, 60, 60)
    m.fit_bounds([[min_lat, min_lon], [max_lat, max_lon]])
    font = "20px" if presentation else "13px"
    m.get_root().header.add_child(
        folium.Element(
            f"<style>.leaflet-container{{background:{SEA};font-size:{font}}}"
            f".leaflet-tooltip{{font-size:{font}}}</style>"
        )
    )
    _Attribution(credit_text(sites)).add_to(m)
    return m


def _country_style(feature: dict) -> dict:
    pct = feature["properties"]["pct"]
    if pct < 0:
        return {"color": BORDER, "weight": 0.7, "fillColor": LAND, "fillOpacity": 1.0}
    return {"color": "#8c6d31", "weight": 1.0, "fillColor": REACHED, "fillOpacity": 1.0}


def credit_text(sites: Sequence[Site]) -> str:
    """"Ranges: Bloomberg, Jul 2017. Borders: Natural Earth …" for the map corner."""
    sources = list(dict.fromkeys(s.figure.source.short() for s in sites if s.figure is not None))
    ranges = "Ranges: " + "; ".join(sources) + ". " if sources else ""
    return ranges + BORDERS_CREDIT + "."


class _Attribution(MacroElement):
    """Adds a credit to Leaflet's attribution control (text is HTML-escaped)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.setPrefix(false);
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
        {% endmacro %}"""
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Attribution"
        self.text = html.escape(text)


def use_local_leaflet(m: folium.Map, base_url: str) -> folium.Map:
    """Load Leaflet from ``base_url`` (e.g. Streamlit's ``/app/static/leaflet``) and nothing else.

    folium's defaults pull Leaflet, jQuery, Bootstrap and fonts from CDNs; a map
    needs only Leaflet's JS and CSS.
    """
    for element in _walk(m):
        if hasattr(element, "default_js"):
            element.default_js = []
            element.default_css = []
    m.default_js = [("leaflet", f"{base_url}/leaflet.js")]
    m.default_css = [("leaflet_css", f"{base_url}/leaflet.css")]
    return m


def inline_leaflet(m: folium.Map) -> folium.Map:
    """Embed Leaflet's JS and CSS in the page so it renders from ``file://`` offline."""
    for element in _walk(m):
        if hasattr(element, "default_js"):
            element.default_js = []
            element.default_css = []
    folder = leaflet_dir()
    js = (folder / "leaflet.js").read_text(encoding="utf-8")
    css = (folder / "leaflet.css").read_text(encoding="utf-8")
    header = m.get_root().header
    header.add_child(folium.Element(f"<style>{css}</style>"), name="leaflet_css", index=0)
    header.add_child(folium.Element(f"<script>{js}</script>"), name="leaflet_js", index=1)
    return m


def _walk(element: folium.Element):  # type: ignore[no-untyped-def]
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)
