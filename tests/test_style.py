"""The one style (coverage/style.py): palette, themes, credit line."""

from __future__ import annotations

import pytest

from coverage.style import PALETTE, THEMES, credit_text, print_credit, site_colour, theme
from coverage.tiles import TILE_SOURCES


def test_credit_text_names_the_background_only_when_there_is_one(kars_sites):
    assert "OpenStreetMap" not in credit_text(kars_sites)
    assert credit_text(kars_sites, TILE_SOURCES["osm"]).endswith("Background: © OpenStreetMap contributors.")


def test_print_credit_names_the_projection(kars_sites):
    assert print_credit(kars_sites).startswith(credit_text(kars_sites))
    assert "Azimuthal equidistant" in print_credit(kars_sites)


def test_site_colours_cycle_through_the_palette():
    assert [site_colour(i) for i in range(len(PALETTE) + 1)] == [*PALETTE, PALETTE[0]]


def test_themes_differ_and_an_unknown_one_is_named():
    assert THEMES["light"].sea != THEMES["dark"].sea
    with pytest.raises(ValueError, match="sepia"):
        theme("sepia")


@pytest.mark.parametrize(
    "pct, index",
    [
        (0.0, 0),
        (0.04, 0),
        (0.99, 0),
        (1.0, 1),
        (9.9, 1),
        (10.0, 2),
        (50.0, 3),
        (98.9, 3),
        (99.0, 4),
        (100.0, 4),
    ],
)
def test_share_classes(pct, index):
    from coverage.style import SHARE_CLASSES, THEMES, share_class

    assert share_class(pct) == index
    for colours in THEMES.values():
        assert len(colours.shares) == len(SHARE_CLASSES)
        assert colours.share_fill(pct) == colours.shares[index]


def test_contrast_ratio_matches_wcag_reference_values():
    from coverage.style import contrast_ratio

    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    with pytest.raises(ValueError, match="rrggbb"):
        contrast_ratio("red", "#ffffff")


@pytest.mark.parametrize("name", list(THEMES))
def test_every_theme_passes_wcag_contrast(name):
    """Text ≥ 4.5:1 on everything it is drawn on; borders, ring outlines, highlights ≥ 3:1."""
    from coverage.style import PALETTE, contrast_ratio

    c = THEMES[name]
    fills = (c.sea, c.land, *c.shares)
    for background in (*fills, c.halo):
        assert contrast_ratio(c.text, background) >= 4.5, (name, "text", background)
    assert contrast_ratio(c.sea_text, c.sea) >= 4.5, (name, "sea names")
    for background in (c.land, c.sea):
        assert contrast_ratio(c.border, background) >= 3.0, (name, "border", background)
    for background in c.shares:
        assert contrast_ratio(c.reached_border, background) >= 3.0, (name, "reached border", background)
        assert contrast_ratio(c.highlight, background) >= 3.0, (name, "highlight", background)
    # Ring outlines are drawn on a casing of the halo colour.
    for colour in PALETTE:
        assert contrast_ratio(colour, c.halo) >= 3.0, (name, "ring", colour)


def test_share_fills_grow_darker_or_lighter_with_the_share():
    """Light: darker with a larger share; dark: brighter. 0.0 % never looks like 100 %."""
    from coverage.style import relative_luminance

    for name, direction in (("light", -1), ("dark", 1)):
        lum = [relative_luminance(f) for f in THEMES[name].shares]
        assert all(direction * (b - a) > 0 for a, b in zip(lum, lum[1:], strict=False)), name


def test_the_dark_theme_is_not_olive_brown():
    """Its land is a neutral slate (no yellow cast) and its fills are not olive (hue 45–75°)."""
    import colorsys

    from matplotlib.colors import to_rgb

    dark = THEMES["dark"]
    r, g, b = to_rgb(dark.land)
    assert b >= r and b >= g
    for fill in dark.shares[1:]:
        hue, _, sat = colorsys.rgb_to_hls(*to_rgb(fill))
        assert not (45 <= hue * 360 <= 75 and sat > 0.2), fill


def test_figures_share_a_colour_per_cited_figure(kars_sites):
    from coverage.scenario import Site
    from coverage.style import figure_colours

    fig = kars_sites[0].figure
    sites = [Site("A", 0, 0, 1e5, fig), Site("B", 1, 1, 1e5, fig), Site("C", 2, 2, 5e4)]
    assert figure_colours(sites) == [PALETTE[0], PALETTE[0], PALETTE[1]]


def test_the_font_has_turkish_and_greek_glyphs():
    from matplotlib import ft2font

    from coverage.style import font_files

    files = font_files()
    if not files:
        pytest.skip("font-source-sans-pro is not installed (scripts/setup.sh installs it)")
    font = ft2font.FT2Font(str(files[0]))
    assert font.family_name == "Source Sans Pro"
    assert all(font.get_char_index(ord(ch)) for ch in "İıŞşĞğÇçÖöÜü ΑθήναΕλλάδαΚύπρος")


def test_the_credit_names_disputed_areas_on_the_map():
    from coverage.scenario import Site
    from coverage.style import short_credit

    kars = short_credit([Site("Kars", 40.6, 43.1, 402_336.0)])
    assert kars.endswith("Natural Earth (de facto borders; Northern Cyprus and Crimea disputed)")
    assert short_credit([Site("Tokyo", 35.7, 139.7, 402_336.0)]).endswith("; Natural Earth")
    assert "Kashmir disputed" in short_credit([Site("Lahore", 31.5, 74.3, 402_336.0)])
    # A polar ring's box is wide in longitude, not in latitude: no Kashmir from Svalbard.
    assert short_credit([Site("Longyearbyen", 78.22, 15.65, 1_500_000.0)]).endswith("; Natural Earth")
