"""One style for every map: colours, themes, type and the credit line.

The interactive map (:mod:`coverage.maps`) and the print map
(:mod:`coverage.figures`) both take their colours from here, so what a
journalist sees on screen is what they download.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from coverage.borders import DISPUTED_AREAS
from coverage.i18n import EN, N_, Translator
from coverage.scenario import Site
from coverage.tiles import TileSource

# Okabe–Ito (distinguishable with the common colour-vision deficiencies), its light
# yellow, orange, sky blue and black replaced by darker kin: every ring colour keeps
# 3:1 against both themes' casings (white and near-black, tests/test_style.py).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#9E6A00", "#3C8DC4", "#7B52AB", "#8C7A00")

ThemeName = Literal["light", "dark"]
THEME_NAMES: tuple[ThemeName, ...] = get_args(ThemeName)


SHARE_CLASSES: tuple[tuple[float, str], ...] = (
    (0.0, "under 1 %"),
    (1.0, "1–10 %"),
    (10.0, "10–50 %"),
    (50.0, "50–99 %"),
    (99.0, "99–100 %"),
)
_SHARE_BOUNDS = (0, 1, 10, 50, 99, 100)


def share_label(index: int, tr: Translator = EN) -> str:
    """The legend label of :data:`SHARE_CLASSES` ``[index]`` in ``tr``'s language ("%1–10" in Turkish)."""
    if tr.lang == "en":
        return SHARE_CLASSES[index][1]
    if index == 0:
        return tr.gettext("under {share}").format(share=tr.percent(1))
    low, high = _SHARE_BOUNDS[index], _SHARE_BOUNDS[index + 1]
    return tr.percent(high).replace(tr.number(high), f"{tr.number(low)}–{tr.number(high)}")


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
    sea_text: str = ""
    """Sea names (print maps); empty: :attr:`text`."""

    def share_fill(self, covered_pct: float) -> str:
        """The fill of a reached country covered ``covered_pct`` % (see :data:`SHARE_CLASSES`)."""
        return self.shares[share_class(covered_pct)] if self.shares else self.reached


THEMES: dict[str, Theme] = {
    # Every pair that must be read is checked in tests/test_style.py (WCAG 2 ratios):
    # text on sea, land, each share fill and the halo ≥ 4.5:1; borders on land and sea,
    # reached borders and highlights on each share fill ≥ 3:1.
    "light": Theme(
        sea="#d4e4ef",
        land="#f5f3ee",
        reached="#dc9a3c",
        border="#7d7d7d",
        reached_border="#553a0e",
        text="#1a1a1a",
        halo="#ffffff",
        highlight="#6a1b9a",
        shares=("#efe6d2", "#f6dba0", "#f0c36e", "#e6aa52", "#dc9a3c"),
        sea_text="#2f5f80",
    ),
    # Slate land on a blue-black sea, shares in a rust ramp (not olive-brown).
    "dark": Theme(
        sea="#0f1b2a",
        land="#2a2f38",
        reached="#a5531d",
        border="#8a94a3",
        reached_border="#f0c9a0",
        text="#f0f0f0",
        halo="#0b0f14",
        highlight="#e1b3ea",
        shares=("#363c47", "#56403a", "#724630", "#8e4d26", "#a5531d"),
        sea_text="#9cc3e0",
    ),
}

TILE_BACKDROP = "#e8e8e8"
"""Behind online tiles until they load (or if they never do): not the sea colour."""

RING_FILL_OPACITY = 0.08
"""Ring fill on the interactive map (the print map draws outlines only, over the share fills)."""

HORIZON_COLOUR = "#333333"
"""The dashed radar horizon on the interactive map in light colours (dark: the theme's text)."""


