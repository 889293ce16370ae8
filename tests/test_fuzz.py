"""Fuzz and property tests: whatever goes in, only our documented errors come out.

Every entry point that reads user input (scenario files and uploads, ``?s=`` links,
ring centres and radii, site specs) is driven with random and hostile input.
The property is the same everywhere: the call either succeeds or raises a
:class:`coverage.errors.CoverageError` subclass (which the app and the CLI show
as one line); never ``KeyError``, ``TypeError``, ``RecursionError``,
``OverflowError`` and the like, which would be a traceback for the user.

Bugs these tests found are pinned by deterministic regression tests at the end
of this file (``test_regression_*``); each was first an ``xfail(strict=True)``
and was unmarked when the fix landed.

Run with ``--hypothesis-show-statistics`` to see how many inputs each test tried
(the counts are quoted in docs/reliability.md).
"""

from __future__ import annotations

import json
import math
import string

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from coverage.errors import CoverageError, ScenarioError
from coverage.rings import MAX_RADIUS_M, MIN_RADIUS_M, geodesic_ring, ring_vertices
from coverage.scenario import (
    MAX_BYTES,
    Scenario,
    SiteSpec,
    decode_from_url,
    encode_for_url,
    parse_scenario,
    resolve_sites,
    scenario_from_dict,
)

FUZZ = settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])


def allowed(fn, *args, **kwargs):
    """Call ``fn``; a CoverageError is an acceptable answer (returned as None), anything else propagates."""
    try:
        return fn(*args, **kwargs)
    except CoverageError as exc:
        # A user-facing error is one readable line, not an empty or gigantic message.
        text = str(exc)
        assert text.strip(), f"{type(exc).__name__} with an empty message"
        assert len(text) < 5000, f"{type(exc).__name__} message is {len(text)} characters"
        return None


# ------------------------------------------------------------------ strategies
FIELDS = [
    "version",
    "title",
    "subtitle",
    "units",
    "sites",
    "name",
    "lat",
    "lon",
    "place",
    "system",
    "figure",
    "radius",
    "unit",
]
SYSTEMS = ["s-400", "s-300", "patriot", "thaad", "", "S-400", "s-400 ", "__proto__", "constructor"]
PLACES = [
    "Ankara",
    "İzmir",
    "izmir",
    "Kars",
    "Edirne",
    "Athens",
    "Tokyo",
    "",
    " ",
    "Atlantis",
    "\u0301",
    "ı",
    "ANKARA",
    "new york",
    "São Paulo",
]

floats_any = st.floats(allow_nan=True, allow_infinity=True)
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    floats_any,
    st.sampled_from(
        [
            0,
            -0.0,
            1e-320,
            5e-324,
            1e308,
            -1e308,
            90,
            90.0000001,
            -90.0000001,
            180,
            180.0000001,
            0.999,
            1,
            1000,
            6214,
            10000,
            10000.0001,
            5399,
            5400,
        ]
    ),
)
text = st.one_of(st.text(max_size=30), st.sampled_from(FIELDS + SYSTEMS + PLACES + ["km", "mi", "nmi", "ft"]))
json_leaf = st.one_of(st.none(), st.booleans(), numbers, text)


def json_values(max_leaves: int = 20) -> st.SearchStrategy:
    return st.recursive(
        json_leaf,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), inner, max_size=5),
        ),
        max_leaves=max_leaves,
    )


def site_dicts() -> st.SearchStrategy:
    """Sites that look roughly right: known keys with random (often wrong) values, plus stray keys."""
    value = {
        "name": st.one_of(text, json_values(4)),
        "lat": st.one_of(numbers, json_values(3)),
        "lon": st.one_of(numbers, json_values(3)),
        "place": st.one_of(st.sampled_from(PLACES), text, json_values(3)),
        "system": st.one_of(st.sampled_from(SYSTEMS), json_values(3)),
        "figure": st.one_of(
            st.sampled_from(["s-400-bloomberg-2017", "s-400-tass-2017-07-18", "nope", ""]), text
        ),
        "radius": st.one_of(numbers, json_values(3)),
        "unit": st.one_of(st.sampled_from(["km", "mi", "nmi", "ft", "", "KM"]), json_values(3)),
    }
    return st.fixed_dictionaries({}, optional={**value, "extra": json_values(3)})


