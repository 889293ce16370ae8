"""Every user-supplied string is escaped where it lands.

Site names, titles and subtitles come from uploads, ``?s=`` links and the sites
editor. Here they are hostile (HTML/JS break-outs, spreadsheet formulas, Jinja
template syntax, TeX math) and we check each output: the folium map page, the
self-contained HTML export, SVG, KML, CSV, file names and Markdown. Corrupted
data files (catalog YAML, boundary files) must fail with an error naming the file.

The bugs these tests found are fixed; the tests stay as regression guards.
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coverage.analysis import analyse, analyse_shipped, coverage_by_site
from coverage.errors import CatalogError, CoverageError, DataFileError
from coverage.scenario import Site, parse_scenario, resolve_sites
from tests._payloads import PAYLOADS

FORMULA_PAYLOADS = [p for p in PAYLOADS if p.startswith(("=", "+", "-", "@"))]
TITLE = "<img src=x onerror=alert(5)> & </script><script>alert(6)</script>"
SUBTITLE = '" onmouseover="alert(7)'
KML_NS = "{http://www.opengis.net/kml/2.2}"
PROPERTY = settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])


def sites_named(names, catalog):
    """One S-400 site per name, spread over Turkey (so rings overlap countries)."""
    fig = catalog.figure("s-400")
    return [Site(name, 37.0 + (i % 4), 28.0 + 2.0 * i, fig.radius_m, fig) for i, name in enumerate(names)]


@pytest.fixture(scope="module")
def hostile(catalog, borders_110m):
    return sites_named(PAYLOADS, catalog), borders_110m


@pytest.fixture(scope="module")
def borders_json_for(borders_110m):
    from coverage import maps

    def make(sites):
        return maps.display_json(analyse(sites, borders_110m))

    return make


def assert_no_raw_markup(page: str) -> None:
    for raw in ("<img src=x", "</script><script>", 'onmouseover="alert', "<script>alert"):
        assert raw not in page, f"raw {raw!r} in the page"
    # No element other than the page's own scripts: count <script> tags against </script> tags.
    assert page.count("<script") == page.count("</script>")


# ------------------------------------------------------------------ folium map and HTML export
def test_folium_map_page_escapes_names(hostile, borders_json_for) -> None:
    from coverage.maps import coverage_map

    sites, borders = hostile
    page = coverage_map(analyse(sites, borders), borders_json_for(sites)).get_root().render()
    assert_no_raw_markup(page)
    # The names are there, in escaped form (HTML entities inside JSON with \u003c for "<").
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in page
    assert "javascript:alert(3)" in page  # harmless as text: it is never used as a URL


def test_app_map_page_escapes_names(hostile) -> None:
    """The app's variant: borders fetched by URL, Leaflet served locally."""
    from coverage.leaflet import use_local_leaflet
    from coverage.maps import coverage_map

    sites, borders = hostile
    m = use_local_leaflet(
        coverage_map(analyse(sites, borders), borders_url="/app/static/borders/x.json"), "/app/static/leaflet"
    )
    assert_no_raw_markup(m.get_root().render())


def test_html_export_escapes_names_title_and_subtitle(hostile, borders_json_for) -> None:
    from coverage.export import map_html

    sites, borders = hostile
    page = map_html(analyse(sites, borders), borders_json_for(sites), title=TITLE, subtitle=SUBTITLE)
    assert_no_raw_markup(page)
    assert f"<title>{html.escape(TITLE)}</title>" in page
    assert f"<h1>{html.escape(TITLE)}</h1>" in page
    assert f"<p>{html.escape(SUBTITLE)}</p>" in page
    for name in PAYLOADS:
        assert html.escape(name) in page  # legend entry
    # Self-contained: nothing is loaded from the network.
    assert not re.search(r"""<(?:script|link)[^>]+(?:src|href)=["']?https?:""", page)


TEMPLATE_PAYLOAD = "{{ 7*7 }} pid={{ lipsum.__globals__.os.getpid() }}"


def test_template_syntax_in_a_site_name_is_not_evaluated_in_the_map(catalog, borders_110m) -> None:
    from coverage.leaflet import use_local_leaflet
    from coverage.maps import coverage_map

    sites = sites_named([TEMPLATE_PAYLOAD], catalog)
    m = coverage_map(analyse(sites, borders_110m), borders_url="/x.json")
    page = use_local_leaflet(m, "/app/static/leaflet").get_root().render()
    assert f"pid={os.getpid()}" not in page, "Jinja expression in a site name was executed"
    # The name reaches the browser intact: JavaScript reads \u007b as "{".
    assert "\\u007b{ 7*7 }} pid=\\u007b{ lipsum" in page


