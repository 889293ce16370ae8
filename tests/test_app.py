"""The Streamlit app's logic through AppTest (no browser; st_folium is checked by its arguments)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from coverage.errors import ScenarioError
from coverage.scenario import Scenario, SiteSpec, decode_from_url, encode_for_url

APP = Path(__file__).resolve().parents[1] / "app.py"

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _app(**query: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def _map_args(at: AppTest) -> dict:
    maps = at.get("component_instance")
    assert len(maps) == 1, "exactly one map"
    proto = maps[0].proto
    assert proto.component_name.endswith("st_folium")
    args = json.loads(proto.json_args)
    # What the browser runs: the base map, then its stage (the scenario's layers, shown in place).
    args["base"] = args["script"]
    args["script"] = args["script"] + (args.get("feature_group") or "")
    return args


def _plain(text: str) -> str:
    """Undo coverage.app.views.md_escape (the tables are Markdown): escapes and word joiners."""
    return html.unescape(re.sub(r"\\(.)", r"\1", text)).replace("\u2060", "")


def _tables(at: AppTest) -> list[pd.DataFrame]:
    """Every Markdown table on the page, as text frames indexed by their first column."""
    out = []
    for block in at.markdown:
        lines = block.value.strip().split("\n")
        if len(lines) < 2 or not lines[0].startswith("| ") or not lines[1].startswith("| :--"):
            continue
        # Cells are joined with " | "; a pipe in a name is escaped (\|).
        rows = [[_plain(c.strip()) for c in re.split(r"(?<!\\)\|", line.strip()[1:-1])] for line in lines]
        frame = pd.DataFrame(rows[2:], columns=rows[0])
        out.append(frame.set_index(rows[0][0], drop=False))
    return out


def _table(at: AppTest, first_column: str, second_column: str | None = None) -> pd.DataFrame:
    """The first table whose first (and second) column is as given (opens their tab)."""
    if at.session_state["tab"] != "Countries reached":
        _open_tab(at, "Countries reached")
    for frame in _tables(at):
        if frame.columns[0] == first_column and second_column in (None, frame.columns[1]):
            return frame
    raise AssertionError(f"no table starting with {first_column!r}")


def _open_tab(at: AppTest, label: str) -> AppTest:
    """Open a tab as a click would (the tabs are lazy: only the open one runs)."""
    at.session_state["tab"] = label
    return at.run()


def _countries(at: AppTest) -> list[str]:
    return list(_table(at, "Country")["Country"])


@pytest.fixture(scope="module")
def story() -> AppTest:
    return _app()


def test_opens_on_the_story_with_its_map_drawn(story: AppTest) -> None:
    assert not story.exception
    assert not story.error
    assert "S-400" in _plain(story.title[0].value)
    args = _map_args(story)
    assert args["js_links"] == ["/app/static/leaflet/leaflet.js"]
    assert args["css_links"] == ["/app/static/leaflet/leaflet.css"]
    assert "L.circle(" not in args["script"] and "L.Circle(" not in args["script"]
    assert '"colour":"#0072B2"' in args["script"]  # the first ring, as a polygon
    assert args["returned_objects"] == ["last_clicked"]
    assert _countries(story) == ["Turkey"]


def test_story_step_three_compares_four_sites() -> None:
    at = _app()
    at.radio(key="step").set_value("3 · Ankara compared").run()
    assert not at.exception
    countries = _countries(at)
    for name in ("Turkey", "Greece", "Bulgaria", "Armenia", "Georgia", "Russia"):
        assert name in countries
    comparison = _table(at, "Country", "Ankara").iloc[:, 1:].astype(float)
    assert list(comparison.columns) == [
        "Ankara",
        "İzmir (Aegean coast)",
        "Edirne (Greek border)",
        "Kars (Armenian border)",
    ]
    assert comparison.loc["Armenia", "Kars (Armenian border)"] == pytest.approx(100.0, abs=0.1)
    assert comparison.loc["Armenia", "Ankara"] == 0.0


def test_step_two_highlights_the_three_places_the_article_names() -> None:
    at = _app()
    at.radio(key="step").set_value("2 · Where it could not go").run()
    script = _map_args(at)["script"]
    for label in ("Armenian border", "Aegean coast", "Greek border"):
        assert label in script


def test_the_timeline_step_shows_the_slider_the_event_and_its_source() -> None:
    at = _app()
    at.radio(key="step").set_value("5 · What stood where, 2013–2020").run()
    assert not at.exception
    slider = at.select_slider(key="event")
    assert slider.value == "s-400-sinop-test-2020"
    assert "Sinop" in _map_args(at)["script"]
    slider.set_value("samp-t-kahramanmaras-2016").run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert "Missile Defense Advocacy Alliance" in shown and "Kahramanmaraş" in shown
    script = _map_args(at)["script"]
    assert "Italian SAMP/T" in script and "Gaziantep" not in script
    assert set(_countries(at)) >= {"Turkey", "Syria"}


def test_the_spread_step_and_sources_tab_show_every_published_figure() -> None:
    at = _app()
    at.radio(key="step").set_value("4 · One claim among several").run()
    at.session_state["tab"] = "Sources"
    at.run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown)
    other = "Other published figures for the S"  # S\-400, escaped
    for words in ("9M96 missile", "The War Zone", "specialist site", other, "TASS"):
        assert words in shown, words


def test_preset_kars_lists_the_neighbours() -> None:
    at = _app()
    at.radio(key="preset").set_value("S-400 at the Armenian border (Kars)").run()
    assert set(_countries(at)) == {
        "Turkey",
        "Russia",
        "Georgia",
        "Azerbaijan",
        "Iran",
        "Armenia",
        "Iraq",
        "Syria",
    }


def test_units_switch_changes_the_table_and_labels() -> None:
    at = _app()
    at.radio(key="units").set_value("mi").run()
    table = _table(at, "Country")
    assert "Within range (sq mi)" in table.columns
    assert "250 mi = 402 km" in _map_args(at)["script"]  # as published, then converted


def test_a_damaged_link_shows_an_error_and_still_draws_the_story() -> None:
    at = _app(s="not-a-scenario")
    assert not at.exception
    assert any("link" in e.value for e in at.error)
    assert "S-400" in _plain(at.title[0].value)
    assert '"colour":"#0072B2"' in _map_args(at)["script"]


def test_a_link_reproduces_its_scenario() -> None:
    scenario = Scenario(
        title="Athens check",
        sites=(SiteSpec(name="Athens", lat=37.98, lon=23.73, radius=150, unit="km"),),
    )
    at = _app(s=encode_for_url(scenario))
    assert _plain(at.title[0].value) == "Athens check"
    assert _countries(at)[0] == "Greece"
    assert decode_from_url(at.query_params["s"]) == scenario  # the URL keeps the scenario


def test_adding_a_place_by_name() -> None:
    at = _app()
    at.radio(key="preset").set_value("S-400 at Ankara").run()
    _open_tab(at, "Sites")
    at.text_input(key="place_query").input("Tbilisi").run()
    (choice,) = [r for r in at.radio if r.key and r.key.startswith("place_pick")]
    assert choice.options[0].startswith("Tbilisi, Georgia · ")  # named in full, with its population
    at.button(key="add_place").click().run()
    assert not at.error
    names = [s.name for s in at.session_state["scenario"].sites]
    assert names == ["Ankara", "Tbilisi"]
    assert any("Added Tbilisi, Georgia" in _plain(x.value) for x in at.success)
    assert at.text_input(key="place_query").value == ""  # the search starts afresh
    assert "Georgia" in _countries(at)


def test_a_place_search_offers_every_match_biggest_first() -> None:
    at = _app()
    _open_tab(at, "Sites")
    at.text_input(key="place_query").input("Springfield").run()
    (choice,) = [r for r in at.radio if r.key and r.key.startswith("place_pick")]
    options = [_plain(o) for o in choice.options]
    assert len(options) > 3
    assert options[0].startswith("Springfield, Missouri, United States")
    people = [int(re.search(r"· ([\d,]+) people", o).group(1).replace(",", "")) for o in options]
    assert people == sorted(people, reverse=True)
    choice.set_value(2).run()
    at.button(key="add_place").click().run()
    added = at.session_state["scenario"].sites[-1]
    assert added.name == "Springfield" and added.lat == pytest.approx(39.80, abs=0.05)  # Illinois


def test_an_unknown_place_gives_a_clear_message_with_spellings_and_keeps_the_map() -> None:
    at = _app()
    _open_tab(at, "Sites")
    at.text_input(key="place_query").input("Ankra").run()
    assert not at.exception
    (warning,) = [_plain(w.value) for w in at.warning]
    assert "No place called 'Ankra'" in warning and "Ankara" in warning
    assert not [b for b in at.button if b.key == "add_place"]
    assert [s.name for s in at.session_state["scenario"].sites] == ["Ankara"]
    assert _map_args(at)["script"]


def test_a_map_click_uses_the_system_chosen_for_new_sites() -> None:
    from coverage.catalog import load_catalog

    other = next(i for i in load_catalog().systems if i != "s-400")
    at = _app()
    _open_tab(at, "Sites")
    at.selectbox(key="add_system").set_value(other).run()
    _open_tab(at, "Countries reached")  # the choice holds with the Sites tab closed
    assert at.session_state["click_system"] == other  # what a click on the map adds (tabs._map)


def test_presentation_mode_hides_the_editing_controls() -> None:
    at = _app()
    at.toggle(key="presentation").set_value(True).run()
    assert not at.exception
    assert "Sites" not in [t.label for t in at.tabs]
    _open_tab(at, "Sites")  # a tab that is not there shows nothing
    assert not [w for w in at.text_input if w.key == "place_query"]
    assert '"radius":7' not in _map_args(at)["script"]  # markers are styled in JS
    assert "radius: 7" in _map_args(at)["script"]


def test_start_empty_shows_an_invitation_not_an_error() -> None:
    at = _app()
    at.radio(key="preset").set_value("Start empty").run()
    assert not at.exception and not at.error
    assert any("No site yet" in m.value for m in at.markdown)


def test_changing_the_map_during_the_story_ends_the_guided_story() -> None:
    at = _app()
    _open_tab(at, "Sites")
    at.text_input(key="place_query").input("Athens").run()
    at.button(key="add_place").click().run()
    assert not at.exception
    assert at.radio(key="preset").value == "Your own map"
    assert not [r for r in at.radio if r.key == "step"]
    assert [s.name for s in at.session_state["scenario"].sites] == ["Ankara", "Athens"]


def test_a_link_to_an_unknown_system_is_refused_and_the_story_stays() -> None:
    bad = Scenario(sites=(SiteSpec(name="X", lat=1.0, lon=1.0, system="nope"),))
    at = _app(s=encode_for_url(bad))
    assert not at.exception
    assert any("unknown system 'nope'" in _plain(e.value) for e in at.error)
    assert "S-400" in _plain(at.title[0].value)
    assert _countries(at) == ["Turkey"]


def test_an_empty_map_leaves_no_broken_link() -> None:
    at = _app()
    at.radio(key="preset").set_value("Start empty").run()
    assert "s" not in at.query_params


def test_the_default_background_is_plain_with_no_tile_layer(story: AppTest) -> None:
    assert story.radio(key="background").value == "plain"
    script = _map_args(story)["script"]
    assert "L.tileLayer(" not in script and "tileLayer" not in script
    assert "openstreetmap.org" not in script and "cartocdn" not in script
    assert not [c for c in story.caption if "Needs internet" in c.value]


def test_an_online_background_adds_an_attributed_tile_layer_and_stays_out_of_the_link() -> None:
    at = _app()
    link = at.query_params["s"]
    at.radio(key="background").set_value("osm").run()
    assert not at.exception and not at.error
    script = _map_args(at)["script"]
    assert "L.tileLayer(" in script
    assert '"https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in script
    assert (
        "https://www.openstreetmap.org/copyright" in script
        and "OpenStreetMap\\u003c/a\\u003e contributors" in script
    )
    assert script.index("L.tileLayer(") < script.index("L.geoJson(")  # the fills and rings draw on top
    assert '"colour":"#0072B2"' in script  # the ring is still there
    notice = [c.value for c in at.caption if "Needs internet" in c.value]
    assert notice and "tile.openstreetmap.org" in notice[0]
    assert any("Background: © OpenStreetMap contributors" in c.value for c in at.caption)
    assert at.query_params["s"] == link  # a display setting: the shared scenario is unchanged
    # Presentation mode keeps the chosen background; back to plain drops the tiles.
    at.toggle(key="presentation").set_value(True).run()
    assert "L.tileLayer(" in _map_args(at)["script"]
    at.radio(key="background").set_value("plain").run()
    assert "L.tileLayer(" not in _map_args(at)["script"]


def test_hostile_text_in_a_link_shows_literally_in_the_title_and_the_error() -> None:
    link = "[click me](http://evil.example) $x$ **b**"
    bad = Scenario(title=link, sites=(SiteSpec(name=link, lat=1.0, lon=1.0, system="nope"),))
    at = _app(s=encode_for_url(bad))
    assert not at.exception
    (error,) = at.error
    assert link in _plain(error.value)  # the name is quoted in the message...
    assert not re.search(r"(?<!\\)[\[\]()*$]", error.value)  # ...with no live Markdown
    good = Scenario(title=link, sites=(SiteSpec(name="Athens", lat=37.98, lon=23.73, radius=150, unit="km"),))
    at = _app(s=encode_for_url(good))
    assert _plain(at.title[0].value) == link
    assert not re.search(r"(?<!\\)[\[\]()*$]", at.title[0].value)


def test_presentation_mode_keeps_the_open_tab() -> None:
    at = _open_tab(_app(), "Distances")
    at.toggle(key="presentation").set_value(True).run()
    assert at.session_state["tab"] == "Distances"
    assert "Sites" not in [t.label for t in at.tabs]
    at.toggle(key="presentation").set_value(False).run()
    assert at.session_state["tab"] == "Distances"
    assert "Sites" in [t.label for t in at.tabs]


def test_rings_over_the_sea_say_so_instead_of_an_empty_table() -> None:
    sea = Scenario(
        sites=(
            SiteSpec(name="Mid-Pacific", lat=0.0, lon=-140.0, radius=100, unit="km"),
            SiteSpec(name="South Atlantic", lat=-30.0, lon=-20.0, radius=100, unit="km"),
        ),
        title="Open sea",
    )
    at = _app(s=encode_for_url(sea))
    assert not at.exception and not at.error
    texts = [m.value for m in at.markdown]
    assert any("No country within range" in t for t in texts)
    assert not any(t.startswith("| Country") or "Site by site" in t for t in texts)


def test_a_map_no_print_map_can_show_offers_the_other_files_and_says_why() -> None:
    far = Scenario(
        sites=(
            SiteSpec(name="Ankara", lat=39.92, lon=32.85, system="s-400"),
            SiteSpec(name="Tokyo", lat=35.68, lon=139.69, system="s-400"),
            SiteSpec(name="Lima", lat=-12.05, lon=-77.04, radius=10000, unit="km"),
        ),
        title="Far apart",
    )
    at = _open_tab(_app(s=encode_for_url(far)), "Download")
    assert not at.exception and not at.error
    assert any("far side of the Earth" in w.value for w in at.warning)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "GeoJSON" in labels and "Interactive HTML (self-contained)" in labels
    assert not any(label.startswith(("PNG", "SVG", "PDF", "Classroom")) for label in labels)
    # An ordinary map still offers all seven, and the classroom handout.
    at = _open_tab(_app(), "Download")
    labels = [b.proto.label for b in at.get("download_button")]
    assert len(labels) == 7 + 1 + 1  # the CSV's description (CSVW) and the classroom handout
    assert any(label.startswith("Classroom handout (PDF)") for label in labels)


def _far_flung(n: int, radius_km: float) -> Scenario:
    """``n`` sites spread over the world, each ``radius_km`` (a hostile but valid link)."""
    return Scenario(
        sites=tuple(
            SiteSpec(
                name=f"S{i}",
                lat=-60.0 + (i * 37) % 130,
                lon=-180.0 + (i * 53) % 360,
                radius=radius_km,
                unit="km",
            )
            for i in range(n)
        ),
        title="Many sites",
    )


def test_a_link_with_too_many_sites_is_refused_before_any_work() -> None:
    from coverage.app.data import APP_MAX_SITES

    at = _app(s=encode_for_url(_far_flung(APP_MAX_SITES + 1, 10_000)))
    assert not at.exception
    (error,) = at.error
    assert f"{APP_MAX_SITES + 1:,} sites" in _plain(error.value) and "range-rings report" in _plain(
        error.value
    )
    assert not _map_args(at)["script"].count("S200")  # nothing of it drawn


def test_a_link_whose_site_table_would_cost_too_much_shows_why_instead() -> None:
    at = _app(s=encode_for_url(_far_flung(20, 10_000)))
    assert not at.exception and not at.error
    notes = " ".join(c.value for c in at.caption)
    assert "No site-by-site table for this map" in notes and "report --by-site" in notes
    assert not any("Site by site" in m.value for m in at.markdown)
    assert _countries(at)  # the whole coverage table is still shown


def test_the_story_keeps_its_site_by_site_table() -> None:
    at = _app()
    at.radio(key="step").set_value("3 · Ankara compared").run()
    assert any("Site by site" in m.value for m in at.markdown)


def test_a_map_too_large_for_a_link_says_so_and_keeps_no_link() -> None:
    import random

    from coverage.scenario import MAX_LINK_CHARS, link_fits

    rng = random.Random(7)

    def name() -> str:  # CJK text hardly compresses: 200 such names make a long link
        return "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(100))

    sites = tuple(
        SiteSpec(name=name(), lat=40.0, lon=30.0 + i / 100, radius=10, unit="km") for i in range(200)
    )
    big = Scenario(sites=sites, title="Big")
    assert not link_fits(encode_for_url(big))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state["scenario"] = big
    at.session_state["preset"] = "Your own map"
    at.session_state["step"] = "1 · The purchase"
    at.run()
    assert not at.exception
    assert "s" not in at.query_params
    assert any("too large to share as a link" in i.value for i in at.info)
    with pytest.raises(ScenarioError, match=f"more than a link can carry \\({MAX_LINK_CHARS:,}\\)"):
        decode_from_url("A" * (MAX_LINK_CHARS + 1))


def test_the_chosen_units_travel_in_the_link_and_the_scenario_file() -> None:
    at = _app()
    at.radio(key="units").set_value("mi").run()
    assert not at.exception
    assert decode_from_url(at.query_params["s"]).units == "mi"
    at.radio(key="step").set_value("3 · Ankara compared").run()  # a new step keeps them
    assert decode_from_url(at.query_params["s"]).units == "mi"
    # The Sites tab's "Download scenario" writes the session's scenario: in miles too.
    assert '"units": "mi"' in at.session_state["scenario"].to_json()


def test_a_link_in_nautical_miles_opens_in_them() -> None:
    scenario = Scenario(
        sites=(SiteSpec(name="Kars", lat=40.6, lon=43.1, system="s-400"),), title="K", units="nmi"
    )
    at = _app(s=encode_for_url(scenario))
    assert at.radio(key="units").value == "nmi"
    assert decode_from_url(at.query_params["s"]).units == "nmi"


def _table_in(at: AppTest, tab_label: str, first_column: str) -> pd.DataFrame:
    """The first table starting with ``first_column`` in the tab labelled ``tab_label``."""
    _open_tab(at, tab_label)
    return next(frame for frame in _tables(at) if frame.columns[0] == first_column)


def test_in_turkish_the_story_names_its_countries_steps_and_errors_in_turkish() -> None:
    at = _app(lang="tr", step="3")
    assert not at.exception
    assert at.radio(key="step").options == [
        "1 · Satın alma",
        "2 · Gidemediği yerler",
        "3 · Ankara ile karşılaştırma",
        "4 · Birçok iddiadan biri",
        "5 · Ne nerede konuşlandı, 2013–2020",
    ]
    assert _plain(at.title[0].value) == "Türkiye'de dört yerden 250 millik bir S-400 halkası nereye ulaşıyor"
    table = _table_in(at, "Ulaşılan ülkeler", "Ülke")
    countries = list(table["Ülke"])
    for name in ("Türkiye", "Yunanistan", "Ermenistan", "Bulgaristan", "Gürcistan"):
        assert name in countries, name
    assert re.fullmatch(r"%\d{1,3},\d", table.iloc[0, 3])  # Babel's Turkish percent: "%86,8"
    assert at.query_params["lang"] == "tr"  # the language stays in the link
    damaged = _app(lang="tr", s="not-a-scenario")
    assert _plain(damaged.error[0].value).startswith(
        "Bağlantıdaki senaryo kullanılamadı: bağlantı: bu bağlantıdaki senaryo bozuk"
    )


def test_in_greek_the_story_names_greece_and_turkey_in_greek() -> None:
    at = _app(lang="el", step="3")
    assert not at.exception
    countries = list(_table_in(at, "Χώρες εντός βεληνεκούς", "Χώρα")["Χώρα"])
    assert "Ελλάδα" in countries and "Τουρκία" in countries and "Greece" not in countries
    assert at.radio(key="step").options[0] == "1 · Η αγορά"


def test_the_sidebar_chooses_the_language_and_the_link_without_one_is_english() -> None:
    at = _app()
    assert at.session_state["lang"] == "en" and "lang" not in at.query_params
    at.radio(key="lang").set_value("el").run()
    assert not at.exception
    assert at.radio(key="preset").options[0] == "Η ιστορία του S-400, 2017 (με οδηγό)"
    assert at.query_params["lang"] == "el"
    assert any(_plain(c.value).startswith("Πηγές: ") for c in at.caption)  # the map's credit line
    at.radio(key="lang").set_value("en").run()
    assert (
        "lang" not in at.query_params and at.radio(key="preset").options[0] == "The 2017 S-400 story (guided)"
    )


def test_an_unknown_language_in_the_link_falls_back_to_english() -> None:
    at = _app(lang="xx")
    assert not at.exception and at.session_state["lang"] == "en"


def test_story_steps_change_the_map_in_place() -> None:
    """The base map (what streamlit-folium mounts) stays the same from step to step; only
    its stage changes, so the browser keeps the map and swaps the layers in place."""
    at = _app()
    first = _map_args(at)
    bases, stages = {first["base"]}, {first["feature_group"]}
    for step in ("2 · Where it could not go", "3 · Ankara compared", "5 · What stood where, 2013–2020"):
        at.radio(key="step").set_value(step).run()
        assert not at.exception
        args = _map_args(at)
        bases.add(args["base"])
        stages.add(args["feature_group"])
    normalised = {re.sub(r"_[a-z0-9]+", "", base) for base in bases}  # as streamlit-folium keys it
    assert len(normalised) == 1
    assert len(stages) == 4
    assert "window.rrStage(map_div" in first["feature_group"]
    at.radio(key="step").set_value("1 · The purchase").run()
    assert _map_args(at)["feature_group"] == first["feature_group"]  # the same map, the same stage


def test_step_two_frames_the_three_places_the_article_names() -> None:
    at = _app()
    at.radio(key="step").set_value("2 · Where it could not go").run()
    stage = _map_args(at)["feature_group"]
    bounds = json.loads(re.search(r"\}, (\[\[[^\]]+\], \[[^\]]+\]\]), ", stage).group(1))
    (south, west), (north, east) = bounds
    # The Greek border (Evros, ~26.0° E), the Aegean coast (~26.2° E) and the Armenian border
    # (~43.5–44.8° E) are all in view, not just Ankara's ring (~27.8–37.9° E).
    assert west < 26.0 and east > 44.8 and south < 36.8 and north > 41.6, bounds
    # Their names are placed labels (kind "highlight"), not tooltips over the lines.
    assert '"highlight"' in stage and "Armenian border" in stage


def test_presentation_mode_steps_with_previous_and_next() -> None:
    at = _app()
    at.toggle(key="presentation").set_value(True).run()
    assert at.button(key="step_prev").disabled
    at.button(key="step_next").click().run()
    assert not at.exception
    assert at.radio(key="step").value == "2 · Where it could not go"
    assert "Armenian border" in _map_args(at)["script"]
    at.button(key="step_prev").click().run()
    assert at.radio(key="step").value == "1 · The purchase"
    for _ in range(4):
        at.button(key="step_next").click().run()
    assert at.radio(key="step").value.startswith("5 ·")  # the last: Next is off
    assert at.button(key="step_next").disabled
    assert _map_args(at)["height"] == 620


def test_distances_fit_a_site_far_from_the_story() -> None:
    kaliningrad = Scenario(sites=(SiteSpec(name="Kaliningrad", lat=54.71, lon=20.51, system="s-400"),))
    at = _open_tab(_app(s=encode_for_url(kaliningrad)), "Distances")
    (table,) = [t for t in _tables(at) if list(t.columns[:2]) == ["Site", "Place"]]
    places = set(table["Place"])
    assert {"Vilnius", "Warsaw"} <= places
    assert not places & {"Ankara", "İzmir", "Kars", "Edirne"}  # the story's places are far away
    assert set(table["Listed as"]) == {"one of the nearest capitals"}
    assert any("nearest capitals" in c.value for c in at.caption)


def test_the_download_tab_gives_an_embed_snippet_for_the_address_typed():
    at = _open_tab(_app(), "Download")
    (snippet,) = [c.value for c in at.code if c.value.startswith("<iframe")]
    assert snippet.startswith('<iframe src="Turkey-s-S-400-at-Ankara.html"')  # the file's own name by default
    at.text_input(key="embed_url").input("https://example.org/maps/story.html").run()
    (snippet,) = [c.value for c in at.code if c.value.startswith("<iframe")]
    assert snippet.startswith('<iframe src="https://example.org/maps/story.html" title="Interactive map: ')
    assert any("static web host" in c.value for c in at.caption)


def test_in_turkish_the_download_tab_offers_the_handout_in_turkish_lang() -> None:
    at = _open_tab(_app(lang="tr"), "İndir")  # the tabs keep their shown (translated) label
    assert not at.exception and not at.error
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Sınıf etkinliği (PDF): önce tahmin, sonra cevaplar" in labels  # no "English only" note
    assert not any("İngilizce" in label for label in labels)