def theme(name: str) -> Theme:
    """The theme called ``name``; a ValueError names the choices."""
    found = THEMES.get(name)
    if found is None:
        raise ValueError(f"unknown theme {name!r}; use one of {', '.join(THEMES)}")
    return found


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#rrggbb`` colour (0 black … 1 white)."""
    hex_digits = colour.lstrip("#")
    if len(hex_digits) != 6:
        raise ValueError(f"expected a #rrggbb colour, got {colour!r}")
    channels = [int(hex_digits[i : i + 2], 16) / 255.0 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours, 1 (same) to 21 (black on white)."""
    dark, light = sorted((relative_luminance(a), relative_luminance(b)))
    return (light + 0.05) / (dark + 0.05)


FONT_FAMILY = "Source Sans Pro"
"""The print maps' type (SIL Open Font License; Latin, Turkish, Greek and Cyrillic glyphs),
installed by the requirements (PyPI ``font-source-sans-pro``); the app's UI uses Source Sans too."""

FALLBACK_FONTS = ("DejaVu Sans",)
"""Used for any glyph the font lacks, or for everything if the font package is missing."""


def font_files() -> tuple[Path, ...]:
    """The TrueType files of :data:`FONT_FAMILY` (regular, italic, semibold, bold), or none if
    the ``font-source-sans-pro`` package is not installed."""
    spec = importlib.util.find_spec("font_source_sans_pro")
    if spec is None or spec.origin is None:
        return ()
    folder = Path(spec.origin).parent / "files"
    names = ("Regular", "It", "Semibold", "SemiboldIt", "Bold", "BoldIt")
    return tuple(p for p in (folder / f"SourceSansPro-{n}.ttf" for n in names) if p.is_file())


def missing_glyphs(text: str) -> str:
    """The characters of ``text`` (without repeats) that :data:`FONT_FAMILY` has no glyph for;
    "" when the print maps draw all of it in their own font (Turkish İ ı ğ ş, Greek with tonos)."""
    from fontTools.ttLib import TTFont

    files = font_files()
    if not files:
        return "".join(dict.fromkeys(ch for ch in text if not ch.isspace()))
    covered = set(TTFont(str(files[0])).getBestCmap())
    return "".join(dict.fromkeys(ch for ch in text if not ch.isspace() and ord(ch) not in covered))


def figure_colours(sites: Sequence[Site]) -> list[str]:
    """One colour per cited figure (sites with the same figure share it), in site order.

    The print legend names each figure once ("… — 4 sites"), so its rings share a colour.
    """
    keys: dict[object, int] = {}
    out = []
    for site in sites:
        key = (
            (site.figure.system_id, site.figure.id) if site.figure is not None else ("custom", site.radius_m)
        )
        out.append(site_colour(keys.setdefault(key, len(keys))))
    return out


def site_colour(index: int) -> str:
    """The colour of the ``index``-th site's ring and marker."""
    return PALETTE[index % len(PALETTE)]


def short_credit(sites: Sequence[Site], tr: Translator = EN) -> str:
    """ "Sources: ZeroHedge citing Bloomberg (2017); TASS (2017); Natural Earth": a credit
    line a desk can paste (no URLs; the Sources tab and data files carry those)."""
    ranges = dict.fromkeys(s.figure.source.credit(tr) for s in sites if s.figure is not None)
    custom = [tr.gettext("custom radius (unsourced)")] if any(s.figure is None for s in sites) else []
    disputed = [tr.gettext(name) for name in disputed_on_map(sites)]
    borders = (
        tr.gettext("Natural Earth (de facto borders; {areas} disputed)").format(areas=_and(disputed, tr))
        if disputed
        else "Natural Earth"
    )
    return tr.gettext("Sources: {sources}").format(sources="; ".join([*ranges, *custom, borders]))


_DISPUTED_WORDS = (N_("Northern Cyprus"), N_("Crimea"), N_("Kashmir"))
"""The names of :data:`coverage.borders.DISPUTED_AREAS`, marked for translation."""


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
    # Each axis widened by half its own span (one padding from the larger span would reach
    # the tropics from a polar ring, whose box is very wide in longitude).
    lat_pad, lon_pad = 0.5 * (max(lats) - min(lats)), 0.5 * (max(lons) - min(lons))
    west, east = min(lons) - lon_pad, max(lons) + lon_pad
    south, north = max(-90.0, min(lats) - lat_pad), min(90.0, max(lats) + lat_pad)
    return [
        name
        for name, (w, s, e, n) in DISPUTED_AREAS.items()
        if w <= east and e >= west and s <= north and n >= south
    ]


def _and(names: Sequence[str], tr: Translator = EN) -> str:
    if len(names) == 1:
        return names[0]
    return tr.gettext("{items} and {last}").format(items=", ".join(names[:-1]), last=names[-1])


def credit_text(sites: Sequence[Site], tiles: TileSource | None = None, tr: Translator = EN) -> str:
    """The map's credit line: :func:`short_credit`, then the background's credit with ``tiles``."""
    background = f" {tr.gettext(tiles.credit)}." if tiles is not None else ""
    return short_credit(sites, tr) + "." + background


PRINT_PROJECTION_NOTE = N_("Azimuthal equidistant projection centred on the sites.")


def print_credit(sites: Sequence[Site], tr: Translator = EN) -> str:
    """The print map's credit line: :func:`credit_text` plus the projection."""
    return f"{credit_text(sites, tr=tr)} {tr.gettext(PRINT_PROJECTION_NOTE)}"