@pytest.mark.parametrize(
    "where",
    [
        "name",
        "title",
        "subtitle",
    ],
)
def test_template_syntax_is_not_evaluated_in_the_html_export(
    catalog, borders_110m, borders_json_for, where
) -> None:
    from coverage.export import map_html

    sites = sites_named([TEMPLATE_PAYLOAD if where == "name" else "Ankara"], catalog)
    text = {
        "title": TEMPLATE_PAYLOAD if where == "title" else "",
        "subtitle": TEMPLATE_PAYLOAD if where == "subtitle" else "",
    }
    page = map_html(analyse(sites, borders_110m), borders_json_for(sites), **text)
    assert f"pid={os.getpid()}" not in page, "Jinja expression was executed"
    assert "{{ 7*7 }}" in page


# ------------------------------------------------------------------ SVG (matplotlib)
def _svg_texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)  # must be well-formed XML
    return ["".join(e.itertext()) for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "text"]


def test_svg_parses_and_carries_names_as_text(hostile, borders_110m) -> None:
    from coverage.figures import figure_bytes, render_figure

    sites, borders = hostile
    fig = render_figure(analyse(sites, borders), title=TITLE, subtitle=SUBTITLE, size="square")
    svg = figure_bytes(fig, "svg")
    texts = _svg_texts(svg)
    for element in ET.fromstring(svg).iter():
        assert element.tag.rsplit("}", 1)[-1] not in {"img", "image", "script", "foreignObject", "a"}, (
            element.tag
        )
        assert not any(a.lower().startswith("on") for a in element.attrib), element.attrib
    for name in PAYLOADS:
        assert any(name in t for t in texts), f"{name!r} is not in the SVG text"
    assert TITLE in texts and SUBTITLE in texts


BUG_MATHTEXT = (
    "BUG: figures.render_figure draws user text (site names, title, subtitle, legend labels) with "
    "matplotlib's mathtext on: a '$' pair is typeset as TeX, so 'a $5 and $6' loses its text, and "
    "'$$' or '$\\foo$' raises a plain ValueError (ParseFatalException) instead of drawing the text"
)


@pytest.mark.parametrize("name", ["Fund $5 and $6", "$$", r"$\foo$"])
def test_dollar_signs_in_names_are_drawn_literally(catalog, borders_110m, name: str) -> None:
    from coverage.figures import figure_bytes, render_figure

    sites = sites_named([name], catalog)
    fig = render_figure(analyse(sites, borders_110m), title=name, size="square")
    texts = _svg_texts(figure_bytes(fig, "svg"))
    assert name in texts, "title not drawn literally"
    assert any(t.endswith(f" — {name}") for t in texts), "legend entry not drawn literally"


# ------------------------------------------------------------------ KML (GDAL)
def test_kml_parses_and_names_round_trip(hostile) -> None:
    from coverage.export import kml_bytes

    sites, _ = hostile
    root = ET.fromstring(kml_bytes(analyse_shipped(sites, "110m")))
    placemarks = list(root.iter(f"{KML_NS}Placemark"))
    names = [p.findtext(f"{KML_NS}name") for p in placemarks]
    assert len(placemarks) == 2 * len(sites)
    for name in PAYLOADS:
        assert name in names, f"site point {name!r} did not round-trip"
        assert any(n and n.startswith(f"{name}: ") for n in names), f"ring {name!r} did not round-trip"
    # No element was injected: every placemark has only the children GDAL writes.
    for p in placemarks:
        assert {c.tag.removeprefix(KML_NS) for c in p} <= {
            "name",
            "description",
            "ExtendedData",
            "Polygon",
            "MultiGeometry",
            "Point",
            "Style",
            "styleUrl",
        }


@settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(min_size=1, max_size=40))
def test_kml_round_trips_any_accepted_name(catalog, name: str) -> None:
    """Any name parse_scenario accepts comes back from the KML as written (after stripping)."""
    from coverage.export import kml_bytes

    doc = '{"version":1,"sites":[{"name":%s,"lat":39.9,"lon":32.8,"system":"s-400"}]}'
    import json

    try:
        scenario = parse_scenario(doc % json.dumps(name), "upload.json")
    except CoverageError:
        return
    sites = resolve_sites(scenario, catalog)
    root = ET.fromstring(kml_bytes(analyse_shipped(sites, "110m")))
    names = [p.findtext(f"{KML_NS}name") for p in root.iter(f"{KML_NS}Placemark")]
    assert sites[0].name in names


