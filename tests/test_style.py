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


def test_the_credit_names_disputed_areas_on_the_map():
    from coverage.scenario import Site
    from coverage.style import short_credit

    kars = short_credit([Site("Kars", 40.6, 43.1, 402_336.0)])
    assert kars.endswith("Natural Earth (de facto borders; Northern Cyprus and Crimea disputed)")
    assert short_credit([Site("Tokyo", 35.7, 139.7, 402_336.0)]).endswith("; Natural Earth")
    assert "Kashmir disputed" in short_credit([Site("Lahore", 31.5, 74.3, 402_336.0)])
