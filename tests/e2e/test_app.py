"""End-to-end: the Streamlit app in Chromium, with every non-loopback request blocked."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from coverage.scenario import Scenario, SiteSpec, encode_for_url
from tests.e2e.helpers import (
    MAP_IFRAME,
    Net,
    countries_table,
    edit_sites_name_cell,
    label,
    map_frame,
    markers,
    open_app,
    read_table,
    rings,
    wait_for_map,
    wait_idle,
)
from tools.app_server import is_loopback

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

MAP_ASSETS = {"script", "stylesheet"}


def test_story_opens_with_the_map_drawn(page: Page, net: Net, app_url: str) -> None:
    frame = open_app(page, app_url)

    expect(page.locator("h1").first).to_contain_text("S-400")
    expect(frame.locator(".leaflet-container")).to_be_visible()
    expect(rings(page).first).to_be_visible()
    box = rings(page).first.bounding_box()
    assert box is not None and box["width"] > 50 and box["height"] > 50, box
    expect(label(page, "Ankara")).to_be_visible()
    # The map drew although everything off-loopback was blocked, and it needed
    # no blocked script or stylesheet to do so.
    assert not [b for b in net.blocked if b[1] in MAP_ASSETS], net.blocked


def test_story_step_3_lists_the_neighbours(page: Page, app_url: str) -> None:
    open_app(page, app_url)
    table = countries_table(page)
    expect(table).to_be_visible()
    before = {row["Country"] for row in read_table(table)}
    assert before == {"Turkey"}

    story = page.get_by_test_id("stRadio").filter(has_text="Story")
    story.get_by_text("3 · Ankara compared", exact=True).click()
    expect(page.locator("h1").first).to_contain_text("four places")
    wait_idle(page)
    expect(table.locator("tbody tr")).not_to_have_count(1)
    wait_for_map(page)

    rows = read_table(table)
    after = {row["Country"] for row in rows}
    assert {"Turkey", "Greece", "Bulgaria", "Armenia", "Georgia"} <= after, after
    assert len(rows) == len(after), "a country is listed twice"
    # Four sites (label and marker each); the step highlights the three places the article names.
    for name in ("Ankara", "İzmir (Aegean coast)", "Edirne (Greek border)", "Kars (Armenian border)"):
        expect(label(page, name)).to_be_visible()
    expect(markers(page)).to_have_count(4)
    # The highlights are named beside their lines where there is room (here Kars's own name
    # says "Armenian border"); step 2, with one ring, names all three.
    frame = map_frame(page)
    for place in ("Aegean coast", "Greek border"):
        expect(frame.locator(".rr-highlight", has_text=place)).to_be_visible()
    story.get_by_text("2 · Where it could not go", exact=True).click()
    wait_idle(page)
    for place in ("Armenian border", "Aegean coast", "Greek border"):
        expect(frame.locator(".rr-highlight", has_text=place)).to_be_visible()


def test_click_on_the_map_adds_a_site(page: Page, app_url: str) -> None:
    frame = open_app(page, app_url)
    expect(markers(page)).to_have_count(1)
    expect(label(page, "Ankara")).to_be_visible()

    box = frame.locator(".leaflet-container").bounding_box()
    assert box is not None
    # West of Ankara, inside Turkey (the view is fitted on Ankara's 402 km ring).
    frame.locator(".leaflet-container").click(position={"x": box["width"] * 0.35, "y": box["height"] * 0.5})

    expect(label(page, "Site 2")).to_be_visible()
    wait_idle(page)
    expect(markers(page)).to_have_count(2)
    expect(label(page, "Ankara")).to_be_visible()
    expect(page.get_by_text("Site 2: S-400", exact=False).first).to_be_visible()  # the legend


def test_a_new_stage_leaves_no_old_label_behind(page: Page, app_url: str) -> None:
    """The moment a stage is shown in place (rrStage's ``rrstaged``), the document holds one
    site label per site: the old stage's labels leave at once rather than fading out over
    200 ms beside the new ones (two "Ankara" for a screen reader, and for a test)."""
    open_app(page, app_url)
    handle = page.locator(MAP_IFRAME).element_handle()
    doc = handle.content_frame() if handle else None
    assert doc is not None
    doc.evaluate(
        """() => { window.__labels = [];
            window.map_div.on('rrstaged',
                () => window.__labels.push(document.querySelectorAll('.site-label').length)); }"""
    )
    container = map_frame(page).locator(".leaflet-container")
    box = container.bounding_box()
    assert box is not None
    container.click(position={"x": box["width"] * 0.35, "y": box["height"] * 0.5})
    expect(label(page, "Site 2")).to_be_visible()
    wait_idle(page)
    seen = doc.evaluate("() => window.__labels")
    assert seen, "no stage was shown after the click"
    assert seen[-1] == 2 and all(n <= 2 for n in seen), seen


def test_sites_tab_renames_a_site_and_opens_a_scenario_file(page: Page, app_url: str, tmp_path) -> None:
    open_app(page, app_url)
    cell = edit_sites_name_cell(page, 1)
    expect(cell).to_have_value("Ankara")
    cell.fill("Capital")
    cell.press("Enter")
    expect(label(page, "Capital")).to_be_visible()  # the map above shows the edit
    expect(page.get_by_test_id("stSidebar").get_by_role("radio", name="Your own map")).to_be_checked()
    wait_idle(page)
    expect(markers(page)).to_have_count(1)

    scenario = Scenario(
        title="Opened from a file",
        sites=(SiteSpec(name="Athens", lat=37.98, lon=23.73, radius=150, unit="km"),),
    )
    path = tmp_path / "athens.json"
    path.write_text(scenario.to_json())
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(path)
    expect(page.locator("h1").first).to_have_text("Opened from a file")
    expect(label(page, "Athens")).to_be_visible()
    expect(label(page, "Capital")).to_have_count(0)


def test_sites_tab_refuses_a_row_without_coordinates_and_keeps_the_map(page: Page, app_url: str) -> None:
    open_app(page, app_url)
    cell = edit_sites_name_cell(page, 2)  # the empty row under Ankara adds a site
    expect(cell).to_have_value("")
    cell.fill("Nowhere")  # a name and nothing else
    cell.press("Enter")
    error = page.get_by_test_id("stAlert").filter(has_text="Not applied")
    expect(error).to_contain_text("row 2 (Nowhere): give a lat and a lon")
    wait_idle(page)
    expect(label(page, "Ankara")).to_be_visible()  # the map still shows the last good scenario
    expect(markers(page)).to_have_count(1)
    expect(label(page, "Nowhere")).to_have_count(0)


def test_presentation_mode_enlarges_the_tables_and_keeps_the_tab(page: Page, app_url: str) -> None:
    open_app(page, app_url)
    cell = countries_table(page).locator("td").first
    normal = float(cell.evaluate("c => parseFloat(getComputedStyle(c).fontSize)"))
    page.get_by_role("tab", name="Sources").click()
    wait_idle(page)
    page.get_by_test_id("stSidebar").get_by_text("Presentation mode", exact=True).click()
    expect(page.get_by_role("tab", name="Sites")).to_have_count(0)  # fewer controls
    expect(page.get_by_role("tab", name="Sources")).to_have_attribute("aria-selected", "true")
    wait_idle(page)  # the toggle's run is over: a click now is not lost in it
    page.get_by_role("tab", name="Countries reached").click()
    expect(page.get_by_role("tab", name="Countries reached")).to_have_attribute("aria-selected", "true")
    wait_idle(page)
    cell = countries_table(page).locator("td").first
    assert float(cell.evaluate("c => parseFloat(getComputedStyle(c).fontSize)")) >= 1.3 * normal


def test_offline_leaflet_is_served_by_the_app(page: Page, net: Net, app_url: str) -> None:
    frame = open_app(page, app_url)
    expect(frame.locator('script[src="/app/static/leaflet/leaflet.js"]')).to_be_attached()
    expect(frame.locator('link[href="/app/static/leaflet/leaflet.css"]')).to_be_attached()
    handle = page.locator(MAP_IFRAME).element_handle()
    map_doc = handle.content_frame() if handle else None
    assert map_doc is not None
    # Leaflet's script ran and its stylesheet is applied in the map's document...
    assert map_doc.evaluate("() => window.L && window.L.version") == "1.9.4"
    map_doc.wait_for_function(
        """() => Array.from(document.styleSheets).some(
               s => (s.href || "").endsWith("/app/static/leaflet/leaflet.css") && s.cssRules.length > 0)"""
    )
    # ...and both came from the app's own static route, with status 200.
    for name in ("leaflet.js", "leaflet.css"):
        url = f"{app_url}/app/static/leaflet/{name}"
        assert (url, 200) in net.responses, [r for r in net.responses if "leaflet" in r[0]]
    # Nothing left loopback at all: no CDN, no fonts, no telemetry.
    assert net.blocked == []


XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_TITLE = "</script><script>alert(2)</script>"
RECORD_DIALOGS = """
(() => {
  window.__dialogs = [];
  for (const name of ["alert", "confirm", "prompt"]) {
    const original = window[name];
    window[name] = function (...args) {
      window.__dialogs.push(name + ":" + args.join(" "));
      return original.apply(this, args);
    };
  }
})();
"""


def _open_scenario(page: Page, app_url: str, scenario: Scenario) -> list[str]:
    """Open the app on ``?s=`` for ``scenario``; returns the list that dialogs get recorded in."""
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.context.add_init_script(RECORD_DIALOGS)  # runs in every frame, the map iframe included
    page.goto(f"{app_url}/?s={quote(encode_for_url(scenario))}")
    expect(page.locator("h1").first).to_be_visible()
    wait_for_map(page)
    page.wait_for_load_state("load")
    return dialogs


def _assert_no_script_ran(page: Page, dialogs: list[str]) -> None:
    assert dialogs == []
    for frame in page.frames:
        assert frame.evaluate("() => window.__dialogs || []") == [], frame.url
        assert frame.locator('img[src="x"]').count() == 0, frame.url
        # The title's "<script>alert(2)</script>" must not have become a script element.
        assert (
            frame.evaluate(
                "() => Array.from(document.scripts).filter(s => s.text.trim() === 'alert(2)').length"
            )
            == 0
        ), frame.url


def test_hostile_names_are_shown_as_text(page: Page, app_url: str) -> None:
    scenario = Scenario(
        sites=(SiteSpec(name=XSS_NAME, lat=39.93, lon=32.86, system="s-400"),), title=XSS_TITLE
    )
    dialogs = _open_scenario(page, app_url, scenario)

    expect(page.locator("h1").first).to_have_text(XSS_TITLE)
    expect(label(page, XSS_NAME)).to_be_visible()  # the site's permanent label, as text
    expect(page.get_by_test_id("stMarkdown").filter(has_text=f"{XSS_NAME}: S-400")).to_be_visible()
    _assert_no_script_ran(page, dialogs)
    assert page.locator(MAP_IFRAME).count() == 1
    assert map_frame(page).locator(".leaflet-container").count() == 1


def test_template_literal_names_are_inert(page: Page, app_url: str) -> None:
    """folium's own Tooltip puts text in a JS template literal, where html.escape does not help."""
    name = "`${alert(3)}` ${window.alert(4)}"
    scenario = Scenario(sites=(SiteSpec(name=name, lat=39.93, lon=32.86, system="s-400"),), title="Quoting")
    dialogs = _open_scenario(page, app_url, scenario)

    expect(label(page, name)).to_be_visible()
    _assert_no_script_ran(page, dialogs)


LIVE_TEXT = "https://evil.example/login www.evil.example admin@evil.example :smile: :material/warning:"


def test_links_emails_and_shortcodes_typed_by_a_user_stay_text(page: Page, app_url: str) -> None:
    """A title, a site name and an error that quote a URL, an e-mail address or a shortcode show
    them as typed: no link on our page, no emoji, no icon."""
    scenario = Scenario(
        sites=(SiteSpec(name="Ankara www.evil.example", lat=39.93, lon=32.86, system="s-400"),),
        title=LIVE_TEXT,
    )
    _open_scenario(page, app_url, scenario)
    expect(page.locator("h1").first).to_contain_text("evil.example/login")
    page.get_by_role("tab", name="Sites").click()
    page.get_by_label("Find a place").fill(LIVE_TEXT)
    page.get_by_label("Find a place").press("Enter")
    expect(page.get_by_test_id("stAlert").filter(has_text="No place called")).to_be_visible()
    main = page.get_by_test_id("stMain")
    shown = main.inner_text().replace("\u2060", "")
    assert "https://evil.example/login" in shown and "admin@evil.example" in shown
    assert ":smile:" in shown and ":material/warning:" in shown
    assert main.locator("a[href*='evil']").count() == 0
    for where in (page.locator("h1").first, page.get_by_test_id("stAlert")):  # no icon in them
        assert where.locator("[data-testid='stIconMaterial']").count() == 0
    assert "😄" not in shown


def test_no_table_offers_streamlits_unneutralised_csv_download(page: Page, app_url: str) -> None:
    """Streamlit's own "Download as CSV" writes =HYPERLINK(…) names as live formulas: the sites
    editor has none (client.disableDataExport) and the Distances table is escaped Markdown."""
    scenario = Scenario(
        sites=(SiteSpec(name='=HYPERLINK("http://evil.example","x")', lat=39.93, lon=32.86, system="s-400"),),
        title="Formula",
    )
    _open_scenario(page, app_url, scenario)
    page.get_by_role("tab", name="Sites").click()
    grid = page.get_by_test_id("stDataFrame")
    expect(grid).to_be_visible()
    grid.hover()
    toolbar = page.get_by_test_id("stElementToolbar")
    expect(toolbar.first).to_be_visible()  # the grid's toolbar shows on hover…
    assert page.get_by_role("button", name="Download as CSV").count() == 0  # …without the download
    page.get_by_role("tab", name="Distances").click()
    table = page.get_by_test_id("stMarkdown").locator("table")
    expect(table.first).to_contain_text("HYPERLINK")
    assert page.get_by_test_id("stDataFrame").count() == 0


@pytest.mark.parametrize(
    ("query", "browser_locale", "title", "country", "site", "highlight"),
    [
        ("?lang=tr&step=3", "en-US", "nereye ulaşıyor", "Yunanistan", "İzmir (Ege kıyısı)", "Ege kıyısı"),
        # No ?lang=: the browser's language decides (st.context.locale).
        ("?step=3", "el-GR", "Πού φτάνει", "Ελλάδα", "Σμύρνη (ακτές του Αιγαίου)", "Ακτές του Αιγαίου"),
    ],
)
def test_story_step_3_in_turkish_and_greek(
    browser, app_url: str, query, browser_locale, title, country, site, highlight, tmp_path
) -> None:
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale=browser_locale)
    ctx.route("**/*", lambda route: route.continue_() if is_loopback(route.request.url) else route.abort())
    try:
        page = ctx.new_page()
        open_app(page, app_url + query)
        expect(page.locator("h1").first).to_contain_text(title)
        expect(label(page, site)).to_be_visible()
        # The highlights are named among the map's place names, in the language too.
        expect(map_frame(page).locator(".rr-highlight", has_text=highlight)).to_be_visible()
        table = page.locator("table").filter(has_text=country).first
        expect(table).to_be_visible()
        # The map's own place names (its label pane) are in the language too.
        expect(map_frame(page).get_by_text(country, exact=True).first).to_be_attached()
        page.screenshot(path=str(tmp_path / "step3.png"))
    finally:
        ctx.close()


def test_place_search_offers_the_matches_and_adds_the_one_chosen(page: Page, app_url: str) -> None:
    open_app(page, app_url)
    page.get_by_role("tab", name="Sites").click()
    search = page.get_by_label("Find a place")
    search.fill("Springfield")
    search.press("Enter")  # the keyboard is enough to search
    choice = page.get_by_role("radiogroup", name="Found")
    expect(choice.get_by_role("radio")).not_to_have_count(1)
    choice.get_by_text("Springfield, Illinois, United States", exact=False).click()
    wait_idle(page)
    page.get_by_role("button", name="Add Springfield, Illinois, United States").click()
    expect(
        page.get_by_test_id("stAlert").filter(has_text="Added Springfield, Illinois, United States")
    ).to_be_visible()
    expect(label(page, "Springfield")).to_be_visible()
    wait_idle(page)
    expect(markers(page)).to_have_count(2)
