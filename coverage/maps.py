"""The interactive map of an analysis result: folium (Leaflet), offline by default.

Rings are drawn as the polygons from :mod:`coverage.rings` with
``smoothFactor: 0``; never ``folium.Circle`` (a sphere-and-Mercator ellipse),
whole across the date line (:mod:`coverage.display`). Under them, the whole
world at 1:110m, and over it the view's borders, clipped and simplified as a
coverage (:mod:`coverage.view`) so neighbours keep shared edges; both packed
(:func:`pack_borders`). Place names come from :mod:`coverage.labels`; colours
from :mod:`coverage.style`, as for the print map. Leaflet comes from the
``django-js-lib-leaflet`` wheel: served by Streamlit in the app, inlined in
exported HTML, so maps draw with no network. The one exception is an online
tile background (:mod:`coverage.tiles`), drawn only when the caller asks for one.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement
from jinja2 import Template
from shapely.geometry.base import BaseGeometry

from coverage import labels
from coverage.analysis import Result, Row
from coverage.borders import Countries
from coverage.cache import LRUCache
from coverage.display import display_box, display_rings, display_view, nearest_turn, world_offsets
from coverage.i18n import EN, Translator
from coverage.leaflet import RawHtml, page_root
from coverage.style import HORIZON_COLOUR, RING_FILL_OPACITY, THEMES, TILE_BACKDROP, credit_text, site_colour
from coverage.tiles import TileSource
from coverage.units import Unit
from coverage.view import Bounds, view_borders
from coverage.webpage import map_dark_css

STYLE = THEMES["light"]  # drawn in light colours; CSS swaps them in dark mode (webpage.map_dark_css)
PRESENTATION_LABEL_PX = 17.0
"""Site and highlight names in presentation mode (13 px otherwise): read from a room's back
row, and still small enough for four sites' names to find room on a projector's map."""


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


def _feature(geom: BaseGeometry, precision: float, **properties: object) -> dict[str, Any]:
    geom = shapely.set_precision(geom, precision, mode="pointwise")
    return {"type": "Feature", "geometry": json.loads(shapely.to_geojson(geom)), "properties": properties}


_HELPERS_JS = """
if (!window.rrLines) {
  /* Polygon edges as lines, without the edges that are not real borders or circles:
     clip-box edges, the cuts at +-180 deg, the closing edges of a cap at +-90 deg, and
     what lies beyond Web Mercator's edge (Leaflet would draw it along the map's top). */
  window.rrLines = function (fc, xs, ys) {
    function on(a, b, vs, k) {
      for (var i = 0; i < vs.length; i++) {
        if (Math.abs(a[k] - vs[i]) < 1e-7 && Math.abs(b[k] - vs[i]) < 1e-7) { return true; }
      }
      return false;
    }
    var out = [];
    fc.features.forEach(function (f) {
      var g = f.geometry;
      if (!g) { return; }
      var polys = g.type === 'Polygon' ? [g.coordinates] : (g.type === 'MultiPolygon' ? g.coordinates : []);
      var lines = [];
      polys.forEach(function (poly) {
        poly.forEach(function (ring) {
          var run = [ring[0]];
          for (var i = 1; i < ring.length; i++) {
            if (on(ring[i - 1], ring[i], xs, 0) || on(ring[i - 1], ring[i], ys, 1)
                || (Math.abs(ring[i - 1][1]) > 85.0511 && Math.abs(ring[i][1]) > 85.0511)) {
              if (run.length > 1) { lines.push(run); }
              run = [ring[i]];
            } else { run.push(ring[i]); }
          }
          if (run.length > 1) { lines.push(run); }
        });
      });
      if (lines.length) {
        out.push({type: 'Feature', properties: f.properties,
                  geometry: {type: 'MultiLineString', coordinates: lines}});
      }
    });
    return {type: 'FeatureCollection', features: out};
  };
  /* A new set of layers shown in place (the app: a story step, an edit). ``build`` draws
     them on a stage off the map (a layer group standing in for it: ``stage.rrMap``); once
     every one is ready, the old set leaves and the new one comes in within one task, so
     no frame shows the map without borders or rings. A newer stage supersedes an older
     one still loading. */
  window.rrStage = function (map, build, bounds, credit, units, style) {
    var token = map.rrToken = (map.rrToken || 0) + 1;
    var stage = L.layerGroup();
    stage.rrMap = map;
    stage.rrOff = [];
    stage.rrReady = map.rrReady || Promise.resolve();
    var off = function (s) { s.rrOff.forEach(function (f) { f(); }); };
    build(stage);
    stage.rrReady.then(function () {
      if (map.rrToken !== token) { off(stage); return; }
      var old = map.rrStaged;
      if (old) { off(old); map.removeLayer(old); }
      map.rrStyle = style;
      (map.rrRestyle || []).forEach(function (p) { p[0].setStyle(p[1]); });
      map.attributionControl.setPrefix(false);
      if (map.rrCredit) { map.attributionControl.removeAttribution(map.rrCredit); }
      map.attributionControl.addAttribution(credit);
      map.rrCredit = credit;
      if (map.rrScale) { map.rrScale.setUnits(units); }
      /* (on a map laid out: with no size, padding would give a NaN zoom) */
      if (bounds && map.getSize().y > 0) {
        window.rrCopiesFit(map, true);  /* (back on moveend, if the new view reaches them) */
        map.fitBounds(bounds, {animate: false, paddingBottomRight: [0, map.rrCreditPx || 0]});
      }
      stage.addTo(map);
      map.rrStaged = stage;
      map.rrShown = token;  /* the latest stage is on the map (tests wait for it) */
      map.fire('rrstaged');
    }).catch(function (e) { console.error(e); });
  };
  /* Work that waits until the map has been painted once (a self-contained page: borders and
     rings show first, the place names and the world outside the view a frame later). Runs
     after the whole first chain (map.rrReady); then the map's container is marked
     data-rr-drawn="true" (tools and tests wait for it). */
  window.rrAfterPaint = function (map, fn) {
    if (!map.rrPainted) {
      /* (a frame, or half a second: a page opened in a background tab gets no frames) */
      map.rrPainted = new Promise(function (r) {
        requestAnimationFrame(function () { setTimeout(r, 0); });
        setTimeout(r, 500);
      }).then(function () { return map.rrReady; });
      map.rrLate = map.rrPainted;
      /* (read once painted: by then every piece of late work has been queued) */
      map.rrPainted.then(function () { return map.rrLate; }).then(function () {
        map.getContainer().setAttribute('data-rr-drawn', 'true');
      });
    }
    map.rrLate = map.rrLate.then(fn).catch(function (e) { console.error(e); });
  };
  /* Site and ring names that would cover an earlier one or run past the map's edge are
     left out (a phone-sized map: the sides chosen for a wide one may not fit). Run by
     rrThinSettled, once the names are where they stay (see _Thin). */
  window.rrThin = function (map) {
    var box = map.getContainer().getBoundingClientRect(), kept = [];
    var tips = map.getContainer().querySelectorAll(
      '.leaflet-tooltip.site-label, .leaflet-tooltip.ring-label');
    tips.forEach(function (t) { t.style.visibility = ''; });
    tips.forEach(function (t) {
      var r = t.getBoundingClientRect();
      var out = r.left < box.left - 1 || r.right > box.right + 1
        || r.top < box.top - 1 || r.bottom > box.bottom + 1;
      var hit = kept.some(function (k) {  /* (boxes that only touch, a tooltip's shadow, may) */
        return r.left < k.right - 3 && k.left < r.right - 3 && r.top < k.bottom - 3 && k.top < r.bottom - 3;
      });
      if (out || hit) { t.style.visibility = 'hidden'; } else { kept.push(r); }
    });
  };
  /* rrThin once the names are where they stay. Not while the map zooms (zoomend calls
     again), nor while a name still slides to its place: a name added during a zoom (the
     app's first stage comes while the map zooms from the world to its view) moves there by
     Leaflet's CSS transition, from the map's corner, and thinned on the way it hid three of
     the story's four names on a phone. Also after the fonts are in (they size the names).
     A newer call supersedes one still waiting. Returns a promise of the names thinned (by
     this call or a later one). */
  window.rrThinSettled = function (map) {
    var token = map.rrThinToken = (map.rrThinToken || 0) + 1;
    var done = new Promise(function (r) { (map.rrThinWaiting = map.rrThinWaiting || []).push(r); });
    if (map._animatingZoom) { return done; }
    var moving = [];
    map.getContainer().querySelectorAll('.leaflet-tooltip.site-label, .leaflet-tooltip.ring-label')
      .forEach(function (t) {
        (t.getAnimations ? t.getAnimations() : []).forEach(function (a) {
          moving.push(a.finished.catch(function () {}));  /* (cancelled: looked at again) */
        });
      });
    Promise.all([document.fonts ? document.fonts.ready : null].concat(moving)).then(function () {
      if (map.rrThinToken !== token) { return; }
      if (moving.length) { window.rrThinSettled(map); return; }  /* (another may have started) */
      window.rrThin(map);
      map.rrThinned = (map.rrThinned || 0) + 1;  /* (tools and tests may wait for it) */
      var waiting = map.rrThinWaiting;
      map.rrThinWaiting = [];
      waiting.forEach(function (r) { r(); });
    }).catch(function (e) { console.error(e); });
    return done;
  };
  /* The world's copies a turn east and west (the app's base): on the map only while the view
     reaches past +-180 deg. Leaflet projects every path again on each zoom, and the copies
     were two thirds of that work at every story step. */
  window.rrCopiesFit = function (map, off) {
    if (!map.rrCopies || (!off && !map.getSize().x)) { return; }  /* (no view yet: kept) */
    var b = map.getBounds();
    var need = !off && (b.getWest() < -180 || b.getEast() > 180);
    if (need === !!map.rrCopiesOn) { return; }
    map.rrCopiesOn = need;
    map.rrCopies.forEach(function (l) { if (need) { map.addLayer(l); } else { map.removeLayer(l); } });
  };
  /* A scale bar in the map's units (km, mi or nmi), with a second unit under it. */
  L.Control.RRScale = L.Control.Scale.extend({
    options: {units: ['km', 'mi'], labels: {}, imperial: false},
    _addScales: function (options, className, container) {
      this._rrClass = className;
      this._rrBox = container;
      this.setUnits(options.units);
    },
    setUnits: function (units) {
      this.options.units = units;
      if (!this._rrBox) { return this; }
      var box = this._rrBox, cls = this._rrClass;
      box.innerHTML = '';
      this._rrLines = units.map(function () { return L.DomUtil.create('div', cls, box); });
      if (this._map) { this._update(); }
      return this;
    },
    _updateScales: function (maxMeters) {
      if (!maxMeters) { return; }
      var per = {km: 1000, mi: 1609.344, nmi: 1852}, self = this;
      this.options.units.forEach(function (u, i) {
        var max = maxMeters / per[u];
        var p = Math.pow(10, Math.floor(Math.log10(max))), d = max / p;
        var n = +(p * (d >= 5 ? 5 : d >= 3 ? 3 : d >= 2 ? 2 : 1)).toPrecision(3);
        self._updateScale(self._rrLines[i], n + ' ' + (self.options.labels[u] || u), n / max);
      });
    }
  });
  /* Packed borders (see coverage.maps.pack_borders) back to plain GeoJSON geometry. */
  window.rrUnpack = function (p) {
    return {type: 'FeatureCollection', features: p.features.map(function (f) {
      var bare = Array.isArray(f);  /* the world base: [name, rings] */
      return {type: 'Feature', properties: bare ? {name: f[0]} : f.properties,
        geometry: {type: 'MultiPolygon', coordinates: (bare ? f[1] : f.packed).map(function (poly) {
          return poly.map(function (ring) {
            var x = 0, y = 0, out = [];
            for (var i = 0; i < ring.length; i += 2) {
              x += ring[i]; y += ring[i + 1]; out.push([x / p.scale, y / p.scale]);
            }
            out.push(out[0]);
            return out;
          });
        })}};
    })};
  };
}
"""


class ScriptElement(MacroElement):
    """A MacroElement whose rendered script goes into the page as it is.

    branca's MacroElement compiles every rendered script as a Jinja template
    once more before the page is put together; for a map carrying tens of kB of
    data (borders, names) that second pass costs tens of milliseconds on every
    rerun of the app, and buys nothing: our scripts hold no template syntax
    (:func:`script_json` escapes it in data).
    """

    def render(self, **kwargs: Any) -> str:
        figure: Any = self.get_root()  # a branca Figure (typed as a plain Element)
        script = self._template.module.__dict__.get("script")
        if script is not None:
            figure.script.add_child(RawHtml(script(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)
        return ""


_PANE_Z = {"world": 340, "countries": 350}
"""Panes under Leaflet's overlay pane (400: rings): the world base under the view's borders."""


class JsonLayer(ScriptElement):
    """A Leaflet GeoJSON layer from pre-serialised JSON, styled in JavaScript.

    folium.GeoJson re-serialises its data and evaluates style functions in
    Python on every render; the app re-renders on every click, so the large
    borders layer is serialised once per view instead. ``tooltip`` names a
    feature property holding *already escaped* text.

    Layers are added to the map in page order through one promise chain per
    map: a layer fetched from ``url`` starts loading at once, but the layers
    after it (the rings) wait until it is drawn, so rings never show on an
    empty sea. ``lines`` draws polygon outlines as separate lines (styled by
    ``lines``; only for features whose property ``lines_where`` is true, if
    given) without the edges on the longitudes ``cut_lons`` and latitudes
    ``cut_lats`` (clip boxes, ±180°, the poles); ``casing`` draws them under
    the layer, wider (a halo that keeps them readable on any fill).
    ``offsets`` repeats the layer shifted by whole turns (a map across the
    date line); ``packed`` data comes from :func:`pack_borders`; ``backdrop``
    is a [[south, west], [north, east]] box painted in ``backdrop_colour`` first.
    ``restyled``: its styles are applied again whenever a stage is shown (the app's world
    base, whose style functions read ``map.rrStyle``). ``later_inside``: a [[south, west],
    [north, east]] box of finer borders over this (inline) layer; while the view lies
    inside it, the layer is drawn after the map's first paint (``rrAfterPaint``).
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
        var map = {{ this._parent.get_name() }};
        var real = map.rrMap || map;  /* a stage (see rrStage) stands in for its map */
        {% if this.pane %}
        if (!real.getPane({{ this.pane|tojson }})) {
            real.createPane({{ this.pane|tojson }}).style.zIndex = {{ this.pane_z }};
        }
        {% endif %}
        function add(data, dx) {
            var toLatLng = function (c) { return L.latLng(c[1], c[0] + dx); };
            {% if this.backdrop %}
            L.rectangle({{ this.backdrop|tojson }}, {stroke: false, interactive: false,
                fillColor: {{ this.backdrop_colour|tojson }}, fillOpacity: 1
                {%- if this.pane %}, pane: {{ this.pane|tojson }}{% endif %}}).addTo(map);
            {% endif %}
            {% if this.lines or this.casing %}
            var lines = window.rrLines(data, {{ this.cut_lons|tojson }}, {{ this.cut_lats|tojson }});
            {% endif %}
            {% if this.casing %}
            L.geoJson(lines, {smoothFactor: 0, coordsToLatLng: toLatLng, interactive: false,
                {% if this.pane %}pane: {{ this.pane|tojson }},{% endif %}
                style: {{ this.casing }}}).addTo(map);
            {% endif %}
            var fill = L.geoJson(data, {
                smoothFactor: 0,
                coordsToLatLng: toLatLng,
                {% if this.pane %}pane: {{ this.pane|tojson }},{% endif %}
                interactive: {{ 'true' if this.tooltip else 'false' }},
                style: {{ this.style }},
                pointToLayer: function (f, latlng) { return L.circleMarker(latlng); },
                onEachFeature: function (f, layer) {
                    {% if this.tooltip %}
                    var text = f.properties[{{ this.tooltip|tojson }}];
                    var options = Object.assign({}, {{ this.tooltip_options|tojson }});
                    if (f.properties.dir) { options.direction = f.properties.dir; }
                    if (text) { layer.bindTooltip(text, options); }
                    {% endif %}
                }
            }).addTo(map);
            {% if this.lines %}
            var outline = L.geoJson(lines, {smoothFactor: 0, coordsToLatLng: toLatLng, interactive: false,
                {% if this.pane %}pane: {{ this.pane|tojson }},{% endif %}
                {% if this.lines_where %}
                filter: function (f) { return !!f.properties[{{ this.lines_where|tojson }}]; },
                {% endif %}
                style: {{ this.lines }}}).addTo(map);
            {% endif %}
            {% if this.restyled %}
            /* restyled when the map changes in place (rrStage) */
            (real.rrRestyle = real.rrRestyle || []).push([fill, {{ this.style }}]);
            {% if this.lines %}real.rrRestyle.push([outline, {{ this.lines }}]);{% endif %}
            /* a copy a turn away is on the map only while the view reaches it (rrCopiesFit) */
            if (dx !== 0) {
                (real.rrCopies = real.rrCopies || []).push(fill{% if this.lines %}, outline{% endif %});
                real.rrCopiesOn = true;
            }
            {% endif %}
        }
        function {{ this.get_name() }}_add(data) {
            {% if this.packed %}data = window.rrUnpack(data);{% endif %}
            {{ this.offsets|tojson }}.forEach(function (dx) { add(data, dx); });
            {% if this.restyled %}
            window.rrCopiesFit(real);
            /* (while dragging too: land past +-180 deg comes as it comes into view) */
            real.on('move moveend', function () { window.rrCopiesFit(real); });
            {% endif %}
        }
        var ready = map.rrReady || Promise.resolve();
        {% if this.url %}
        /* Fetched once per page: a map shown again in place (rrStage) reuses it. */
        var fetched = window.rrFetched = window.rrFetched || {};
        var loading = fetched[{{ this.url|tojson }}] = fetched[{{ this.url|tojson }}]
            || fetch({{ this.url|tojson }}).then(function (r) { return r.json(); })
                .catch(function (e) { delete fetched[{{ this.url|tojson }}]; throw e; });
        map.rrReady = ready.then(function () { return loading; }).then({{ this.get_name() }}_add)
            .catch(function (e) { console.error(e); });
        {% elif this.later_inside %}
        /* Under the view's finer borders: while the view lies inside them, drawn after the
           first paint (rrAfterPaint), so the rings show sooner. */
        map.rrReady = ready.then(function () {
            var data = {{ this.data }};
            if (!map.rrMap && L.latLngBounds({{ this.later_inside|tojson }}).contains(real.getBounds())) {
                window.rrAfterPaint(real, function () { {{ this.get_name() }}_add(data); });
            } else {
                {{ this.get_name() }}_add(data);
            }
        }).catch(function (e) { console.error(e); });
        {% else %}
        map.rrReady = ready.then(function () {
        {{ this.get_name() }}_add({{ this.data }});
        }).catch(function (e) { console.error(e); });
        {% endif %}
        })();
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
        lines: str | None = None,
        lines_where: str | None = None,
        casing: str | None = None,
        cut_lons: Sequence[float] = (-180.0, 180.0),
        cut_lats: Sequence[float] = (-90.0, 90.0),
        offsets: Sequence[float] = (0.0,),
        packed: bool = False,
        backdrop: tuple[tuple[float, float], tuple[float, float]] | None = None,
        backdrop_colour: str = "",
        restyled: bool = False,
        later_inside: tuple[tuple[float, float], tuple[float, float]] | None = None,
        name: str = "JsonLayer",
    ) -> None:
        super().__init__()
        if (data is None) == (url is None):
            raise ValueError("give either data or url")
        if not name.isidentifier():  # it names the layer's functions in the page's script
            raise ValueError(f"a layer's name must be an identifier, not {name!r}")
        self._name = name
        self.data = data
        self.url = url
        self.pane = pane
        self.style = style
        self.tooltip = tooltip
        self.tooltip_options = tooltip_options or {}
        self.lines = lines
        self.lines_where = lines_where
        self.casing = casing
        self.cut_lons = list(cut_lons)
        self.cut_lats = list(cut_lats)
        self.offsets = list(offsets)
        self.packed = packed
        self.backdrop = backdrop
        self.backdrop_colour = backdrop_colour
        self.restyled = restyled
        self.later_inside = later_inside
        self.pane_z = _PANE_Z.get(pane or "", 350)


