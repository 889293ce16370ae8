"""The sites editor, place search and map clicks (coverage/app/editor.py)."""

from __future__ import annotations

import pytest

from coverage.app import editor
from coverage.catalog import load_catalog
from coverage.errors import ScenarioError
from coverage.scenario import Scenario, SiteSpec

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_editor_round_trip_keeps_the_sites(story: Scenario) -> None:
    frame = editor.editor_frame(story)
    assert list(frame["name"]) == [s.name for s in story.sites]
    again = editor.scenario_from_editor(story, frame, load_catalog())
    assert [s.system for s in again.sites] == ["s-400"] * 4
    assert again.sites[3].lat == pytest.approx(40.59825)  # Kars, resolved from its place name


def test_editor_rename_move_and_custom_radius(story: Scenario) -> None:
    frame = editor.editor_frame(story)
    frame.loc[0, "name"] = "Capital"
    frame.loc[1, ["lat", "lon"]] = [38.0, 27.0]
    frame.loc[2, ["system", "radius", "unit"]] = [editor.CUSTOM, 150.0, "nmi"]
    edited = editor.scenario_from_editor(story, frame, load_catalog())
    assert edited.sites[0].name == "Capital"
    assert (edited.sites[1].lat, edited.sites[1].lon) == (38.0, 27.0)
    assert (edited.sites[2].radius, edited.sites[2].unit, edited.sites[2].system) == (150.0, "nmi", None)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"lat": float("nan")}, "give a lat and a lon"),
        ({"lat": 95.0}, "lat"),
        ({"system": editor.CUSTOM, "radius": float("nan")}, "needs a value"),
        ({"system": editor.CUSTOM, "radius": 20000.0}, "radius"),
        ({"figure": "hq-9-fd-2000-wct-2013-200km"}, "not one of s-400's figures"),
    ],
)
def test_editor_bad_rows_are_refused_with_the_row(story: Scenario, change: dict, message: str) -> None:
    frame = editor.editor_frame(story)
    for key, value in change.items():
        frame.loc[1, key] = value
    with pytest.raises(ScenarioError, match=message):
        editor.scenario_from_editor(story, frame, load_catalog())


def test_an_empty_editor_gives_an_empty_scenario(story: Scenario) -> None:
    empty = editor.editor_frame(story).iloc[0:0]
    assert editor.scenario_from_editor(story, empty, load_catalog()).sites == ()


@pytest.mark.parametrize(
    "lon, wrapped", [(190.0, -170.0), (-190.0, 170.0), (540.0, 180.0 - 360.0), (33.0, 33.0)]
)
def test_clicks_on_world_copies_wrap_back(lon: float, wrapped: float) -> None:
    assert editor.wrap_lon(lon) == pytest.approx(wrapped)


def test_a_click_adds_an_s400_site_at_the_wrapped_position() -> None:
    start = Scenario(sites=(SiteSpec(name="A", lat=1.0, lon=1.0, radius=10.0, unit="km"),))
    added = editor.add_click(start, 41.0, 390.0)
    assert added.sites[-1] == SiteSpec(name="Site 2", lat=41.0, lon=30.0, system="s-400")


@pytest.mark.parametrize("cell", ["abc", "1e999", [1, 2], {"x": 1}])
def test_a_crafted_number_cell_is_a_clear_error(catalog, cell) -> None:
    """The grid only sends numbers; a modified browser may send text: a ScenarioError, no traceback."""
    frame = editor.editor_frame(Scenario(sites=(SiteSpec(name="A", lat=40.0, lon=30.0, system="s-400"),)))
    frame = frame.astype(object)
    frame.at[0, "lat"] = cell
    with pytest.raises(ScenarioError, match="row 1"):
        editor.scenario_from_editor(Scenario(sites=()), frame, catalog)
