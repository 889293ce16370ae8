"""Static maps (PNG, SVG, PDF) and KML, checked with real readers."""

from __future__ import annotations

import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from matplotlib.testing.compare import compare_images
from PIL import Image
from pypdf import PdfReader

from coverage.analysis import analyse, analyse_shipped, coverage_table
from coverage.borders import load_borders
from coverage.catalog import load_catalog
from coverage.errors import ExportError
from coverage.figures import SIZES, figure_bytes, render_figure
from coverage.scenario import Site, resolve_sites
from coverage.story import scenario_file
from coverage.style import font_files

REFERENCE = Path(__file__).parent / "data" / "kars-square-110m.png"
ANADYR_REFERENCE = Path(__file__).parent / "data" / "anadyr-square-110m.png"
# Reference images are drawn in the shipped font; without it every glyph differs.
needs_font = pytest.mark.skipif(
    not font_files(), reason="font-source-sans-pro is not installed (scripts/setup.sh installs it)"
)


@pytest.fixture(scope="module")
def story():
    scenario = scenario_file("story.json")
    sites = resolve_sites(scenario, load_catalog())
    borders = load_borders("110m")
    return scenario, sites, borders, coverage_table(sites, borders)


def _figure(story, **kwargs):
    scenario, sites, borders, table = story
    return render_figure(analyse(sites, borders), title=scenario.title, subtitle=scenario.subtitle, **kwargs)


@pytest.mark.parametrize("size", list(SIZES))
def test_png_has_the_promised_pixel_size(story, size: str) -> None:
    image = Image.open(io.BytesIO(figure_bytes(_figure(story, size=size), "png")))
    assert image.format == "PNG"
    assert image.size == (SIZES[size].width_px, SIZES[size].height_px)
    assert image.mode in {"RGB", "RGBA"}


def test_png_holds_exactly_the_drawn_pixels_and_the_resolution(story) -> None:
    """figure_bytes writes PNGs itself (not via PIL): PIL must read back the canvas, pixel for pixel."""
    fig = _figure(story, size="print")
    image = Image.open(io.BytesIO(figure_bytes(fig, "png")))
    image.load()  # checks every chunk's CRC and the deflate stream
    assert np.array_equal(np.asarray(image.convert("RGBA")), np.asarray(fig.canvas.buffer_rgba()))
    assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)


def test_dark_theme_is_dark(story) -> None:
    light = np.asarray(
        Image.open(io.BytesIO(figure_bytes(_figure(story, theme="light"), "png"))).convert("L")
    )
    dark = np.asarray(Image.open(io.BytesIO(figure_bytes(_figure(story, theme="dark"), "png"))).convert("L"))
    assert light.mean() > 150 > 80 > dark.mean()


def test_svg_keeps_text_as_text(story) -> None:
    root = ET.fromstring(figure_bytes(_figure(story, size="16x9"), "svg"))
    texts = ["".join(e.itertext()) for e in root.iter() if e.tag.endswith("}text")]
    joined = " ".join(texts)
    assert "Where a 250-mile S-400 ring reaches" in joined
    assert "Natural Earth" in joined and "Azimuthal equidistant" in joined
    assert "Kars (Armenian border)" in joined
    assert not [e for e in root.iter() if e.tag.endswith("}image")], "no raster inside the SVG"


def test_pdf_is_one_vector_page_with_selectable_text(story) -> None:
    reader = PdfReader(io.BytesIO(figure_bytes(_figure(story, size="print"), "pdf")))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    text = page.extract_text()
    assert "S-400" in text and "Natural Earth" in text
    xobjects = page["/Resources"].get("/XObject", {})
    images = [k for k, v in xobjects.items() if v.get_object().get("/Subtype") == "/Image"]
    assert images == [], "the map is drawn as vectors, not embedded as an image"