class _Helpers(ScriptElement):
    """The map's few JavaScript helpers (:data:`_HELPERS_JS`), defined once per page."""

    _template = Template("{% macro script(this, kwargs) %}" + _HELPERS_JS + "{% endmacro %}")

    def __init__(self) -> None:
        super().__init__()
        self._name = "Helpers"


WORLD_RESOLUTION = "110m"
"""The world base drawn under every map (Natural Earth 1:110m, ≈ 75 kB packed)."""
PACK_SCALE = 100
"""Packed coordinates are whole hundredths of a degree (≈ 1 km; under a pixel at world zooms)."""


def pack_borders(frame: gpd.GeoDataFrame, scale: int = PACK_SCALE, *, bare: bool = False) -> str:
    """Borders as compact JSON: each country's rings as integer deltas (x, y, x, y…) in 1/``scale`` °.

    About half the size of GeoJSON. Still a GeoJSON FeatureCollection (each
    feature's geometry an empty MultiPolygon, its rings in the foreign member
    ``packed``, the unit in ``scale``), so any reader sees the names; ``rrUnpack``
    in the page restores the geometry. Each ring starts absolute and drops its closing vertex.
    ``bare``: each feature just ``[name, rings]``, in a collection of type
    ``PackedBorders`` (the world base: 18 kB less).
    """
    import numpy as np

    features: list[Any] = []
    for name, geom in zip(frame["name"], frame.geometry.values, strict=True):
        polys = []
        for part in shapely.get_parts(geom):
            rings = []
            for ring in (part.exterior, *part.interiors):
                q = np.round(np.asarray(ring.coords)[:-1, :2] * scale).astype(np.int64)
                if len(q) < 3:
                    continue
                rings.append(np.diff(q, axis=0, prepend=[[0, 0]]).ravel().tolist())
            if rings:
                polys.append(rings)
        if polys and bare:
            features.append([str(name), polys])
        elif polys:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": str(name)},
                    "geometry": {"type": "MultiPolygon", "coordinates": []},
                    "packed": polys,
                }
            )
    if bare:  # not GeoJSON any more: say so
        return script_json({"type": "PackedBorders", "scale": scale, "features": features})
    return script_json({"type": "FeatureCollection", "scale": scale, "features": features})


