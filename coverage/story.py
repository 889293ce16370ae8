"""The 2017 S-400 story as presets and guided steps (the app's opening view).

The seed article (ZeroHedge, July 2017, quoting Bloomberg) says Turkey agreed
to buy the S-400, which "can hit targets as far as 250 miles away", and that
alliance constraints had kept such systems off the Armenian border, the Aegean
coast and the Greek border, while the Russian system could go anywhere. The
later steps show that figure among the other published ones, and the dated
history of what stood where (:mod:`coverage.timeline`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import shapely
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from coverage import paths
from coverage.i18n import N_
from coverage.scenario import Scenario, load_scenario

SCENARIOS_DIR = paths.SCENARIOS_DIR
ARTICLE = (
    "ZeroHedge, “Turkey ‘Turns Away’ From NATO, Buys Russian Advanced Missile System "
    "For $2.5 Billion” (July 2017), quoting Bloomberg"
)

# Bounding box of Turkey's Aegean coast, from the Dardanelles to the Bodrum peninsula.
AEGEAN_COAST_BOX = (25.6, 36.6, 28.4, 40.25)


@dataclass(frozen=True)
class Step:
    """One step of the guided story: text, the scenario to draw, what to highlight.

    A ``timeline`` step draws the map at an event of :mod:`coverage.timeline`
    (chosen on a slider) instead of ``scenario_file``.
    """

    title: str
    text: str
    scenario_file: str = ""
    highlight: bool = False
    timeline: bool = False


STEPS: tuple[Step, ...] = (
    Step(
        N_("1 · The purchase"),
        N_(
            "In July 2017 Turkey agreed to pay $2.5 billion for Russia's S-400. The article this story "
            "starts from (ZeroHedge, quoting Bloomberg) says the system “can hit targets as far as 250 "
            "miles away”. Here is that figure drawn as a true circle of 250 miles (402 km) around Ankara.",
        ),
        "story-ankara.json",
    ),
    Step(
        N_("2 · Where it could not go"),
        N_(
            "The article says alliance constraints had kept such systems off the Armenian border, "
            "the Aegean coast and the Greek border (highlighted), while the Russian system “would "
            "allow Turkey to deploy … anywhere in the country”.",
        ),
        "story-ankara.json",
        highlight=True,
    ),
    Step(
        N_("3 · Ankara compared"),
        N_(
            "The same 250-mile ring from Ankara, the Aegean coast (İzmir), the Greek border (Edirne) "
            "and the Armenian border (Kars). The table below shows which neighbours each ring reaches "
            "and how much of them.",
        ),
        "story.json",
        highlight=True,
    ),
    Step(
        N_("4 · One claim among several"),
        N_(
            "“250 miles” is one published figure among several. The War Zone (2019) gives each S-400 "
            "missile its own: the 9M96 up to 75 miles, the 48N6 up to 160, the 40N6 around 250 by its "
            "maker's claim; TASS gave 250 km in 2018 and 400 km in 2017. Here are the shortest, a middle "
            "one and the story's, around Ankara. The Sources tab lists every figure and who said it.",
        ),
        "story-s400-spread.json",
    ),
    Step(
        N_("5 · What stood where, 2013–2020"),
        N_(
            "Before the S-400, NATO's own air defences in Turkey stood in the south-east: Patriots at "
            "Adana, Kahramanmaraş and Gaziantep from 2013, Italy's SAMP/T from 2016. The S-400 arrived "
            "at Mürted, near Ankara, in 2019 and was test-fired at Sinop on the Black Sea in 2020. Move "
            "the slider through the reported events; each ring is that system's default cited figure."
        ),
        timeline=True,
    ),
)

PRESETS: dict[str, str] = {
    N_("The 2017 S-400 story (guided)"): "story",
    N_("Story: all four sites"): "story.json",
    N_("S-400 at Ankara"): "story-ankara.json",
    N_("S-400 on the Aegean coast (İzmir)"): "story-izmir.json",
    N_("S-400 at the Greek border (Edirne)"): "story-edirne.json",
    N_("S-400 at the Armenian border (Kars)"): "story-kars.json",
    N_("S-400: three published figures (Ankara)"): "story-s400-spread.json",
    N_("Start empty"): "empty",
    N_("Your own map"): "",  # what the user built: choosing it keeps the current sites
}
"""Preset titles (English: the keys a link and the app's state use; shown with ``tr.gettext``)."""
OWN_MAP = "Your own map"
HIGHLIGHT_NAMES = (N_("Armenian border"), N_("Aegean coast"), N_("Greek border"))
"""The story's highlights as legends and captions name them (translated where shown)."""


@lru_cache(maxsize=16)
def scenario_file(name: str) -> Scenario:
    """A shipped scenario from ``scenarios/``."""
    return load_scenario(SCENARIOS_DIR / name)


def shared_border(borders: gpd.GeoDataFrame, a_iso: str, b_iso: str) -> BaseGeometry:
    """The land border between two countries, as lines."""
    geoms = borders.set_index("iso_a3").geometry
    a, b = geoms[a_iso], geoms[b_iso]
    return shapely.line_merge(shapely.intersection(a.boundary, b.boundary))


def coastline(borders: gpd.GeoDataFrame, iso: str, bbox: tuple[float, float, float, float]) -> BaseGeometry:
    """The part of a country's outline inside ``bbox`` that touches no neighbour (its coast)."""
    geoms = borders.set_index("iso_a3").geometry
    outline = shapely.clip_by_rect(geoms[iso].boundary, *bbox)
    neighbours = borders[borders.intersects(box(*bbox)) & (borders["iso_a3"] != iso)]
    for other in neighbours.geometry:
        outline = outline.difference(other.buffer(1e-6))
    return outline


def story_highlights(borders: gpd.GeoDataFrame) -> dict[str, BaseGeometry]:
    """The three places the article names: Armenian border, Aegean coast, Greek border."""
    return {
        "Armenian border": shared_border(borders, "TUR", "ARM"),
        "Aegean coast": coastline(borders, "TUR", AEGEAN_COAST_BOX),
        "Greek border": shared_border(borders, "TUR", "GRC"),
    }
