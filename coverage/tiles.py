"""Optional online map backgrounds (raster tiles): off by default, chosen by the user.

The default background is no tiles at all: the shipped borders on a plain sea
colour (a newspaper locator-map look) that draws with no network. A tile
background is the one exception to "no network at run time": the *browser*
then loads map images from the provider named here; the server never fetches
anything. Every provider's terms ask for its attribution on the map, so each
source carries it and :func:`coverage.maps.coverage_map` passes it to Leaflet.

The choice is a display setting, like presentation mode: it is not part of a
scenario (file or ``?s=`` link), so opening someone's link never makes your
browser contact a tile server unless you choose to.

Usage policies: https://operations.osmfoundation.org/policies/tiles/ and
https://github.com/CartoDB/basemap-styles (light use with attribution).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from coverage.i18n import N_

PLAIN: Final = "plain"
"""The key of the default, offline background (no tiles)."""


@dataclass(frozen=True)
class TileSource:
    """A public XYZ raster tile layer and the credit its provider asks for.

    ``url`` is a Leaflet URL template (``{s}``, ``{z}``, ``{x}``, ``{y}``);
    ``attribution`` is HTML for Leaflet's attribution control (a constant here,
    never user text); ``credit`` is the same as plain text for captions.
    """

    key: str
    label: str
    url: str
    attribution: str
    credit: str
    max_zoom: int
    subdomains: str = "abc"

    @property
    def hosts(self) -> tuple[str, ...]:
        """Every host the browser may load tiles from (``{s}`` expanded)."""
        host = urlsplit(self.url).hostname or ""
        if "{s}" not in host:
            return (host,)
        return tuple(host.replace("{s}", s) for s in self.subdomains)

    @property
    def host_label(self) -> str:
        """The provider's host for people: ``basemaps.cartocdn.com`` for ``{s}.basemaps…``."""
        return (urlsplit(self.url).hostname or "").removeprefix("{s}.")


_OSM = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'

TILE_SOURCES: Final[dict[str, TileSource]] = {
    source.key: source
    for source in (
        TileSource(
            key="osm",
            label=N_("OpenStreetMap (online)"),
            url="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            attribution=_OSM,
            credit=N_("Background: © OpenStreetMap contributors"),
            max_zoom=19,
        ),
        TileSource(
            key="carto-light",
            label=N_("CARTO light (online)"),
            url="https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png",
            attribution=f'{_OSM} &copy; <a href="https://carto.com/attributions">CARTO</a>',
            credit=N_("Background: © OpenStreetMap contributors © CARTO"),
            max_zoom=20,
            subdomains="abcd",
        ),
    )
}

BACKGROUNDS: Final[dict[str, str]] = {
    PLAIN: N_("Plain (offline)"),
    **{key: source.label for key, source in TILE_SOURCES.items()},
}
"""Background key → label for a chooser; the first (``PLAIN``) is the default."""


def tile_source(key: str) -> TileSource | None:
    """The tile layer for a background key; ``None`` for the plain background.

    Raises ``ValueError`` for an unknown key (never silently falls back online).
    """
    if key == PLAIN:
        return None
    try:
        return TILE_SOURCES[key]
    except KeyError:
        raise ValueError(f"unknown background {key!r}; choose one of {', '.join(BACKGROUNDS)}") from None