def test_country_labels_do_not_collide(story) -> None:
    fig = _figure(story)
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_text().strip()]
    assert len(boxes) >= 8  # four sites and several countries reached
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)


def test_no_axis_ticks_or_labels(story) -> None:
    ax = _figure(story).axes[0]
    assert not ax.axison
    assert ax.get_xlabel() == "" and ax.get_ylabel() == ""


def test_unknown_size_or_theme_is_a_clear_error(story) -> None:
    with pytest.raises(ExportError, match="unknown size"):
        _figure(story, size="huge")
    with pytest.raises(ExportError, match="unknown theme"):
        _figure(story, theme="neon")


def _matches_reference(fig, reference: Path, tmp_path: Path) -> None:
    actual = tmp_path / "actual.png"
    actual.write_bytes(figure_bytes(fig, "png"))
    if not reference.exists():
        reference.write_bytes(actual.read_bytes())
        pytest.fail(f"wrote a new reference image {reference}; check it and commit it")
    assert compare_images(str(reference), str(actual), tol=2) is None


@needs_font
def test_the_layout_matches_the_reference_image(tmp_path) -> None:
    """A layout regression (legend, labels, scale bar, projection) shows up here.

    To accept an intended change: delete tests/data/kars-square-110m.png and run this
    test once; it writes a new reference to commit (and fails, so nobody forgets).
    """
    scenario = scenario_file("story-kars.json")
    sites = resolve_sites(scenario, load_catalog())
    borders = load_borders("110m")
    fig = render_figure(analyse(sites, borders), title=scenario.title, size="square")
    _matches_reference(fig, REFERENCE, tmp_path)


@needs_font
def test_the_anadyr_layout_matches_the_reference_image(tmp_path) -> None:
    """Across the date line: one whole ring, no seam, no border along 180° (same procedure)."""
    result = analyse(_anadyr(), load_borders("110m"))
    fig = render_figure(result, title="402 km around Anadyr", size="square")
    _matches_reference(fig, ANADYR_REFERENCE, tmp_path)


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_invisible_format_characters_in_names_draw(fmt: str) -> None:
    """U+FEFF and friends (category Cf) once crashed the PDF writer with an IndexError."""
    from coverage.render import RenderOptions, render
    from coverage.scenario import Scenario, SiteSpec

    name = "Ka\ufeffrs\u200b\u2060"
    scenario = Scenario(sites=(SiteSpec(name=name, lat=40.6, lon=43.1, system="s-400"),), title="T\ufeffitle")
    result = analyse_shipped(resolve_sites(scenario, load_catalog()), "110m")
    data = render(result, fmt, RenderOptions(title=scenario.title, subtitle="sub\u200etitle"))
    if fmt == "pdf":
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        assert "Kars" in text and "Title" in text
    elif fmt == "svg":
        texts = " ".join("".join(e.itertext()) for e in ET.fromstring(data).iter() if e.tag.endswith("}text"))
        assert "Kars" in texts and "\ufeff" not in texts
    else:
        assert Image.open(io.BytesIO(data)).size == (SIZES["square"].width_px, SIZES["square"].height_px)


