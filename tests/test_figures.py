"""Static maps (PNG, SVG, PDF) and KML, checked with real readers."""

from __future__ import annotations

import io
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

REFERENCE = Path(__file__).parent / "data" / "kars-square-110m.png"


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


def test_the_layout_matches_the_reference_image(tmp_path) -> None:
    """A layout regression (legend, labels, scale bar, projection) shows up here.

    To accept an intended change: delete tests/data/kars-square-110m.png and run this
    test once; it writes a new reference to commit (and fails, so nobody forgets).
    """
    scenario = scenario_file("story-kars.json")
    sites = resolve_sites(scenario, load_catalog())
    borders = load_borders("110m")
    fig = render_figure(analyse(sites, borders), title=scenario.title, size="square")
    actual = tmp_path / "actual.png"
    actual.write_bytes(figure_bytes(fig, "png"))
    if not REFERENCE.exists():
        REFERENCE.write_bytes(actual.read_bytes())
        pytest.fail(f"wrote a new reference image {REFERENCE}; check it and commit it")
    assert compare_images(str(REFERENCE), str(actual), tol=2) is None


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


def test_sites_sharing_a_place_get_one_label():
    """Several figures around one city (the spread step): one label, the names' common start."""
    from coverage.figures import site_labels

    sites = [
        Site("Ankara (9M96 missile)", 39.9, 32.9, 121_000.0),
        Site("Kars", 40.6, 43.1, 100_000.0),
        Site("Ankara (TASS, 2018)", 39.9, 32.9, 250_000.0),
    ]
    assert site_labels(sites) == ["Ankara", "Kars", None]
    assert site_labels([Site("A", 0.0, 0.0, 1e3), Site("B", 0.0, 0.0, 2e3)]) == ["A", None]
