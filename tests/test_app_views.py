"""The app's text and tables as shown (coverage/app/views.py): pure, no Streamlit."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from coverage.app import data, views
from coverage.scenario import Scenario, SiteSpec
from coverage.style import credit_text
from coverage.tiles import tile_source

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_table_view_converts_areas_to_the_chosen_unit(story: Scenario) -> None:
    table = data.analysed(story).table
    km = views.table_view(table, "km")
    mi = views.table_view(table, "mi")
    first_km = float(km.iloc[0, 1].replace(",", ""))
    first_mi = float(mi.iloc[0, 1].replace(",", ""))
    assert first_mi == pytest.approx(first_km / 1.609344**2, rel=1e-3)


def test_horizon_sentence_uses_the_textbook_formula() -> None:
    # sqrt(2 k R h) + sqrt(2 k R a) with k = 4/3, R = 6371 km: 20 m and 300 m.
    expected_km = math.sqrt(2 * 4 / 3 * 6371e3 * 20) / 1e3 + math.sqrt(2 * 4 / 3 * 6371e3 * 300) / 1e3
    assert views.horizon_m(20, 300) / 1000 == pytest.approx(expected_km)
    assert f"{expected_km:,.0f} km" in views.horizon_sentence(20, 300, "km")
    assert isinstance(views.horizon_chart(20), pd.DataFrame)


def test_only_an_online_background_gets_a_notice_and_a_credit() -> None:
    assert views.background_notice("plain") is None
    notice = views.background_notice("osm")
    assert notice is not None and "Needs internet" in notice and "tile.openstreetmap.org" in notice
    assert "basemaps.cartocdn.com" in (views.background_notice("carto-light") or "")
    assert "OpenStreetMap" not in credit_text(())
    assert credit_text((), tile_source("osm")).endswith("Background: © OpenStreetMap contributors.")
    with pytest.raises(ValueError):
        views.background_notice("https://example.org/{z}/{x}/{y}.png")


def test_markdown_table_shows_user_text_literally() -> None:
    """The tables are Markdown: names must come out literally, one row per line."""
    import html as html_mod
    import re

    import pandas as pd

    from coverage.app.views import markdown_table

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
    plain = [[c.replace("\u2060", "") for c in row] for row in plain]  # joiners keep links inert
    assert plain[0] == ["Country", name.replace("\n", " "), "n"]
    assert plain[2] == [name.replace("\n", " "), "Turkey", "1.5"]
    assert plain[3] == ["Kars", "a_b", "2.0"]


def test_legend_names_each_site_in_its_ring_colour_and_shows_names_literally() -> None:
    import re

    from coverage.app.views import legend_markdown
    from coverage.scenario import Scenario
    from coverage.style import site_colour as colour

    hostile = '[x](javascript:alert(1)) {a} "q" | $5'
    sites = data.analysed(
        Scenario(
            sites=(
                SiteSpec(name="Ankara", lat=39.92, lon=32.85, system="s-400"),
                SiteSpec(name=hostile, lat=41.0, lon=29.0, radius=100, unit="km"),
            )
        )
    ).sites
    parts = legend_markdown(sites, "km").split(" · ")
    assert len(parts) == 2
    for i, part in enumerate(parts):
        assert part.startswith(f':color[●]{{foreground="{colour(i)}"}} ')  # the ring's colour
    assert "Ankara: S\\-400" in parts[0]
    name = parts[1].split("} ", 1)[1]
    assert not re.search(r"(?<!\\)[\[\](){}$|]", name), name  # nothing live: no link, maths, directive
    assert "100 km" in name


def test_sources_keep_quotes_as_published_and_name_their_language():
    from coverage.catalog import load_catalog
    from coverage.i18n import translator

    fig = load_catalog().figure("s-400")
    turkish = views.figure_line(fig, translator("tr"))
    assert f"“{views.md_escape(fig.source.quote)}” (İngilizce)" in turkish  # the quote as published
    assert views.md_escape(fig.kind_label_in(translator("tr"))) in turkish
    assert "(in English)" not in views.figure_line(fig)  # English on an English page: nothing to mark


def test_a_timeline_event_reads_in_greek_with_its_source():
    from coverage.i18n import translator
    from coverage.timeline import load_timeline

    event = load_timeline()[0]
    text = views.event_markdown(event, translator("el"))
    assert text.startswith(r"**26 Ιαν 2013: Patriot του ΝΑΤΟ στα Άδανα \(Ολλανδία\).**")
    assert "*Πηγή: Bruxelles2" in text and f"[σύνδεσμος]({event.source.url})" in text


def test_presentation_small_print_is_readable_in_either_theme() -> None:
    from coverage.app.styles import DARK_BACKGROUNDS
    from coverage.style import contrast_ratio

    css = views.projector_css()
    light, dark = views.PROJECTOR_CAPTION_COLOURS["light"], views.PROJECTOR_CAPTION_COLOURS["dark"]
    assert contrast_ratio(light, "#ffffff") >= 4.5
    assert all(contrast_ratio(dark, background) >= 4.5 for background in DARK_BACKGROUNDS)
    # The light colour on a wide screen; the dark one only where the reader's setting is dark.
    wide = f"@media (min-width: {views.PROJECTOR_MIN_WIDTH_PX}px)"
    dark_block = css[css.index(f"{wide} and (prefers-color-scheme: dark)") :]
    assert f"color: {light} !important" in css[: css.index(dark_block)]
    assert f"color: {dark} !important" in dark_block and light not in dark_block
