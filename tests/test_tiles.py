"""coverage.tiles: optional online backgrounds, off by default, each with its credit.

(How coverage.maps draws a tile layer is tested in tests/test_maps.py.)
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from coverage.tiles import BACKGROUNDS, PLAIN, TILE_SOURCES, TileSource, tile_source


def test_plain_is_the_offline_default() -> None:
    assert PLAIN == "plain"
    assert list(BACKGROUNDS) == ["plain", "osm", "carto-light"]
    assert BACKGROUNDS[PLAIN] == "Plain (offline)"
    assert tile_source("plain") is None
    assert PLAIN not in TILE_SOURCES


@pytest.mark.parametrize(
    "key", ["Plain", "OSM", "", "none", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"]
)
def test_an_unknown_key_is_refused_not_replaced(key: str) -> None:
    with pytest.raises(ValueError, match=r"unknown background .*plain, osm, carto-light"):
        tile_source(key)


@pytest.mark.parametrize("key", sorted(TILE_SOURCES))
def test_each_source_is_an_https_template_with_attribution(key: str) -> None:
    source = tile_source(key)
    assert isinstance(source, TileSource) and source.key == key
    url = urlsplit(source.url)
    assert url.scheme == "https" and url.hostname
    assert url.path.endswith("/{z}/{x}/{y}.png")
    assert not url.query and not url.fragment
    assert source.label == BACKGROUNDS[key] and source.label.endswith("(online)")
    # Attribution (HTML for Leaflet) and credit (plain text for captions) both name OSM.
    assert (
        "OpenStreetMap" in source.attribution
        and "https://www.openstreetmap.org/copyright" in source.attribution
    )
    assert source.credit.startswith("Background: © OpenStreetMap contributors")
    assert "<" not in source.credit
    assert 1 <= source.max_zoom <= 22


def test_the_two_providers() -> None:
    osm, carto = TILE_SOURCES["osm"], TILE_SOURCES["carto-light"]
    assert osm.url == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert osm.hosts == ("tile.openstreetmap.org",) and osm.host_label == "tile.openstreetmap.org"
    assert osm.max_zoom == 19
    assert carto.hosts == tuple(f"{s}.basemaps.cartocdn.com" for s in "abcd")
    assert carto.host_label == "basemaps.cartocdn.com"
    assert "CARTO" in carto.attribution and carto.credit.endswith("© CARTO")


def test_hosts_expand_subdomains_only_when_the_url_has_them() -> None:
    source = TileSource("x", "X", "https://{s}.tiles.example/{z}/{x}/{y}.png", "a", "c", 18, subdomains="pq")
    assert source.hosts == ("p.tiles.example", "q.tiles.example")
    assert source.host_label == "tiles.example"
    single = TileSource("y", "Y", "https://tiles.example/{z}/{x}/{y}.png", "a", "c", 18)
    assert single.hosts == ("tiles.example",)
