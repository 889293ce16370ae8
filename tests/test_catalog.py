"""The catalog of cited figures: shipped file, and error messages for malformed YAML."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from coverage.catalog import (
    CATALOG_DIR,
    ENGAGEMENT_KINDS,
    FIGURE_KINDS,
    SOURCE_TYPES,
    human_date,
    load_catalog_files,
    parse_catalog,
    source_rank,
)
from coverage.errors import CatalogError

MILE_M = 1609.344  # international mile, exact by definition

VALID = textwrap.dedent(
    """\
    - id: test-sys
      name: Test System
      aka: [TS-1]
      default_figure: test-fig
      figures:
      - id: test-fig
        value: 100
        unit: km
        kind: maximum
        refers_to: maximum range
        source:
          publisher: Example Press
          type: newspaper
          title: An article
          date: 2017-07-13
          url: https://example.org/article
          quote: It reaches 100 km.
      - id: test-fig-2
        value: 60
        unit: nmi
        kind: coverage-claim
        refers_to: another figure
        source:
          publisher: Other Press
          type: blog
          via: Original Agency
          url: http://example.org/other
          quote: It watches 60 nautical miles.
    """
)


def test_shipped_catalog_loads(catalog):
    assert len(catalog.systems) >= 5
    for system_id in ("s-400", "s-300pmu-1", "hq-9", "samp-t"):
        assert system_id in catalog.systems
    assert any(sid.startswith("patriot") for sid in catalog.systems)


def test_the_storys_figure_is_the_250_miles_relayed_from_bloomberg(catalog):
    fig = catalog.figure("s-400", "s-400-bloomberg-2017")
    assert fig.value == 250 and fig.unit == "mi"
    # The page read is Defense Mirror's; Bloomberg, whose page was not seen, is the original.
    assert fig.source.publisher == "Defense Mirror" and fig.source.via == "Bloomberg"
    assert fig.source.title is None and fig.source.headline == "headline not seen"
    assert fig.source.date == "2017-07-13" and fig.source.date_of == "event"
    assert fig.source.when == "13 Jul 2017 (date of the original report)"
    assert "can hit targets as far as 250 miles away" in fig.source.quote
    assert fig.source.credit() == "Defense Mirror citing Bloomberg (2017)"
    assert fig.radius_m == pytest.approx(250 * MILE_M)


def test_every_figure_is_cited(catalog):
    n = 0
    for system in catalog.systems.values():
        ids = [f.id for f in system.figures]
        assert system.default_figure in ids
        assert len(set(ids)) == len(ids)
        for fig in system.figures:
            n += 1
            assert fig.source.url.startswith(("http://", "https://")), fig.id
            assert " " not in fig.source.url
            assert fig.source.publisher.strip(), fig.id
            assert fig.source.quote.strip(), fig.id
            assert fig.source.title is None or fig.source.title.strip(), fig.id
            assert fig.source.type in SOURCE_TYPES and fig.kind in FIGURE_KINDS, fig.id
            assert fig.value > 0 and fig.unit in ("km", "mi", "nmi")
            assert 1000.0 <= fig.radius_m <= 10_000_000.0, fig.id
            assert fig.system_id == system.id
    assert n >= 30


def test_no_internal_note_in_what_a_reader_sees(catalog):
    """Notes are for maintainers: nothing shown (via, title, refers_to) carries one."""
    for system in catalog.systems.values():
        for fig in system.figures:
            shown = " ".join([fig.source.full(), fig.refers_to, fig.kind_label])
            for phrase in ("this project", "seed article", "not seen:", "TODO"):
                assert phrase not in shown, (fig.id, phrase)
            assert fig.source.via is None or len(fig.source.via) <= 40, fig.id  # a name, not a note


def test_defaults_are_missile_ranges_from_the_best_source_read(catalog):
    """No default is a coverage claim or a detection range, and no other missile range of the
    system comes from a more authoritative kind of source (official first)."""
    for system in catalog.systems.values():
        default = system.figure()
        assert default.kind in ENGAGEMENT_KINDS, system.id
        best = min(source_rank(f) for f in system.engagement_figures())
        assert source_rank(default) == best, (system.id, default.id)


def test_mixed_records_are_separate_systems(catalog):
    """A user picking SAMP/T or HQ-9 gets that system's figures, not a future or upgraded one."""
    assert all("B1NT" not in (f.missile or "") + f.refers_to for f in catalog.system("samp-t").figures)
    assert all("HQ-9B" not in f.refers_to for f in catalog.system("hq-9").figures)
    assert catalog.figure("samp-t-ng").missile == "Aster 30 B1NT"
    assert catalog.figure("hq-9b").value == 250


