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
STORY_FILES = sorted(
    {step.scenario_file for step in STEPS if not step.timeline} | (set(PRESETS.values()) - SPECIAL_PRESETS)
)
SPREAD_FILE = "story-s400-spread.json"


def test_every_story_file_is_shipped() -> None:
    assert STORY_FILES == [
        "story-ankara.json",
        "story-edirne.json",
        "story-izmir.json",
        "story-kars.json",
        "story-s400-spread.json",
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
        # The story's places are all in Turkey, and every ring is a cited S-400 figure.
        assert 36 < site.lat_deg < 42.2 and 26 < site.lon_deg < 45
        assert site.figure is not None and site.figure.system_id == "s-400"
        if name == SPREAD_FILE:
            continue
        # Every ring of the story proper is the figure relayed from Bloomberg: 250 mi, 402.336 km.
        assert site.figure.id == "s-400-bloomberg-2017"
        assert (site.figure.value, site.figure.unit) == (250, "mi")
        assert site.radius_m == 402_336.0
        assert site.figure.source.via == "Bloomberg"


def test_scenario_file_is_cached() -> None:
    assert scenario_file("story.json") is scenario_file("story.json")


def test_the_steps() -> None:
    assert [step.title for step in STEPS] == [
        "1 · The purchase",
        "2 · Where it could not go",
        "3 · Ankara compared",
        "4 · One claim among several",
        "5 · What stood where, 2013–2020",
    ]
    assert [step.scenario_file for step in STEPS] == [
        "story-ankara.json",
        "story-ankara.json",
        "story.json",
        SPREAD_FILE,
        "",
    ]
    assert [step.highlight for step in STEPS] == [False, True, True, False, False]
    assert [step.timeline for step in STEPS] == [False] * 4 + [True]
    # The story says whose words the figure is: quoted by ZeroHedge from Bloomberg.
    assert "ZeroHedge, quoting Bloomberg" in STEPS[0].text
    # Step 1 quotes the figure and its conversion; the catalog must agree with it.
    assert "250 miles away" in STEPS[0].text and "250 miles (402 km)" in STEPS[0].text
    for place in ("Armenian border", "Aegean coast", "Greek border"):
        assert place in STEPS[1].text


def test_step_three_compares_the_four_places(catalog) -> None:
    names = [s.name for s in resolve_sites(scenario_file(STEPS[2].scenario_file), catalog)]
    assert names == ["Ankara", "İzmir (Aegean coast)", "Edirne (Greek border)", "Kars (Armenian border)"]
    for city in ("Ankara", "İzmir", "Edirne", "Kars"):
        assert city in STEPS[2].text


def test_the_spread_step_draws_the_shortest_and_the_storys_figure(catalog) -> None:
    """Step 4 shows "250 miles" as one claim among several: the shortest published S-400
    figure and the story's longest are both drawn, each a different cited record."""
    sites = resolve_sites(scenario_file(SPREAD_FILE), catalog)
    low, high = catalog.system("s-400").spread()
    drawn = [s.figure.id for s in sites if s.figure is not None]
    assert low.id in drawn and "s-400-bloomberg-2017" in drawn
    assert len(set(drawn)) == len(drawn) == len({round(s.radius_m) for s in sites})
    assert len({(s.lat_deg, s.lon_deg) for s in sites}) == 1  # all around Ankara
    for figure_text in ("75 miles", "250 km", "400 km", "250 by its maker"):
        assert figure_text in STEPS[3].text


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
