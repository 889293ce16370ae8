"""Exports: atomic writes, GeoJSON read back with pyogrio, CSV safety, captions, HTML."""

from __future__ import annotations

import csv
import html
import io
import json
import re

import _geo_reference as ref
import pandas as pd
import pyogrio
import pytest
import shapely

from coverage import export
from coverage.analysis import COVERAGE_COLUMNS, analyse, analyse_shipped, coverage_by_site, site_ring
from coverage.catalog import load_catalog
from coverage.errors import ExportError
from coverage.export import STOCK_SENTENCES, caption, geojson_document, safe_cell, table_csv, write_atomic
from coverage.geodesy import area_km2
from coverage.paths import SCENARIOS_DIR
from coverage.scenario import Site, load_scenario, resolve_sites

# ------------------------------------------------------------------ atomic writes


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("data", ["héllo\n", b"\x00\x01bytes"])
def test_write_atomic_writes_the_data(tmp_path, data):
    target = tmp_path / "out.txt"
    assert write_atomic(target, data) == target
    expected = data.encode("utf-8") if isinstance(data, str) else data
    assert target.read_bytes() == expected
    assert _leftovers(tmp_path) == []


def test_write_atomic_replaces_existing_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_write_atomic_missing_folder(tmp_path):
    target = tmp_path / "no-such-dir" / "out.geojson"
    with pytest.raises(ExportError) as info:
        write_atomic(target, "x")
    assert str(target) in str(info.value)
    assert not target.exists()
    assert not target.parent.exists()
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_parent_is_a_file(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("I am a file")
    with pytest.raises(ExportError):
        write_atomic(blocker / "out.csv", "x")
    assert blocker.read_text() == "I am a file"


def test_write_atomic_failure_at_rename_leaves_target_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "out.geojson"
    target.write_text("previous contents")

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.os, "replace", boom)
    with pytest.raises(ExportError, match="out.geojson"):
        write_atomic(target, "new contents that never land")
    assert target.read_text() == "previous contents"
    assert _leftovers(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.geojson"]


def test_write_atomic_failure_mid_write_leaves_no_file(tmp_path, monkeypatch):
    target = tmp_path / "fresh.csv"

    def boom(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(export.os, "fsync", boom)
    with pytest.raises(ExportError):
        write_atomic(target, "a,b\n1,2\n")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_interrupt_is_reraised_and_cleaned_up(tmp_path, monkeypatch):
    target = tmp_path / "fresh.csv"

    def interrupt(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(export.os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "data")
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_onto_a_directory(tmp_path):
    target = tmp_path / "adir"
    target.mkdir()
    with pytest.raises(ExportError):
        write_atomic(target, "x")
    assert target.is_dir()
    assert _leftovers(tmp_path) == []


# ------------------------------------------------------------------ GeoJSON


@pytest.fixture(scope="module")
def export_sites(kars_sites):
    return [
        *kars_sites,
        Site("Suva", -18.14, 178.44, 600_000.0),  # crosses the antimeridian
        Site("High Arctic", 85.0, 20.0, 1_000_000.0),  # encloses the north pole
        Site("=cmd|' /C calc'!A0", 10.0, 10.0, 50_000.0),
    ]


@pytest.fixture(scope="module")
def geojson_frame(export_sites, tmp_path_factory):
    path = tmp_path_factory.mktemp("gj") / "rings.geojson"
    write_atomic(path, json.dumps(geojson_document(analyse_shipped(export_sites, "110m"))))
    return pyogrio.read_dataframe(path)


def test_geojson_reads_back_with_ring_properties(geojson_frame, export_sites):
    rings = geojson_frame[geojson_frame["kind"] == "ring"]
    assert {"kind", "site", "radius_km", "source_url"} <= set(geojson_frame.columns)
    assert list(rings["site"]) == [s.name for s in export_sites]
    for row, site in zip(rings.itertuples(), export_sites, strict=True):
        assert row.radius_km == pytest.approx(site.radius_m / 1000.0, abs=1e-6)
    kars = rings.iloc[0]
    assert kars["source_url"].startswith("https://")
    assert (kars["source_publisher"], kars["source_via"]) == ("Defense Mirror", "Bloomberg")
    assert kars["source_type"] == "specialist site"
    assert kars["figure_kind"] == "maximum, target type not stated"
    assert rings.iloc[1]["source_url"] in ("", None)
    points = geojson_frame[geojson_frame["kind"] == "site"]
    assert len(points) == len(export_sites)
    for geom, site in zip(points.geometry, export_sites, strict=True):
        assert (geom.x, geom.y) == pytest.approx((site.lon_deg, site.lat_deg))


def test_geojson_ring_area_survives_the_round_trip(geojson_frame, export_sites):
    rings = geojson_frame[geojson_frame["kind"] == "ring"]
    for geom, site in zip(rings.geometry, export_sites, strict=True):
        assert geom.is_valid
        assert area_km2(geom) == pytest.approx(area_km2(site_ring(site)), rel=1e-3)
    # and, independently, the Kars ring is about a spherical cap of 250 mi
    assert area_km2(rings.geometry.iloc[0]) == pytest.approx(ref.spherical_cap_km2(402_336.0), rel=5e-3)


def test_geojson_rings_counter_clockwise_and_split(geojson_frame):
    rings = geojson_frame[geojson_frame["kind"] == "ring"]
    for geom in rings.geometry:
        for part in shapely.get_parts(geom):
            assert part.exterior.is_ccw
            assert all(not hole.is_ccw for hole in part.interiors)
        b = geom.bounds
        assert b[0] >= -180.0 and b[2] <= 180.0 and b[1] >= -90.0 and b[3] <= 90.0
    suva = rings[rings["site"] == "Suva"].geometry.iloc[0]
    assert suva.geom_type == "MultiPolygon"
    assert all(p.bounds[2] - p.bounds[0] < 20.0 for p in suva.geoms)


def test_geojson_document_is_plain_rfc7946(export_sites):
    doc = geojson_document(analyse_shipped(export_sites, "110m"))
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc
    text = json.dumps(doc, allow_nan=False)  # no NaN/Infinity anywhere
    assert json.loads(text) == doc


# ------------------------------------------------------------------ CSV


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Turkey", "Turkey"),
        ("", ""),
        (-1, -1),
        (2.5, 2.5),
        (None, None),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_table_csv_columns_and_values(kars_sites, kars_table):
    text = table_csv(kars_table, kars_sites)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0].keys())[:5] == COVERAGE_COLUMNS
    assert len(rows) == len(kars_table)
    armenia = next(r for r in rows if r["country"] == "Armenia")
    assert armenia["iso_a3"] == "ARM"
    assert float(armenia["covered_pct"]) == pytest.approx(100.0, abs=0.05)
    assert float(armenia["covered_km2"]) == pytest.approx(float(armenia["country_km2"]), rel=5e-4)
    assert "Bloomberg" in rows[0]["sources"]


def test_table_csv_without_sites_has_exactly_the_columns(kars_table):
    rows = list(csv.reader(io.StringIO(table_csv(kars_table))))
    assert rows[0] == COVERAGE_COLUMNS
    assert len(rows) == len(kars_table) + 1


def test_table_csv_by_site_has_citations(kars_sites, borders_110m):
    table = coverage_by_site(kars_sites, borders_110m)
    rows = list(csv.DictReader(io.StringIO(table_csv(table, kars_sites))))
    assert rows[0]["site"] == "Kars"
    assert (rows[0]["source_publisher"], rows[0]["source_via"]) == ("Defense Mirror", "Bloomberg")
    assert rows[0]["value_as_published"] == "250 mi"
    assert rows[0]["source_url"].startswith("https://")


def test_table_csv_neutralises_formulas_in_text_cells():
    table = pd.DataFrame(
        [
            {
                "country": '=HYPERLINK("http://x")',
                "iso_a3": "+AB",
                "covered_km2": 1.0,
                "country_km2": 2.0,
                "covered_pct": 50.0,
            }
        ]
    )
    sites = [Site("@evil", 0.0, 0.0, 10_000.0)]
    (row,) = list(csv.DictReader(io.StringIO(table_csv(table, sites))))
    assert row["country"].startswith("'=")
    assert row["iso_a3"] == "'+AB"
    assert float(row["covered_km2"]) == 1.0
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@"))


# ------------------------------------------------------------------ caption and HTML


def test_caption_cites_sources(kars_sites):
    text = caption([*kars_sites, Site("Custom", 0.0, 0.0, 100_000.0)])
    assert text.startswith("Kars: S-400 Triumf, 250 mi (402 km), maximum, target type not stated ")
    assert "(Defense Mirror citing Bloomberg (2017))" not in text  # one pair of brackets
    assert "(Defense Mirror citing Bloomberg, 2017)" in text and "Natural Earth" in text
    assert "custom radius of 100 km" in text and "Custom radii are unsourced." in text
    assert "Rings: publicly cited ranges" in text and "published maximum range" not in text
    # The spread of the S-400's published figures, in the map's units.
    assert "Published S-400 Triumf figures: 121 to 402 km." in text


def test_caption_is_short_plain_and_says_each_year_once(catalog):
    """What a desk pastes under the story map: no URLs, no internal notes, under 400 characters."""
    story_sites = resolve_sites(load_scenario(SCENARIOS_DIR / "story.json"), catalog)
    text = caption(story_sites)
    assert len(text) < 400, len(text)
    assert "http" not in text and "this project" not in text and "note" not in text
    assert text.count("2017") == 1
    for name in ("Ankara", "İzmir (Aegean coast)", "Edirne (Greek border)", "Kars (Armenian border)"):
        assert name in text
    # The S-300's caption writes its source's year once (the title repeats it, but is not shown).
    catalog = load_catalog()
    cns = Site("Athens", 37.98, 23.73, 150_000.0, catalog.figure("s-300pmu-1"))
    assert caption([cns]).count("1997") == 1


def test_caption_names_the_caveat_for_each_kind_of_figure():
    catalog = load_catalog()
    ballistic = Site("X", 40.0, 30.0, 40_000.0, catalog.figure("patriot-pac-3-mse"))
    claim_fig = catalog.figure("s-300pmu-1", "s-300pmu-1-crete-280km-tass-2020")
    claim = Site("Y", 35.2, 25.7, claim_fig.radius_m, claim_fig)
    text = caption([ballistic, claim])
    assert "against ballistic missiles" in text and STOCK_SENTENCES["ballistic"] in text
    assert "claimed coverage area, not a missile range" in text
    assert STOCK_SENTENCES["coverage-claim"] in text


def test_map_html_is_self_contained_and_escaped(kars_sites, kars_table, borders_110m):
    from coverage.maps import display_json

    result = analyse(kars_sites, borders_110m)
    page = export.map_html(
        result, display_json(result), title="<img src=x onerror=alert(1)>", subtitle="<b>sub</b>"
    )
    assert "<img src=x" not in page and "<b>sub</b>" not in page
    assert "&lt;img src=x" in page
    assert re.findall(r"<script\b[^>]*\bsrc=", page) == []
    assert [u for u in re.findall(r"<link\b[^>]*\bhref=[\"']?([^\"' >]+)", page) if "//" in u] == []
    assert "Leaflet 1.9.4" in page
    assert "Kars" in page and "Bloomberg" in page


def test_map_html_has_the_share_legend_and_the_whole_world(kars_sites, borders_110m):
    from coverage.maps import STYLE, display_json, world_json
    from coverage.style import SHARE_CLASSES

    result = analyse(kars_sites, borders_110m)
    page = export.map_html(result, display_json(result), title="Kars")
    legend = page[page.index('<div class="rr-shares share-legend"') :]
    for lower, label in SHARE_CLASSES:
        assert html.escape(label) in legend and f"background:{STYLE.share_fill(lower)}" in legend
    assert world_json() in page  # every border of the world, offline


def test_rows_csv_matches_table_csv(kars_sites, kars_table):
    from coverage.export import rows_csv

    rows = kars_table.to_dict("records")
    assert rows_csv(rows, kars_sites) == table_csv(kars_table, kars_sites)
    assert rows_csv([], kars_sites, ["country", "covered_km2"]) == "country,covered_km2,sources\n"


def test_rows_csv_empty_iso_and_formula_cells():
    from coverage.export import rows_csv

    text = rows_csv([{"country": "=cmd()", "iso_a3": None, "covered_km2": 1.26, "covered_pct": float("nan")}])
    assert list(csv.reader(io.StringIO(text))) == [
        ["country", "iso_a3", "covered_km2", "covered_pct"],
        ["'=cmd()", "", "1.3", ""],
    ]


def test_map_html_is_offline_by_default_and_tiles_are_opt_in(kars_sites, kars_table, borders_110m):
    from coverage.maps import display_json
    from coverage.tiles import TILE_SOURCES

    result = analyse(kars_sites, borders_110m)
    display = display_json(result)
    plain = export.map_html(result, display, title="Kars")
    assert "L.tileLayer(" not in plain and "openstreetmap.org" not in plain
    online = export.map_html(result, display, title="Kars", tiles=TILE_SOURCES["osm"])
    assert online.count("L.tileLayer(") == 1
    assert '"https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in online
    assert "https://www.openstreetmap.org/copyright" in online
    # Only the tiles are online: Leaflet is still inlined, no external script or stylesheet.
    assert re.findall(r"<script\b[^>]*\bsrc=", online) == []
    assert "Leaflet 1.9.4" in online


def test_kml_reads_back_with_gdal_and_keeps_ring_areas(tmp_path) -> None:
    import xml.etree.ElementTree as ET

    from coverage.catalog import load_catalog
    from coverage.export import kml_bytes
    from coverage.scenario import resolve_sites
    from coverage.story import scenario_file

    sites = resolve_sites(scenario_file("story.json"), load_catalog())
    path = tmp_path / "story.kml"
    path.write_bytes(kml_bytes(analyse_shipped(sites, "110m")))
    frame = pyogrio.read_dataframe(path)
    rings = frame[frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    assert list(rings["Name"].str.split(":").str[0]) == [s.name for s in sites]
    assert all("Defense Mirror citing Bloomberg" in d for d in rings["description"])
    assert set(rings["source_publisher"]) == {"Defense Mirror"}
    assert set(rings["source_via"]) == {"Bloomberg"}
    for geom, site in zip(rings.geometry, sites, strict=True):
        assert area_km2(geom) == pytest.approx(area_km2(site_ring(site)), rel=1e-3)
    ET.fromstring(path.read_bytes())  # well-formed XML


# ------------------------------------------------------------------ interrupted and odd targets
def test_an_existing_target_keeps_its_permissions(tmp_path):
    target = tmp_path / "map.csv"
    target.write_text("old")
    target.chmod(0o600)
    write_atomic(target, "new")
    assert target.read_text() == "new" and (target.stat().st_mode & 0o777) == 0o600


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_fifo_or_folder_at_the_target_is_refused(tmp_path, kind):
    import os

    target = tmp_path / "map.png"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.mkdir()
    with pytest.raises(ExportError, match="refusing to replace it"):
        write_atomic(target, b"x")
    assert target.is_fifo() if kind == "fifo" else target.is_dir()
    assert not list(tmp_path.glob(".range-rings-*"))


def test_a_255_character_target_name_is_written(tmp_path):
    target = tmp_path / ("m" * 251 + ".csv")
    write_atomic(target, "ok")
    assert target.read_text() == "ok"


def test_temporary_files_of_killed_runs_are_removed_by_the_next_write(tmp_path):
    import os

    dead = tmp_path / ".range-rings-999999999-abc.tmp"  # no such process
    mine = tmp_path / f".range-rings-{os.getpid()}-abc.tmp"  # a running writer's: kept
    other = tmp_path / ".map.png.x1y2.tmp"  # not ours: kept
    for f in (dead, mine, other):
        f.write_text("partial")
    write_atomic(tmp_path / "out.csv", "ok")
    assert not dead.exists() and mine.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, other.name, "out.csv"])


def test_kml_needs_no_temporary_folder(kars_sites, borders_110m, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)
    data = export.kml_bytes(analyse(kars_sites, borders_110m))
    assert data.startswith(b"<?xml") and b"Kars" in data
    assert list(tmp_path.iterdir()) == []
