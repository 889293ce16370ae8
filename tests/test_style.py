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
