"""The interactive map of an analysis result: folium (Leaflet), offline by default.

Rings are drawn as the polygons from :mod:`coverage.rings` with
``smoothFactor: 0``; never ``folium.Circle`` (a sphere-and-Mercator ellipse).
Borders are clipped to the view and simplified as a coverage
(:mod:`coverage.view`) so neighbours keep shared edges; colours come from
:mod:`coverage.style`, as for the print map. Leaflet comes from the
``django-js-lib-leaflet`` wheel: served by Streamlit in the app, inlined in
exported HTML, so maps draw with no network. The one exception is an online
tile background (:mod:`coverage.tiles`), drawn only when the caller asks for one.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import folium
import geopandas as gpd
import shapely
from branca.element import MacroElement
from jinja2 import Template
from shapely.geometry.base import BaseGeometry

from coverage.analysis import Result
from coverage.borders import Countries
from coverage.cache import LRUCache
from coverage.leaflet import RawHtml, page_root
from coverage.style import RING_FILL_OPACITY, THEMES, TILE_BACKDROP, credit_text, site_colour
from coverage.tiles import TileSource
from coverage.units import Unit
from coverage.view import Bounds, view_borders

STYLE = THEMES["light"]  # the interactive map follows the app's light theme


_JINJA_OPENER = re.compile(r"\{(?=[{%#])")


def script_json(obj: object) -> str:
    """Compact JSON that is safe inside a <script> element of a folium page.

    Escapes ``<``, ``>`` and ``&`` (no "</script>" break-out), and any ``{``
    that would open a Jinja tag: branca compiles each element's rendered
    script as a template again, so ``{{ … }}`` in a site name would otherwise
    be evaluated on the server. Structural JSON never has ``{{``, ``{%`` or
    ``{#``, so only braces inside strings are touched, and JavaScript reads
    ``\\u007b`` back as ``{``.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    text = (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    return _JINJA_OPENER.sub(r"\\u007b", text)


def borders_json(display_borders: gpd.GeoDataFrame) -> str:
    """The view's borders as a compact FeatureCollection (cache it per view)."""
    geometries = shapely.to_geojson(display_borders.geometry.values)
    features = ",".join(
        '{"type":"Feature","geometry":%s,"properties":%s}' % (geom, script_json({"name": str(name)}))
        for geom, name in zip(geometries, display_borders["name"], strict=True)
    )
    return '{"type":"FeatureCollection","features":[%s]}' % features


def _feature(geom: BaseGeometry, precision: float, **properties: object) -> dict[str, Any]:
    geom = shapely.set_precision(geom, precision, mode="pointwise")
    return {"type": "Feature", "geometry": json.loads(shapely.to_geojson(geom)), "properties": properties}


class JsonLayer(MacroElement):
    """A Leaflet GeoJSON layer from pre-serialised JSON, styled in JavaScript.

    folium.GeoJson re-serialises its data and evaluates style functions in
    Python on every render; the app re-renders on every click, so the large
    borders layer is serialised once per view instead. ``tooltip`` names a
    feature property holding *already escaped* text.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        {% if this.pane %}
        if (!{{ this._parent.get_name() }}.getPane({{ this.pane|tojson }})) {
            {{ this._parent.get_name() }}.createPane({{ this.pane|tojson }}).style.zIndex = 350;
        }
        {% endif %}
        function {{ this.get_name() }}_add(data) {
            return L.geoJson(data, {
                smoothFactor: 0,
                {% if this.pane %}pane: {{ this.pane|tojson }},{% endif %}
                interactive: {{ 'true' if this.tooltip else 'false' }},
                style: {{ this.style }},
                pointToLayer: function (f, latlng) { return L.circleMarker(latlng); },
                onEachFeature: function (f, layer) {
                    {% if this.tooltip %}
                    var text = f.properties[{{ this.tooltip|tojson }}];
                    if (text) { layer.bindTooltip(text, {{ this.tooltip_options|tojson }}); }
                    {% endif %}
                }
            }).addTo({{ this._parent.get_name() }});
        }
        {% if this.url %}
        fetch({{ this.url|tojson }}).then(function (r) { return r.json(); }).then({{ this.get_name() }}_add);
        {% else %}
        {{ this.get_name() }}_add({{ this.data }});
        {% endif %}
        {% endmacro %}"""
    )

    def __init__(
        self,
        data: str | None,
        style: str,
        *,
        url: str | None = None,
        pane: str | None = None,
        tooltip: str | None = None,
        tooltip_options: dict[str, Any] | None = None,
        name: str = "JsonLayer",
    ) -> None:
        super().__init__()
        if (data is None) == (url is None):
            raise ValueError("give either data or url")
        self._name = name
        self.data = data
        self.url = url
        self.pane = pane
        self.style = style
        self.tooltip = tooltip
        self.tooltip_options = tooltip_options or {}


def coverage_map(
    result: Result,
    borders_geojson: str | None = None,
    *,
    borders_url: str | None = None,
    units: Unit = "km",
    presentation: bool = False,
    highlights: Mapping[str, BaseGeometry] | None = None,
    horizon: tuple[str, Sequence[BaseGeometry]] | None = None,
    height: int | str = "100%",
    tiles: TileSource | None = None,
) -> folium.Map:
    """``result`` on a plain locator map (by default no tiles: works offline).

    The borders come inline as ``borders_geojson`` (from :func:`borders_json`;
    for self-contained files) or are fetched from ``borders_url`` (the app: the
    browser caches them and the page stays small). ``highlights`` are labelled
    lines drawn over everything (the story's borders and coasts); ``horizon`` a
    label and one dashed ring per site.

    ``tiles``: an online background (see :mod:`coverage.tiles`) under
    everything else, with its provider's attribution. The browser then loads
    tiles from the provider; land out of range is left unfilled and reached
    countries are tinted, so the tiles show through.
    """
    m = folium.Map(tiles=None, control_scale=True, zoom_snap=0.25, height=height)
    if tiles is not None:
        tile_layer(tiles).add_to(m)
    weight = 3 if presentation else 2
    _countries_layer(m, result, borders_geojson, borders_url, tinted=tiles is not None)
    _rings_layer(m, result, units, weight)
    if horizon is not None:
        label, geoms = horizon
        _layer(
            m,
            [_feature(g, 1e-4, tip=html.escape(label)) for g in geoms],
            "function (f) { return {color: '#333333', weight: 2, dashArray: '6 6', fill: false}; }",
            "Horizon",
        )
    if highlights:
        _layer(
            m,
            [_feature(geom, 1e-4, tip=html.escape(label)) for label, geom in highlights.items()],
            "function (f) { return {color: %s, weight: %d, opacity: 0.9}; }"
            % (script_json(STYLE.highlight), weight + 3),
            "Highlights",
            {"permanent": True, "direction": "left", "offset": [-12, 0], "className": "highlight-label"},
        )
    _sites_layer(m, result, presentation)
    min_lon, min_lat, max_lon, max_lat = result.view
    m.fit_bounds([[min_lat, min_lon], [max_lat, max_lon]])
    _page_style(m, presentation, tiles)
    _Attribution(credit_text(result.sites)).add_to(m)
    return m


def _layer(
    m: folium.Map,
    features: list[dict[str, Any]],
    style: str,
    name: str,
    tooltip_options: dict[str, Any] | None = None,
) -> None:
    """A layer of inline features, each with its ``tip`` property as a tooltip (sticky by default)."""
    JsonLayer(
        script_json({"type": "FeatureCollection", "features": features}),
        style,
        tooltip="tip",
        tooltip_options=tooltip_options or {"sticky": True},
        name=name,
    ).add_to(m)


def _rings_layer(m: folium.Map, result: Result, units: Unit, weight: int) -> None:
    rings = [
        _feature(ring, 1e-4, tip=html.escape(f"{site.name}: {site.label(units)}"), colour=site_colour(i))
        for i, (site, ring) in enumerate(zip(result.sites, result.rings, strict=True))
    ]
    _layer(
        m,
        rings,
        "function (f) { return {color: f.properties.colour, weight: %d, fillColor: f.properties.colour,"
        " fillOpacity: %s}; }" % (weight, RING_FILL_OPACITY),
        "Rings",
    )


def _countries_layer(
    m: folium.Map, result: Result, data: str | None, url: str | None, *, tinted: bool
) -> None:
    """Countries filled in JavaScript: reached ones in the reached colour, with their share as a tooltip.

    ``tinted`` (over tiles): out-of-range land only outlined and reached land
    tinted; the countries pane (z 350) sits above Leaflet's tile pane (z 200),
    below the rings.
    """
    reached_opacity, land_opacity = (0.45, 0.0) if tinted else (1.0, 1.0)
    shares = {
        str(row["country"]): f"{html.escape(str(row['country']))}: {row['covered_pct']:.1f} % within range"
        for row in result.rows
    }
    reached = {
        "color": STYLE.reached_border,
        "weight": 1.0,
        "fillColor": STYLE.reached,
        "fillOpacity": reached_opacity,
    }
    land = {"color": STYLE.border, "weight": 0.7, "fillColor": STYLE.land, "fillOpacity": land_opacity}
    style = (
        "function (f) { var s = %s; var hit = s.hasOwnProperty(f.properties.name);"
        " f.properties.tip = hit ? s[f.properties.name] : null;"
        " return hit ? %s : %s; }" % (script_json(shares), script_json(reached), script_json(land))
    )
    JsonLayer(
        data,
        style,
        url=url,
        pane="countries",
        tooltip="tip",
        tooltip_options={"sticky": True},
        name="Countries",
    ).add_to(m)


def _sites_layer(m: folium.Map, result: Result, presentation: bool) -> None:
    points = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [site.lon_deg, site.lat_deg]},
            "properties": {"tip": html.escape(site.name), "colour": site_colour(i)},
        }
        for i, site in enumerate(result.sites)
    ]
    _layer(
        m,
        points,
        "function (f) { return {radius: %d, color: '#ffffff', weight: 2, fillColor: f.properties.colour,"
        " fillOpacity: 1.0}; }" % (7 if presentation else 5),
        "Sites",
        {"permanent": True, "direction": "right", "className": "site-label"},
    )


def _page_style(m: folium.Map, presentation: bool, tiles: TileSource | None) -> None:
    font = "20px" if presentation else "13px"
    backdrop = STYLE.sea if tiles is None else TILE_BACKDROP
    page_root(m).header.add_child(
        RawHtml(
            f"<style>.leaflet-container{{background:{backdrop};font-size:{font}}}"
            f".leaflet-tooltip{{font-size:{font}}}"
            f".highlight-label{{color:{STYLE.highlight};font-weight:bold}}</style>"
        )
    )


def tile_layer(source: TileSource) -> folium.TileLayer:
    """A Leaflet tile layer for ``source`` with its attribution (not in any layer control)."""
    return folium.TileLayer(
        tiles=source.url,
        attr=source.attribution,
        name=source.label,
        max_zoom=source.max_zoom,
        subdomains=source.subdomains,
        overlay=False,
        control=False,
    )


class _Attribution(MacroElement):
    """Adds a credit to Leaflet's attribution control (text is HTML-escaped)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.setPrefix(false);
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text_js }});
        {% endmacro %}"""
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Attribution"
        self.text_js = script_json(html.escape(text))


_DISPLAY_JSON: LRUCache[tuple[Countries, Bounds], str] = LRUCache(64)


def display_json(result: Result) -> str:
    """The borders sent with ``result``'s map (:attr:`Result.display`), as JSON, cached per view."""
    key = (result.countries, result.display)
    return _DISPLAY_JSON.get_or_make(key, lambda: borders_json(view_borders(*key)))
