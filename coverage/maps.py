"""Folium maps of a scenario: borders, reached countries, geodesic rings, sites.

Rings are drawn as the polygons from :mod:`coverage.rings` with
``smooth_factor=0``; never ``folium.Circle`` (a sphere-and-Mercator ellipse).
Borders are clipped to the view and simplified as a coverage so neighbours
keep shared edges. Leaflet comes from the ``django-js-lib-leaflet`` wheel:
served by Streamlit in the app, inlined in exported HTML, so maps draw with
no network. The one exception is an online tile background
(:mod:`coverage.tiles`), drawn only when the caller asks for one.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from coverage.analysis import ring_for, site_ring
from coverage.borders import CREDIT as BORDERS_CREDIT
from coverage.scenario import Site
from coverage.tiles import TileSource
from coverage.units import Unit, format_distance

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
SEA = "#dbe8f1"
LAND = "#f4f1ea"
BORDER = "#9a9a9a"
REACHED = "#f6d58e"
HIGHLIGHT = "#6a1b9a"
TILE_BACKDROP = "#e8e8e8"  # behind tiles until they load (or if they never do): not the sea colour


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
    """A box around ``view`` that fills a wide map panel, with room for a pan or a zoom-out.

    Maps are wider than tall and Leaflet fits the view with margins, so we send
    borders beyond the rings, but not the whole world.
    """
    min_lon, min_lat, max_lon, max_lat = view
    span = max(max_lon - min_lon, max_lat - min_lat)
    return (
        max(-180.0, min_lon - 0.75 * span),
        max(-90.0, min_lat - 0.35 * span),
        min(180.0, max_lon + 0.75 * span),
        min(90.0, max_lat + 0.35 * span),
    )


def borders_for_view(
    borders: gpd.GeoDataFrame,
    bounds: tuple[float, float, float, float],
    tolerance_deg: float | None = None,
) -> gpd.GeoDataFrame:
    """Borders clipped to ``bounds``, simplified to ``tolerance_deg`` (about a pixel).

    ``shapely.coverage_simplify`` keeps shared edges shared, so no slivers open
    between neighbours (per-polygon simplification leaves them). Islands
    smaller than a few pixels are dropped: at this scale they are specks that
    cost more bytes than the rest of the map. The default tolerance suits a
    map about 1,000 pixels across the middle half of ``bounds``.
    """
    if tolerance_deg is None:
        tolerance_deg = (bounds[2] - bounds[0]) / 1500.0
    view = box(*bounds)
    idx = borders.sindex.query(view, predicate="intersects")
    sub = borders.iloc[idx]
    clipped = shapely.clip_by_rect(sub.geometry.values, *bounds)
    invalid = ~shapely.is_valid(clipped)  # clip_by_rect is fast but may not keep validity
    clipped[invalid] = shapely.make_valid(clipped[invalid], method="structure")
    simplified = shapely.coverage_simplify(clipped, tolerance_deg, simplify_boundary=True)
    simplified = np.array([_drop_specks(g, (2.0 * tolerance_deg) ** 2) for g in simplified], dtype=object)
    simplified = shapely.set_precision(simplified, 1e-3, mode="pointwise")
    out = gpd.GeoDataFrame(
        {"name": sub["name"].values, "iso_a3": sub["iso_a3"].values},
        geometry=simplified,
        crs=borders.crs,
    )
    return out[~out.geometry.is_empty]


def _drop_specks(geom: BaseGeometry, min_area: float) -> BaseGeometry:
    parts = [p for p in shapely.get_parts(geom) if p.area >= min_area]
    if not parts:
        return shapely.Polygon()
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


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


def _feature(geom: BaseGeometry, precision: float, **properties: object) -> dict:
    geom = shapely.set_precision(geom, precision, mode="pointwise")
    return {"type": "Feature", "geometry": json.loads(shapely.to_geojson(geom)), "properties": properties}


class RawHtml(folium.Element):
    """Literal HTML for a page's header or body.

    ``folium.Element(text)`` compiles ``text`` as a Jinja template, so user text
    such as ``{{ ... }}`` would be *evaluated* on the server. Here the text is a
    value passed to a fixed template, never compiled. Escape user parts first.
    """

    def __init__(self, markup: str) -> None:
        super().__init__("{{ this.markup }}")
        self.markup = markup


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
        tooltip_options: dict | None = None,
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
    sites: Sequence[Site],
    table: pd.DataFrame,
    borders_geojson: str | None = None,
    *,
    borders_url: str | None = None,
    units: Unit = "km",
    presentation: bool = False,
    highlights: dict[str, BaseGeometry] | None = None,
    horizon_m: float | None = None,
    height: int | str = "100%",
    tiles: TileSource | None = None,
) -> folium.Map:
    """The scenario on a plain locator map (by default no tiles: works offline).

    ``table`` is the coverage table (fills and tooltips). The borders come
    inline as ``borders_geojson`` (from :func:`borders_json`; for self-contained
    files) or are fetched from ``borders_url`` (the app: the browser caches
    them and the page stays small).

    ``tiles``: an online background (see :mod:`coverage.tiles`) under
    everything else, with its provider's attribution. The browser then loads
    tiles from the provider; land out of range is left unfilled and reached
    countries are tinted, so the tiles show through.
    """
    m = folium.Map(tiles=None, control_scale=True, zoom_snap=0.25, height=height)
    if tiles is not None:
        tile_layer(tiles).add_to(m)
    # With tiles, out-of-range land is only outlined and reached land tinted; the
    # countries pane (z 350) sits above Leaflet's tile pane (z 200), below the rings.
    reached_opacity, land_opacity = (0.45, 0.0) if tiles is not None else (1.0, 1.0)
    shares = {
        str(name): f"{html.escape(str(name))}: {pct:.1f} % within range"
        for name, pct in zip(table["country"], table["covered_pct"], strict=True)
    }
    country_style = (
        "function (f) { var s = %s; var hit = s.hasOwnProperty(f.properties.name);"
        " f.properties.tip = hit ? s[f.properties.name] : null;"
        " return hit ? %s : %s; }"
        % (
            script_json(shares),
            script_json(
                {"color": "#8c6d31", "weight": 1.0, "fillColor": REACHED, "fillOpacity": reached_opacity}
            ),
            script_json({"color": BORDER, "weight": 0.7, "fillColor": LAND, "fillOpacity": land_opacity}),
        )
    )
    JsonLayer(
        borders_geojson,
        country_style,
        url=borders_url,
        pane="countries",
        tooltip="tip",
        tooltip_options={"sticky": True},
        name="Countries",
    ).add_to(m)

    weight = 3 if presentation else 2
    rings = [
        _feature(
            site_ring(site), 1e-4, tip=html.escape(f"{site.name}: {site.label(units)}"), colour=site_colour(i)
        )
        for i, site in enumerate(sites)
    ]
    ring_style = (
        "function (f) { return {color: f.properties.colour, weight: %d, fillColor: f.properties.colour,"
        " fillOpacity: 0.08}; }" % weight
    )
    JsonLayer(
        script_json({"type": "FeatureCollection", "features": rings}),
        ring_style,
        tooltip="tip",
        tooltip_options={"sticky": True},
        name="Rings",
    ).add_to(m)

    if horizon_m is not None:
        from coverage.rings import MIN_RADIUS_M

        label = f"Radar horizon, textbook approximation: {format_distance(horizon_m, units)}"
        horizon = [
            _feature(
                ring_for(site.lat_deg, site.lon_deg, max(horizon_m, MIN_RADIUS_M)),
                1e-4,
                tip=html.escape(label),
            )
            for site in sites
        ]
        JsonLayer(
            script_json({"type": "FeatureCollection", "features": horizon}),
            "function (f) { return {color: '#333333', weight: 2, dashArray: '6 6', fill: false}; }",
            tooltip="tip",
            tooltip_options={"sticky": True},
            name="Horizon",
        ).add_to(m)

    if highlights:
        lines = [_feature(geom, 1e-4, tip=html.escape(label)) for label, geom in highlights.items()]
        JsonLayer(
            script_json({"type": "FeatureCollection", "features": lines}),
            "function (f) { return {color: %s, weight: %d, opacity: 0.9}; }"
            % (script_json(HIGHLIGHT), weight + 3),
            tooltip="tip",
            tooltip_options={
                "permanent": True,
                "direction": "left",
                "offset": [-12, 0],
                "className": "highlight-label",
            },
            name="Highlights",
        ).add_to(m)

    points = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [site.lon_deg, site.lat_deg]},
            "properties": {"tip": html.escape(site.name), "colour": site_colour(i)},
        }
        for i, site in enumerate(sites)
    ]
    JsonLayer(
        script_json({"type": "FeatureCollection", "features": points}),
        "function (f) { return {radius: %d, color: '#ffffff', weight: 2, fillColor: f.properties.colour,"
        " fillOpacity: 1.0}; }" % (7 if presentation else 5),
        tooltip="tip",
        tooltip_options={"permanent": True, "direction": "right", "className": "site-label"},
        name="Sites",
    ).add_to(m)

    min_lon, min_lat, max_lon, max_lat = view_bounds(sites) if sites else (-30, 20, 60, 60)
    m.fit_bounds([[min_lat, min_lon], [max_lat, max_lon]])
    font = "20px" if presentation else "13px"
    backdrop = SEA if tiles is None else TILE_BACKDROP
    m.get_root().header.add_child(
        RawHtml(
            f"<style>.leaflet-container{{background:{backdrop};font-size:{font}}}"
            f".leaflet-tooltip{{font-size:{font}}}"
            f".highlight-label{{color:{HIGHLIGHT};font-weight:bold}}</style>"
        )
    )
    _Attribution(credit_text(sites)).add_to(m)
    return m


def credit_text(sites: Sequence[Site], tiles: TileSource | None = None) -> str:
    """ "Ranges: Bloomberg, Jul 2017. Borders: Natural Earth …" for the map corner.

    With ``tiles`` the background's credit follows (the caption under the app's map).
    """
    sources = list(dict.fromkeys(s.figure.source.short() for s in sites if s.figure is not None))
    ranges = "Ranges: " + "; ".join(sources) + ". " if sources else ""
    background = f" {tiles.credit}." if tiles is not None else ""
    return ranges + BORDERS_CREDIT + "." + background


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
    header.add_child(RawHtml(f"<style>{css}</style>"), name="leaflet_css", index=0)
    header.add_child(RawHtml(f"<script>{js}</script>"), name="leaflet_js", index=1)
    return m


def _walk(element: folium.Element):  # type: ignore[no-untyped-def]
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)
