"""coverage.alttext: alt text and long descriptions written from the numbers, in every export."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image
from pypdf import PdfReader

from coverage.alttext import alt_text, describe, long_description
from coverage.analysis import analyse_shipped
from coverage.catalog import load_catalog
from coverage.render import RenderOptions, render
from coverage.scenario import Scenario, Site, SiteSpec, resolve_sites
from coverage.story import scenario_file


@pytest.fixture(scope="module")
def kars():
    return analyse_shipped(resolve_sites(scenario_file("story-kars.json"), load_catalog()), "110m")


def test_the_alt_text_says_what_is_drawn_where_and_what_it_reaches(kars):
    text = alt_text(kars, "km")
    assert text.startswith("Map: a 250-mile (402 km) circle around Kars, Turkey, reaches Armenia (100 %)")
    for country in ("Georgia", "Azerbaijan", "Iran", "Iraq", "Syria", "Russia", "Turkey"):
        assert country in text
    assert "Defense Mirror citing Bloomberg (2017)" in text
    shares = [float(v) for v in re.findall(r"\((\d+(?:\.\d+)?) %\)", text)]
    assert shares == sorted(shares, reverse=True)  # largest share first


def test_the_alt_text_uses_the_maps_units(kars):
    assert "250-mile circle" in alt_text(kars, "mi")
    assert "250-mile (217 nmi) circle" in alt_text(kars, "nmi")


def test_many_sites_in_one_country_are_named_once_with_it():
    result = analyse_shipped(resolve_sites(scenario_file("story.json"), load_catalog()), "110m")
    text = alt_text(result)
    names = "Ankara, İzmir (Aegean coast), Edirne (Greek border) and Kars (Armenian border)"
    assert f"circles around {names}, Turkey," in text
    assert "together reach" in text and "more countries" in text


def test_several_figures_around_one_place_read_as_a_list():
    """The spread scenario: three figures around Ankara once read "…, Turkey,, a 250-kilometre…"."""
    result = analyse_shipped(resolve_sites(scenario_file("story-s400-spread.json"), load_catalog()), "110m")
    text = alt_text(result)
    assert ",," not in text
    assert "around Ankara (9M96 missile), Turkey, a 250-kilometre circle around Ankara (TASS, 2018)" in text
    assert "(the story's figure), Turkey, together reach Turkey" in text


def test_a_ring_at_sea_says_so():
    result = analyse_shipped((Site("Mid-Pacific", 0.0, -140.0, 50_000.0),), "110m")
    assert "reaches no country, only sea" in alt_text(result)
    assert "custom radius (unsourced)" in alt_text(result)


def test_the_long_description_lists_every_country_capitals_and_sources(kars):
    text = long_description(kars, "km")
    countries = [row["country"] for row in kars.rows]
    for country in countries:
        assert f"- {country}: " in text
    assert "Nearest capitals to Kars: Yerevan" in text and "(inside the ring)" in text
    assert (
        "https://www.defensemirror.com/news/19882/" in text and "can hit targets as far as 250 miles" in text
    )


def test_every_export_carries_the_description(kars):
    options = RenderOptions(title="Kars map", units="km")
    alt = describe(kars, "Kars map").alt
    with Image.open(io.BytesIO(render(kars, "png", options))) as image:
        assert image.text["Title"] == "Kars map" and image.text["Description"] == alt
        assert "Natural Earth" in image.text["Source"] and image.text["Copyright"]
    svg = ET.fromstring(render(kars, "svg", options))
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.attrib["role"] == "img" and svg.attrib["aria-labelledby"] == "map-title map-desc"
    assert svg[0].tag == f"{ns}title" and svg[0].text == "Kars map"
    assert svg[1].tag == f"{ns}desc" and svg[1].text.startswith(alt)
    info = PdfReader(io.BytesIO(render(kars, "pdf", options))).metadata
    assert info.title == "Kars map" and info.subject == alt
    page = render(kars, "html", options).decode()
    assert 'role="region" aria-label="Map: a 250-mile' in page and 'id="map-summary"' in page
    assert f'<meta name="description" content="{alt[:40]}' in page
    geojson = json.loads(render(kars, "geojson", options))
    assert geojson["title"] == "Kars map" and geojson["description"].startswith(alt)
    kml = ET.fromstring(render(kars, "kml", options))
    document = kml[0]
    assert document[0].text == "Kars map" and document[1].text.startswith(alt)


def test_hostile_text_in_the_description_stays_well_formed():
    scenario = Scenario(sites=(SiteSpec(name='<b>&"x"</b>', lat=40.6, lon=43.1, radius=100, unit="km"),))
    result = analyse_shipped(resolve_sites(scenario, load_catalog()), "110m")
    options = RenderOptions(title="</title><script>alert(1)</script>")
    ET.fromstring(render(result, "svg", options))
    ET.fromstring(render(result, "kml", options))
    page = render(result, "html", options).decode()
    assert "<script>alert(1)</script>" not in page and "<b>&" not in page
