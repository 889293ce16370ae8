"""The HTML export as a web page: its table, legend, themes and embed code, read with a real
HTML parser (the standard library's); in Chromium: tests/e2e/test_a11y.py."""

from __future__ import annotations

import csv
import io
import re
import urllib.parse
from html.parser import HTMLParser

import pytest

from coverage import webpage
from coverage.alttext import describe
from coverage.analysis import analyse_shipped
from coverage.catalog import load_catalog
from coverage.export import map_html
from coverage.maps import display_json
from coverage.scenario import resolve_sites
from coverage.story import scenario_file
from coverage.style import HORIZON_COLOUR, SHARE_CLASSES, THEMES, contrast_ratio


@pytest.fixture(scope="module")
def kars():
    return analyse_shipped(resolve_sites(scenario_file("story-kars.json"), load_catalog()), "110m")


@pytest.fixture(scope="module")
def page(kars) -> str:
    return map_html(
        kars, display_json(kars), title="Kars <map>", subtitle="S-400", description=describe(kars, "Kars")
    )


class Outline(HTMLParser):
    """What a screen reader's outline is made of: elements with attributes, table cells by kind."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.cells: list[tuple[str, str | None, str]] = []  # (tag, scope, text)
        self.caption = ""
        self._cell: tuple[str, str | None] | None = None
        self._in_caption = False
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag in ("th", "td"):
            self._cell, self._text = (tag, dict(attrs).get("scope")), ""
        self._in_caption = self._in_caption or tag == "caption"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            self.cells.append((*self._cell, self._text.strip()))
            self._cell = None
        if tag == "caption":
            self._in_caption = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._text += data
        if self._in_caption:
            self.caption += data


def outline(text: str) -> Outline:
    parser = Outline()
    parser.feed(text)
    parser.close()
    return parser


def test_the_page_has_the_countries_as_a_real_table(page, kars):
    found = outline(page)
    assert found.caption.startswith("Countries within range of the ring")
    heads = [text for tag, scope, text in found.cells if tag == "th" and scope == "col"]
    assert heads == ["Country", "Within range (km²)", "Whole country (km²)", "Share within range"]
    rows = [text for tag, scope, text in found.cells if tag == "th" and scope == "row"]
    assert set(rows) == {str(r["country"]) for r in kars.rows}
    assert rows[0] == "Armenia"  # the largest share first
    armenia = next(r for r in kars.rows if r["country"] == "Armenia")
    values = [text for tag, _, text in found.cells if tag == "td"][:3]
    assert values == [
        f"{armenia['covered_km2']:,.0f}",
        f"{armenia['country_km2']:,.0f}",
        f"{armenia['covered_pct']:.1f} %",
    ]


def test_the_page_has_headings_a_skip_link_a_labelled_map_and_a_language(page, kars):
    found = outline(page)
    tags = [tag for tag, _ in found.elements]
    assert tags.count("h1") == 1 and "main" in tags
    assert ("a", {"class": "rr-skip", "href": "#rr-table"}) in found.elements
    assert any(attrs.get("id") == "rr-table" for tag, attrs in found.elements if tag == "table")
    regions = [a for _, a in found.elements if a.get("role") == "region"]
    (label,) = [a["aria-label"] for a in regions if a.get("class") == "folium-map"]
    assert label == describe(kars, "Kars").alt
    # The table's box, which may scroll sideways, is named by the caption and takes focus.
    (box,) = [a for a in regions if a.get("class") == "rr-table-wrap"]
    assert box["aria-labelledby"] == "rr-caption" and box["tabindex"] == "0"
    assert ("html", {"lang": "en"}) in found.elements
    assert "<h1>Kars &lt;map&gt;</h1>" in page
    viewport = next(a["content"] for t, a in found.elements if t == "meta" and a.get("name") == "viewport")
    assert "user-scalable=no" not in (viewport or "") and "maximum-scale" not in (viewport or "")


def test_the_legend_names_each_ring_and_every_share_class(page, kars):
    legend = page[page.index('<div class="rr-legend">') : page.index('<p class="rr-credit">')]
    assert "<strong>Kars</strong>" in legend and kars.sites[0].label("km").split(",")[0] in legend
    found = outline(legend)
    names = [a for t, a in found.elements if t == "li" and a.get("class") == "share-class"]
    assert len(names) == len(SHARE_CLASSES)
    for _, label in SHARE_CLASSES:
        assert label in legend


def test_sites_sharing_a_figure_share_one_legend_line(catalog):
    story = analyse_shipped(resolve_sites(scenario_file("story.json"), catalog), "110m")
    legend = webpage.legend_html(story, "mi")
    assert legend.count('<li><span class="rr-sites">') == 1  # four sites, one figure
    assert all(f"<strong>{s.name}</strong>" in legend for s in story.sites)


def test_the_data_link_carries_the_tables_csv_with_sources(page, kars):
    href = re.search(r'<a href="(data:text/csv[^"]+)" download="range-rings-data.csv"', page)
    assert href is not None
    text = urllib.parse.unquote(href.group(1).removeprefix("data:text/csv;charset=utf-8,"))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["country"] for r in rows} == {str(r["country"]) for r in kars.rows}
    assert "Bloomberg" in rows[0]["sources"]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_page_colours_pass_wcag_contrast(theme):
    c = webpage.PAGE_COLOURS[theme]
    for text in ("text", "muted", "link", "control_text"):
        background = "control" if text == "control_text" else "page"
        assert contrast_ratio(c[text], c[background]) >= 4.5, (text, theme)
    for line in ("rule", "focus"):
        assert contrast_ratio(c[line], c["page"]) >= 3.0, (line, theme)
    # The focus ring on a zoom button (drawn over the control's own background).
    assert contrast_ratio(c["focus"], c["control"]) >= 3.0


def test_dark_mode_swaps_every_map_colour_for_the_dark_themes():
    swaps = webpage.colour_swaps(THEMES["light"], THEMES["dark"])
    dark = webpage.map_dark_css()
    assert dark.startswith("@media (prefers-color-scheme:dark){") and dark.endswith("}")
    for light_colour, dark_colour in swaps.items():
        assert f'path[fill="{light_colour}"]{{fill:{dark_colour}}}' in dark
        assert f'path[stroke="{light_colour}"]{{stroke:{dark_colour}}}' in dark
    assert swaps[THEMES["light"].land] == THEMES["dark"].land
    assert all(swaps[a] == b for a, b in zip(THEMES["light"].shares, THEMES["dark"].shares, strict=True))
    # The radar horizon in the dark theme's text colour, as the print map draws it.
    assert f'path[stroke="{HORIZON_COLOUR}"]{{stroke:{THEMES["dark"].text}}}' in dark
    assert f"outline-color:{webpage.PAGE_COLOURS['dark']['focus']}" in dark  # the zoom buttons' focus
    assert f".rr-highlight,.highlight-label{{color:{THEMES['dark'].highlight}!important}}" in dark
    assert f"text-shadow:1px 1px {THEMES['dark'].halo}}}" in dark  # the scale's, not Leaflet's white one


def test_the_exported_page_carries_the_maps_dark_colours_once(page):
    assert page.count(webpage.map_dark_css()) == 1  # in the map's page style, not again in the page's


def test_the_embed_snippet_is_an_iframe_and_our_few_lines_of_script(kars):
    snippet = webpage.embed_snippet('https://example.org/m.html?a=1&b="2"', 'Kars "map"')
    found = outline(snippet)
    (iframe,) = [a for t, a in found.elements if t == "iframe"]
    assert iframe["src"] == 'https://example.org/m.html?a=1&b="2"'
    assert iframe["title"] == 'Interactive map: Kars "map"'
    assert "aspect-ratio:4 / 5" in (iframe["style"] or "")
    scripts = [a for t, a in found.elements if t == "script"]
    assert scripts == [{}]  # inline, no src: nothing from a CDN
    assert webpage.EMBED_MESSAGE_KEY in snippet and "e.source" in snippet
    assert webpage.EMBED_MESSAGE_KEY in webpage.EMBEDDED_SCRIPT