def unpack_borders(text: str) -> list[tuple[str, BaseGeometry]]:
    """:func:`pack_borders` read back (tests, and anyone checking what the page draws)."""
    import numpy as np

    packed = json.loads(text)
    scale = float(packed["scale"])
    out = []
    for feature in packed["features"]:
        name, polys = (
            feature if isinstance(feature, list) else (feature["properties"]["name"], feature["packed"])
        )
        shapes = []
        for rings in polys:
            coords = [np.cumsum(np.asarray(r, dtype=float).reshape(-1, 2), axis=0) / scale for r in rings]
            shapes.append(shapely.Polygon(coords[0], coords[1:]))
        out.append((name, shapely.MultiPolygon(shapes)))
    return out


def pack_scale(box: Bounds) -> int:
    """The unit of a view's packed borders: no coarser than their simplification (a pixel)."""
    tolerance_deg = (box[2] - box[0]) / 1500.0
    return 100 if tolerance_deg >= 0.01 else 1000


_WORLD_JSON: dict[str, str] = {}


def world_json(resolution: str = WORLD_RESOLUTION) -> str:
    """The packed world base (:func:`pack_borders` of the whole map), built once per process."""
    if resolution not in _WORLD_JSON:
        from coverage.borders import load_borders

        _WORLD_JSON[resolution] = pack_borders(load_borders(resolution), bare=True)
    return _WORLD_JSON[resolution]