# ------------------------------------------------------------------ CSV (spreadsheets)
def test_csv_by_site_neutralises_every_formula_cell(hostile, borders_110m) -> None:
    from coverage.export import table_csv

    sites, _ = hostile
    by_site = coverage_by_site(sites, borders_110m)
    assert set(by_site["site"]) == set(PAYLOADS), "every hostile site should reach a country"
    rows = list(csv.DictReader(io.StringIO(table_csv(by_site, sites))))
    assert rows
    for row in rows:
        for key, value in row.items():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (key, value)
    seen = {row["site"] for row in rows}
    for name in FORMULA_PAYLOADS:
        assert "'" + name in seen, f"{name!r} was not neutralised"
    for name in set(PAYLOADS) - set(FORMULA_PAYLOADS):
        assert name in seen  # non-formula text is left as written


def test_csv_report_from_the_cli_neutralises_formulas(tmp_path) -> None:
    import json

    from coverage.cli import main

    scenario = tmp_path / "hostile.json"
    scenario.write_text(
        json.dumps(
            {
                "version": 1,
                "title": "=1+1",
                "sites": [{"name": n, "lat": 39.9, "lon": 32.8, "system": "s-400"} for n in FORMULA_PAYLOADS],
            }
        )
    )
    out = tmp_path / "t.csv"
    assert main(["render", str(scenario), "--out", str(out), "--resolution", "110m"]) == 0
    for row in csv.reader(io.StringIO(out.read_text())):
        for value in row:
            assert not value.startswith(("=", "+", "-", "@")), value


# ------------------------------------------------------------------ file names and Markdown
@PROPERTY
@given(text=st.text(max_size=200))
def test_safe_filename_property(text: str) -> None:
    from coverage.app.views import safe_filename

    name = safe_filename(text)
    assert re.fullmatch(r"[A-Za-z0-9._-]+", name), name
    assert 0 < len(name) <= 60
    assert not name.startswith(".") and name not in {".", ".."}
    assert "/" not in name and "\\" not in name


@pytest.mark.parametrize("text", [*PAYLOADS, "../../etc/passwd", "..", "\x00", "CON", "a\nb", "🗺️ map", ""])
def test_safe_filename_examples(text: str) -> None:
    from coverage.app.views import safe_filename

    assert re.fullmatch(r"[A-Za-z0-9._-]{1,60}", safe_filename(text))
    assert not safe_filename(text).startswith(".")


MD_SPECIAL = set("\\`*_{}[]()#+-.!|>~<$")  # $ opens maths in Streamlit Markdown


def _md_unescape(text: str) -> str:
    """Escapes and the invisible word joiners (which keep links and shortcodes inert) removed."""
    return re.sub(r"\\(.)", r"\1", text, flags=re.S).replace("\u2060", "")


@PROPERTY
@given(text=st.text(max_size=200))
def test_md_escape_property(text: str) -> None:
    from coverage.app.views import md_escape

    out = md_escape(text)
    assert "<" not in out and ">" not in out
    # Every Markdown punctuation character is backslash-escaped…
    i = 0
    while i < len(out):
        if out[i] == "\\":
            assert i + 1 < len(out) and out[i + 1] in MD_SPECIAL, out
            i += 2
            continue
        assert out[i] not in MD_SPECIAL, (out, i)
        i += 1
    # …and nothing is lost but line breaks: removing the escapes gives the HTML-escaped
    # text with every run of whitespace as one space (one line: no Markdown blocks).
    assert "\n" not in out
    assert _md_unescape(out) == html.escape(" ".join(text.split()), quote=False).replace("\u2060", "")
    # …and nothing Streamlit would turn live: no URL scheme, www. host, e-mail or shortcode.
    assert "://" not in out and not re.search(r"\w@|(?i:www)\\\.|:[\w/]+:", out), out


@pytest.mark.parametrize(
    "text",
    [
        *PAYLOADS,
        "[click](javascript:alert(1))",
        "![x](http://x/a.png)",
        "**bold** _i_ `code`",
        "# Heading",
        "<http://x.example>",
        "| a | b |",
        "~~s~~",
        "a\\<b",
    ],
)
def test_md_escape_examples(text: str) -> None:
    from coverage.app.views import md_escape

    out = md_escape(text)
    assert "<" not in out and ">" not in out
    assert "](" not in out.replace("\\]\\(", "")
    assert _md_unescape(out) == html.escape(text, quote=False)
    assert "://" not in out


# ------------------------------------------------------------------ corrupted data files
@pytest.fixture(scope="module")
def catalog_text() -> str:
    from coverage.catalog import CATALOG_DIR

    return (CATALOG_DIR / "systems.yaml").read_text(encoding="utf-8")


