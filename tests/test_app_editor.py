"""The sites editor, place search and map clicks (coverage/app/editor.py)."""

from __future__ import annotations

import pytest

from coverage.app import editor
from coverage.catalog import load_catalog
from coverage.errors import ScenarioError
from coverage.scenario import Scenario, SiteSpec

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_editor_round_trip_keeps_the_sites(story: Scenario) -> None:
    catalog = load_catalog()
    frame = editor.editor_frame(story, catalog)
    assert list(frame["name"]) == [s.name for s in story.sites]
    again = editor.scenario_from_editor(story, frame, catalog)
    assert again.sites == tuple(
        SiteSpec(
            name=s.name, lat=again.sites[i].lat, lon=again.sites[i].lon, system=s.system, figure=s.figure
        )
        for i, s in enumerate(story.sites)
    )
    assert again.sites[3].lat == pytest.approx(40.59825)  # Kars, resolved from its place name


def test_editor_shows_names_values_and_sources_never_ids_or_none(story: Scenario) -> None:
    catalog = load_catalog()
    frame = editor.editor_frame(story, catalog)
    (shown,) = set(frame["range"])
    assert shown.startswith("S-400 Triumf: 250 mi — ") and "2017" in shown, shown  # value, source, year
    assert "s-400" not in " ".join(frame.astype(str).values.ravel())  # no internal id anywhere
    assert "None" not in " ".join(frame.astype(str).values.ravel()) and not frame.isna().any().any()
    assert list(frame["unit"]) == ["mi"] * 4 and list(frame["radius"]) == [250.0] * 4  # the figure's own


def test_every_figure_is_a_choice_with_its_source_and_the_custom_radius_last() -> None:
    catalog = load_catalog()
    choices = editor.range_choices(catalog)
    figures = [f for s in catalog.systems.values() for f in s.figures]
    assert len(choices) == len(figures) + 1 and list(choices)[-1] == editor.CUSTOM
    for label, fig in choices.items():
        if fig is not None:
            assert label.startswith(f"{fig.system_name}: {fig.as_published()} — {fig.source.who}")
            assert fig.id not in label


def test_choosing_another_figure_draws_it(story: Scenario) -> None:
    catalog = load_catalog()
    base = editor.editor_frame(story, catalog)
    tass = next(f for f in catalog.system("s-400").figures if f.value == 400 and f.unit == "km")
    frame = base.copy()
    frame.loc[1, "range"] = editor.figure_label(tass)  # the radius cell still says 250 mi
    edited = editor.scenario_from_editor(story, frame, catalog, base)
    assert (edited.sites[1].system, edited.sites[1].figure, edited.sites[1].radius) == (
        "s-400",
        tass.id,
        None,
    )


def test_typing_a_radius_over_a_figure_makes_it_a_custom_radius(story: Scenario) -> None:
    catalog = load_catalog()
    base = editor.editor_frame(story, catalog)
    frame = base.copy()
    frame.loc[0, "name"] = "Capital"
    frame.loc[1, ["lat", "lon"]] = [38.0, 27.0]
    frame.loc[2, ["radius", "unit"]] = [150.0, "nmi"]  # no mode to switch first
    edited = editor.scenario_from_editor(story, frame, catalog, base)
    assert edited.sites[0].name == "Capital"
    assert (edited.sites[1].lat, edited.sites[1].lon) == (38.0, 27.0)
    assert (edited.sites[2].radius, edited.sites[2].unit, edited.sites[2].system) == (150.0, "nmi", None)
    assert edited.sites[3].system == "s-400"
    again = editor.editor_frame(edited, catalog)
    assert again.loc[2, "range"] == editor.CUSTOM and again.loc[2, "radius"] == 150.0


@pytest.mark.parametrize(
    "change, message",
    [
        ({"lat": float("nan")}, "give a lat and a lon"),
        ({"lat": 95.0}, "lat"),
        ({"range": editor.CUSTOM, "radius": float("nan")}, "needs a value"),
        ({"radius": 20000.0}, "radius"),
        ({"range": editor.CUSTOM, "radius": 0.0}, r"^row 2 \(.+\): a radius must be more than 0"),
        ({"radius": -5.0}, r"^row 2 \(.+\): a radius must be more than 0"),
        ({"range": "s-400-tass-2017-07-18"}, "not one of the ranges"),
    ],
)
def test_editor_bad_rows_are_refused_with_the_row(story: Scenario, change: dict, message: str) -> None:
    catalog = load_catalog()
    base = editor.editor_frame(story, catalog)
    frame = base.copy()
    for key, value in change.items():
        frame.loc[1, key] = value
    with pytest.raises(ScenarioError, match=message):
        editor.scenario_from_editor(story, frame, catalog, base)


def test_an_empty_editor_gives_an_empty_scenario(story: Scenario) -> None:
    empty = editor.editor_frame(story, load_catalog()).iloc[0:0]
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
    other = next(i for i in load_catalog().systems if i != "s-400")
    assert editor.add_click(start, 41.0, 30.0, other).sites[-1].system == other


@pytest.mark.parametrize(("lang", "name"), [("tr", "Konum 2"), ("el", "Θέση 2")])
def test_a_clicked_site_is_named_in_the_pages_language(lang: str, name: str) -> None:
    from coverage.i18n import translator

    start = Scenario(sites=(SiteSpec(name="A", lat=1.0, lon=1.0, radius=10.0, unit="km"),))
    assert editor.add_click(start, 41.0, 30.0, tr=translator(lang)).sites[-1].name == name


@pytest.mark.parametrize(("lang", "name"), [("en", "Site 1"), ("tr", "Konum 1"), ("el", "Θέση 1")])
def test_a_row_left_without_a_name_is_named_in_the_pages_language(catalog, lang: str, name: str) -> None:
    from coverage.i18n import translator

    frame = editor.editor_frame(
        Scenario(sites=(SiteSpec(name="A", lat=40.0, lon=30.0, system="s-400"),)), catalog
    ).astype(object)
    frame.at[0, "name"] = None
    new = editor.scenario_from_editor(Scenario(sites=()), frame, catalog, tr=translator(lang))
    assert new.sites[0].name == name


@pytest.mark.parametrize("cell", ["abc", "1e999", [1, 2], {"x": 1}])
def test_a_crafted_number_cell_is_a_clear_error(catalog, cell) -> None:
    """The grid only sends numbers; a modified browser may send text: a ScenarioError, no traceback."""
    frame = editor.editor_frame(
        Scenario(sites=(SiteSpec(name="A", lat=40.0, lon=30.0, system="s-400"),)), catalog
    )
    frame = frame.astype(object)
    frame.at[0, "lat"] = cell
    with pytest.raises(ScenarioError, match="row 1"):
        editor.scenario_from_editor(Scenario(sites=()), frame, catalog)


def test_the_row_of_an_error_is_named_in_the_readers_language(catalog) -> None:
    from coverage.i18n import translator

    frame = editor.editor_frame(
        Scenario(sites=(SiteSpec(name="Kars", lat=40.6, lon=43.1, system="s-400"),)), catalog
    )
    frame = frame.astype(object)
    frame.at[0, "lat"] = None
    with pytest.raises(ScenarioError) as caught:
        editor.scenario_from_editor(Scenario(sites=()), frame, catalog)
    assert str(caught.value) == "row 1 (Kars): give a lat and a lon"
    assert caught.value.translated(translator("tr")) == "1. satır (Kars): bir enlem ve bir boylam girin"
    assert caught.value.translated(translator("el")).startswith("γραμμή 1 (Kars): ")