def coverage_map(
    result: Result,
    borders_geojson: str | None = None,
    *,
    borders_url: str | None = None,
    world_url: str | None = None,
    units: Unit = "km",
    presentation: bool = False,
    highlights: Mapping[str, BaseGeometry] | None = None,
    horizon: tuple[str, Sequence[BaseGeometry]] | None = None,
    height: int | str = "100%",
    tiles: TileSource | None = None,
    tr: Translator = EN,
) -> folium.Map:
    """``result`` on a plain locator map (by default no tiles: works offline).

    Under everything, the whole world (:data:`WORLD_RESOLUTION`): inline, or
    fetched from ``world_url`` (the app: one cached file for every map). Over
    it, the view's finer borders: inline as ``borders_geojson`` (from
    :func:`display_json`; for self-contained files) or fetched from
    ``borders_url``. ``highlights`` are labelled lines drawn over everything
    (the story's borders and coasts); ``horizon`` a label and one dashed ring
    per site. Reached countries are shaded by their share within range
    (:data:`coverage.style.SHARE_CLASSES`); countries, seas and capitals are
    named (:mod:`coverage.labels`). Rings crossing the date line are drawn whole
    (:mod:`coverage.display`).

    ``tiles``: an online background (see :mod:`coverage.tiles`) under
    everything else, with its provider's attribution. The browser then loads
    tiles from the provider; no world base is drawn, land out of range is left
    unfilled and reached countries are tinted, so the tiles show through.
    """
    m = _new_map(height, tiles)
    rings = display_rings(result.rings, [site.lon_deg for site in result.sites])
    view = display_view(rings)
    box = display_box(view)
    style = _CountryStyle(result, tinted=tiles is not None, tr=tr)
    if tiles is None:
        # A view wider than half the world shows the date line: draw the next world too.
        offsets = world_offsets(box) if box[2] - box[0] < 180.0 else (-360.0, 0.0, 360.0)
        _world_layer(m, style.fill, style.lines, world_url, offsets, box=box)
    _draw(m, result, borders_geojson, borders_url, units, presentation, highlights, horizon, tiles, tr)
    # No pixel padding: Leaflet's fitBounds on a map not yet laid out (an iframe of height
    # 0 for a moment) would compute a NaN zoom from a negative size and never draw. The
    # view is padded by 8 % in degrees, which keeps rings clear of the credit's corner.
    m.fit_bounds(view_box(result, highlights))
    _Thin(after_paint=True).add_to(m)  # (and so the map is marked data-rr-drawn once drawn)
    _page_style(m, presentation, tiles)
    _Attribution(credit_text(result.sites, tr=tr)).add_to(m)
    _Scale(scale_units(units), tr).add_to(m)
    return m


def _new_map(height: int | str, tiles: TileSource | None, *, fade: bool = True) -> folium.Map:
    m = folium.Map(
        tiles=None, control_scale=False, zoom_snap=0.25, height=height, min_zoom=1, fade_animation=fade
    )
    _Helpers().add_to(m)
    if tiles is not None:
        tile_layer(tiles).add_to(m)
    return m


def scale_units(units: Unit) -> list[str]:
    """The scale bar's units: the map's, then km (km and mi for a map in km)."""
    return ["km", "mi"] if units == "km" else [units, "km"]


def framed_view(
    result: Result,
    highlights: Mapping[str, BaseGeometry] | None = None,
    rings: Sequence[BaseGeometry] | None = None,
) -> Bounds:
    """What a map frames: its rings as drawn and what it highlights (step 2 of the story shows
    the Armenian border, the Aegean coast and the Greek border with Ankara's ring), padded."""
    if rings is None:
        rings = display_rings(result.rings, [site.lon_deg for site in result.sites])
    if not highlights:
        return display_view(rings)
    return display_view([*rings, *highlights.values()])


def view_box(result: Result, highlights: Mapping[str, BaseGeometry] | None = None) -> list[list[float]]:
    """:func:`framed_view` as Leaflet bounds, [[south, west], [north, east]]."""
    min_lon, min_lat, max_lon, max_lat = framed_view(result, highlights)
    return [[min_lat, min_lon], [max_lat, max_lon]]


_RING_NAME_ANCHORS = (2, 3)
"""A ring's name at its top: above the ring's line, else below it (indices into the site anchors)."""