def test_the_s400_spread_runs_from_the_9m96_to_the_longest_claim(catalog):
    low, high = catalog.system("s-400").spread()
    assert (low.missile, low.value, low.unit) == ("9M96", 75, "mi")
    assert high.radius_m == pytest.approx(250 * MILE_M)
    kinds = {f.kind for f in catalog.system("s-300pmu-1").engagement_figures()}
    assert "coverage-claim" not in kinds  # the Crete 'patrolled' radius is not a missile's reach


def test_a_coverage_claim_cannot_be_the_default():
    text = VALID.replace("default_figure: test-fig\n", "default_figure: test-fig-2\n")
    with pytest.raises(CatalogError, match=r'system "test-sys".*default_figure.*claimed coverage area'):
        parse_catalog(text, "test.yaml")


def test_figure_ids_are_unique_across_the_catalog(catalog):
    ids = [f.id for s in catalog.systems.values() for f in s.figures]
    assert len(ids) == len(set(ids))


def test_unknown_system_and_figure(catalog):
    with pytest.raises(CatalogError, match="nope"):
        catalog.system("nope")
    with pytest.raises(CatalogError, match="no-such-figure"):
        catalog.figure("s-400", "no-such-figure")


def test_valid_text_parses_and_keeps_dates_as_written():
    (system,) = parse_catalog(VALID, "test.yaml")
    assert system.id == "test-sys" and system.aka == ("TS-1",)
    fig = system.figure()
    assert fig.id == "test-fig"
    assert fig.source.date == "2017-07-13"  # a string, not a datetime.date
    assert fig.source.short() == "Example Press, 13 Jul 2017"
    assert fig.source.credit() == "Example Press (2017)"
    assert fig.source.full() == "Example Press, “An article”, 13 Jul 2017, https://example.org/article"
    other = system.figure("test-fig-2")
    assert other.radius_m == pytest.approx(60 * 1852.0)
    assert other.source.short() == "Other Press citing Original Agency, undated"
    assert other.source.headline == "headline not seen"
    assert other.kind_label == "claimed coverage area, not a missile range"


@pytest.mark.parametrize(
    "old, new, needles",
    [
        (
            "      url: https://example.org/article\n",
            "",
            ['system "test-sys"', 'figure "test-fig"', "source", "url"],
        ),
        (
            "    unit: km\n",
            "    unit: furlong\n",
            ['system "test-sys"', 'figure "test-fig"', "unit", "furlong"],
        ),
        (
            "default_figure: test-fig\n",
            "default_figure: missing-fig\n",
            ['system "test-sys"', "default_figure", "missing-fig"],
        ),
        (
            "url: https://example.org/article",
            "url: ftp://example.org/article",
            ['figure "test-fig"', "source.url"],
        ),
        ("    value: 100\n", "    value: -3\n", ['figure "test-fig"', "value"]),
        ("    value: 100\n", "    value: lots\n", ['figure "test-fig"', "value"]),
        ("      publisher: Example Press\n", "", ['figure "test-fig"', "publisher"]),
        ("date: 2017-07-13", "date: 13/07/2017", ['figure "test-fig"', "source.date"]),
        ("  name: Test System\n", "  name: Test System\n  colour: red\n", ['system "test-sys"', "colour"]),
        ("- id: test-fig-2", "- id: test-fig", ['system "test-sys"', "duplicate"]),
        ("- id: test-sys", "- id: Test Sys", ["field id"]),
        ("    kind: maximum\n", "", ['figure "test-fig"', "kind"]),
        ("    kind: maximum\n", "    kind: rumour\n", ['figure "test-fig"', "kind", "rumour"]),
        ("      quote: It reaches 100 km.\n", "", ['figure "test-fig"', "quote"]),
        ("      type: newspaper\n", "      type: tabloid\n", ['figure "test-fig"', "source.type", "tabloid"]),
    ],
)
def test_malformed_catalog_names_file_entry_and_field(old, new, needles):
    assert old in VALID
    text = VALID.replace(old, new, 1)
    with pytest.raises(CatalogError) as info:
        parse_catalog(text, "bad-file.yaml")
    message = str(info.value)
    assert message.startswith("bad-file.yaml: ")
    for needle in needles:
        assert needle in message, (needle, message)


