"""coverage.story: the guided 2017 S-400 story, its presets and its highlighted places."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod

from coverage.scenario import resolve_sites
from coverage.story import (
    AEGEAN_COAST_BOX,
    OWN_MAP,
    PRESETS,
    SCENARIOS_DIR,
    STEPS,
    scenario_file,
    story_highlights,
)

GEOD = Geod(ellps="WGS84")
# The presets that are not scenario files: the guided story, an empty map, the user's own map.
SPECIAL_PRESETS = {"story", "empty", ""}
STORY_FILES = sorted({step.scenario_file for step in STEPS} | (set(PRESETS.values()) - SPECIAL_PRESETS))


def test_every_story_file_is_shipped() -> None:
    assert STORY_FILES == [
        "story-ankara.json",
        "story-edirne.json",
        "story-izmir.json",
        "story-kars.json",
        "story.json",
    ]
    assert set(STORY_FILES) <= {p.name for p in SCENARIOS_DIR.glob("*.json")}


@pytest.mark.parametrize("name", STORY_FILES)
def test_story_files_load_and_resolve_against_the_catalog(name: str, catalog) -> None:
    scenario = scenario_file(name)
    assert scenario.title and scenario.sites
    sites = resolve_sites(scenario, catalog)
    assert len(sites) == len(scenario.sites)
    for site in sites:
        # Every ring of the story is the Bloomberg figure: 250 mi, exactly 402.336 km.
        assert site.figure is not None and site.figure.id == "s-400-bloomberg-2017"
        assert (site.figure.value, site.figure.unit) == (250, "mi")
        assert site.radius_m == 402_336.0
        assert site.figure.source.publisher == "Bloomberg"
        # The story's places are all in Turkey.
        assert 36 < site.lat_deg < 42.2 and 26 < site.lon_deg < 45


def test_scenario_file_is_cached() -> None:
    assert scenario_file("story.json") is scenario_file("story.json")


def test_the_three_steps() -> None:
    assert [step.title for step in STEPS] == [
        "1 · The purchase",
        "2 · Where it could not go",
        "3 · Ankara compared",
    ]
    assert [step.scenario_file for step in STEPS] == ["story-ankara.json", "story-ankara.json", "story.json"]
    assert [step.highlight for step in STEPS] == [False, True, True]
    # Step 1 quotes the figure and its conversion; the catalog must agree with it.
    assert "250 miles away" in STEPS[0].text and "250 miles (402 km)" in STEPS[0].text
    for place in ("Armenian border", "Aegean coast", "Greek border"):
        assert place in STEPS[1].text


def test_step_three_compares_the_four_places(catalog) -> None:
    names = [s.name for s in resolve_sites(scenario_file(STEPS[2].scenario_file), catalog)]
    assert names == ["Ankara", "İzmir (Aegean coast)", "Edirne (Greek border)", "Kars (Armenian border)"]
    for city in ("Ankara", "İzmir", "Edirne", "Kars"):
        assert city in STEPS[2].text


def test_presets() -> None:
    assert next(iter(PRESETS)) == "The 2017 S-400 story (guided)"
    assert PRESETS["The 2017 S-400 story (guided)"] == "story"
    assert PRESETS["Start empty"] == "empty"
    assert PRESETS[OWN_MAP] == ""


@pytest.fixture(scope="module")
def highlights(borders_10m):
    return story_highlights(borders_10m)


def _max_distance_km(site, geom) -> float:
    """The farthest vertex of ``geom`` from ``site``, geodesic on WGS84."""
    xy = shapely.get_coordinates(geom)
    _, _, dist = GEOD.inv(np.full(len(xy), site.lon_deg), np.full(len(xy), site.lat_deg), xy[:, 0], xy[:, 1])
    return float(np.max(dist)) / 1000


def test_highlights_are_the_three_places_as_lines(highlights) -> None:
    assert list(highlights) == ["Armenian border", "Aegean coast", "Greek border"]
    for name, geom in highlights.items():
        assert not geom.is_empty, name
        assert geom.geom_type in {"LineString", "MultiLineString"}, name
        assert geom.length > 0.5, name  # degrees: each is a real stretch of line, not a point


def test_highlights_lie_where_the_article_says(highlights) -> None:
    def bounds(name: str) -> tuple[float, float, float, float]:
        return tuple(highlights[name].bounds)

    # Turkey's border with Armenia runs north-south near 43-45° E.
    lon0, lat0, lon1, lat1 = bounds("Armenian border")
    assert 42.5 < lon0 < lon1 < 45 and 39.5 < lat0 < lat1 < 41.5
    # The Greek border follows the Evros/Meriç river, about 26° E.
    lon0, lat0, lon1, lat1 = bounds("Greek border")
    assert 25.9 < lon0 < lon1 < 26.8 and 40.5 < lat0 < lat1 < 42
    # The Aegean coast stays inside its box.
    lon0, lat0, lon1, lat1 = bounds("Aegean coast")
    west, south, east, north = AEGEAN_COAST_BOX
    assert west <= lon0 < lon1 <= east and south <= lat0 < lat1 <= north


@pytest.mark.parametrize(
    ("site_name", "highlight"),
    [
        ("Kars (Armenian border)", "Armenian border"),
        ("Edirne (Greek border)", "Greek border"),
        ("İzmir (Aegean coast)", "Aegean coast"),
    ],
)
def test_each_highlighted_place_is_within_its_sites_ring(highlights, catalog, site_name, highlight) -> None:
    """Step 3's point: a 250-mile ring from each of those places covers the whole stretch."""
    (site,) = [s for s in resolve_sites(scenario_file("story.json"), catalog) if s.name == site_name]
    assert _max_distance_km(site, highlights[highlight]) < site.radius_km