def point_names(
    result: Result, rings: Sequence[BaseGeometry] | None = None, tr: Translator = EN
) -> tuple[list[str | None], list[tuple[str, float, float]], list[tuple[int, ...] | None], list[int]]:
    """The names beside the map's points: each site's (:func:`coverage.labels.site_labels`:
    one for sites sharing a place) and, for rings around a shared place, each ring's at its
    top (:func:`coverage.labels.ring_names`), so that a projector tells them apart without
    the legend. Returns the sites' names (None: named by an earlier site), every name as
    (text, lon, lat) for :func:`coverage.labels.site_anchors` with its anchor ``orders``,
    and the index of the site each ring name belongs to. ``rings``: as drawn."""
    if rings is None:
        rings = display_rings(result.rings, [site.lon_deg for site in result.sites])
    names = labels.site_labels(result.sites)
    # Where the sites are drawn: a turn from the first one's longitude at most (see _sites_layer).
    anchor = result.sites[0].lon_deg if result.sites else 0.0
    named = [
        (name, s.lon_deg + nearest_turn(s.lon_deg, anchor), s.lat_deg)
        for name, s in zip(names, result.sites, strict=True)
        if name
    ]
    orders: list[tuple[int, ...] | None] = [None] * len(named)
    owners = []
    for i, (tag, ring) in enumerate(zip(labels.ring_names(result.sites, tr.place), rings, strict=True)):
        if tag and not ring.is_empty and not is_cap(ring):
            xy = shapely.get_coordinates(ring)
            top = xy[int(np.argmax(xy[:, 1]))]
            named.append((tag, float(top[0]), float(top[1])))
            orders.append(_RING_NAME_ANCHORS)
            owners.append(i)
    return names, named, orders, owners


def _draw(
    target: Any,
    result: Result,
    borders_geojson: str | None,
    borders_url: str | None,
    units: Unit,
    presentation: bool,
    highlights: Mapping[str, BaseGeometry] | None,
    horizon: tuple[str, Sequence[BaseGeometry]] | None,
    tiles: TileSource | None,
    tr: Translator = EN,
) -> None:
    """What changes with the scenario: the view's borders, rings, horizon, highlights,
    sites and place names, added to ``target`` (the map, or the app's stage)."""
    weight = 3 if presentation else 2
    centres = [site.lon_deg for site in result.sites]
    rings = display_rings(result.rings, centres)
    view = display_view(rings)
    box = display_box(view)
    style = _CountryStyle(result, tinted=tiles is not None, tr=tr)
    _countries_layer(target, style, borders_geojson, borders_url, box, tinted=tiles is not None)
    _rings_layer(target, result, rings, units, weight)
    if horizon is not None:
        label, geoms = horizon
        features = [
            _feature(g, 1e-4, tip=html.escape(label), cut=is_cap(g))
            for g in display_rings(list(geoms), centres)
        ]
        JsonLayer(
            script_json({"type": "FeatureCollection", "features": features}),
            "function (f) { return {color: '%s', weight: 2, dashArray: '6 6', fill: false,"
            " stroke: !f.properties.cut}; }" % HORIZON_COLOUR,
            lines="function (f) { return {color: '%s', weight: 2, dashArray: '6 6'}; }" % HORIZON_COLOUR,
            lines_where="cut",
            tooltip="tip",
            tooltip_options={"sticky": True},
            name="Horizon",
        ).add_to(target)
    if highlights:
        # Named by the place names' layer (beside the lines, never over them); over tiles,
        # which carry their own names, by permanent tooltips.
        _highlights_layer(target, highlights, weight, named=tiles is not None)
    framed = framed_view(result, highlights, rings)
    names, named, orders, owners = point_names(result, rings, tr)
    sides = labels.site_anchors(
        named,
        framed,
        highlight_lines(highlights),
        PRESENTATION_LABEL_PX if presentation else None,
        orders=orders,
    )
    site_sides = iter(sides)
    directions = [labels.SITE_DIRECTIONS[next(site_sides)] if name else "right" for name in names]
    _sites_layer(target, result, presentation, names, directions, tr)
    if owners:
        tops = named[len(named) - len(owners) :]
        _ring_names_layer(target, tops, owners, [labels.SITE_DIRECTIONS[i] for i in sides[-len(owners) :]])
    if tiles is None:  # a tile background carries its own place names
        _labels_layer(target, result, framed, presentation, highlights, tr)


def app_map(
    result: Result,
    *,
    borders_url: str,
    world_url: str,
    home: list[list[float]],
    units: Unit = "km",
    presentation: bool = False,
    highlights: Mapping[str, BaseGeometry] | None = None,
    horizon: tuple[str, Sequence[BaseGeometry]] | None = None,
    tiles: TileSource | None = None,
    tr: Translator = EN,
) -> tuple[folium.Map, folium.FeatureGroup]:
    """The app's map in two parts: a base that stays the same while the scenario changes
    (the map opened on ``home``, the world base, the page's style) and a
    :class:`Stage` with everything else, for streamlit-folium's ``feature_group_to_add``.

    The browser keeps the base (streamlit-folium remounts its map only when the base's
    script changes) and shows each new stage in place (``rrStage`` in the page):
    borders stay drawn, no blank frame. Same layers and looks as :func:`coverage_map`.
    """
    # No fading: a stage's tooltips (the site names) would stay 200 ms beside the next
    # stage's, fading out, so the page would name each site twice at every swap.
    m = _new_map("100%", tiles, fade=False)
    if tiles is None:
        land = script_json({"stroke": False, "fillColor": STYLE.land, "fillOpacity": 1.0})
        line = script_json({"color": STYLE.border, "weight": 0.7})
        _RawScript(
            "%s.rrStyle = {fill: function () { return %s; }, lines: function () { return %s; }};"
            % (m.get_name(), land, line)
        ).add_to(m)
        # The whole world at every longitude a view may reach (its styles follow the stage's).
        _world_layer(
            m,
            "function (f) { return map.rrStyle.fill(f); }",
            "function (f) { return map.rrStyle.lines(f); }",
            world_url,
            (-360.0, 0.0, 360.0),
            restyled=True,
        )
    m.fit_bounds(home)
    if presentation:  # the larger credit takes more of the map's foot: rings are framed above it
        _RawScript("%s.rrCreditPx = 40;" % m.get_name()).add_to(m)
    _page_style(m, presentation, tiles)
    _Scale(scale_units(units), tr).add_to(m)
    _Thin(after_paint=False).add_to(m)  # (each stage, zoom, pan and resize)
    stage = Stage(
        view_box(result, highlights),
        html.escape(credit_text(result.sites, tr=tr)),
        scale_units(units),
        _CountryStyle(result, tinted=tiles is not None, tr=tr),
    )
    _draw(stage.target, result, None, borders_url, units, presentation, highlights, horizon, tiles, tr)
    return m, stage


class _StageTarget(MacroElement):
    """The parent of a stage's layers: their scripts name it ``stage`` (rrStage's argument)."""

    def __init__(self) -> None:
        super().__init__()
        self._name = "stage"

    def get_name(self) -> str:
        return "stage"


class Stage(folium.FeatureGroup):
    """The part of the app's map that changes: its layers' scripts, wrapped in one call of
    ``rrStage`` (see :data:`_HELPERS_JS`). An empty feature group to streamlit-folium; the
    same map gives the same script (layers numbered in order), so a rerun that changes
    nothing on the map leaves it, and its view, alone."""

    _template = Template(  # type: ignore[assignment]  # jinja2's, as folium's own elements
        """{% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.featureGroup();
        window.rrStage(map_div, function (stage) {
        {{ this.layers_js }}
        }, {{ this.bounds|tojson }}, {{ this.credit }}, {{ this.units|tojson }},
        {fill: {{ this.fill }}, lines: {{ this.lines }}});
        {% endmacro %}"""
    )

    def __init__(self, bounds: list[list[float]], credit_html: str, units: list[str], style: Any) -> None:
        super().__init__(name="stage", control=False)
        self.target = _StageTarget()
        self.bounds = bounds
        self.credit = script_json(credit_html)
        self.units = units
        self.fill = style.fill
        self.lines = style.lines

    @property
    def layers_js(self) -> str:
        """The scripts of the stage's layers, in order, each numbered by its place."""
        parts = []
        for i, child in enumerate(self.target._children.values()):
            child._id = f"s{i}"
            parts.append(child._template.module.script(child, {}))  # type: ignore[attr-defined]
        return "\n".join(parts)


