"""Scenario JSON: the issue's example, every kind of bad input, and share links."""

from __future__ import annotations

import copy
import json

import pytest

from coverage.errors import ScenarioError
from coverage.scenario import (
    Scenario,
    Site,
    SiteSpec,
    decode_from_url,
    encode_for_url,
    load_scenario,
    parse_scenario,
    resolve_sites,
)

MILE_M = 1609.344
STORY_FIGURE = "s-400-bloomberg-2017"  # 250 mi, relayed from Bloomberg
OTHER_S400_FIGURE = "s-400-tass-2017-09-25"  # 400 km, TASS (not the default)


def example(figure_id: str = OTHER_S400_FIGURE) -> dict:
    return {
        "version": 1,
        "title": "Turkey's S-400 from the Aegean coast",
        "units": "mi",
        "sites": [
            {"name": "Izmir", "lat": 38.42, "lon": 27.14, "system": "s-400", "figure": STORY_FIGURE},
            {"name": "Izmir", "lat": 38.42, "lon": 27.14, "system": "s-400", "figure": figure_id},
            {"name": "Anywhere", "lat": 38.42, "lon": 27.14, "radius": 250, "unit": "mi"},
        ],
    }


def test_issue_example_parses_and_resolves(catalog):
    fig = catalog.figure("s-400", OTHER_S400_FIGURE)  # a real figure id from the catalog
    assert fig.value == 400 and fig.unit == "km"
    scenario = parse_scenario(json.dumps(example()))
    assert scenario.title == "Turkey's S-400 from the Aegean coast"
    assert scenario.units == "mi"
    assert len(scenario.sites) == 3
    sites = resolve_sites(scenario, catalog)
    assert [s.name for s in sites] == ["Izmir", "Izmir (2)", "Anywhere"]
    assert sites[0].radius_m == pytest.approx(250 * MILE_M)
    assert sites[0].figure.source.via == "Bloomberg"
    assert sites[1].radius_m == pytest.approx(400_000.0)
    assert sites[1].figure.id == OTHER_S400_FIGURE
    assert sites[2].radius_m == pytest.approx(250 * MILE_M)
    assert sites[2].figure is None
    for s in sites:
        assert (s.lat_deg, s.lon_deg) == (38.42, 27.14)


def test_example_round_trips_through_to_json(catalog):
    scenario = parse_scenario(json.dumps(example()))
    again = parse_scenario(scenario.to_json())
    assert again == scenario


def test_bytes_with_bom_accepted():
    scenario = parse_scenario(b"\xef\xbb\xbf" + json.dumps(example()).encode("utf-8"))
    assert len(scenario.sites) == 3


def test_place_site_resolves_through_gazetteer(catalog):
    scenario = parse_scenario('{"version": 1, "sites": [{"name": "K", "place": "kars", "system": "s-400"}]}')
    (site,) = resolve_sites(scenario, catalog)
    assert site.lat_deg == pytest.approx(40.598, abs=0.01) and site.lon_deg == pytest.approx(43.085, abs=0.01)


@pytest.mark.parametrize(
    "path", ["story.json", "story-kars.json", "story-ankara.json", "story-izmir.json", "story-edirne.json"]
)
def test_shipped_scenarios_load_and_resolve(root, catalog, path):
    scenario = load_scenario(root / "scenarios" / path)
    sites = resolve_sites(scenario, catalog)
    assert sites and all(s.radius_m == pytest.approx(250 * MILE_M) for s in sites)


def _with_site(**changes):
    doc = example()
    doc["sites"][2].update(changes)
    for key, value in list(doc["sites"][2].items()):
        if value is _DROP:
            del doc["sites"][2][key]
    return json.dumps(doc)


_DROP = object()


def _deep(n: int) -> str:
    return "[" * n + "]" * n


def _too_many_sites() -> str:
    doc = example()
    doc["sites"] = [
        {"name": f"S{i}", "lat": 0.0, "lon": 0.0, "radius": 10, "unit": "km"} for i in range(1001)
    ]
    return json.dumps(doc)


def _too_big() -> bytes:
    doc = example()
    doc["title"] = "x"
    return (json.dumps(doc) + " " * 1_000_001).encode()