CATALOG_CORRUPTIONS = {
    "truncated": lambda t: t[: t.index("    source:", len(t) // 2)],  # a figure cut before its source
    "tab-indent": lambda t: t.replace("  figures:", "\tfigures:", 1),
    "bad-yaml": lambda t: t.replace("- id: s-400", "- id: [s-400", 1),
    "nul-byte": lambda t: t.replace("S-400 Triumf", "S-400\x00", 1),
    "python-tag": lambda t: "- !!python/object/apply:os.system ['echo pwned']\n" + t,
    "value-text": lambda t: t.replace("value: 250", "value: lots", 1),
    "unit-unknown": lambda t: t.replace("unit: mi", "unit: furlong", 1),
    "url-missing": lambda t: re.sub(r"\n\s+url: [^\n]+", "", t, count=1),
    "top-dict": lambda t: "systems:\n" + "".join("  " + line + "\n" for line in t.splitlines()),
    "empty": lambda t: "",
    "dup-figure": lambda t: t.replace("id: s-400-tass-2017-07-18", "id: s-400-bloomberg-2017", 1),
    "default-missing": lambda t: t.replace("default_figure: s-400-tass-2017-07-18", "default_figure: no", 1),
    "alias-bomb": lambda t: (
        "- &a [x,x,x,x,x,x,x,x]\n- &b [*a,*a,*a,*a,*a,*a,*a,*a]\n- [*b,*b,*b,*b,*b,*b,*b,*b]\n"
    ),
}


@pytest.mark.parametrize("corruption", list(CATALOG_CORRUPTIONS))
def test_corrupted_catalog_names_the_file(catalog_text: str, corruption: str) -> None:
    from coverage.catalog import parse_catalog

    with pytest.raises(CatalogError) as info:
        parse_catalog(CATALOG_CORRUPTIONS[corruption](catalog_text), "data/catalog/edited.yaml")
    assert str(info.value).startswith("data/catalog/edited.yaml: ")
    assert "pwned" not in str(info.value) or corruption == "python-tag"


def test_corrupted_catalog_file_on_disk_names_the_file(tmp_path, catalog_text: str) -> None:
    from coverage.catalog import load_catalog_files

    bad = tmp_path / "systems.yaml"
    bad.write_bytes(b"\xff\xfe" + catalog_text.encode("utf-16-le"))
    with pytest.raises(CatalogError, match=re.escape(str(bad))):
        load_catalog_files([bad])


@pytest.mark.parametrize("date", ["2017-13", "2017-00-99"])
def test_impossible_catalog_date_is_refused_naming_the_file(catalog_text: str, date: str) -> None:
    from coverage.catalog import parse_catalog

    edited = catalog_text.replace("date: 2016-02\n", f"date: {date}\n", 1)
    assert edited != catalog_text
    try:
        systems = parse_catalog(edited, "data/catalog/edited.yaml")
    except CatalogError as exc:
        assert "edited.yaml" in str(exc)
        return
    shown = systems[0].figures[0].source.short()  # IndexError for month 13
    assert "Dec" not in shown, f"impossible date shown as {shown!r}"


def test_catalog_error_message_is_short(catalog_text: str) -> None:
    from coverage.catalog import parse_catalog

    with pytest.raises(CatalogError) as info:
        parse_catalog(CATALOG_CORRUPTIONS["top-dict"](catalog_text), "data/catalog/edited.yaml")
    assert len(str(info.value)) < 500, f"{len(str(info.value))} characters"


# ------------------------------------------------------------------ boundary files
BOUNDARY_EDITS = {
    "flipped-byte": lambda b: b[:100] + bytes([b[100] ^ 0xFF]) + b[101:],
    "truncated": lambda b: b[: len(b) // 3],
    "empty": lambda b: b"",
    "garbage": lambda b: b"PAR1" + b"\x00" * 64 + b"PAR1",
    "appended": lambda b: b + b"\n",
}


@pytest.mark.parametrize("edit", list(BOUNDARY_EDITS))
def test_edited_boundary_file_names_the_file(boundaries_copy, edit: str) -> None:
    from coverage.borders import load_borders

    target = boundaries_copy / "countries-110m.parquet"
    target.write_bytes(BOUNDARY_EDITS[edit](target.read_bytes()))
    with pytest.raises(DataFileError, match="countries-110m.parquet"):
        load_borders("110m")


def test_boundary_file_replaced_by_a_directory_names_the_file(boundaries_copy) -> None:
    from coverage.borders import load_borders

    target = boundaries_copy / "countries-110m.parquet"
    target.unlink()
    target.mkdir()
    with pytest.raises(DataFileError, match="countries-110m.parquet"):
        load_borders("110m")


@pytest.mark.parametrize(
    "content",
    [b"not a checksum file\n", b"a b c\n", b"\xff\xfe\x00junk"],
    ids=["words", "three-fields", "not-utf8"],
)
def test_edited_checksum_file_names_the_file(boundaries_copy, content: bytes) -> None:
    from coverage.borders import load_borders

    (boundaries_copy / "SHA256SUMS").write_bytes(content)
    with pytest.raises(DataFileError, match="SHA256SUMS"):
        load_borders("110m")