@pytest.mark.parametrize("text", ["- id: [unclosed\n", "a: b: c\n", "\t- id: x\n"])
def test_invalid_yaml_names_the_file(text):
    with pytest.raises(CatalogError, match=r"^oops\.yaml: "):
        parse_catalog(text, "oops.yaml")


@pytest.mark.parametrize("text", ["", "just a string\n", "{id: s}\n"])
def test_wrong_top_level_shape(text):
    with pytest.raises(CatalogError, match="weird.yaml"):
        parse_catalog(text, "weird.yaml")


def test_yaml_python_tags_are_refused():
    text = "- !!python/object/apply:os.system ['echo hi']\n"
    with pytest.raises(CatalogError, match="evil.yaml"):
        parse_catalog(text, "evil.yaml")


def test_system_defined_in_two_files(tmp_path: Path):
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text(VALID, encoding="utf-8")
    b.write_text(VALID, encoding="utf-8")
    with pytest.raises(CatalogError, match='b.yaml: system "test-sys" is defined twice'):
        load_catalog_files([a, b])


def test_no_files_and_unreadable_file(tmp_path: Path):
    with pytest.raises(CatalogError):
        load_catalog_files([])
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("- id: caf\xe9\n".encode("latin-1"))
    with pytest.raises(CatalogError, match="latin1.yaml"):
        load_catalog_files([bad])


def test_shipped_files_parse_individually():
    files = sorted(CATALOG_DIR.glob("*.yaml"))
    assert files
    for path in files:
        assert parse_catalog(path.read_text(encoding="utf-8"), path.name)


@pytest.mark.parametrize(
    "iso, text", [("2017-07-13", "13 Jul 2017"), ("2017-07", "Jul 2017"), ("2017", "2017"), (None, "undated")]
)
def test_human_date(iso, text):
    assert human_date(iso) == text


def test_the_catalog_kept_in_the_cache_is_the_catalog(tmp_path: Path, monkeypatch) -> None:
    """The shipped catalog is parsed once, then read from the user's cache: the same systems."""
    from coverage import diskcache

    monkeypatch.setenv(diskcache.CACHE_ENV, str(tmp_path))
    files = sorted(CATALOG_DIR.glob("*.yaml"))
    fresh = load_catalog_files(files)
    assert not list(tmp_path.glob("catalog-*"))  # only the shipped catalog is kept
    first = load_catalog_files(files, kept=True)
    assert len(list(tmp_path.glob("catalog-*.bin"))) == len(files)
    again = load_catalog_files(files, kept=True)
    assert fresh.systems == first.systems == again.systems


def test_a_damaged_cache_entry_is_parsed_again(tmp_path: Path, monkeypatch) -> None:
    from coverage import diskcache

    monkeypatch.setenv(diskcache.CACHE_ENV, str(tmp_path))
    assert parse_catalog(VALID, "v.yaml", kept=True)
    (entry,) = tmp_path.glob("catalog-*.bin")
    entry.write_bytes(entry.read_bytes()[:-5] + b"XXXXX")
    (system,) = parse_catalog(VALID, "v.yaml", kept=True)
    assert system.id == "test-sys" and system.figures[0].source.date == "2017-07-13"


def test_yaml_that_json_cannot_hold_is_not_kept(tmp_path: Path, monkeypatch) -> None:
    from coverage import diskcache

    monkeypatch.setenv(diskcache.CACHE_ENV, str(tmp_path))
    with pytest.raises(CatalogError):
        parse_catalog("- {1: 2}\n", "keys.yaml", kept=True)  # an int key would come back a string
    assert not list(tmp_path.glob("catalog-*"))
