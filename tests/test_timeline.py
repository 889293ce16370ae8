"""coverage.timeline: the story's dated events, their sources, and the map at each of them."""

from __future__ import annotations

import json

import pytest

from coverage.catalog import SOURCE_TYPES
from coverage.errors import DataFileError
from coverage.paths import CATALOG_DIR
from coverage.scenario import resolve_sites
from coverage.story import PRESETS, STEPS, scenario_file
from coverage.timeline import (
    SCHEMA_PATH,
    TIMELINE_PATH,
    load_timeline,
    parse_timeline,
    scenario_at,
    standing_at,
)

ONE = """\
- id: first
  date: '2013-01-26'
  title: A battery
  text: Something happened.
  site: {name: Adana (from 2013), place: Adana, system: patriot}
  source: {publisher: NATO, type: official, url: 'https://example.org/a', quote: It happened.}
"""


def test_every_event_has_a_dated_read_source():
    events = load_timeline()
    assert len(events) >= 10
    for event in events:
        src = event.source
        assert src.url.startswith(("http://", "https://")) and src.quote.strip(), event.id
        assert src.type in SOURCE_TYPES, event.id
        assert event.date[:4].isdigit() and 2013 <= int(event.date[:4]) <= 2020, event.id
    assert [e.date for e in events] == sorted(e.date for e in events)


def test_the_storys_dated_facts():
    """The facts the issue lists, as the shipped file gives them."""
    by_id = {e.id: e for e in load_timeline()}
    assert by_id["s-400-delivery-2019"].date == "2019-07-12"
    assert by_id["s-400-delivery-2019"].site.place == "Mürted Air Base"
    assert by_id["s-400-contract-2017"].date == "2017-09-12"
    assert by_id["s-400-sinop-test-2020"].date == "2020-10-16"
    assert by_id["hq-9-chosen-2013"].date.startswith("2013-09")
    assert by_id["hq-9-cancelled-2015"].date.startswith("2015-11")
    assert by_id["patriot-adana-spain-2015"].date == "2015-01-26"
    assert by_id["samp-t-kahramanmaras-2016"].date.startswith("2016-06")
    places = {e.site.place for e in by_id.values() if e.site is not None}
    assert {"Adana", "Kahramanmaraş", "Gaziantep", "Mürted Air Base", "Sinop"} <= places


def test_every_site_resolves_with_its_systems_cited_figure(catalog):
    events = load_timeline()
    for event in events:
        sites = resolve_sites(scenario_at(events, event.id), catalog)
        for site in sites:
            assert (
                site.figure is not None
                and site.figure.id == catalog.system(site.figure.system_id).default_figure
            )
            assert 35.5 < site.lat_deg < 42.5 and 26 < site.lon_deg < 45, site.name  # all in Turkey


def test_deployments_start_and_end_as_reported():
    events = load_timeline()
    names = [e.site.name for e in standing_at(events, "patriot-gaziantep-2013") if e.site]
    assert names == ["Adana (Dutch Patriot, from 2013)", "Kahramanmaraş (German Patriot, from 2013)",
                     "Gaziantep (US Patriot, from 2013)"]  # fmt: skip
    after_spain = [e.id for e in standing_at(events, "patriot-adana-spain-2015")]
    assert "patriot-adana-2013" not in after_spain and "patriot-adana-spain-2015" in after_spain
    at_the_end = [e.id for e in standing_at(events, events[-1].id)]
    assert at_the_end == [
        "patriot-adana-spain-2015",
        "samp-t-kahramanmaras-2016",
        "s-400-delivery-2019",
        "s-400-sinop-test-2020",
    ]
    scenario = scenario_at(events, "s-400-delivery-2019")
    assert "12 Jul 2019" in scenario.title and len(scenario.sites) == 3


def test_unknown_event_is_a_clear_error():
    with pytest.raises(DataFileError, match="no timeline event 'nope'"):
        standing_at(load_timeline(), "nope")


@pytest.mark.parametrize(
    "text, needle",
    [
        (ONE.replace("type: official", "type: rumour"), "rumour"),
        (ONE.replace(" quote: It happened.", ""), "quote"),
        (ONE + ONE, "used twice"),
        (ONE + ONE.replace("first", "second").replace("2013-01-26", "2012-01-01"), "date order"),
        (ONE + ONE.replace("first", "second").replace("  site:", "  ends: [nope]\n  site:"), "nope"),
        ("- id: [x\n", "not valid YAML"),
    ],
)
def test_bad_timeline_files_name_the_file_and_the_problem(text, needle):
    with pytest.raises(DataFileError, match="events.yaml") as info:
        parse_timeline(text, "events.yaml")
    assert needle in str(info.value)


def test_a_minimal_file_parses():
    (event,) = parse_timeline(ONE, "events.yaml")
    assert event.label == "26 Jan 2013 · A battery" and event.site is not None


def test_the_source_definition_is_the_catalogs():
    """timeline.schema.json copies the catalog's source definition: they must not drift."""
    catalog_schema = json.loads((CATALOG_DIR / "schema.json").read_text(encoding="utf-8"))
    timeline_schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert timeline_schema["$defs"]["source"] == catalog_schema["$defs"]["source"]
    assert TIMELINE_PATH.is_file()


def test_every_figure_id_named_by_a_scenario_step_or_the_timeline_exists(catalog):
    """Story steps, presets and the timeline only name systems and figures the catalog has."""
    files = {s.scenario_file for s in STEPS if s.scenario_file} | {
        v for v in PRESETS.values() if v.endswith(".json")
    }
    for name in sorted(files):
        for spec in scenario_file(name).sites:
            assert spec.system is not None
            catalog.figure(spec.system, spec.figure)  # raises CatalogError if unknown
    for event in load_timeline():
        if event.site is not None and event.site.system is not None:
            catalog.system(event.site.system)