BAD_PARSE = [
    ("malformed-json", '{"version": 1, "sites": [', ["not valid JSON", "line 1"]),
    ("trailing-comma", '{"version": 1, "sites": [],}', ["not valid JSON"]),
    ("not-an-object", "[1, 2, 3]", ["top level", "object"]),
    ("version-2", json.dumps({**example(), "version": 2}), ["version", "2"]),
    ("missing-version", json.dumps({k: v for k, v in example().items() if k != "version"}), ["version"]),
    ("no-sites", json.dumps({**example(), "sites": []}), ["sites"]),
    ("sites-not-list", json.dumps({**example(), "sites": {"a": 1}}), ["sites", "array"]),
    ("title-not-string", json.dumps({**example(), "title": 5}), ["title", "string"]),
    ("lat-string", _with_site(lat="38.4"), ["sites[2].lat", "number"]),
    ("lat-bool", _with_site(lat=True), ["sites[2].lat", "number"]),
    ("radius-string", _with_site(radius="250"), ["sites[2].radius", "number"]),
    ("name-number", _with_site(name=7), ["sites[2].name", "string"]),
    ("missing-name", _with_site(name=_DROP), ["sites[2]", "name"]),
    ("blank-name", _with_site(name="   "), ["sites[2].name", "blank"]),
    ("empty-name", _with_site(name=""), ["sites[2].name"]),
    ("unknown-key", _with_site(colour="red"), ["sites[2]", "colour"]),
    ("unknown-top-key", json.dumps({**example(), "author": "me"}), ["author"]),
    ("lat-95", _with_site(lat=95), ["sites[2].lat", "95"]),
    ("lat-minus-91", _with_site(lat=-91), ["sites[2].lat"]),
    ("lon-minus-181", _with_site(lon=-181), ["sites[2].lon", "-181"]),
    ("lon-180.5", _with_site(lon=180.5), ["sites[2].lon"]),
    ("lat-nan", _with_site(lat=0).replace('"lat": 0', '"lat": NaN'), ["NaN"]),
    ("lon-infinity", _with_site(lon=0).replace('"lon": 0', '"lon": Infinity'), ["Infinity"]),
    (
        "radius-minus-infinity",
        _with_site(radius=1).replace('"radius": 1', '"radius": -Infinity'),
        ["Infinity"],
    ),
    (
        "radius-huge-literal",
        _with_site(radius=1).replace('"radius": 1', '"radius": 1e400'),
        ["sites[2]", "radius"],
    ),
    ("radius-0", _with_site(radius=0), ["sites[2].radius"]),
    ("radius-negative", _with_site(radius=-5), ["sites[2].radius"]),
    ("radius-10001-km", _with_site(radius=10001, unit="km"), ["sites[2].radius", "10001"]),
    ("radius-0.5-km", _with_site(radius=0.5, unit="km"), ["sites[2].radius"]),
    ("unit-unknown", _with_site(unit="furlong"), ["sites[2].unit", "furlong"]),
    ("units-unknown", json.dumps({**example(), "units": "parsec"}), ["units", "parsec"]),
    ("radius-without-unit", _with_site(unit=_DROP), ["sites[2]", "unit"]),
    ("unit-without-radius", _with_site(radius=_DROP, system="s-400"), ["sites[2]", "unit"]),
    ("system-and-radius", _with_site(system="s-400"), ["sites[2]", "system"]),
    ("neither-system-nor-radius", _with_site(radius=_DROP, unit=_DROP), ["sites[2]", "system"]),
    ("figure-without-system", _with_site(figure="x"), ["sites[2]", "figure"]),
    ("lat-without-lon", _with_site(lon=_DROP), ["sites[2]", "lat and lon"]),
    ("place-and-latlon", _with_site(place="Kars"), ["sites[2]", "place"]),
    ("no-position", _with_site(lat=_DROP, lon=_DROP), ["sites[2]", "place"]),
    ("too-many-sites", _too_many_sites(), ["sites", "1000"]),
    ("nested-deeply", _deep(100_000), ["nested too deeply"]),
    ("nested-deeply-objects", '{"a":' * 100_000 + "1" + "}" * 100_000, ["nested too deeply"]),
]


@pytest.mark.parametrize("text, needles", [pytest.param(t, n, id=i) for i, t, n in BAD_PARSE])
def test_bad_scenarios_raise_naming_the_field(text, needles):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "upload.json")
    message = str(info.value)
    assert message.startswith("upload.json: "), message
    assert "\n" not in message
    for needle in needles:
        assert needle in message, (needle, message)


def test_over_one_megabyte_is_refused():
    data = _too_big()
    assert len(data) > 1_000_000
    with pytest.raises(ScenarioError, match=r"^big.json: .*larger than"):
        parse_scenario(data, "big.json")