class _Thin(ScriptElement):
    """Names that would cover each other or run past the map's edge left out (``rrThin``),
    once laid out (``rrThinSettled``): after each stage shown in place (the app), zoom, pan
    or resize of the map or its frame; a page of its own (``after_paint``: the HTML export)
    also once its names are drawn, which marks it ``data-rr-drawn``."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
        var map = {{ this._parent.get_name() }};
        var thin = function () { return window.rrThinSettled(map); };
        map.on('zoomend moveend resize rrstaged', thin);
        /* (the frame may change size without the window: Leaflet sees only the window's) */
        if (window.ResizeObserver) { new ResizeObserver(thin).observe(map.getContainer()); }
        {% if this.after_paint %}window.rrAfterPaint(map, thin);{% endif %}
        })();
        {% endmacro %}"""
    )

    def __init__(self, *, after_paint: bool) -> None:
        super().__init__()
        self._name = "Thin"
        self.after_paint = after_paint


class _RawScript(ScriptElement):
    """A line of JavaScript for the page (trusted text only)."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.js }}{% endmacro %}")

    def __init__(self, js: str) -> None:
        super().__init__()
        self._name = "RawScript"
        self.js = js


class _Scale(MacroElement):
    """The scale bar (``L.Control.RRScale``) in ``units``, kept as ``map.rrScale``."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.rrScale = new L.Control.RRScale(
            {units: {{ this.units|tojson }}, labels: {{ this.labels|tojson }}}
        ).addTo({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, units: list[str], tr: Translator = EN) -> None:
        super().__init__()
        self._name = "Scale"
        self.units = units
        # The units as the page's language writes them on a map (mil, ν.μ.…).
        self.labels = {u: tr.unit_symbol(u) for u in ("km", "mi", "nmi")}


def _highlights_layer(
    target: Any, highlights: Mapping[str, BaseGeometry], weight: int, *, named: bool
) -> None:
    """The story's borders and coasts; ``named``: each with its name as a permanent tooltip."""
    _layer(
        target,
        [_feature(geom, 1e-4, tip=html.escape(label)) for label, geom in highlights.items()],
        "function (f) { return {color: %s, weight: %d, opacity: 0.9}; }"
        % (script_json(STYLE.highlight), weight + 3),
        "Highlights",
        {"permanent": True, "direction": "left", "offset": [-12, 0], "className": "highlight-label"}
        if named
        else None,
    )


def _layer(
    m: Any,
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


def is_cap(geom: BaseGeometry) -> bool:
    """Whether a ring as drawn reaches a pole (closed along it and the date line: edges not to stroke)."""
    _, south, _, north = geom.bounds
    return bool(south <= -90.0 + 1e-9 or north >= 90.0 - 1e-9)


def _rings_layer(m: Any, result: Result, rings: Sequence[BaseGeometry], units: Unit, weight: int) -> None:
    """Rings as a light fill and an outline on a white casing (readable on sea and land).

    A polar cap's closing edges (along the pole and the date line) are not
    stroked: its outline is drawn as lines without them.
    """
    features = [
        _feature(
            ring,
            1e-4,
            tip=html.escape(f"{site.name}: {site.label(units)}"),
            colour=site_colour(i),
            cut=is_cap(ring),
        )
        for i, (site, ring) in enumerate(zip(result.sites, rings, strict=True))
    ]
    outline = "color: f.properties.colour, weight: %d, opacity: 1" % weight
    JsonLayer(
        script_json({"type": "FeatureCollection", "features": features}),
        "function (f) { return {%s, stroke: !f.properties.cut, fillColor: f.properties.colour,"
        " fillOpacity: %s}; }" % (outline, RING_FILL_OPACITY),
        lines="function (f) { return {%s}; }" % outline,
        lines_where="cut",
        casing="function (f) { return {color: '#ffffff', weight: %d, opacity: 0.85}; }" % (weight + 3),
        tooltip="tip",
        tooltip_options={"sticky": True},
        name="Rings",
    ).add_to(m)


class _CountryStyle:
    """How countries are filled and outlined, in JavaScript: reached ones by their share's class."""

    def __init__(self, result: Result, *, tinted: bool, tr: Translator = EN) -> None:
        reached_opacity, land_opacity = (0.45, 0.0) if tinted else (1.0, 1.0)
        tip = tr.gettext("{country}: {share} within range")
        shares = {
            str(row["country"]): [
                html.escape(
                    tip.format(
                        country=tr.country(str(row["country"])), share=tr.percent(row["covered_pct"], 1)
                    )
                ),
                STYLE.share_fill(float(row["covered_pct"])),
            ]
            for row in result.rows
        }
        land = {"stroke": False, "fillColor": STYLE.land, "fillOpacity": land_opacity}
        self.fill = (
            "function (f) { var s = %s; var hit = s.hasOwnProperty(f.properties.name);"
            " f.properties.tip = hit ? s[f.properties.name][0] : null;"
            " return hit ? {stroke: false, fillColor: s[f.properties.name][1], fillOpacity: %s} : %s; }"
            % (script_json(shares), reached_opacity, script_json(land))
        )
        reached_line = {"color": STYLE.reached_border, "weight": 1.0}
        land_line = {"color": STYLE.border, "weight": 0.7}
        self.lines = "function (f) { return %s.hasOwnProperty(f.properties.name) ? %s : %s; }" % (
            script_json({name: 1 for name in shares}),
            script_json(reached_line),
            script_json(land_line),
        )


def _share(row: Row, tr: Translator) -> str:
    return tr.percent(float(row["covered_pct"]), 1)


def _world_layer(
    m: folium.Map,
    fill: str,
    lines: str,
    url: str | None,
    offsets: Sequence[float],
    *,
    restyled: bool = False,
    box: Bounds | None = None,
) -> None:
    """The whole world under the view's borders, so land never ends at the edge of the view.

    In a pane of its own under the view's (``countries``), so that it may be drawn after
    them: inline, it waits for the first paint while the view lies inside ``box``.
    """
    JsonLayer(
        None if url is not None else world_json(),
        fill,
        url=url,
        pane="world",
        lines=lines,
        offsets=offsets,
        packed=True,
        restyled=restyled,
        later_inside=None if box is None else ((box[1], box[0]), (box[3], box[2])),
        name="World",
    ).add_to(m)


def _countries_layer(
    m: Any,
    style: _CountryStyle,
    data: str | None,
    url: str | None,
    box: Bounds,
    *,
    tinted: bool,
) -> None:
    """The view's finer borders, reached countries shaded by share, with their share as a tooltip.

    The world base under them is painted over with the sea colour first inside
    ``box`` (its coarser coasts would show through); the box's own edges are
    never stroked. ``tinted`` (over tiles): out-of-range land only outlined and
    reached land tinted; the countries pane (z 350) sits above Leaflet's tile
    pane (z 200), below the rings.
    """
    west, south, east, north = box
    JsonLayer(
        data,
        style.fill,
        url=url,
        pane="countries",
        tooltip="tip",
        tooltip_options={"sticky": True},
        lines=style.lines,
        cut_lons=(west, east, -180.0, 180.0),
        cut_lats=(south, north, -90.0, 90.0),
        backdrop=None if tinted else ((south, west), (north, east)),
        backdrop_colour=STYLE.sea,
        packed=True,
        name="Countries",
    ).add_to(m)


def _sites_layer(
    m: Any,
    result: Result,
    presentation: bool,
    names: Sequence[str | None],
    directions: Sequence[str] = (),
    tr: Translator = EN,
) -> None:
    """The sites' markers, each named (``names``, :func:`coverage.labels.site_labels`: none
    where an earlier site at the same place carries the name) by a permanent tooltip on its
    side (``directions``, as :func:`coverage.labels.site_anchors` chose: off the other names
    and the highlights)."""
    anchor = result.sites[0].lon_deg if result.sites else 0.0
    points = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [site.lon_deg + nearest_turn(site.lon_deg, anchor), site.lat_deg],
            },
            "properties": {
                "tip": _site_tip(tr.place(name)) if name else "",
                "colour": site_colour(i),
                "dir": directions[i] if i < len(directions) else "right",
            },
        }
        for i, (site, name) in enumerate(zip(result.sites, names, strict=True))
    ]
    _layer(
        m,
        points,
        "function (f) { return {radius: %d, color: '#ffffff', weight: 2, fillColor: f.properties.colour,"
        " fillOpacity: 1.0}; }" % (7 if presentation else 5),
        "Sites",
        {"permanent": True, "direction": "right", "className": "site-label"},
    )