def scenario_dicts() -> st.SearchStrategy:
    return st.fixed_dictionaries(
        {},
        optional={
            "version": st.one_of(st.just(1), st.just(1.0), st.just(True), numbers, json_values(3)),
            "title": st.one_of(text, st.text(min_size=190, max_size=210), json_values(3)),
            "subtitle": st.one_of(text, json_values(3)),
            "units": st.one_of(st.sampled_from(["km", "mi", "nmi", "ft"]), json_values(3)),
            "sites": st.one_of(st.lists(site_dicts(), max_size=4), json_values(5)),
            "extra": json_values(3),
        },
    )


def json_text(obj: object) -> str:
    """JSON as Python writes it, including NaN/Infinity literals for non-finite floats."""
    return json.dumps(obj, ensure_ascii=False, allow_nan=True)


# ------------------------------------------------------------------ parse_scenario
@FUZZ
@given(data=st.binary(max_size=2000))
@example(b"\xff\xfe{}")
@example(b'{"version":1,"sites":[{"name":"\xc3","lat":1,"lon":1,"system":"s-400"}]}')
@example(b"\xef\xbb\xbf\xef\xbb\xbf{}")
@example(b"")
def test_parse_scenario_arbitrary_bytes(data: bytes) -> None:
    allowed(parse_scenario, data, "upload.json")


@FUZZ
@given(data=st.text(max_size=2000))
@example("NaN")
@example("[Infinity]")
@example('{"version": 1, "sites": -Infinity}')
@example("\ud800")
@example("{" * 5000)
@example("[" * 100_000 + "]" * 100_000)
@example('{"a":' * 2000 + "1" + "}" * 2000)
def test_parse_scenario_arbitrary_text(data: str) -> None:
    allowed(parse_scenario, data, "upload.json")


@FUZZ
@given(obj=json_values(40))
def test_parse_scenario_random_json(obj: object) -> None:
    allowed(parse_scenario, json_text(obj), "upload.json")
    allowed(scenario_from_dict, obj, "upload.json")


@FUZZ
@given(obj=scenario_dicts())
@example({"version": 1, "sites": [{"name": "a", "lat": float("nan"), "lon": 0, "system": "s-400"}]})
@example({"version": 1, "sites": [{"name": "a", "lat": 0, "lon": 0, "radius": float("inf"), "unit": "km"}]})
@example({"version": 1, "sites": [{"name": "a", "lat": 0, "lon": 0, "radius": 1e308, "unit": "mi"}]})
@example({"version": 1, "sites": [{"name": "a", "lat": 0, "lon": 0, "radius": 10**300, "unit": "km"}]})
@example({"version": 1, "sites": [{"name": "a", "lat": 10**400, "lon": 0, "system": "s-400"}]})
@example({"version": True, "sites": [{"name": "a", "lat": True, "lon": 0, "system": "s-400"}]})
@example({"version": 1, "sites": [{"name": " ", "lat": 0, "lon": 0, "system": "s-400"}]})
@example(
    {"version": 1, "sites": [{"name": "a", "lat": 0, "lon": 0, "radius": 400, "unit": "km", "figure": "x"}]}
)
@example({"version": 1, "sites": [{"name": "a", "place": "Ankara", "lat": 0, "system": "s-400"}]})
@example({"version": 1, "sites": [{"name": "a", "lat": 0, "lon": 0, "system": "s-400"}] * 1001})
@example({"version": 1, "title": "x" * 201, "sites": [{"name": "a", "lat": 0, "lon": 0, "system": "s-400"}]})
def test_parse_scenario_structured_but_wrong(obj: dict) -> None:
    """Scenario-shaped JSON with wrong types, missing/extra keys, NaN/Infinity, huge numbers."""
    scenario = allowed(parse_scenario, json_text(obj), "upload.json")
    again = allowed(scenario_from_dict, obj, "upload.json")
    # The two entry points agree (json_text may turn nothing into something else).
    if scenario is not None and again is not None:
        assert scenario == again


