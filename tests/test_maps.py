"""Folium maps: rings as GeoJSON polygons, local/inlined Leaflet, escaped names."""

from __future__ import annotations

import json
import re

import _geo_reference as ref
import pytest
from shapely.geometry import LineString

from coverage.analysis import analyse
from coverage.leaflet import inline_leaflet, use_local_leaflet
from coverage.maps import (
    STYLE,
    coverage_map,
    display_json,
    scale_units,
    script_json,
)
from coverage.scenario import Site
from coverage.style import credit_text
from coverage.tiles import BACKGROUNDS, PLAIN, TILE_SOURCES, tile_source

EVIL = "<img src=x onerror=alert(1)>"
SCRIPT_BREAK = "</script><script>alert(2)</script>"

_SRC = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?([^\"' >]+)", re.I)
_HREF = re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?([^\"' >]+)", re.I)


def _render(sites, borders, **kwargs):
    result = analyse(sites, borders)
    return coverage_map(result, display_json(result), **kwargs)


def _geojson_objects(page: str):
    """Every inline GeoJSON object handed to Leaflet in the page."""
    decoder = json.JSONDecoder()
    objs = []
    # Data is passed either straight to L.geoJson({...}) or to a helper *_add({...}).
    for match in re.finditer(r"(?:L\.geoJson|_add)\(\s*\{", page, re.I):
        obj, _ = decoder.raw_decode(page, match.end() - 1)
        objs.append(obj)
    assert objs, "no GeoJSON layer found in the page"
    return objs


def _features(obj):
    if obj.get("type") == "FeatureCollection":
        yield from obj["features"]
    elif obj.get("type") == "Feature":
        yield obj


@pytest.fixture(scope="module")
def kars_page(kars_sites, borders_110m):
    return _render(kars_sites, borders_110m).get_root().render()


def test_ring_drawn_as_geojson_polygon_on_the_circle(kars_sites, kars_page):
    (site,) = kars_sites
    rings = [
        f
        for obj in _geojson_objects(kars_page)
        for f in _features(obj)
        if f["geometry"]["type"] in ("Polygon", "MultiPolygon")
        and str(f["properties"].get("tip", "")).startswith(site.name + ":")
    ]
    assert len(rings) == 1
    geom = rings[0]["geometry"]
    assert geom["type"] in ("Polygon", "MultiPolygon")
    coords = geom["coordinates"][0] if geom["type"] == "Polygon" else geom["coordinates"][0][0]
    assert len(coords) > 100  # a polygon with many vertices, not a centre and a radius
    lon = [c[0] for c in coords]
    lat = [c[1] for c in coords]
    d = ref.inv_distance_m(site.lat_deg, site.lon_deg, lat, lon)
    # coordinates are rounded to 1e-4 degrees (at most ~8 m); edges sag < 0.005 %
    assert abs(d - site.radius_m).max() < 20.0


def test_no_leaflet_circle(kars_page):
    assert "L.circle(" not in kars_page
    assert "L.Circle(" not in kars_page


def test_credit_names_the_source_and_natural_earth(kars_sites, kars_page):
    text = credit_text(kars_sites)
    assert "Bloomberg" in text and "Natural Earth" in text
    assert "Bloomberg" in kars_page and "Natural Earth" in kars_page


def test_reached_countries_in_tooltips(kars_page):
    assert "Armenia: 100.0 % within range" in kars_page
    names = {f["properties"].get("name") for obj in _geojson_objects(kars_page) for f in _features(obj)}
    assert {"Armenia", "Turkey", "Georgia"} <= names


@pytest.mark.parametrize(
    "value",
    ["</script><script>alert(1)</script>", "<!--", "a & b", "\u2028line"],
)
def test_script_json_is_safe_inside_script_and_round_trips(value):
    text = script_json({"k": value})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"k": value}


def test_use_local_leaflet_leaves_only_local_urls(kars_sites, borders_110m):
    m = use_local_leaflet(_render(kars_sites, borders_110m), "/app/static/leaflet")
    page = m.get_root().render()
    urls = _SRC.findall(page) + _HREF.findall(page)
    assert "/app/static/leaflet/leaflet.js" in urls
    assert "/app/static/leaflet/leaflet.css" in urls
    for url in urls:
        assert not url.startswith(("http://", "https://", "//")), url
        assert url.startswith("/app/static/leaflet/"), url


def test_default_map_uses_cdns(kars_sites, borders_110m):
    """Control: without use_local_leaflet folium points at CDNs (so the test above has teeth)."""
    page = _render(kars_sites, borders_110m).get_root().render()
    assert any(u.startswith("https://") for u in _SRC.findall(page))


def test_inline_leaflet_has_no_external_script_or_link(kars_sites, borders_110m):
    m = inline_leaflet(_render(kars_sites, borders_110m))
    page = m.get_root().render()
    assert _SRC.findall(page) == []
    assert [u for u in _HREF.findall(page) if re.match(r"(https?:)?//", u)] == []
    assert "Leaflet 1.9.4" in page  # the library itself is in the page
    assert re.search(r"@import\s+url\(\s*[\"']?https?:", page) is None
    assert page.index("Leaflet 1.9.4") < page.index("L.map(")


@pytest.mark.parametrize("name", [EVIL, SCRIPT_BREAK, EVIL + SCRIPT_BREAK])
def test_hostile_site_names_are_escaped(borders_110m, name):
    sites = [Site(name, 39.0, 35.0, 100_000.0), Site("ok", 38.0, 30.0, 50_000.0)]
    page = _render(sites, borders_110m).get_root().render()
    assert "<img src=x" not in page
    assert "<script>alert(2)" not in page
    # no extra script elements were opened by the name
    baseline = _render([Site("plain", 39.0, 35.0, 100_000.0), sites[1]], borders_110m).get_root().render()
    assert page.count("<script") == baseline.count("<script")
    assert page.count("</script>") == baseline.count("</script>")


def test_highlight_labels_are_escaped(kars_sites, borders_110m):
    line = LineString([(43.0, 40.0), (44.0, 40.5)])
    page = _render(kars_sites, borders_110m, highlights={EVIL: line}).get_root().render()
    assert "<img src=x" not in page


# ---------------------------------------------------------------- optional tile background
def _tile_layers(m):
    import folium

    return [child for child in m._children.values() if isinstance(child, folium.TileLayer)]


def test_default_map_has_no_tile_layer_and_a_plain_sea(kars_sites, borders_110m):
    m = _render(kars_sites, borders_110m)
    assert _tile_layers(m) == []
    page = m.get_root().render()
    assert "L.tileLayer(" not in page
    assert f"background:{STYLE.sea}" in page
    # No network address of any kind in the page apart from folium's CDN defaults
    # (replaced by use_local_leaflet / inline_leaflet, tested above).
    assert not any(host in page for source in TILE_SOURCES.values() for host in source.hosts)


@pytest.mark.parametrize("key", list(TILE_SOURCES))
def test_tile_background_adds_an_attributed_layer_under_the_countries(kars_sites, borders_110m, key):
    source = TILE_SOURCES[key]
    m = inline_leaflet(_render(kars_sites, borders_110m, tiles=source))
    (layer,) = _tile_layers(m)
    assert layer.tiles == source.url
    assert layer.options["attribution"] == source.attribution
    page = m.get_root().render()
    assert json.dumps(source.url) in page
    assert "OpenStreetMap" in page and "https://www.openstreetmap.org/copyright" in page.replace("\\/", "/")
    # Drawn first, so the countries (their own pane, above Leaflet's tile pane) and rings are on top.
    assert page.index("L.tileLayer(") < page.index("L.geoJson(")
    assert f"background:{STYLE.sea}" not in page  # a grey backdrop, not a "sea", if tiles never load
    # Out-of-range land is only outlined; reached countries are tinted, not painted over the tiles.
    assert '"fillColor":"%s","fillOpacity":0.0' % STYLE.land in page
    # Reached countries tinted by their share's class (Armenia: wholly within range).
    armenia = f'"Armenia: 100.0 % within range","{STYLE.share_fill(100.0)}"'
    assert "fillOpacity: 0.45" in page and armenia in page
    # Leaflet still loads from the page itself: only the tiles come from the provider.
    assert _SRC.findall(page) == []


def test_tile_sources_are_https_xyz_templates_with_credit():
    assert BACKGROUNDS[PLAIN] == "Plain (offline)" and next(iter(BACKGROUNDS)) == PLAIN
    assert tile_source(PLAIN) is None
    with pytest.raises(ValueError, match="unknown background"):
        tile_source("https://evil.example/{z}/{x}/{y}.png")
    for key, source in TILE_SOURCES.items():
        assert tile_source(key) is source and "(online)" in BACKGROUNDS[key]
        assert source.url.startswith("https://")
        assert all(part in source.url for part in ("{z}", "{x}", "{y}"))
        assert "© OpenStreetMap contributors" in source.credit
        assert '<a href="https://www.openstreetmap.org/copyright">' in source.attribution
        assert source.hosts and all(h.endswith(source.host_label) for h in source.hosts)
    assert TILE_SOURCES["osm"].hosts == ("tile.openstreetmap.org",)


def _shares_in_page(page: str) -> dict[str, list[str]]:
    """The share table the countries' style function reads: name → [tooltip, fill]."""
    match = re.search(r"var s = (\{.*?\}); var hit", page)
    assert match, "no share table in the page"
    return json.loads(match.group(1))


def test_reached_countries_are_shaded_by_their_share_class(kars_sites, borders_110m, kars_page):
    from coverage.analysis import analyse
    from coverage.style import SHARE_CLASSES

    shares = _shares_in_page(kars_page)
    rows = analyse(kars_sites, borders_110m).rows
    assert set(shares) == {row["country"] for row in rows}
    for row in rows:
        assert shares[row["country"]][1] == STYLE.share_fill(row["covered_pct"]), row
    assert shares["Armenia"][1] == STYLE.shares[len(SHARE_CLASSES) - 1]  # 100 %: the darkest class
    # A sliver is the lightest class, not the colour of a country wholly within range.
    sliver = [row for row in rows if row["covered_pct"] < 1.0]
    for row in sliver:
        assert shares[row["country"]][1] == STYLE.shares[0] != STYLE.shares[-1]


def test_world_base_is_inline_and_packed_losslessly(borders_110m):
    from coverage.maps import pack_borders, unpack_borders, world_json

    packed = world_json()
    assert len(packed) < 90_000  # the whole world, small enough for every first map
    back = dict(unpack_borders(packed))
    assert set(back) == set(borders_110m["name"])
    for name, geom in zip(borders_110m["name"], borders_110m.geometry, strict=True):
        assert back[name].hausdorff_distance(geom) < 0.008, name  # rounded to 0.01°
    small = borders_110m.iloc[:3]
    assert pack_borders(small) == pack_borders(small)


def test_exported_map_carries_the_world_and_draws_rings_after_the_borders(kars_sites, borders_110m):
    from coverage.maps import world_json

    page = _render(kars_sites, borders_110m).get_root().render()
    assert world_json() in page  # the world base, inline
    # One promise chain: countries (world, then the view) before the rings.
    assert page.count("map.rrReady = ready.then(") >= 4
    world, view, rings = (
        page.index(marker) for marker in ("rrUnpack(data)", "L.rectangle(", "f.properties.cut,")
    )
    assert world < rings and view < rings


def test_the_view_s_clip_box_is_not_stroked(kars_sites, borders_110m):
    from coverage.maps import display_box_of

    result = analyse(kars_sites, borders_110m)
    west, south, east, north = display_box_of(result)
    page = coverage_map(result, display_json(result)).get_root().render()
    # Fills have no stroke; outlines are lines that skip the box's edges and the date line.
    assert f"window.rrLines(data, [{west}, {east}, -180.0, 180.0], [{south}, {north}, -90.0, 90.0])" in page


def test_anadyr_ring_is_whole_and_the_map_regional(catalog):
    from coverage.analysis import analyse_shipped

    site = Site(name="Anadyr", lat_deg=64.73, lon_deg=177.5, radius_m=402_000.0)
    result = analyse_shipped([site])
    assert result.rings[0].geom_type == "MultiPolygon"  # the analysis keeps the RFC 7946 cut
    m = coverage_map(result, display_json(result))
    page = m.get_root().render()
    rings = [
        f
        for obj in _geojson_objects(page)
        for f in _features(obj)
        if str(f["properties"].get("tip", "")).startswith("Anadyr:")
    ]
    assert [f["geometry"]["type"] for f in rings] == ["Polygon"]
    lons = [c[0] for c in rings[0]["geometry"]["coordinates"][0]]
    assert min(lons) < 180.0 < max(lons) < 190.0
    fit = re.search(r"fitBounds\(\s*(\[\[.*?\]\])", page, re.S)
    assert fit is not None
    (south, west), (north, east) = json.loads(fit.group(1))
    assert east - west < 25.0 and north - south < 15.0 and west < 177.5 < east


def test_polar_cap_outline_skips_its_closing_edges():
    from coverage.analysis import analyse_shipped

    site = Site(name="Longyearbyen", lat_deg=78.22, lon_deg=15.65, radius_m=1_500_000.0)
    result = analyse_shipped([site])
    page = coverage_map(result, display_json(result)).get_root().render()
    (ring,) = [
        f
        for obj in _geojson_objects(page)
        for f in _features(obj)
        if str(f["properties"].get("tip", "")).startswith("Longyearbyen:")
    ]
    assert (
        ring["properties"]["cut"] is True
    )  # the fill is not stroked; lines are drawn without the cap's edges
    assert "stroke: !f.properties.cut" in page and "Math.abs(ring[i - 1][1]) > 85.0511" in page


def test_credit_is_compact_and_leaves_room_for_the_scale(kars_page):
    assert ".leaflet-control-attribution{font-size:10px" in kars_page
    assert "max-width:calc(100vw - 160px)" in kars_page


def test_place_names_are_in_the_page_and_escaped(borders_110m):
    page = _render([Site(name=EVIL, lat_deg=40.6, lon_deg=43.1, radius_m=100_000.0)], borders_110m)
    text = page.get_root().render()
    rows = json.loads(re.search(r"var rows = (\[.*?\]);\n", text, re.S).group(1))
    names = {row[2] for row in rows}
    assert {"Armenia", "Georgia", "Turkey", "Black Sea", "Tbilisi"} <= names
    assert all(row[3] in ("country", "sea", "capital") for row in rows)
    assert EVIL not in text


def test_tile_background_brings_its_own_names_and_no_world_base(kars_sites, borders_110m):
    page = _render(kars_sites, borders_110m, tiles=TILE_SOURCES["osm"]).get_root().render()
    assert "rrLabels" not in page and page.count("rrUnpack(data)") == 1  # the view's borders only


@pytest.mark.parametrize(
    ("units", "bars"), [("km", ["km", "mi"]), ("mi", ["mi", "km"]), ("nmi", ["nmi", "km"])]
)
def test_the_scale_bar_shows_the_maps_units_and_km(
    units: str, bars: list[str], kars_sites, borders_110m
) -> None:
    assert scale_units(units) == bars  # type: ignore[arg-type]
    page = _render(kars_sites, borders_110m, units=units).get_root().render()
    labels = json.dumps({"km": "km", "mi": "mi", "nmi": "nmi"})
    assert f"new L.Control.RRScale(\n            {{units: {json.dumps(bars)}, labels: {labels}}}" in page
    assert "nmi: 1852" in page  # the page knows the nautical mile


@pytest.mark.parametrize(("lang", "mile"), [("tr", "mil"), ("el", "μίλια")])
def test_the_scale_bar_writes_its_units_in_the_maps_language(lang, mile, kars_sites, borders_110m) -> None:
    from coverage.i18n import translator

    tr = translator(lang)
    page = _render(kars_sites, borders_110m, units="mi", tr=tr).get_root().render()
    scale = page.split("new L.Control.RRScale(", 1)[1].split(").addTo(", 1)[0]
    labels = json.loads(scale.split("labels:", 1)[1].rsplit("}", 1)[0].strip())
    assert labels["mi"] == mile


def test_sites_sharing_a_place_are_named_once(borders_110m):
    """Three figures around Ankara (the story's spread step): one "Ankara" beside the markers,
    not three names drawn over one another; each ring keeps its full name in its tooltip."""
    sites = [
        Site("Ankara (9M96 missile)", 39.93, 32.86, 121_000.0),
        Site("Ankara (TASS, 2018)", 39.93, 32.86, 250_000.0),
        Site("Kars", 40.6, 43.1, 100_000.0),
    ]
    page = _render(sites, borders_110m).get_root().render()
    points = [
        f["properties"]
        for obj in _geojson_objects(page)
        for f in _features(obj)
        if f.get("geometry", {}).get("type") == "Point"
    ]
    assert [p["tip"] for p in points if "colour" in p] == ["Ankara", "", "Kars"]
    # Their rings are told apart at their tops, each name beside a dot of its ring's colour.
    tags = [p["tip"] for p in points if "colour" not in p]
    assert len(tags) == 2 and tags[0].endswith("9M96 missile") and tags[1].endswith("TASS, 2018"), tags
    assert "#0072B2" in tags[0] and "#D55E00" in tags[1]
    rings = [
        f["properties"]["tip"]
        for obj in _geojson_objects(page)
        for f in _features(obj)
        if "cut" in f["properties"]
    ]
    assert any(t.startswith("Ankara (TASS, 2018)") for t in rings), rings


def test_every_map_page_follows_the_readers_dark_setting(kars_sites, borders_110m, kars_page):
    """The export's map and the app's (whose stage swaps styles in place) get the same CSS swap:
    Leaflet writes colours as SVG attributes, which the dark rules match whatever set them."""
    from coverage.maps import app_map
    from coverage.webpage import map_dark_css

    result = analyse(kars_sites, borders_110m)
    base, _ = app_map(result, borders_url="/b.json", world_url="/w.json", home=[[30, 20], [50, 50]])
    for page in (kars_page, base.get_root().render()):
        assert page.count(map_dark_css()) == 1
        light = page[: page.index(map_dark_css())]
        assert f"background:{STYLE.sea}" in light  # the light colours stay, before the dark ones