def test_a_ring_over_the_far_side_of_the_map_is_refused_with_the_reason() -> None:
    """Ankara, Tokyo and a 10,000 km ring at Lima once raised a GEOS TopologyException."""
    from coverage.scenario import Scenario, SiteSpec

    scenario = Scenario(
        sites=(
            SiteSpec(name="Ankara", lat=39.92, lon=32.85, system="s-400"),
            SiteSpec(name="Tokyo", lat=35.68, lon=139.69, system="s-400"),
            SiteSpec(name="Lima", lat=-12.05, lon=-77.04, radius=10000, unit="km"),
        )
    )
    result = analyse_shipped(resolve_sites(scenario, load_catalog()), "110m")
    with pytest.raises(ExportError, match="'Lima' reaches the far side of the Earth"):
        render_figure(result)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@example(
    sites=[(0.0, 0.0, 8622.0), (0.0, 2.0, 1.0)]
)  # a projected country too torn to clip (was a GEOS error)
@given(
    st.lists(
        st.tuples(
            st.floats(-89.0, 89.0),
            st.floats(-180.0, 180.0),
            st.floats(1.0, 10_000.0),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_any_sites_draw_or_are_refused_clearly(sites: list[tuple[float, float, float]]) -> None:
    """Every valid scenario gives a PNG or an ExportError, never another exception."""
    from coverage.scenario import Site

    result = analyse_shipped(
        [Site(f"S{i}", lat, lon, r * 1000.0) for i, (lat, lon, r) in enumerate(sites)], "110m"
    )
    try:
        data = figure_bytes(render_figure(result, size="square"), "png")
    except ExportError as exc:
        assert "far side" in str(exc)
    else:
        assert data.startswith(b"\x89PNG")


def _anadyr() -> list[Site]:
    return [Site("Anadyr", 64.73, 177.5, 402_000.0)]


def _svg_texts(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    return ["".join(e.itertext()) for e in root.iter() if e.tag.endswith("}text")]


@pytest.fixture(scope="module")
def kars_result():
    scenario = scenario_file("story-kars.json")
    return scenario, analyse(resolve_sites(scenario, load_catalog()), load_borders("110m"))


def test_the_kars_map_names_armenia_azerbaijan_turkey_and_every_country_reached(kars_result) -> None:
    """Issue 12: Armenia, Azerbaijan and Turkey were missing from the Kars map."""
    scenario, result = kars_result
    for size in ("square", "social", "portrait"):
        texts = _svg_texts(figure_bytes(render_figure(result, title=scenario.title, size=size), "svg"))
        for name in ("Armenia", "Azerbaijan", "Turkey", "Georgia", "Iran", *result.reached):
            assert name in texts, (size, name)


def test_every_reached_country_is_text_in_the_svg_and_the_pdf(story, tmp_path) -> None:
    """Every label is real text: a <text> in the SVG, found by pdftotext in the PDF."""
    scenario, sites, borders, _ = story
    result = analyse(sites, borders)
    fig = render_figure(result, title=scenario.title, size="16x9")
    texts = _svg_texts(figure_bytes(fig, "svg"))
    for name in [*result.reached, "Kars (Armenian border)", "Edirne (Greek border)", "Ankara"]:
        assert name in texts, name
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = tmp_path / "story.pdf"
    pdf.write_bytes(figure_bytes(fig, "pdf"))
    words = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(words.split())
    for name in [*result.reached, "Kars (Armenian border)", "Natural Earth"]:
        assert " ".join(name.split()) in flat, name


def test_site_labels_are_not_drawn_as_outlines(kars_result) -> None:
    """A path-effect halo made matplotlib draw site labels as glyph outlines in SVG."""
    scenario, result = kars_result
    data = figure_bytes(render_figure(result, title=scenario.title), "svg")
    root = ET.fromstring(data)
    glyph_defs = [e for e in root.iter() if e.get("id", "").startswith(("DejaVuSans", "SourceSansPro"))]
    assert glyph_defs == []
    assert [s.name for s in result.sites] == ["Kars"] and "Kars" in _svg_texts(data)


def test_the_pdf_embeds_truetype_fonts(kars_result) -> None:
    scenario, result = kars_result
    reader = PdfReader(io.BytesIO(figure_bytes(render_figure(result, title=scenario.title), "pdf")))
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]
    # pdf.fonttype 42: each font a Type0 font over an embedded TrueType (CIDFontType2) font.
    assert {f["/Subtype"] for f in fonts} == {"/Type0"}
    for font in fonts:
        (descendant,) = [d.get_object() for d in font["/DescendantFonts"]]
        assert descendant["/Subtype"] == "/CIDFontType2"
        assert "/FontFile2" in descendant["/FontDescriptor"].get_object()  # the TrueType program
        if font_files():
            assert "SourceSansPro" in str(font["/BaseFont"])


def test_the_legend_names_each_figure_once_and_stays_off_the_map(story) -> None:
    fig = _figure(story, size="16x9")
    renderer = fig.canvas.get_renderer()
    map_box = fig.axes[0].get_window_extent(renderer)
    legend = [t for t in fig.texts if " — " in t.get_text()]
    assert len(legend) == 1 and legend[0].get_text().endswith("— 4 sites")
    for text in fig.texts:
        assert not text.get_window_extent(renderer).overlaps(map_box), text.get_text()
        box = text.get_window_extent(renderer)
        assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1 and fig.bbox.y0 <= box.y0, text.get_text()
    shares = {t.get_text() for t in fig.texts}
    assert {"under 1 %", "99–100 %"} <= shares


def test_the_credit_line_fits_in_two_lines_inside_the_figure(story) -> None:
    fig = _figure(story, size="portrait")
    credit = next(t for t in fig.texts if "Natural Earth" in t.get_text())
    assert credit.get_text().count("\n") <= 1
    box = credit.get_window_extent(fig.canvas.get_renderer())
    assert box.x1 <= fig.bbox.x1 and box.y0 >= 0


def test_reached_countries_are_shaded_by_their_share_class(kars_result) -> None:
    from matplotlib.colors import to_hex

    from coverage.style import THEMES

    _, result = kars_result
    fig = render_figure(result)
    fills = {
        to_hex(c.get_facecolor()[0])
        for c in fig.axes[0].collections
        if len(c.get_facecolor()) and c.get_paths()
    }
    light = THEMES["light"]
    expected = {light.share_fill(float(row["covered_pct"])) for row in result.rows}
    assert len(expected) >= 3 and expected <= fills


def test_highlights_and_the_horizon_are_drawn_and_named_when_asked(story) -> None:
    scenario, sites, borders, _ = story
    result = analyse(sites, borders)
    plain = render_figure(result, size="square")
    marked = render_figure(result, size="square", highlight=True, horizon_m=80_000.0)
    plain_texts = " ".join(t.get_text() for t in plain.texts)
    marked_texts = " ".join(t.get_text() for t in marked.texts)
    assert "Radar horizon" not in plain_texts and "Armenian border" not in plain_texts
    assert "Radar horizon" in marked_texts and "80 km" in marked_texts
    assert "Armenian border, Aegean coast, Greek border" in marked_texts
    dashed = [line for line in marked.axes[0].lines if line.get_linestyle() not in ("-", "None")]
    assert len(dashed) == len(sites)
    assert len(marked.axes[0].collections) == len(plain.axes[0].collections) + 2
    with pytest.raises(ExportError, match="positive distance"):
        render_figure(result, horizon_m=-1.0)


def _ring_lines(fig, colour: str) -> list[np.ndarray]:
    from matplotlib.colors import to_hex

    return [
        np.asarray(line.get_xydata())
        for line in fig.axes[0].lines
        if to_hex(line.get_color()) == colour.lower()
    ]


@pytest.mark.parametrize(
    "site",
    [Site("Anadyr", 64.73, 177.5, 402_000.0), Site("Longyearbyen", 78.22, 15.65, 1_500_000.0)],
    ids=["date line", "pole"],
)
def test_rings_are_drawn_whole(site: Site) -> None:
    """One closed line at the radius: no seam at 180°, no spur to the pole."""
    from coverage.projection import projection_for, transformer
    from coverage.style import PALETTE

    fig = render_figure(analyse_shipped([site], "110m"))
    (ring,) = _ring_lines(fig, PALETTE[0])
    centre = np.asarray(transformer(projection_for([site])[0]).transform(site.lon_deg, site.lat_deg))
    distance = np.hypot(*(ring - centre).T)
    assert np.allclose(ring[0], ring[-1])
    assert distance.min() > 0.97 * site.radius_m and distance.max() < 1.03 * site.radius_m
    steps = np.hypot(*np.diff(ring, axis=0).T)
    assert steps.max() < 3 * 2 * np.pi * site.radius_m / 720


def test_borders_are_not_stroked_along_natural_earths_date_line_cut() -> None:
    """Russia is cut at ±180° in the data; the cut is not a border to draw across Chukotka."""
    import shapely

    from coverage.figures import _outline_paths

    west = shapely.Polygon([(170, 60), (180, 60), (180, 70), (170, 70)])
    east = shapely.Polygon([(-180, 60), (-170, 60), (-170, 70), (-180, 70)])
    lonlat = np.array([shapely.MultiPolygon([west, east])], dtype=object)
    (path,) = _outline_paths(lonlat, lonlat)
    drawn = [
        (a, b)
        for (a, b), code in zip(
            zip(path.vertices[:-1], path.vertices[1:], strict=True), path.codes[1:], strict=True
        )
        if code == path.LINETO
    ]
    assert drawn and not [seg for seg in drawn if abs(seg[0][0]) == 180 and abs(seg[1][0]) == 180]


def test_the_map_has_no_clip_box_coastlines(kars_result) -> None:
    """Inside the frame, each country drawn is the whole country: no edge cut into it by a box."""
    import shapely

    from coverage.figures import _Drawing
    from coverage.projection import project, transformer
    from coverage.style import THEMES

    scenario, result = kars_result
    drawing = _Drawing(result, SIZES["16x9"], THEMES["light"], "km", False, None)
    drawing.draw(scenario.title, "")
    rect = drawing.rect
    exact = transformer(drawing.proj)
    for name in ("Russia", "Iran", "Kazakhstan", "Turkey"):
        i = drawing.world.names.index(name)
        drawn = shapely.clip_by_rect(shapely.make_valid(drawing.world.shapes[i]), *rect).area
        index = list(result.countries.name).index(name)
        whole = shapely.clip_by_rect(
            shapely.make_valid(project(result.countries.geometry[index], exact)), *rect
        ).area
        assert drawn == pytest.approx(whole, rel=0.01), name


def test_new_sizes_have_their_pixel_sizes() -> None:
    assert (SIZES["social"].width_px, SIZES["social"].height_px) == (1200, 675)
    assert (SIZES["a4"].width_px, SIZES["a4"].height_px, SIZES["a4"].dpi) == (3508, 2480, 300)
    assert (SIZES["letter"].width_px, SIZES["letter"].height_px, SIZES["letter"].dpi) == (3300, 2550, 300)


GREEK_TITLE = "Πού φτάνει ένας κύκλος 250 μιλίων; Άγκυρα, Ελλάδα, Τουρκία, Αιγαίο Πέλαγος"
TURKISH_TITLE = "İzmir'den Iğdır'a: Yunanistan, Ermenistan, Gürcistan, Kıbrıs, Çanakkale, Şam"


@pytest.mark.parametrize("title", [GREEK_TITLE, TURKISH_TITLE])
def test_greek_and_turkish_titles_need_no_other_font(title, tmp_path) -> None:
    """Drawn in Source Sans Pro alone (warnings are errors here): no glyph missing, so no box
    and no fallback; the title is text in the SVG, and pdftotext reads it back from the PDF."""
    import matplotlib
    from matplotlib.figure import Figure

    from coverage.figures import _add_fonts
    from coverage.style import FONT_FAMILY, missing_glyphs

    assert font_files() and missing_glyphs(title) == ""
    _add_fonts()  # not figures._rc, which silences the missing-glyph warning
    with matplotlib.rc_context({"font.family": [FONT_FAMILY]}):
        probe = Figure()
        probe.text(0.1, 0.5, title)
        probe.savefig(io.BytesIO(), format="png")  # a missing glyph would warn (an error) here
    scenario, result = _kars()
    fig = render_figure(result, title=title, subtitle=title.upper())
    assert title in _svg_texts(figure_bytes(fig, "svg"))
    pdf_bytes = figure_bytes(fig, "pdf")
    fonts = [
        f.get_object() for f in PdfReader(io.BytesIO(pdf_bytes)).pages[0]["/Resources"]["/Font"].values()
    ]
    assert all("SourceSansPro" in str(f["/BaseFont"]) for f in fonts)  # no DejaVu fallback needed
    pdf = tmp_path / "title.pdf"
    pdf.write_bytes(pdf_bytes)
    words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert " ".join(title.split()) in " ".join(words.split())


def _kars():
    scenario = scenario_file("story-kars.json")
    return scenario, analyse(resolve_sites(scenario, load_catalog()), load_borders("110m"))


@pytest.mark.parametrize(
    ("lang", "names"),
    [("tr", ["Ermenistan", "Gürcistan", "Azerbaycan", "Türkiye"]), ("el", ["Αρμενία", "Γεωργία", "Τουρκία"])],
)
def test_the_kars_map_is_labelled_in_the_readers_language(kars_result, lang, names) -> None:
    from coverage.i18n import translator

    scenario, result = kars_result
    tr = translator(lang)
    fig = render_figure(result, title=tr.shipped(scenario.title), tr=tr)
    texts = _svg_texts(figure_bytes(fig, "svg"))
    for name in names:
        assert name in texts, name
    assert "Armenia" not in texts
    flat = " ".join(" ".join(texts).split())  # the credit wraps over two lines
    assert tr.gettext("Share of each country within range:") in flat
    assert tr.gettext("Azimuthal equidistant projection centred on the sites.") in flat
    assert tr.gettext("Sources: {sources}").split("{")[0] in flat


def test_a_name_a_ring_runs_through_sits_on_a_halo(story) -> None:
    """Where no spot off the rings was free (the story's 16:9 map: "North Macedonia" on the
    Edirne ring's edge), the ring's line does not cut the name: it sits on a halo box; names
    clear of the rings keep none."""
    from coverage.figure_labels import Box, crosses
    from coverage.figures import _Drawing, _rc
    from coverage.style import THEMES

    scenario, sites, borders, _ = story
    with _rc():  # the fonts and sizes of a real render
        drawing = _Drawing(analyse(sites, borders), SIZES["16x9"], THEMES["light"], "km", False, None)
        drawing.draw(scenario.title, scenario.subtitle)
        rings = drawing._rings_on_screen()
        crossed = clear = 0
        for text in drawing.ax.texts:
            if not text.get_visible() or not text.get_text():
                continue
            e = text.get_window_extent(drawing.renderer)
            if any(crosses(Box(e.x0, e.y0, e.x1, e.y1), ring) for ring in rings):
                crossed += 1
                assert text.get_bbox_patch() is not None, text.get_text()
            elif text.get_bbox_patch() is None:
                clear += 1
        # A sea's name over islands (the Aegean) knocks them out in the sea's colour.
        import shapely
        from matplotlib.colors import to_hex

        inverse = drawing.ax.transData.inverted()
        seas = {"Aegean Sea", "Adriatic Sea", "Black Sea", "Mediterranean Sea", "Caspian Sea"}
        knocked = 0
        for text in drawing.ax.texts:
            if text.get_text() not in seas or not text.get_visible():
                continue
            e = text.get_window_extent(drawing.renderer)
            (x0, y0), (x1, y1) = inverse.transform([(e.x0, e.y0), (e.x1, e.y1)])
            rect = shapely.box(x0, y0, x1, y1)
            if any(land.intersects(rect) for land in drawing.land):
                patch = text.get_bbox_patch()
                assert patch is not None, text.get_text()
                assert to_hex(patch.get_facecolor()) == THEMES["light"].sea, text.get_text()
                knocked += 1
    assert crossed >= 1 and clear >= 5 and knocked >= 1, (crossed, clear, knocked)


def _sea_names(fig) -> set[str]:
    """The sea and ocean names a figure shows (placed labels only: unplaced ones are removed)."""
    from coverage.labels import seas

    listed = {s.name for s in seas()}
    return {t.get_text() for t in fig.axes[0].texts if t.get_visible() and t.get_text() in listed}


@pytest.mark.parametrize(
    ("size", "named"),
    [
        ("16x9", {"Adriatic Sea", "Aegean Sea", "Black Sea", "Caspian Sea", "Mediterranean Sea"}),
        ("square", {"Aegean Sea", "Black Sea"}),
    ],
)
def test_the_story_map_names_the_seas_it_named_before_the_one_table(story, size, named) -> None:
    """The story's print maps name what they did when figures.py kept its own list (looked at:
    the gallery's 16:9 and square maps), not the table's smaller seas (Marmara, Azov, Ionian)."""
    assert _sea_names(_figure(story, size=size)) == named


def test_a_map_with_no_land_in_view_names_its_ocean() -> None:
    result = analyse([Site("Mid-Pacific", 0.0, -150.0, 300_000.0)], load_borders("110m"))
    fig = render_figure(result, size="square")
    assert fig.axes[0].texts and not result.rows  # nothing reached: all sea
    assert _sea_names(fig) == {"Pacific Ocean"}


def test_the_anadyr_map_names_the_bering_sea() -> None:
    """Its label point lies south of the view; the Gulf of Anadyr in view is named after it."""
    fig = render_figure(analyse(_anadyr(), load_borders("50m")), size="square")
    assert _sea_names(fig) == {"Bering Sea"}


def test_the_ocean_is_named_in_the_map_language() -> None:
    from coverage.i18n import translator

    result = analyse([Site("Arctic", 86.0, 0.0, 300_000.0)], load_borders("110m"))
    assert _sea_names(render_figure(result, size="square")) == {"Arctic Ocean"}
    texts = {t.get_text() for t in render_figure(result, size="square", tr=translator("el")).axes[0].texts}
    assert "Αρκτικός Ωκεανός" in texts


SPREAD_REFERENCE = Path(__file__).parent / "data" / "spread-square-110m.png"
SPREAD_RINGS = ["9M96 missile", "TASS, 2018", "the story's figure"]


@pytest.fixture(scope="module")
def spread():
    """Three published figures around Ankara: one site name, three rings to tell apart."""
    scenario = scenario_file("story-s400-spread.json")
    return scenario, analyse(resolve_sites(scenario, load_catalog()), load_borders("110m"))


def _pdftotext(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "map.pdf"
    pdf.write_bytes(data)
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_the_rings_around_one_place_are_each_named_once_in_the_svg_and_the_pdf(spread, tmp_path) -> None:
    """Issue: the print maps told the spread's rings apart by the legend only. Each ring's
    name is text on the map (once: the legend says "Ankara (9M96 missile)", not the bare name)."""
    scenario, result = spread
    fig = render_figure(result, title=scenario.title, subtitle=scenario.subtitle, size="16x9")
    texts = _svg_texts(figure_bytes(fig, "svg"))
    for name in SPREAD_RINGS:
        assert texts.count(name) == 1, (name, texts)
    assert texts.count("Ankara") == 1  # one site name for the three
    words = _pdftotext(figure_bytes(fig, "pdf"), tmp_path).splitlines()
    for name in SPREAD_RINGS:
        assert [line.strip() for line in words].count(name) == 1, name


def test_each_rings_name_is_beside_its_own_ring_with_a_dot_of_its_colour(spread) -> None:
    from matplotlib.colors import to_hex

    from coverage.figure_labels import Box, crosses
    from coverage.figures import RING_DOT_PT, _Drawing, _rc
    from coverage.style import THEMES

    scenario, result = spread
    for size in ("square", "16x9"):
        with _rc():
            drawing = _Drawing(result, SIZES[size], THEMES["light"], "km", False, None)
            drawing.draw(scenario.title, scenario.subtitle)
            rings = drawing._rings_on_screen()
            named = {t.get_text(): t for t in drawing.ax.texts if t.get_text() in SPREAD_RINGS}
            assert set(named) == set(SPREAD_RINGS), size
            dots = [line for line in drawing.ax.lines if line.get_marker() == "o"]
            for i, name in enumerate(SPREAD_RINGS):
                e = named[name].get_window_extent(drawing.renderer)
                box = Box(e.x0, e.y0, e.x1, e.y1)
                others = [ring for j, ring in enumerate(rings) if j != i]
                assert not any(crosses(box, ring) for ring in others), (size, name)
                cx, cy, r = rings[i]
                mid_x, mid_y = box.centre
                assert abs(np.hypot(mid_x - cx, mid_y - cy) - r) < 3 * e.height, (size, name)
                # its dot: the ring's colour, just left of the name
                colour = drawing.site_colours[i]
                (dot,) = [
                    d
                    for d in dots
                    if to_hex(d.get_markerfacecolor()) == colour.lower()
                    and d.get_markersize() <= RING_DOT_PT * drawing.scale
                ]
                dx, dy = drawing.ax.transData.transform(dot.get_xydata()[0])
                assert e.x0 - 2 * e.height < dx < e.x0 and e.y0 < dy < e.y1, (size, name)


@needs_font
def test_the_spread_layout_matches_the_reference_image(spread, tmp_path) -> None:
    """The rings' names on the map (same procedure as the Kars reference: delete
    tests/data/spread-square-110m.png and run this test once to accept a change)."""
    scenario, result = spread
    fig = render_figure(result, title=scenario.title, size="square")
    _matches_reference(fig, SPREAD_REFERENCE, tmp_path)


@pytest.mark.parametrize(
    ("lang", "names"),
    [
        ("tr", ["9M96 füzesi", "TASS, 2018", "hikâyedeki rakam"]),
        ("el", ["πύραυλος 9M96", "TASS, 2018", "η τιμή της ιστορίας"]),
    ],
)
def test_the_rings_names_are_in_the_readers_language(spread, lang, names, tmp_path) -> None:
    from coverage.i18n import translator

    scenario, result = spread
    tr = translator(lang)
    fig = render_figure(result, title=tr.shipped(scenario.title), tr=tr)
    texts = _svg_texts(figure_bytes(fig, "svg"))
    for name in names:
        assert texts.count(name) == 1, (name, texts)
    assert "9M96 missile" not in texts and "the story's figure" not in texts
    lines = [line.strip() for line in _pdftotext(figure_bytes(fig, "pdf"), tmp_path).splitlines()]
    for name in names:
        assert name in lines, name


def test_only_the_rings_sharing_a_place_are_named(story) -> None:
    """The story (four sites, each alone at its place) draws no ring name; a second figure
    at Kars names both Kars rings, and only those."""
    from coverage.scenario import Site

    scenario, sites, borders, _ = story
    plain = render_figure(analyse(sites, borders), size="square")
    kars = next(s for s in sites if s.name.startswith("Kars"))
    extra = Site("Kars (a second figure)", kars.lat_deg, kars.lon_deg, 150_000.0)
    both = render_figure(analyse([*sites, extra], borders), size="square")
    before = {t.get_text() for t in plain.axes[0].texts if t.get_text()}
    after = {t.get_text() for t in both.axes[0].texts if t.get_text()}
    assert "Armenian border" in after and "a second figure" in after
    assert not {"Armenian border", "a second figure"} & before
    assert "Kars" in after and "Kars (Armenian border)" not in after  # one site name for both