@SLOW
@given(
    depth=st.integers(min_value=1, max_value=3000),
    where=st.sampled_from(["top", "name", "sites", "extra", "units", "version", "lat"]),
)
@example(depth=990, where="name")
@example(depth=995, where="units")
@example(depth=999, where="lat")
def test_parse_scenario_deep_nesting(depth: int, where: str) -> None:
    deep = "[" * depth + "]" * depth
    site = {"name": "a", "lat": 1, "lon": 1, "system": "s-400"}
    site = json.dumps(site)
    doc = {
        "top": "D",
        "name": '{"version":1,"sites":[{"name":D,"lat":1,"lon":1,"system":"s-400"}]}',
        "sites": '{"version":1,"sites":D}',
        "extra": '{"version":1,"sites":[S],"x":D}',
        "units": '{"version":1,"units":D,"sites":[S]}',
        "version": '{"version":D,"sites":[S]}',
        "lat": '{"version":1,"sites":[{"name":"a","lat":D,"lon":1,"system":"s-400"}]}',
    }[where]
    allowed(parse_scenario, doc.replace("S", site).replace("D", deep), "upload.json")


def test_parse_scenario_over_the_size_limit_is_refused_cheaply() -> None:
    with pytest.raises(ScenarioError, match="larger than"):
        parse_scenario(b" " * (MAX_BYTES + 1), "upload.json")


# ------------------------------------------------------------------ decode_from_url
@FUZZ
@given(link=st.text(max_size=500))
@example("")
@example("====")
@example("é" * 10)
@example("eJw")  # a zlib header and nothing else
@example("eJyrVkrOTPRPrXYPqGqJcCwtyk-OTytKLVGqBQBfKwgw")
def test_decode_from_url_arbitrary_text(link: str) -> None:
    allowed(decode_from_url, link)


@FUZZ
@given(link=st.text(alphabet=string.ascii_letters + string.digits + "-_=", max_size=400))
def test_decode_from_url_base64_alphabet(link: str) -> None:
    allowed(decode_from_url, link)


@FUZZ
@given(obj=st.one_of(scenario_dicts(), json_values(20)), cut=st.integers(min_value=0, max_value=200))
def test_decode_from_url_wellformed_links_to_bad_content(obj: object, cut: int) -> None:
    """Correctly packed links whose JSON is wrong, and the same links cut short."""
    import base64
    import zlib

    raw = json_text(obj).encode("utf-8", "surrogatepass")
    link = base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")
    allowed(decode_from_url, link)
    allowed(decode_from_url, link[: max(0, len(link) - cut)])


# ------------------------------------------------------------------ valid scenarios round-trip
names = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=100).filter(
    lambda s: s.strip() != "" and s == s.strip()
)
lats = st.floats(min_value=-90, max_value=90, allow_nan=False)
lons = st.floats(min_value=-180, max_value=180, allow_nan=False)


@st.composite
def valid_sites(draw: st.DrawFn) -> dict:
    site: dict = {"name": draw(names)}
    if draw(st.booleans()):
        site["lat"], site["lon"] = draw(lats), draw(lons)
    else:
        site["place"] = draw(st.sampled_from(["Ankara", "İzmir", "Kars", "Edirne", "Tokyo"]))
    if draw(st.booleans()):
        site["system"] = "s-400"
        if draw(st.booleans()):
            site["figure"] = draw(st.sampled_from(["s-400-bloomberg-2017", "s-400-tass-2017-07-18"]))
    else:
        unit = draw(st.sampled_from(["km", "mi", "nmi"]))
        per = {"km": 1000.0, "mi": 1609.344, "nmi": 1852.0}[unit]
        site["radius"] = draw(
            st.floats(min_value=MIN_RADIUS_M / per * 1.0001, max_value=MAX_RADIUS_M / per * 0.9999)
        )
        site["unit"] = unit
    return site


# What a valid title may hold: anything an XML file can carry (no control characters,
# surrogates or U+FFFE/U+FFFF; the schema refuses them).
XML_TEXT = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")

valid_scenarios = st.fixed_dictionaries(
    {"version": st.just(1), "sites": st.lists(valid_sites(), min_size=1, max_size=6)},
    optional={
        "title": st.text(alphabet=XML_TEXT, max_size=200),
        "subtitle": st.text(alphabet=XML_TEXT, max_size=300),
        "units": st.sampled_from(["km", "mi", "nmi"]),
    },
)