SMALL_MAP_PX = 480
"""On a map narrower than this (a phone), site names drop their parenthesis ("Edirne" for
"Edirne (Greek border)"; the legend and the highlights say the rest); on any map, names
that would still cover one another or run past the map's edge are left out (``rrThin``)."""


def _site_tip(name: str) -> str:
    """A site's name as tooltip HTML: a closing parenthesis ("Kars (Armenian border)") in a
    span that a small map hides."""
    head, sep, tail = name.partition(" (")
    if not sep or not head or not tail.endswith(")"):
        return html.escape(name)
    return f'{html.escape(head)}<span class="rr-long"> ({html.escape(tail)}</span>'


def _ring_names_layer(
    m: Any, tops: Sequence[tuple[str, float, float]], owners: Sequence[int], directions: Sequence[str]
) -> None:
    """Each ring's name at its top (:func:`point_names`), beside a dot of the ring's colour."""
    points = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "tip": '<i class="rr-swatch" style="background:%s"></i>' % site_colour(i) + html.escape(text),
                "dir": direction,
            },
        }
        for (text, lon, lat), i, direction in zip(tops, owners, directions, strict=True)
    ]
    _layer(
        m,
        points,
        "function () { return {radius: 0, stroke: false, fill: false}; }",
        "RingNames",
        {"permanent": True, "direction": "top", "className": "ring-label"},
    )


MAP_SIZE_PX = (1100.0, 540.0)
"""The app's map panel, roughly: labels are guaranteed at the zoom it opens at."""

_LABEL_CSS = {
    "country": "rr-country",
    "sea": "rr-sea",
    "capital": "rr-capital",
    "highlight": "rr-highlight",
}


def highlight_lines(
    highlights: Mapping[str, BaseGeometry] | None,
) -> tuple[tuple[str, tuple[tuple[float, float], ...]], ...]:
    """Each highlight's name and its longest part's (lon, lat) points, for the place names."""
    out = []
    for name, geom in (highlights or {}).items():
        parts = [p for p in shapely.get_parts(geom) if not p.is_empty]
        if parts:
            longest = max(parts, key=lambda p: p.length)
            coords = shapely.get_coordinates(longest)
            out.append((name, tuple((round(float(x), 4), round(float(y), 4)) for x, y in coords)))
    return tuple(out)


def label_rows(
    result: Result,
    view: Bounds,
    presentation: bool = False,
    highlights: Mapping[str, BaseGeometry] | None = None,
    tr: Translator = EN,
) -> list[list[Any]]:
    """The map's place names: [lon, lat, escaped text, kind, codes] per label shown at some zoom.

    ``codes`` has one character per zoom from :data:`coverage.labels.MIN_ZOOM`
    (see :func:`coverage.labels.place`). ``highlights`` are named beside their lines, and
    no name covers them.
    """
    shares = {str(row["iso_a3"]): float(row["covered_pct"]) for row in result.rows if row.get("iso_a3")}
    _, sites, orders, _ = point_names(result, tr=tr)
    lines = highlight_lines(highlights)
    key = (
        tuple(sorted(shares.items())),
        tuple(round(v, 2) for v in view),
        tuple(sites),
        tuple(orders),
        presentation,
        lines,
        tr.lang,
    )
    return _LABELS.get_or_make(
        key,
        lambda: _label_rows(
            shares, view, sites, PRESENTATION_LABEL_PX if presentation else None, lines, tr, orders
        ),
    )


def _label_rows(
    shares: dict[str, float],
    view: Bounds,
    sites: list[tuple[str, float, float]],
    site_font_px: float | None,
    lines: Sequence[tuple[str, Sequence[tuple[float, float]]]] = (),
    tr: Translator = EN,
    orders: Sequence[tuple[int, ...] | None] = (),
) -> list[list[Any]]:
    centre = 0.5 * (view[0] + view[2])
    sides = labels.site_anchors(sites, view, lines, site_font_px, orders=orders)
    found = labels.map_labels(
        shares, labels.screen_view(view, *MAP_SIZE_PX), sites, site_font_px=site_font_px, site_sides=sides
    )
    # Names in the reader's language before placing them: the boxes are sized from the text.
    candidates = [
        dataclasses.replace(c, lon_deg=c.lon_deg + nearest_turn(c.lon_deg, centre), text=_shown(c, tr))
        for c in [*found, *labels.highlight_labels(lines, view, site_font_px)]
    ]
    codes = labels.place(candidates)
    return [
        [round(c.lon_deg, 3), round(c.lat_deg, 3), html.escape(c.text), c.kind, code]
        for c, code in zip(candidates, codes, strict=True)
        if c.kind not in labels.OBSTACLES and code.strip("-")
    ]


def _shown(label: labels.Label, tr: Translator) -> str:
    """A place name in ``tr``'s language (highlights come named in it; sites are obstacles)."""
    if label.kind == "country":
        return tr.country(label.text)
    if label.kind in ("sea", "capital"):
        return tr.place(label.text)
    return label.text


_LABELS: LRUCache[Any, list[list[Any]]] = LRUCache(64)
_LABELS_JSON: LRUCache[Any, str] = LRUCache(64)


def label_rows_json(
    result: Result,
    view: Bounds,
    presentation: bool = False,
    highlights: Mapping[str, BaseGeometry] | None = None,
    tr: Translator = EN,
) -> str:
    """:func:`label_rows` as script-safe JSON, cached (the app sends it on every rerun)."""
    # A Result compares by identity; the key keeps it alive. Highlights by their names.
    key = (result, view, presentation, tuple(highlights or ()), tr.lang)
    return _LABELS_JSON.get_or_make(
        key, lambda: script_json(label_rows(result, view, presentation, highlights, tr))
    )


