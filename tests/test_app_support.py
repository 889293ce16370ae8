"""The app's helpers that need no Streamlit session: editing, clicks, views."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from coverage import app_support as sup
from coverage.errors import ScenarioError
from coverage.scenario import Scenario, SiteSpec
from coverage.story import scenario_file

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def story() -> Scenario:
    return scenario_file("story.json")


def test_editor_round_trip_keeps_the_sites(story: Scenario) -> None:
    frame = sup.editor_frame(story, sup.catalog())
    assert list(frame["name"]) == [s.name for s in story.sites]
    again = sup.scenario_from_editor(story, frame)
    assert [s.system for s in again.sites] == ["s-400"] * 4
    assert again.sites[3].lat == pytest.approx(40.59825)  # Kars, resolved from its place name


def test_editor_rename_move_and_custom_radius(story: Scenario) -> None:
    frame = sup.editor_frame(story, sup.catalog())
    frame.loc[0, "name"] = "Capital"
    frame.loc[1, ["lat", "lon"]] = [38.0, 27.0]
    frame.loc[2, ["system", "radius", "unit"]] = [sup.CUSTOM, 150.0, "nmi"]
    edited = sup.scenario_from_editor(story, frame)
    assert edited.sites[0].name == "Capital"
    assert (edited.sites[1].lat, edited.sites[1].lon) == (38.0, 27.0)
    assert (edited.sites[2].radius, edited.sites[2].unit, edited.sites[2].system) == (150.0, "nmi", None)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"lat": float("nan")}, "give a lat and a lon"),
        ({"lat": 95.0}, "lat"),
        ({"system": sup.CUSTOM, "radius": float("nan")}, "needs a value"),
        ({"system": sup.CUSTOM, "radius": 20000.0}, "radius"),
        ({"figure": "hq-9-fd-2000-wct-2013-200km"}, "not one of s-400's figures"),
    ],
)
def test_editor_bad_rows_are_refused_with_the_row(story: Scenario, change: dict, message: str) -> None:
    frame = sup.editor_frame(story, sup.catalog())
    for key, value in change.items():
        frame.loc[1, key] = value
    with pytest.raises(ScenarioError, match=message):
        sup.scenario_from_editor(story, frame)


def test_an_empty_editor_gives_an_empty_scenario(story: Scenario) -> None:
    empty = sup.editor_frame(story, sup.catalog()).iloc[0:0]
    assert sup.scenario_from_editor(story, empty).sites == ()


@pytest.mark.parametrize(
    "lon, wrapped", [(190.0, -170.0), (-190.0, 170.0), (540.0, 180.0 - 360.0), (33.0, 33.0)]
)
def test_clicks_on_world_copies_wrap_back(lon: float, wrapped: float) -> None:
    assert sup.wrap_lon(lon) == pytest.approx(wrapped)


def test_a_click_adds_an_s400_site_at_the_wrapped_position() -> None:
    start = Scenario(sites=(SiteSpec(name="A", lat=1.0, lon=1.0, radius=10.0, unit="km"),))
    added = sup.add_click(start, 41.0, 390.0)
    assert added.sites[-1] == SiteSpec(name="Site 2", lat=41.0, lon=30.0, system="s-400")


def test_comparison_has_a_column_per_site_and_shares_in_percent(story: Scenario) -> None:
    sites = sup.resolve(story)
    table = sup.comparison(sites)
    assert list(table.columns) == [s.name for s in sites]
    assert ((table >= 0) & (table <= 100)).all().all()
    assert table.loc["Turkey"].min() > 0  # every ring reaches Turkey


def test_table_view_converts_areas_to_the_chosen_unit(story: Scenario) -> None:
    table = sup.coverage(sup.resolve(story))
    km = sup.table_view(table, "km")
    mi = sup.table_view(table, "mi")
    first_km = float(km.iloc[0, 1].replace(",", ""))
    first_mi = float(mi.iloc[0, 1].replace(",", ""))
    assert first_mi == pytest.approx(first_km / 1.609344**2, rel=1e-3)


def test_horizon_sentence_uses_the_textbook_formula() -> None:
    # sqrt(2 k R h) + sqrt(2 k R a) with k = 4/3, R = 6371 km: 20 m and 300 m.
    expected_km = math.sqrt(2 * 4 / 3 * 6371e3 * 20) / 1e3 + math.sqrt(2 * 4 / 3 * 6371e3 * 300) / 1e3
    assert sup.horizon_m(20, 300) / 1000 == pytest.approx(expected_km)
    assert f"{expected_km:,.0f} km" in sup.horizon_sentence(20, 300, "km")
    assert isinstance(sup.horizon_chart(20), pd.DataFrame)


@pytest.mark.parametrize(
    "fmt, magic",
    [
        ("png", b"\x89PNG"),
        ("svg", b"<?xml"),
        ("pdf", b"%PDF"),
        ("html", b"<!DOCTYPE html>"),
        ("geojson", b'{"type": "FeatureCollection"'),
        ("kml", b"<?xml"),
        ("csv", b"country,iso_a3,covered_km2"),
    ],
)
def test_every_download_is_the_file_it_claims(story: Scenario, fmt: str, magic: bytes) -> None:
    data = sup.export_bytes(story.to_json(), fmt, "square", "light", "km")
    assert data.startswith(magic)
    assert fmt in sup.DOWNLOADS
    if fmt in {"html", "geojson", "kml", "csv", "svg"}:
        assert b"Bloomberg" in data or b"Natural Earth" in data  # credited


def test_only_an_online_background_gets_a_notice_and_a_credit() -> None:
    assert sup.background_notice("plain") is None
    notice = sup.background_notice("osm")
    assert notice is not None and "Needs internet" in notice and "tile.openstreetmap.org" in notice
    assert "basemaps.cartocdn.com" in (sup.background_notice("carto-light") or "")
    assert "OpenStreetMap" not in sup.credit(())
    assert sup.credit((), "osm").endswith("Background: © OpenStreetMap contributors.")
    with pytest.raises(ValueError):
        sup.background_notice("https://example.org/{z}/{x}/{y}.png")


def test_markdown_table_shows_user_text_literally() -> None:
    """The tables are Markdown: names must come out literally, one row per line."""
    import html as html_mod
    import re

    import pandas as pd

    from coverage.app_support import markdown_table

    name = "[x](javascript:alert(1)) $5 **b** <img src=x> a|b\nc"
    frame = pd.DataFrame({name: ["Turkey", "a_b"], "n": [1.5, 2.0]}, index=pd.Index([name, "Kars"]))
    lines = markdown_table(frame, index_label="Country").split("\n")
    assert len(lines) == 4  # header, rule, two rows: the newline in the name did not break a row
    assert lines[1] == "| :-- | --: | --: |"  # text left, figures right
    cells = [[c.strip() for c in re.split(r"(?<!\\)\|", line.strip()[1:-1])] for line in lines]
    assert all(len(row) == 3 for row in cells)  # the pipe in the name stays inside its cell
    for text in (cells[0][1], cells[2][0]):
        assert not re.search(r"(?<!\\)[\[\]()*_$<>]", text), text  # no live Markdown or HTML
    plain = [[html_mod.unescape(re.sub(r"\\(.)", r"\1", c)) for c in row] for row in cells]
    assert plain[0] == ["Country", name.replace("\n", " "), "n"]
    assert plain[2] == [name.replace("\n", " "), "Turkey", "1.5"]
    assert plain[3] == ["Kars", "a_b", "2.0"]


def test_legend_names_each_site_in_its_ring_colour_and_shows_names_literally() -> None:
    import re

    from coverage.app_support import colour, legend_markdown, resolve
    from coverage.scenario import Scenario, SiteSpec

    hostile = '[x](javascript:alert(1)) {a} "q" | $5'
    sites = resolve(
        Scenario(
            sites=(
                SiteSpec(name="Ankara", lat=39.92, lon=32.85, system="s-400"),
                SiteSpec(name=hostile, lat=41.0, lon=29.0, radius=100, unit="km"),
            )
        )
    )
    parts = legend_markdown(sites, "km").split(" · ")
    assert len(parts) == 2
    for i, part in enumerate(parts):
        assert part.startswith(f':color[●]{{foreground="{colour(i)}"}} ')  # the ring's colour
    assert "Ankara: S\\-400" in parts[0]
    name = parts[1].split("} ", 1)[1]
    assert not re.search(r"(?<!\\)[\[\](){}$|]", name), name  # nothing live: no link, maths, directive
    assert "100 km" in name
