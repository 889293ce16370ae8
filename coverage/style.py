"""One style for every map: colours, themes, type and the credit line.

The interactive map (:mod:`coverage.maps`) and the print map
(:mod:`coverage.figures`) both take their colours from here, so what a
journalist sees on screen is what they download.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from coverage.borders import DISPUTED_AREAS
from coverage.scenario import Site
from coverage.tiles import TileSource

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")

ThemeName = Literal["light", "dark"]
THEME_NAMES: tuple[ThemeName, ...] = get_args(ThemeName)


SHARE_CLASSES: tuple[tuple[float, str], ...] = (
    (0.0, "under 1 %"),
    (1.0, "1–10 %"),
    (10.0, "10–50 %"),
    (50.0, "50–99 %"),
    (99.0, "99–100 %"),
)
"""Classes of a country's share within range: (lower bound in %, legend label).

Both renderers shade a reached country by its class, so that 0.0 % does not look
like 100 %; the legend names each class."""


def share_class(covered_pct: float) -> int:
    """The index in :data:`SHARE_CLASSES` of a share (in %); below 0 counts as the first."""
    index = 0
    for i, (lower, _) in enumerate(SHARE_CLASSES):
        if covered_pct >= lower:
            index = i
    return index


@dataclass(frozen=True)
class Theme:
    """The colours of one map theme (CSS hex strings).

    ``shares`` holds one fill per :data:`SHARE_CLASSES` entry, lightest first;
    ``reached`` is the fill of a country wholly within range (the last class).
    """

    sea: str
    land: str
    reached: str
    border: str
    reached_border: str
    text: str
    halo: str
    highlight: str
    shares: tuple[str, ...] = ()

    def share_fill(self, covered_pct: float) -> str:
        """The fill of a reached country covered ``covered_pct`` % (see :data:`SHARE_CLASSES`)."""
        return self.shares[share_class(covered_pct)] if self.shares else self.reached


THEMES: dict[str, Theme] = {
    "light": Theme(
        sea="#dbe8f1",
        land="#f4f1ea",
        reached="#f6d58e",
        border="#9a9a9a",
        reached_border="#8c6d31",
        text="#1a1a1a",
        halo="#ffffff",
        highlight="#6a1b9a",
        shares=("#f2ead6", "#f7e0ac", "#f6d58e", "#eebd60", "#dca040"),
    ),
    "dark": Theme(
        sea="#0e1a24",
        land="#2b2f36",
        reached="#6b5524",
        border="#5d6570",
        reached_border="#b08a3e",
        text="#f0f0f0",
        halo="#000000",
        highlight="#ce93d8",
        shares=("#313232", "#463d2a", "#5a4a26", "#6b5524", "#876a2c"),
    ),
}

TILE_BACKDROP = "#e8e8e8"
"""Behind online tiles until they load (or if they never do): not the sea colour."""

RING_FILL_OPACITY = 0.08
"""Ring fill on the interactive map (the print map uses a little more, on paper)."""


def theme(name: str) -> Theme:
    """The theme called ``name``; a ValueError names the choices."""
    found = THEMES.get(name)
    if found is None:
        raise ValueError(f"unknown theme {name!r}; use one of {', '.join(THEMES)}")
    return found


def site_colour(index: int) -> str:
    """The colour of the ``index``-th site's ring and marker."""
    return PALETTE[index % len(PALETTE)]


def short_credit(sites: Sequence[Site]) -> str:
    """ "Sources: ZeroHedge citing Bloomberg (2017); TASS (2017); Natural Earth": a credit
    line a desk can paste (no URLs; the Sources tab and data files carry those)."""
    ranges = dict.fromkeys(s.figure.source.credit() for s in sites if s.figure is not None)
    custom = ["custom radius (unsourced)"] if any(s.figure is None for s in sites) else []
    disputed = disputed_on_map(sites)
    borders = f"Natural Earth (de facto borders; {_and(disputed)} disputed)" if disputed else "Natural Earth"
    return "Sources: " + "; ".join([*ranges, *custom, borders])


def disputed_on_map(sites: Sequence[Site]) -> list[str]:
    """The disputed areas (:data:`coverage.borders.DISPUTED_AREAS`) inside the area a map of
    ``sites`` shows: their rings' extent, widened by half as the maps frame it."""
    if not sites:
        return []
    lats, lons = [], []
    for s in sites:
        dlat = s.radius_m / 111_000.0
        dlon = dlat / max(math.cos(math.radians(s.lat_deg)), 0.05)
        lats += [s.lat_deg - dlat, s.lat_deg + dlat]
        lons += [s.lon_deg - dlon, s.lon_deg + dlon]
    pad = 0.5 * max(max(lats) - min(lats), max(lons) - min(lons))
    west, south, east, north = min(lons) - pad, min(lats) - pad, max(lons) + pad, max(lats) + pad
    return [
        name
        for name, (w, s, e, n) in DISPUTED_AREAS.items()
        if w <= east and e >= west and s <= north and n >= south
    ]


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def credit_text(sites: Sequence[Site], tiles: TileSource | None = None) -> str:
    """The map's credit line: :func:`short_credit`, then the background's credit with ``tiles``."""
    background = f" {tiles.credit}." if tiles is not None else ""
    return short_credit(sites) + "." + background


PRINT_PROJECTION_NOTE = "Azimuthal equidistant projection centred on the sites."


def print_credit(sites: Sequence[Site]) -> str:
    """The print map's credit line: :func:`credit_text` plus the projection."""
    return f"{credit_text(sites)} {PRINT_PROJECTION_NOTE}"