def test_exactly_at_the_limit_is_not_refused_for_size():
    doc = json.dumps(example())
    data = (doc + " " * (1_000_000 - len(doc))).encode()
    assert len(data) == 1_000_000
    assert len(parse_scenario(data).sites) == 3


def test_over_one_megabyte_file_is_refused(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(_too_big())
    with pytest.raises(ScenarioError, match="big.json"):
        load_scenario(path)


@pytest.mark.parametrize("data", [b"\xff\xfe{}", b'{"version": 1, "title": "caf\xe9", "sites": []}'])
def test_non_utf8_bytes(data):
    with pytest.raises(ScenarioError, match=r"^f.json: not UTF-8"):
        parse_scenario(data, "f.json")


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="nothere.json"):
        load_scenario(tmp_path / "nothere.json")


@pytest.mark.parametrize(
    "site, needles",
    [
        ({"name": "A", "lat": 1, "lon": 2, "system": "s-999"}, ["sites[0]", "s-999"]),
        ({"name": "A", "lat": 1, "lon": 2, "system": "s-400", "figure": "made-up"}, ["sites[0]", "made-up"]),
        (
            {"name": "A", "place": "Atlantis-upon-Nowhere", "system": "s-400"},
            ["sites[0]", "Atlantis-upon-Nowhere"],
        ),
    ],
)
def test_unknown_system_figure_or_place(catalog, site, needles):
    scenario = parse_scenario(json.dumps({"version": 1, "sites": [site]}))
    with pytest.raises(ScenarioError) as info:
        resolve_sites(scenario, catalog)
    for needle in needles:
        assert needle in str(info.value)


def test_names_are_stripped_and_repeats_numbered(catalog):
    doc = {
        "version": 1,
        "sites": [{"name": " A ", "lat": 0, "lon": 0, "radius": 10, "unit": "km"}] * 3,
    }
    sites = resolve_sites(parse_scenario(json.dumps(doc)), catalog)
    assert [s.name for s in sites] == ["A", "A (2)", "A (3)"]
    assert all(s.radius_m == 10_000.0 for s in sites)


def test_units_nmi(catalog):
    doc = {"version": 1, "sites": [{"name": "A", "lat": 0, "lon": 0, "radius": 100, "unit": "nmi"}]}
    (site,) = resolve_sites(parse_scenario(json.dumps(doc)), catalog)
    assert site.radius_m == pytest.approx(185_200.0)


# ------------------------------------------------------------------ share links


def test_url_round_trip():
    scenario = parse_scenario(json.dumps(example()))
    text = encode_for_url(scenario)
    assert all(c.isalnum() or c in "-_" for c in text)
    assert decode_from_url(text) == scenario


def test_url_round_trip_unicode():
    scenario = Scenario(
        sites=(SiteSpec(name="İzmir (Ege kıyısı) — ✈", place="İzmir", system="s-400"),),
        title="Türkiye’nin S-400’ü",
        units="nmi",
    )
    assert decode_from_url(encode_for_url(scenario)) == scenario


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[: len(t) // 2],  # cut short
        lambda t: t[:-3],
        lambda t: "",
        lambda t: "!!!!",
        lambda t: t + "é",
        lambda t: "A" + t,
        lambda t: "x" * 1_000_001,
    ],
    ids=["half", "minus3", "empty", "punct", "non-ascii", "shifted", "too-long"],
)
def test_damaged_link_raises_scenario_error(mangle):
    text = encode_for_url(parse_scenario(json.dumps(example())))
    with pytest.raises(ScenarioError, match="link"):
        decode_from_url(mangle(text))


def test_link_to_invalid_scenario_names_the_field():
    import base64
    import zlib

    doc = copy.deepcopy(example())
    doc["sites"][0]["lat"] = 95
    text = base64.urlsafe_b64encode(zlib.compress(json.dumps(doc).encode())).decode().rstrip("=")
    with pytest.raises(ScenarioError, match=r"^link: sites\[0\]\.lat"):
        decode_from_url(text)


def test_zip_bomb_link_is_refused():
    import base64
    import zlib

    packed = zlib.compress(b" " * 5_000_000, 9)
    text = base64.urlsafe_b64encode(packed).decode()
    assert len(text) < 100_000
    with pytest.raises(ScenarioError, match="link"):
        decode_from_url(text)


# ------------------------------------------------------------------ known gaps (real bugs)