@FUZZ
@given(obj=valid_scenarios)
def test_valid_scenarios_round_trip_through_a_link(obj: dict) -> None:
    scenario = parse_scenario(json_text(obj), "scenario")
    link = encode_for_url(scenario)
    assert set(link) <= set(string.ascii_letters + string.digits + "-_"), "link is not URL-safe as is"
    assert decode_from_url(link) == scenario
    # …and through the JSON file the app offers for download.
    assert parse_scenario(scenario.to_json().encode(), "download.json") == scenario


# ------------------------------------------------------------------ rings
any_float = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            0.0,
            -0.0,
            90.0,
            -90.0,
            180.0,
            -180.0,
            89.9999999,
            -89.9999999,
            179.9999999,
            -179.9999999,
            MIN_RADIUS_M,
            MAX_RADIUS_M,
            MIN_RADIUS_M - 1e-9,
            MAX_RADIUS_M + 1e-6,
        ]
    ),
)


@FUZZ
@given(lat=any_float, lon=any_float, radius=any_float)
def test_ring_vertices_arbitrary_floats(lat: float, lon: float, radius: float) -> None:
    out = allowed(ring_vertices, lat, lon, radius)
    if out is not None:
        lon_v, lat_v = out
        assert lon_v.shape == lat_v.shape and lon_v.size >= 16
        assert bool((abs(lat_v) <= 90.0 + 1e-9).all())
        assert all(map(math.isfinite, lon_v)) and all(map(math.isfinite, lat_v))


ring_lats = st.one_of(
    st.floats(min_value=-90, max_value=90), st.sampled_from([90.0, -90.0, 89.99, -89.99, 0.0])
)
ring_lons = st.one_of(
    st.floats(min_value=-180, max_value=180), st.sampled_from([180.0, -180.0, 179.99, -179.99])
)
ring_radii = st.one_of(
    st.floats(min_value=MIN_RADIUS_M, max_value=MAX_RADIUS_M), st.sampled_from([MIN_RADIUS_M, MAX_RADIUS_M])
)


@SLOW
@given(lat=ring_lats, lon=ring_lons, radius=ring_radii)
@example(lat=90.0, lon=0.0, radius=MAX_RADIUS_M)
@example(lat=-90.0, lon=180.0, radius=MIN_RADIUS_M)
@example(lat=0.0, lon=180.0, radius=MAX_RADIUS_M)
@example(lat=-89.99, lon=-180.0, radius=MAX_RADIUS_M)
def test_geodesic_ring_in_range_is_a_valid_polygon(lat: float, lon: float, radius: float) -> None:
    ring = geodesic_ring(lat, lon, radius)
    assert ring.is_valid and not ring.is_empty
    min_lon, min_lat, max_lon, max_lat = ring.bounds
    assert -180.0 <= min_lon <= max_lon <= 180.0 and -90.0 <= min_lat <= max_lat <= 90.0


@FUZZ
@given(lat=any_float, lon=any_float, radius=any_float)
def test_geodesic_ring_arbitrary_floats(lat: float, lon: float, radius: float) -> None:
    # Only cheap cases reach the geometry: out-of-range input must be refused up front.
    assume(
        not (math.isfinite(lat) and math.isfinite(lon) and math.isfinite(radius))
        or not (-90 <= lat <= 90 and -180 <= lon <= 180 and MIN_RADIUS_M <= radius <= MAX_RADIUS_M)
    )
    with pytest.raises(CoverageError):
        geodesic_ring(lat, lon, radius)


# ------------------------------------------------------------------ resolve_sites
@st.composite
def shaped_specs(draw: st.DrawFn) -> SiteSpec:
    """SiteSpecs of the shape parse_scenario produces, with arbitrary values inside."""
    kw: dict = {"name": draw(st.text(min_size=1, max_size=20))}
    if draw(st.booleans()):
        kw["lat"], kw["lon"] = draw(any_float), draw(any_float)
    else:
        kw["place"] = draw(st.one_of(st.sampled_from(PLACES), st.text(max_size=20)))
    if draw(st.booleans()):
        kw["system"] = draw(st.one_of(st.sampled_from(SYSTEMS), st.text(max_size=10)))
        kw["figure"] = draw(
            st.one_of(st.none(), st.sampled_from(["s-400-bloomberg-2017", "x", ""]), st.text(max_size=10))
        )
    else:
        kw["radius"] = draw(any_float)
        kw["unit"] = draw(
            st.one_of(st.sampled_from(["km", "mi", "nmi", "ft", "", "KM"]), st.text(max_size=4))
        )
    return SiteSpec(**kw)