def _anchor_css() -> dict[str, list[str]]:
    """CSS transforms matching :data:`coverage.labels.ANCHORS` (the box's offset from its point)."""
    out: dict[str, list[str]] = {}
    for kind in _LABEL_CSS:
        moves = []
        for fx, fy in labels.ANCHORS[kind]:  # type: ignore[index]
            gap = labels.HIGHLIGHT_GAP_PX if kind == "highlight" else 0.0
            dot = labels.DOT_PX if kind == "capital" and fx else (gap if fx else 0.0)
            x = (
                f"calc({(fx - 0.5) * 100:.0f}% + {dot * (1 if fx > 0 else -1):.0f}px)"
                if dot
                else f"{(fx - 0.5) * 100:.0f}%"
            )
            y = (
                f"calc({(fy - 0.5) * 100:.0f}% + {gap * (1 if fy > 0 else -1):.0f}px)"
                if gap and fy
                else f"{(fy - 0.5) * 100:.0f}%"
            )
            moves.append(f"translate({x},{y})")
        out[kind] = moves
    return out


class _Labels(ScriptElement):
    """Place names in their own pane; on every zoom, those placed for that zoom are shown."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
        var map = {{ this._parent.get_name() }};
        var real = map.rrMap || map;  /* a stage (see rrStage) stands in for its map */
        var rows = {{ this.rows }};
        var moves = {{ this.moves|tojson }};
        var classes = {{ this.classes|tojson }};
        var zmin = {{ this.zmin }};
        // The page's language on the map: upper-case country names then follow its rules
        // (Turkish i → İ, Greek capitals without accents).
        real.getContainer().setAttribute('lang', {{ this.lang|tojson }});
        var pane = real.getPane('rrLabels') || real.createPane('rrLabels');
        pane.style.zIndex = 450;
        pane.style.pointerEvents = 'none';
        var shown = rows.map(function () { return null; });
        function update() {
            var z = Math.floor(real.getZoom() + 1e-6) - zmin;
            rows.forEach(function (r, i) {
                var code = r[4].charAt(Math.max(0, Math.min(r[4].length - 1, z)));
                var was = shown[i];
                if (was && was.code === code) { return; }
                if (was) { map.removeLayer(was.marker); shown[i] = null; }
                if (code === '-' || code === '') { return; }
                var icon = L.divIcon({className: 'rr-label', iconSize: [0, 0],
                    html: (r[3] === 'capital' ? '<i class="rr-dot"></i>' : '')
                        + '<span class="' + classes[r[3]] + '" style="transform:' + moves[r[3]][+code]
                        + '">' + r[2] + '</span>'});
                shown[i] = {code: code, marker: L.marker([r[1], r[0]], {icon: icon, pane: 'rrLabels',
                    interactive: false, keyboard: false}).addTo(map)};
            });
        }
        function start() {
            update();
            real.on('zoomend', update);
            if (map.rrOff) { map.rrOff.push(function () { real.off('zoomend', update); }); }
        }
        if (map.rrMap) {  /* a stage: shown with everything else */
            var ready = map.rrReady || Promise.resolve();
            map.rrReady = ready.then(start);
        } else {  /* a page of its own: the names come just after the map's first paint */
            window.rrAfterPaint(real, start);
        }
        })();
        {% endmacro %}"""
    )

    def __init__(self, rows_json: str, lang: str = "en") -> None:
        super().__init__()
        self._name = "Labels"
        self.lang = lang
        self.rows = rows_json
        self.moves = _anchor_css()
        self.classes = _LABEL_CSS
        self.zmin = labels.MIN_ZOOM


def _labels_layer(
    m: Any,
    result: Result,
    view: Bounds,
    presentation: bool,
    highlights: Mapping[str, BaseGeometry] | None = None,
    tr: Translator = EN,
) -> None:
    _Labels(label_rows_json(result, view, presentation, highlights, tr), tr.lang).add_to(m)


def _page_style(m: folium.Map, presentation: bool, tiles: TileSource | None) -> None:
    font = f"{PRESENTATION_LABEL_PX:g}px" if presentation else "13px"
    # Presentation mode sizes the map's frame to the screen (coverage.app.views.projector_css):
    # the map follows the frame's height instead of the pixels streamlit-folium sets.
    fill = "#map_div{height:100vh !important}" if presentation else ""
    credit = "13px" if presentation else "10px"  # read from the back of a room
    backdrop = STYLE.sea if tiles is None else TILE_BACKDROP
    halo = STYLE.halo
    shadow = f"0 0 2px {halo},0 0 2px {halo},0 0 3px {halo},0 0 4px {halo}"
    page_root(m).header.add_child(
        RawHtml(
            f"<style>{fill}.leaflet-container{{background:{backdrop};font-size:{font}}}"
            f".leaflet-tooltip{{font-size:{font}}}"
            # Long site names wrap (coverage.labels.SITE_MAX_EM), as their boxes are placed.
            f".site-label,.ring-label{{white-space:normal;max-width:{labels.SITE_MAX_EM:g}em;width:max-content}}"
            ".rr-swatch{display:inline-block;width:.7em;height:.7em;border-radius:50%;margin-right:.35em}"
            f".highlight-label{{color:{STYLE.highlight};font-weight:bold}}"
            # A compact credit: small type, never wider than the map minus the scale bar.
            f".leaflet-container .leaflet-control-attribution{{font-size:{credit};line-height:1.35;"
            "max-width:calc(100vw - 160px);white-space:normal;padding:1px 5px;"
            "background:rgba(255,255,255,.75)}"
            ".rr-label span{position:absolute;left:0;top:0;white-space:nowrap;"
            f"font-family:Arial,'Liberation Sans','DejaVu Sans',sans-serif;text-shadow:{shadow}}}"
            f".rr-country{{font-size:11px;font-weight:600;letter-spacing:.08em;text-transform:uppercase;color:#5b5b5b}}"
            ".rr-sea{font-size:12px;font-style:italic;letter-spacing:.03em;color:#3f6f93}"
            f".rr-capital{{font-size:11px;color:{STYLE.text}}}"
            f".rr-highlight{{font-size:{font};font-weight:bold;color:{STYLE.highlight}}}"
            ".rr-dot{position:absolute;left:-3px;top:-3px;width:4px;height:4px;border-radius:50%;"
            "background:#333;border:1px solid #fff}"
            # Keyboard focus visible on the zoom buttons; on a touch screen, finger-sized ones.
            ".leaflet-bar a:focus-visible{outline:3px solid #0b5cad;outline-offset:1px;position:relative;"
            "z-index:1}"
            "@media (pointer:coarse){.leaflet-touch .leaflet-bar a{width:44px;height:44px;line-height:44px}}"
            f"@media (max-width:{SMALL_MAP_PX}px){{.rr-long{{display:none}}}}" + map_dark_css() + "</style>"
            # The reader's dark setting: the same colours swapped by CSS (app and export alike).
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


def display_box_of(result: Result) -> Bounds:
    """The box of finer borders sent with ``result``'s map: around its rings as drawn (may cross ±180°)."""
    rings = display_rings(result.rings, [site.lon_deg for site in result.sites])
    return display_box(display_view(rings))


def display_json(result: Result) -> str:
    """The finer borders sent with ``result``'s map (:func:`display_box_of`), packed
    (:func:`pack_borders`), cached per view."""
    key = (result.countries, display_box_of(result))
    return _DISPLAY_JSON.get_or_make(key, lambda: pack_borders(view_borders(*key), pack_scale(key[1])))