@pytest.mark.parametrize("literal, field", [("NaN", "lat"), ("Infinity", "lon"), ("-Infinity", "radius")])
def test_non_finite_number_message_names_the_field(literal, field):
    text = _with_site(**{field: 1}).replace(f'"{field}": 1', f'"{field}": {literal}')
    with pytest.raises(ScenarioError, match=rf"sites\[2\]\.{field}"):
        parse_scenario(text, "upload.json")


def test_size_limit_counts_bytes_for_text_input():
    wide = "\U0001d54f" * 300_000  # 300,000 code points, 1.2 MB in UTF-8
    text = json.dumps({"version": 1, "title": wide, "sites": []}, ensure_ascii=False)
    assert len(text) < 1_000_000 < len(text.encode("utf-8"))
    with pytest.raises(ScenarioError, match="larger than"):
        parse_scenario(text, "upload.json")


def test_moderately_deep_nesting_inside_sites_gives_scenario_error():
    # The failing window depends on the caller's stack depth, so scan a range of depths.
    unexpected = {}
    for depth in range(850, 1000):
        text = '{"version": 1, "sites": [' + "[" * depth + "]" * depth + "]}"
        try:
            parse_scenario(text, "deep.json")
        except ScenarioError:
            continue
        except Exception as exc:  # noqa: BLE001 - any other exception is the bug
            unexpected[depth] = type(exc).__name__
    depths = sorted(unexpected)[:3]
    assert not unexpected, f"non-ScenarioError at depths {depths}…: {set(unexpected.values())}"


def test_labels_say_what_a_figure_measures_where_the_source_does(catalog):
    """Map legends carry the target type or missile (a 40 km ballistic-missile figure must not
    read like an aircraft range); a figure whose source states neither stays short."""
    mse = catalog.figure("patriot-pac-3-mse")
    assert "against ballistic missiles" in Site("X", 0.0, 0.0, mse.radius_m, mse).label()
    m9 = catalog.figure("s-400", "s-400-9m96-twz-2019")
    assert ", 9M96 missile (The War Zone" in Site("X", 0.0, 0.0, m9.radius_m, m9).label()
    story = catalog.figure("s-400", STORY_FIGURE)
    assert Site("X", 0.0, 0.0, story.radius_m, story).label("km") == (
        "S-400 Triumf, 250 mi = 402 km (Defense Mirror citing Bloomberg, 13 Jul 2017)"
    )


@pytest.mark.parametrize("char", ["\x0b", "\x1b", "\x00", "\ufffe", "\uffff"])
@pytest.mark.parametrize("field", ["title", "subtitle", "place"])
def test_text_that_svg_and_kml_cannot_hold_is_refused_naming_the_field(char, field):
    site = {"name": "Kars", "system": "s-400", "place": "Kars"}
    raw = {"version": 1, "sites": [site], "title": "T"}
    if field == "place":
        site["place"] = f"Ka{char}rs"
    else:
        raw[field] = f"Map{char}title"
    with pytest.raises(ScenarioError, match=rf"{field}") as info:
        parse_scenario(json.dumps(raw))
    assert f"control character U+{ord(char):04X}" in str(info.value)


def _json_like():
    from hypothesis import strategies as st

    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),  # nan and inf included
        st.text(alphabet=st.characters(codec=None), max_size=4),  # controls and lone surrogates too
    )
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=3), st.dictionaries(st.text(max_size=3), children, max_size=3)
        ),
        max_leaves=40,
    )


def test_the_quick_walk_agrees_with_the_walk_that_names_the_place() -> None:
    """_check_plain asks _is_plain first; where it says yes, the slow walk must find nothing."""
    from hypothesis import given, settings

    from coverage.scenario import MAX_DEPTH, _check_plain, _is_plain

    def slow(raw) -> bool:
        import coverage.scenario as scenario_mod

        quick = scenario_mod._is_plain
        scenario_mod._is_plain = lambda _: False  # force the naming walk
        try:
            _check_plain(raw, "x.json")
            return True
        except ScenarioError:
            return False
        finally:
            scenario_mod._is_plain = quick

    @settings(max_examples=300, deadline=None)
    @given(_json_like())
    def agree(raw) -> None:
        assert _is_plain(raw) == slow(raw)

    agree()
    deep: list = []
    for _ in range(MAX_DEPTH + 2):
        deep = [deep]
    assert not _is_plain(deep) and not slow(deep)