@FUZZ
@given(specs=st.lists(shaped_specs(), min_size=1, max_size=4))
def test_resolve_sites_random_specs(catalog, specs: list[SiteSpec]) -> None:
    from coverage.analysis import ring_for

    sites = allowed(resolve_sites, Scenario(sites=tuple(specs)), catalog)
    if sites is None:
        return
    assert len(sites) == len(specs)
    assert len({s.name for s in sites}) == len(sites), "repeated names must be numbered"
    for site in sites:
        # A resolved site is either drawable or refused with a RingError, never a crash.
        allowed(ring_for, site.lat_deg, site.lon_deg, site.radius_m)


@FUZZ
@given(site=site_dicts())
def test_parsed_sites_resolve_or_fail_cleanly(catalog, site: dict) -> None:
    scenario = allowed(scenario_from_dict, {"version": 1, "sites": [site]}, "upload.json")
    if scenario is not None:
        sites = allowed(resolve_sites, scenario, catalog)
        if sites is not None:
            # Parsed and resolved: the ring must draw (validation promised a drawable site).
            (s,) = sites
            geodesic_ring(s.lat_deg, s.lon_deg, s.radius_m)


# ------------------------------------------------------------------ regressions (bugs found here, now fixed)
HUGE_INT_RADIUS = '{"version":1,"sites":[{"name":"a","lat":1,"lon":1,"radius":1%s,"unit":"km"}]}' % (
    "0" * 400
)


def test_regression_integer_radius_beyond_float_range() -> None:
    with pytest.raises(ScenarioError, match="radius"):
        parse_scenario(HUGE_INT_RADIUS, "upload.json")


@pytest.mark.parametrize("entry", ["upload", "link"])
def test_regression_integer_with_more_than_4300_digits(entry: str) -> None:
    doc = '{"version":1,"sites":[{"name":"a","lat":1,"lon":1,"radius":%s,"unit":"km"}]}' % ("1" * 5000)
    with pytest.raises(ScenarioError):
        if entry == "upload":
            parse_scenario(doc, "upload.json")
        else:
            import base64
            import zlib

            decode_from_url(base64.urlsafe_b64encode(zlib.compress(doc.encode())).decode())


@pytest.mark.parametrize("field", ["title", "name"])
def test_regression_lone_surrogate_is_accepted_then_cannot_be_encoded(field: str) -> None:
    name, title = ("x\\ud800", "t") if field == "name" else ("x", "t\\udfff")
    doc = '{"version":1,"title":"TITLE","sites":[{"name":"NAME","lat":39.9,"lon":32.8,"system":"s-400"}]}'
    doc = doc.replace("TITLE", title).replace("NAME", name)
    try:
        scenario = parse_scenario(doc.encode(), "upload.json")
    except ScenarioError:
        return  # refusing it at the door is a fix
    assert decode_from_url(encode_for_url(scenario)) == scenario
    scenario.to_json().encode("utf-8")


@pytest.mark.parametrize(
    "spec",
    [
        SiteSpec(name="no position", system="s-400"),
        SiteSpec(name="radius without unit", lat=1.0, lon=1.0, radius=400.0),
        SiteSpec(name="nothing"),
    ],
    ids=["no-position", "no-unit", "nothing"],
)
def test_regression_resolve_sites_asserts_on_malformed_spec(catalog, spec: SiteSpec) -> None:
    with pytest.raises(ScenarioError):
        resolve_sites(Scenario(sites=(spec,)), catalog)


# Was a bug (fixed in parallel): scenario_from_dict accepted a Python float NaN lat/lon, because
# jsonschema's minimum/maximum comparisons are False for NaN; the site then failed later with RingError.
@pytest.mark.parametrize("field", ["lat", "lon"])
def test_scenario_from_dict_refuses_nan_position(catalog, field: str) -> None:
    site = {"name": "a", "lat": 39.9, "lon": 32.8, "system": "s-400", field: float("nan")}
    try:
        scenario = scenario_from_dict({"version": 1, "sites": [site]}, "sites table")
    except ScenarioError:
        return  # refused at validation: the fix
    (resolved,) = resolve_sites(scenario, catalog)
    geodesic_ring(resolved.lat_deg, resolved.lon_deg, resolved.radius_m)  # RingError: nan is not finite
