"""Print-ready static maps (PNG, SVG, PDF) drawn with matplotlib from an analysis result.

Not screenshots of Leaflet: a vector drawing in an azimuthal equidistant
projection centred on the scenario, so rings look round and distances from the
centre are true; the projection is named in the credit line. SVG keeps text as
text (editable in Inkscape or Illustrator); PDF is vector.

Safe to import in a notebook: no backend is chosen and no global setting is
changed. Figures are drawn on their own Agg canvas, with this module's settings
(:data:`RC`) applied only while drawing and saving, under one lock
(``rc_context`` swaps the process-wide rcParams, and the app renders downloads
on several threads). Save with :func:`figure_bytes` for the exact output: a
figure saved or shown some other way is outside :data:`RC` (SVG text then
becomes paths).
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import threading
import unicodedata
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import matplotlib
import numpy as np
import shapely
from matplotlib import font_manager
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from matplotlib.typing import RcKeyType
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from coverage.alttext import Description
from coverage.analysis import Result
from coverage.borders import Countries
from coverage.cache import LRUCache
from coverage.errors import ExportError
from coverage.figure_labels import Box, Request, crosses, leader_end
from coverage.figure_labels import place as place_labels
from coverage.i18n import EN, N_, Translator
from coverage.labels import Sea, ring_names, sea_for_water, seas, site_labels
from coverage.places import Place, capitals
from coverage.png import png_bytes
from coverage.projection import (
    EARTH_HALF_CIRCUMFERENCE_M,
    circle_lonlat,
    far_side_error,
    project_for_map,
    projection_for,
    transformer,
    visible_region,
)
from coverage.rings import MAX_RADIUS_M, MIN_RADIUS_M
from coverage.story import story_highlights
from coverage.style import (
    FALLBACK_FONTS,
    FONT_FAMILY,
    SHARE_CLASSES,
    THEMES,
    Theme,
    figure_colours,
    font_files,
    print_credit,
    share_label,
)
from coverage.units import Unit

FORMATS = ("png", "svg", "pdf")

RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",  # text stays text in SVG
    "svg.hashsalt": "range-rings",  # stable element ids: the same map gives the same bytes
    "pdf.fonttype": 42,  # embed TrueType, keep text selectable
    "text.parse_math": False,  # "$5 and $6" in a name is text, not TeX
}

_FONTS_ADDED = False


def _add_fonts() -> None:
    """Make :data:`~coverage.style.FONT_FAMILY` known to matplotlib (once; adds, changes nothing)."""
    global _FONTS_ADDED
    if not _FONTS_ADDED:
        for path in font_files():
            font_manager.fontManager.addfont(str(path))
        _FONTS_ADDED = True


def drawable(text: str) -> str:
    """``text`` without invisible format characters (Unicode category Cf: U+FEFF, U+200B…).

    They draw as nothing anyway, and matplotlib's PDF writer fails on a glyph run
    that holds one (IndexError in its glyph tracker).
    """
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


_RC_LOCK = threading.RLock()


@contextlib.contextmanager
def _rc() -> Iterator[None]:
    """:data:`RC` for this thread's drawing; other threads' drawing waits (rcParams are global)."""
    with _RC_LOCK:
        _add_fonts()
        # Our font first, then the fallback for the characters it lacks (a name may be in any
        # script: 'ſ', Cyrillic, Arabic…); matplotlib's note that the fallback has no
        # semibold is dropped. Characters no font here has are drawn as boxes in the PNG and PDF; the
        # SVG keeps them as text for the viewer's fonts. A warning per label would add
        # nothing (and is an error in the tests), so only those are silenced.
        family = [FONT_FAMILY, *FALLBACK_FONTS] if font_files() else list(FALLBACK_FONTS)
        font_log = logging.getLogger("matplotlib.font_manager")
        font_log.addFilter(_no_fallback_weight_notes)
        try:
            with warnings.catch_warnings(), matplotlib.rc_context({**RC, "font.family": family}):
                warnings.filterwarnings(
                    "ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning
                )
                yield
        finally:
            font_log.removeFilter(_no_fallback_weight_notes)


def _no_fallback_weight_notes(record: logging.LogRecord) -> bool:
    """Drop matplotlib's note that the fallback font has no semibold (it uses bold: fine)."""
    return "Failed to find font weight" not in record.getMessage()


@dataclass(frozen=True)
class Size:
    """Output size in pixels at ``dpi`` (print sizes use 300 dpi)."""

    width_px: int
    height_px: int
    dpi: int = 100


SIZES: dict[str, Size] = {
    "16x9": Size(1920, 1080),  # slides
    "square": Size(1080, 1080),  # social, square
    "portrait": Size(1080, 1350),  # social, 4:5
    "social": Size(1200, 675),  # social, link card 16:9
    "print": Size(2480, 1754, 300),  # A5 landscape / half A4 at 300 dpi
    "a4": Size(3508, 2480, 300),  # A4 landscape at 300 dpi
    "letter": Size(3300, 2550, 300),  # US letter landscape at 300 dpi
}


def _paths(geoms: Sequence[BaseGeometry]) -> list[MplPath]:
    """One matplotlib path per (multi)polygon, all its parts and holes in it.

    Built from shapely's coordinate arrays in a few vectorised calls; a path per
    country rather than per island keeps the Path objects (~60 µs each) few.
    Parts of a valid multipolygon do not overlap, so the fill is unchanged.
    """
    parts, owner = shapely.get_parts(np.asarray(geoms, dtype=object), return_index=True)
    polygon = (shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)
    parts, owner = parts[polygon], owner[polygon]
    rings, ring_part = shapely.get_rings(parts, return_index=True)  # exterior, then holes
    verts, vert_ring = shapely.get_coordinates(rings, return_index=True)
    if not len(verts):
        return []
    ring_end = np.cumsum(np.bincount(vert_ring, minlength=len(rings)))
    ring_start = np.concatenate([[0], ring_end[:-1]])
    codes = np.full(len(verts), MplPath.LINETO, dtype=MplPath.code_type)
    codes[ring_start] = MplPath.MOVETO
    codes[ring_end - 1] = MplPath.CLOSEPOLY
    vert_owner = owner[ring_part[vert_ring]]
    cuts = np.flatnonzero(np.diff(vert_owner)) + 1
    return [MplPath(v, c) for v, c in zip(np.split(verts, cuts), np.split(codes, cuts), strict=True)]


def _nice_length_m(max_m: float) -> float:
    """The largest 1/2/5 × 10^n metres not above ``max_m``."""
    exp = 10 ** math.floor(math.log10(max_m))
    return float(max(m * exp for m in (1, 2, 5) if m * exp <= max_m))


STORY_COUNTRIES = ("TUR", "GRC", "BGR", "ARM", "AZE", "GEO", "IRN", "IRQ", "SYR", "CYP")
"""ISO codes of the story's countries: named on every print map they show on."""

REQUIRED_SHARE_PCT = 1.0
"""A country with at least this share within range is always named."""

PRINT_MAX_SEA_RANK = 2
"""Seas up to this rank (``data/places/seas.csv``: oceans, the largest and the major seas)
are named where their label point falls on the map, off land; smaller ones only as the
name of a view's open water (a print map has one scale, the web maps show them closer in)."""
MIN_WATER_SHARE = 0.1
"""A map whose view holds no listed sea's label point names its open water (by
:func:`coverage.labels.sea_for_water`) when at least this share of the view is water."""
BARRIER_MIN_AREA_DEG2 = 2.0
"""Land parts at least this big (square degrees, about Hawaii's largest island) keep a sea's
name from reaching across them; smaller islands do not hide open water from its ocean."""

MAX_OPTIONAL_COUNTRIES = 40
"""Other countries named at most (the largest on the map first); the required ones always are."""

RING_DOT_PT = 7.0
"""The dot of a ring's colour beside its name (rings sharing a place), in points at square size."""

MAX_CAPITALS = 10
"""Capitals named at most (by the size of their country): a locator map, not an atlas."""


def render_figure(
    result: Result,
    *,
    title: str = "",
    subtitle: str = "",
    units: Unit = "km",
    size: str = "square",
    theme: str = "light",
    highlight: bool = False,
    horizon_m: float | None = None,
    tr: Translator = EN,
) -> Figure:
    """The analysed scenario as a matplotlib Figure, ready for :func:`figure_bytes`.

    ``highlight`` draws the story's highlighted borders and coast (story step 2);
    ``horizon_m`` a dashed radar-horizon ring of that radius around each site. Words,
    numbers and names (legend, labels, credit) in ``tr``'s language.
    """
    if not result.sites:
        raise ExportError.of(N_("nothing to draw: the scenario has no sites"))
    if size not in SIZES:
        raise ExportError(f"unknown size {size!r}; use one of {', '.join(SIZES)}")
    if theme not in THEMES:
        raise ExportError(f"unknown theme {theme!r}; use one of {', '.join(THEMES)}")
    if horizon_m is not None and not (math.isfinite(horizon_m) and horizon_m > 0):
        raise ExportError(f"the radar horizon must be a positive distance, got {horizon_m!r} m")
    with _rc():
        drawing = _Drawing(result, SIZES[size], THEMES[theme], units, highlight, horizon_m, tr)
        return drawing.draw(title, subtitle)


@dataclass(frozen=True)
class _World:
    """The countries a print map can show, cut to what it can show, projected."""

    names: tuple[str, ...]
    iso: tuple[str | None, ...]
    shapes: tuple[BaseGeometry, ...]
    """Projected (multi)polygons, for fills and label positions."""
    lines: tuple[MplPath, ...]
    """Projected outlines, without Natural Earth's cuts at ±180° (nothing to stroke there)."""


_WORLDS: LRUCache[tuple[Countries, str, float, float], _World] = LRUCache(16)


def _world(
    countries: Countries, proj: str, centre: tuple[float, float], reach_m: float, tol_m: float
) -> _World:
    """The countries within ``reach_m`` of ``centre`` (lat, lon), simplified to ``tol_m``, projected.

    Cut in lon/lat to a circle beyond the map's corners (so the cut never shows),
    not to a lon/lat box (whose edges showed as straight coastlines).
    """
    key = (countries, proj, round(reach_m, -3), round(tol_m, 1))
    return _WORLDS.get_or_make(key, lambda: _make_world(countries, proj, centre, reach_m, tol_m))


def _make_world(
    countries: Countries, proj: str, centre: tuple[float, float], reach_m: float, tol_m: float
) -> _World:
    region = visible_region(centre[0], centre[1], reach_m)
    idx = countries.tree.query(region, predicate="intersects")
    cut = shapely.intersection(countries.geometry[idx], region)
    invalid = ~shapely.is_valid(cut)
    cut[invalid] = shapely.make_valid(cut[invalid], method="structure")
    tol_deg = tol_m / 111_320.0
    simple = shapely.coverage_simplify(cut, tol_deg, simplify_boundary=True)
    simple = np.array([_polygons_only(g, (2.0 * tol_deg) ** 2) for g in simple], dtype=object)
    keep = ~shapely.is_empty(simple)
    simple, idx = simple[keep], idx[keep]
    width = 4 * reach_m
    rect = (-width, -width, width, width)
    projected = project_for_map(simple, proj, rect)
    return _World(
        names=tuple(str(n) for n in countries.name[idx]),
        iso=tuple(None if i is None else str(i) for i in countries.iso_a3[idx]),
        shapes=tuple(projected),
        lines=tuple(_outline_paths(simple, projected)),
    )


def _polygons_only(geom: BaseGeometry, min_area: float) -> BaseGeometry:
    """The polygons of ``geom`` of at least ``min_area`` (square degrees); specks and slivers go."""
    parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) == 3 and p.area >= min_area]
    if not parts:
        return shapely.Polygon()
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _outline_paths(lonlat: np.ndarray, projected: np.ndarray) -> list[MplPath]:
    """Each country's rings as one line path, lifted (MOVETO) across every edge on ±180°.

    Natural Earth cuts Russia, Fiji and Antarctica at the date line; the cut is no
    border, so it is not stroked. ``lonlat`` and ``projected`` hold the same vertices.
    """
    out = []
    for geo, flat in zip(lonlat, projected, strict=True):
        rings = shapely.get_rings(shapely.get_parts(geo))
        flat_rings = shapely.get_rings(shapely.get_parts(flat))
        verts, codes = [], []
        for ring, flat_ring in zip(rings, flat_rings, strict=True):
            lon = shapely.get_coordinates(ring)[:, 0]
            xy = shapely.get_coordinates(flat_ring)
            code = np.full(len(xy), MplPath.LINETO, dtype=MplPath.code_type)
            code[0] = MplPath.MOVETO
            on_cut = np.abs(lon) >= 180.0 - 1e-9
            code[1:][on_cut[1:] & on_cut[:-1]] = MplPath.MOVETO
            verts.append(xy)
            codes.append(code)
        if verts:
            out.append(MplPath(np.concatenate(verts), np.concatenate(codes)))
        else:
            out.append(MplPath(np.zeros((0, 2))))
    return out


_HIGHLIGHTS: LRUCache[Countries, dict[str, BaseGeometry]] = LRUCache(4)


def _highlights(countries: Countries) -> dict[str, BaseGeometry]:
    """The story's highlighted borders and coast (lon/lat lines), per set of borders."""
    return _HIGHLIGHTS.get_or_make(countries, lambda: story_highlights(countries.frame))


def _line_path(lines: Sequence[np.ndarray]) -> MplPath:
    """One path of separate polylines."""
    lines = [line for line in lines if len(line) >= 2]
    if not lines:
        return MplPath(np.zeros((0, 2)))
    codes = []
    for line in lines:
        code = np.full(len(line), MplPath.LINETO, dtype=MplPath.code_type)
        code[0] = MplPath.MOVETO
        codes.append(code)
    return MplPath(np.concatenate(lines), np.concatenate(codes))


@dataclass
class _LegendRow:
    """One line of the legend: a swatch (drawn by ``swatch``) and its text."""

    text: str
    kind: str  # "ring", "horizon", "highlight" or "shares"
    colour: str = ""


class _Drawing:
    """One figure being drawn: its layout, projection, and the labels placed on it."""

    def __init__(
        self,
        result: Result,
        spec: Size,
        colours: Theme,
        units: Unit,
        highlight: bool,
        horizon_m: float | None,
        tr: Translator = EN,
    ) -> None:
        self.result, self.spec, self.colours, self.units = result, spec, colours, units
        self.tr = tr
        self.highlight, self.horizon_m = highlight, horizon_m
        problem = far_side_error(result.sites)
        if problem is not None:
            raise problem
        self.proj, self.lat0, self.lon0 = projection_for(result.sites)
        self.to_map = transformer(self.proj)
        self.fig = Figure(figsize=(spec.width_px / spec.dpi, spec.height_px / spec.dpi), dpi=spec.dpi)
        self.renderer: RendererBase = FigureCanvasAgg(self.fig).get_renderer()  # to measure labels with
        self.scale = spec.width_px * 100 / spec.dpi / 1080  # type sizes follow the width in inches
        self.site_colours = figure_colours(result.sites)
        self.fig.patch.set_facecolor(colours.halo)

    # ---- layout -------------------------------------------------------------------------

    def _pt_to_fig_y(self, pt: float) -> float:
        return pt / 72.0 / self.fig.get_figheight()

    def draw(self, title: str, subtitle: str) -> Figure:
        width_in, height_in, s = self.fig.get_figwidth(), self.fig.get_figheight(), self.scale
        self.margin_in = 0.3 * s
        header_in = self._titles(title, subtitle)
        footer_in = self._credit()
        rows = self._legend_rows()
        legend_in = self._legend(rows, footer_in)
        bottom_in = footer_in + legend_in
        top_in = header_in
        self.ax = self.fig.add_axes(
            (
                self.margin_in / width_in,
                bottom_in / height_in,
                1 - 2 * self.margin_in / width_in,
                (height_in - top_in - bottom_in) / height_in,
            )
        )
        self.ax.set_axis_off()
        self.ax.set_facecolor(self.colours.sea)
        self.ax.add_patch(
            Rectangle((0, 0), 1, 1, transform=self.ax.transAxes, facecolor=self.colours.sea, zorder=0)
        )
        circles = self._ring_outlines()
        horizons = self._horizon_outlines()
        self._frame([*circles, *horizons])
        shapes = self._borders()
        self._rings(circles)
        if horizons:
            self._horizons(horizons)
        if self.highlight:
            self._highlight_lines()
        obstacles = self._sites_markers()
        obstacles.append(self._scale_bar())
        self._labels(shapes, obstacles)
        return self.fig

    def _titles(self, title: str, subtitle: str) -> float:
        """Draw title and subtitle at the top; return the header's height in inches."""
        width_in, height_in, s, text = (
            self.fig.get_figwidth(),
            self.fig.get_figheight(),
            self.scale,
            self.colours.text,
        )
        y_in = self.margin_in
        room_pt = (width_in - 2 * self.margin_in) * 72
        for words, size_pt, weight in ((title, 24 * s, "bold"), (subtitle, 14 * s, "normal")):
            if not words:
                continue
            label = self.fig.text(
                self.margin_in / width_in,
                1 - y_in / height_in,
                drawable(words),
                fontsize=size_pt,
                fontweight=weight,
                color=text,
                va="top",
                ha="left",
            )
            width_px = label.get_window_extent(self.renderer).width
            if width_px > room_pt * self.fig.dpi / 72:
                size_pt *= room_pt * self.fig.dpi / 72 / width_px
                label.set_fontsize(size_pt)
            y_in += size_pt * 1.3 / 72
        return y_in + (0.12 * s if (title or subtitle) else 0.0)

    def _credit(self) -> float:
        """Draw the credit line (two lines at most) at the bottom; return the footer's height."""
        width_in, height_in, s = self.fig.get_figwidth(), self.fig.get_figheight(), self.scale
        size_pt = 8.5 * s
        room_px = (width_in - 2 * self.margin_in) * self.fig.dpi
        words = print_credit(self.result.sites, self.tr)
        lines = [words]
        probe = self.fig.text(0, 0, words, fontsize=size_pt)
        for _ in range(8):
            lines = _wrap(probe, words, room_px, self.renderer)
            if len(lines) <= 2:
                break
            size_pt *= 0.9
            probe.set_fontsize(size_pt)
        probe.remove()
        line_in = size_pt * 1.3 / 72
        self.fig.text(
            self.margin_in / width_in,
            self.margin_in * 0.8 / height_in,
            "\n".join(lines),
            fontsize=size_pt,
            color=self.colours.text,
            va="bottom",
            ha="left",
            linespacing=1.3,
        )
        return self.margin_in * 0.8 + 2 * line_in + 0.1 * s

    def _legend_rows(self) -> list[_LegendRow]:
        rows: list[_LegendRow] = []
        groups: dict[str, list[int]] = {}
        tr = self.tr
        for i, site in enumerate(self.result.sites):
            groups.setdefault(site.label(self.units, tr), []).append(i)
        for text, members in groups.items():
            names = _and([tr.place(self.result.sites[i].name) for i in members], tr)
            count = len(members)
            who = tr.ngettext("{n} site", "{n} sites", count).format(n=count) if count > 3 else names
            rows.append(_LegendRow(f"{text} — {who}", "ring", self.site_colours[members[0]]))
        if self.horizon_m is not None:
            rows.append(
                _LegendRow(
                    tr.gettext("Radar horizon (textbook approximation, smooth Earth): {distance}").format(
                        distance=tr.distance(self.horizon_m, self.units)
                    ),
                    "horizon",
                )
            )
        if self.highlight:
            named = ", ".join(tr.gettext(name) for name in _highlights(self.result.countries))
            text = tr.gettext("Named in the 2017 article: {places}").format(places=named)
            rows.append(_LegendRow(text, "highlight"))
        if self.result.rows:
            rows.append(_LegendRow(tr.gettext("Share of each country within range:"), "shares"))
        return rows

    def _legend(self, rows: list[_LegendRow], footer_in: float) -> float:
        """Draw the legend in a band above the footer (never over the map); return its height."""
        width_in, height_in, s = self.fig.get_figwidth(), self.fig.get_figheight(), self.scale
        size_pt = 10 * s
        room_px = (width_in - 2 * self.margin_in) * self.fig.dpi
        swatch_in = 0.42 * s
        texts = []
        for row in rows:
            text = self.fig.text(
                0, 0, drawable(row.text), fontsize=size_pt, color=self.colours.text, va="center"
            )
            texts.append(text)
        share_texts = []
        if rows and rows[-1].kind == "shares":
            for index in range(len(SHARE_CLASSES)):
                label = share_label(index, self.tr)
                share_texts.append(
                    self.fig.text(0, 0, label, fontsize=size_pt, color=self.colours.text, va="center")
                )
        swatch_px = swatch_in * self.fig.dpi
        widths = [t.get_window_extent(self.renderer).width + swatch_px * 1.3 for t in texts]
        if share_texts:
            widths[-1] += sum(t.get_window_extent(self.renderer).width + swatch_px for t in share_texts)
        factor = min(1.0, room_px / max(widths, default=1.0))
        if factor < 1.0:
            size_pt *= max(factor, 0.55)
            for t in [*texts, *share_texts]:
                t.set_fontsize(size_pt)
        row_in = size_pt * 1.6 / 72
        x0_in = self.margin_in
        for n, (row, text) in enumerate(zip(rows, texts, strict=True)):
            y_in = footer_in + (len(rows) - n - 0.5) * row_in
            x_fig, y_fig = x0_in / width_in, y_in / height_in
            sw_fig = swatch_in * size_pt / (10 * s) / width_in
            self._swatch(row, x_fig, y_fig, sw_fig, size_pt)
            text.set_position((x_fig + sw_fig * 1.3, y_fig))
            if row.kind == "shares":
                x_px = text.get_window_extent(self.renderer).x1 + swatch_px * 0.4
                for (lower, _), share_text in zip(SHARE_CLASSES, share_texts, strict=True):
                    x = x_px / self.fig.dpi / width_in
                    h_fig = size_pt * 0.9 / 72 / height_in
                    self.fig.patches.append(
                        Rectangle(
                            (x, y_fig - h_fig / 2),
                            sw_fig * 0.6,
                            h_fig,
                            transform=self.fig.transFigure,
                            facecolor=self.colours.share_fill(lower),
                            edgecolor=self.colours.reached_border,
                            linewidth=0.6 * s,
                            figure=self.fig,
                        )
                    )
                    share_text.set_position((x + sw_fig * 0.75, y_fig))
                    x_px = share_text.get_window_extent(self.renderer).x1 + swatch_px * 0.45
        return len(rows) * row_in + (0.1 * s if rows else 0.0)

    def _swatch(self, row: _LegendRow, x: float, y: float, w: float, size_pt: float) -> None:
        s, c = self.scale, self.colours
        if row.kind == "shares":
            return
        xs, ys = [x, x + w], [y, y]
        if row.kind == "ring":
            self.fig.lines.append(Line2D(xs, ys, color=c.halo, lw=4.4 * s, transform=self.fig.transFigure))
            self.fig.lines.append(
                Line2D(xs, ys, color=row.colour, lw=2.4 * s, transform=self.fig.transFigure)
            )
        elif row.kind == "horizon":
            self.fig.lines.append(
                Line2D(xs, ys, color=c.text, lw=1.6 * s, dashes=(4, 3), transform=self.fig.transFigure)
            )
        else:
            self.fig.lines.append(
                Line2D(xs, ys, color=c.highlight, lw=3 * s, alpha=0.9, transform=self.fig.transFigure)
            )

    # ---- the map ------------------------------------------------------------------------

    def _circle(self, lat: float, lon: float, radius_m: float) -> np.ndarray:
        lonlat = circle_lonlat(lat, lon, radius_m)
        return np.column_stack(self.to_map.transform(lonlat[:, 0], lonlat[:, 1]))

    def _ring_outlines(self) -> list[np.ndarray]:
        """Each site's ring as one closed projected line (no seam at ±180°, no spur to a pole)."""
        return [self._circle(s.lat_deg, s.lon_deg, s.radius_m) for s in self.result.sites]

    def _horizon_outlines(self) -> list[np.ndarray]:
        if self.horizon_m is None:
            return []
        radius = min(max(self.horizon_m, MIN_RADIUS_M), MAX_RADIUS_M)
        return [self._circle(s.lat_deg, s.lon_deg, radius) for s in self.result.sites]

    def _frame(self, outlines: Sequence[np.ndarray]) -> None:
        """Frame the rings with a margin, fitting the axes' aspect ratio so rings stay round."""
        points = np.concatenate(outlines)
        min_x, min_y = points.min(axis=0)
        max_x, max_y = points.max(axis=0)
        pad = 0.07 * max(max_x - min_x, max_y - min_y)
        min_x, min_y, max_x, max_y = min_x - pad, min_y - pad, max_x + pad, max_y + pad
        box = self.ax.get_position()
        ax_w = self.fig.get_figwidth() * box.width
        ax_h = self.fig.get_figheight() * box.height
        self.cx, self.cy = (min_x + max_x) / 2, (min_y + max_y) / 2
        self.half_w = max((max_x - min_x) / 2, (max_y - min_y) / 2 * ax_w / ax_h)
        self.half_h = self.half_w * ax_h / ax_w
        self.ax.set_xlim(self.cx - self.half_w, self.cx + self.half_w)
        self.ax.set_ylim(self.cy - self.half_h, self.cy + self.half_h)
        self.ax.set_aspect("equal")
        self.rect = (
            self.cx - self.half_w,
            self.cy - self.half_h,
            self.cx + self.half_w,
            self.cy + self.half_h,
        )
        self.m_per_px = 2 * self.half_w / (ax_w * self.fig.dpi)

    def _borders(self) -> dict[int, BaseGeometry]:
        """Fill the countries (reached ones by share class), stroke their borders; return their shapes."""
        x0, y0, x1, y1 = self.rect
        corner_m = max(math.hypot(x, y) for x in (x0, x1) for y in (y0, y1))
        reach_m = min(1.2 * corner_m + 50_000.0, EARTH_HALF_CIRCUMFERENCE_M)
        self.world = _world(
            self.result.countries, self.proj, (self.lat0, self.lon0), reach_m, 0.6 * self.m_per_px
        )
        share = {row["country"]: float(row["covered_pct"]) for row in self.result.rows}
        c, s = self.colours, self.scale
        fills: dict[str, list[MplPath]] = {}
        for i, name in enumerate(self.world.names):
            colour = c.share_fill(share[name]) if name in share else c.land
            fills.setdefault(colour, []).extend(_paths([self.world.shapes[i]]))
        for colour, paths in fills.items():
            # Stroked in their own colour: no hairline of sea between pieces of one country.
            self.ax.add_collection(
                PathCollection(paths, facecolors=colour, edgecolors=colour, linewidths=0.4 * s, zorder=1)
            )
        self.ax.add_collection(
            PathCollection(
                list(self.world.lines), facecolors="none", edgecolors=c.border, linewidths=0.6 * s, zorder=2
            )
        )
        reached = [self.world.lines[i] for i, n in enumerate(self.world.names) if n in share]
        self.ax.add_collection(
            PathCollection(
                reached, facecolors="none", edgecolors=c.reached_border, linewidths=0.7 * s, zorder=2.1
            )
        )
        return dict(enumerate(self.world.shapes))

    def _rings(self, circles: Sequence[np.ndarray]) -> None:
        """Each ring as an outline on a casing of the halo colour, readable over sea and land.

        No fill: tints of several rings stacked over the share fills mixed into muddy
        browns and made the fills differ from their legend swatches; the share shading
        already says what is reached.
        """
        s = self.scale
        for circle, colour in zip(circles, self.site_colours, strict=True):
            self.ax.plot(circle[:, 0], circle[:, 1], color=self.colours.halo, lw=4.6 * s, zorder=3.4)
            self.ax.plot(circle[:, 0], circle[:, 1], color=colour, lw=2.6 * s, zorder=3.5)

    def _horizons(self, circles: Sequence[np.ndarray]) -> None:
        for circle in circles:
            self.ax.plot(
                circle[:, 0],
                circle[:, 1],
                color=self.colours.text,
                lw=1.6 * self.scale,
                dashes=(4, 3),
                zorder=3.3,
            )

    def _highlight_lines(self) -> None:
        lines = []
        tolerance_deg = 0.5 * self.m_per_px / 111_320.0  # half a pixel: the coast's detail, not its noise
        for geom in _highlights(self.result.countries).values():
            geom = shapely.simplify(geom, tolerance_deg)
            for part in shapely.get_parts(
                shapely.line_merge(geom) if geom.geom_type != "LineString" else geom
            ):
                xy = shapely.get_coordinates(part)
                if len(xy) >= 2:
                    lines.append(np.column_stack(self.to_map.transform(xy[:, 0], xy[:, 1])))
        path = _line_path(lines)
        s = self.scale
        self.ax.add_collection(
            PathCollection(
                [path], facecolors="none", edgecolors=self.colours.halo, linewidths=6 * s, zorder=3.0
            )
        )
        self.ax.add_collection(
            PathCollection(
                [path],
                facecolors="none",
                edgecolors=self.colours.highlight,
                linewidths=3 * s,
                alpha=0.9,
                zorder=3.1,
            )
        )

    def _sites_markers(self) -> list[Box]:
        """Draw each site's marker; return their boxes (label obstacles)."""
        sites, s = self.result.sites, self.scale
        xs, ys = self.to_map.transform([p.lon_deg for p in sites], [p.lat_deg for p in sites])
        self.site_xy = list(zip(xs, ys, strict=True))
        boxes = []
        for (x, y), colour in zip(self.site_xy, self.site_colours, strict=True):
            self.ax.plot([x], [y], "o", ms=8 * s, mfc=colour, mec=self.colours.halo, mew=1.8 * s, zorder=6)
            px, py = self.ax.transData.transform((x, y))
            r = 5 * s * self.fig.dpi / 72
            boxes.append(Box(px - r, py - r, px + r, py + r))
        return boxes

    def _scale_bar(self) -> Box:
        s, c = self.scale, self.colours
        length_m = _nice_length_m(self.half_w * 2 / 4)
        x0, y0 = self.cx + self.half_w * 0.93 - length_m, self.cy - self.half_h * 0.92
        bar = self.ax.plot(
            [x0, x0 + length_m], [y0, y0], color=c.text, lw=3 * s, solid_capstyle="butt", zorder=7
        )[0]
        label = self.ax.text(
            x0 + length_m / 2,
            y0 + self.half_h * 0.02,
            self.tr.distance(length_m, self.units),
            ha="center",
            va="bottom",
            fontsize=9.5 * s,
            color=c.text,
            zorder=7,
            bbox={"facecolor": c.halo, "edgecolor": "none", "alpha": 0.8, "pad": 1.5 * s},
        )
        a = bar.get_window_extent(self.renderer)
        b = label.get_window_extent(self.renderer)
        return Box(min(a.x0, b.x0), min(a.y0, b.y0), max(a.x1, b.x1), max(a.y1, b.y1)).grown(3 * s)

    # ---- labels -------------------------------------------------------------------------

    def _labels(self, shapes: dict[int, BaseGeometry], obstacles: list[Box]) -> None:
        """Sites, the rings sharing a place, then countries (reached and the story's first), seas
        and capitals, without collisions."""
        s, c = self.scale, self.colours
        ax_box = self.ax.get_window_extent(self.renderer)
        bounds = Box(ax_box.x0, ax_box.y0, ax_box.x1, ax_box.y1).grown(-4 * s)
        texts: dict[str, Text] = {}
        requests: list[Request] = []
        gap_px = 7 * s * self.fig.dpi / 72

        def ask(key: str, x: float, y: float, text: Text, **kw: Any) -> None:
            box = text.get_window_extent(self.renderer)
            px, py = self.ax.transData.transform((x, y))
            texts[key] = text
            requests.append(Request(key, float(px), float(py), box.width, box.height, **kw))

        for i, name in enumerate(site_labels(self.result.sites)):
            if name is None:
                continue
            x, y = self.site_xy[i]
            shown = drawable(self.tr.place(name))
            t = self._text(x, y, shown, 12 * s, "bold", c.text, halo=True, zorder=6.5)
            ask(f"site:{i}", x, y, t, required=True, side=True, gap=gap_px, avoid_rings=False)

        # Rings around a shared place (one site name for them all): each named by its ring,
        # beside a dot of its colour, as the web maps do; placed before the countries' names.
        rings = self._rings_on_screen()
        dot_px = RING_DOT_PT * s * self.fig.dpi / 72
        dots: dict[str, tuple[float, str]] = {}  # the room a ring name keeps for its dot, its colour
        for i, tag in enumerate(ring_names(self.result.sites, self.tr.place)):
            if tag is None:
                continue
            ring = rings[i]
            key = f"ring:{i}"
            x, y = self.site_xy[i]
            t = self._text(x, y, drawable(tag), 10 * s, "semibold", c.text, zorder=6.4)
            box = t.get_window_extent(self.renderer)
            texts[key] = t
            dots[key] = (1.6 * dot_px, self.site_colours[i])
            requests.append(
                Request(
                    key,
                    ring[0],
                    ring[1] + ring[2],
                    box.width + dots[key][0],
                    box.height,
                    required=True,
                    gap=3 * s * self.fig.dpi / 72,
                    ring=ring,
                )
            )

        share = {row["country"]: float(row["covered_pct"]) for row in self.result.rows}
        inner = (
            self.rect[0] + 0.03 * self.half_w,
            self.rect[1] + 0.03 * self.half_h,
            self.rect[2] - 0.03 * self.half_w,
            self.rect[3] - 0.03 * self.half_h,
        )
        countries = []
        for i, geom in shapes.items():
            visible = _visible(geom, inner)
            if visible is None:
                continue
            name = self.world.names[i]
            required = share.get(name, -1.0) >= REQUIRED_SHARE_PCT or self.world.iso[i] in STORY_COUNTRIES
            countries.append((not required, name not in share, -visible.area, i, name, visible, required))
        countries.sort(key=lambda t: t[:4])
        px_area = self.m_per_px**2
        self.land = [v for *_, v, _ in countries]
        optional = 0
        for _, _, neg_area, _, name, visible, required in countries:
            if not required:
                optional += 1
                if optional > MAX_OPTIONAL_COUNTRIES:
                    break  # sorted: every later one is optional and smaller
            point = _label_point(visible)
            shown = drawable(self.tr.country(name))
            t = self._text(point.x, point.y, shown, 10.5 * s, "semibold", c.text, zorder=5)
            box = t.get_window_extent(self.renderer)
            if not required and -neg_area < 0.25 * box.width * box.height * px_area:
                t.remove()  # a sliver at the map's edge: not worth a name
                continue
            ask(
                f"country:{name}",
                point.x,
                point.y,
                t,
                required=required,
                fits=self._inside(_largest(visible)),
            )

        listed_in_view = False
        for listed in seas():
            if listed.rank > PRINT_MAX_SEA_RANK:
                continue
            x, y = self.to_map.transform(listed.lon_deg, listed.lat_deg)
            if not (inner[0] < x < inner[2] and inner[1] < y < inner[3]):
                continue
            listed_in_view = True
            if any(v.contains(shapely.Point(x, y)) for v in self.land):
                continue
            shown = self.tr.place(listed.name)
            t = self._text(x, y, shown, 10 * s, "normal", c.sea_text or c.text, italic=True, zorder=4.5)
            ask(f"sea:{listed.name}", x, y, t)
        if not listed_in_view:
            water = self._open_water(inner)
            if water is not None:
                (x, y), found = water
                shown = self.tr.place(found.name)
                t = self._text(x, y, shown, 10 * s, "normal", c.sea_text or c.text, italic=True, zorder=4.5)
                ask(f"sea:{found.name}", x, y, t)

        for key, place in self._capitals(inner):
            x, y = self.to_map.transform(place.lon_deg, place.lat_deg)
            t = self._text(x, y, drawable(self.tr.place(place.name)), 9 * s, "normal", c.text, zorder=5)
            ask(key, x, y, t, side=True, gap=4 * s * self.fig.dpi / 72, marker=2.2 * s * self.fig.dpi / 72)

        placed = place_labels(requests, obstacles, bounds, pad=2 * s, rings=rings)
        inverse = self.ax.transData.inverted()
        for key, text in texts.items():
            spot = placed.get(key)
            if spot is None:
                text.remove()
                continue
            cx, cy = spot.box.centre
            anchor = next(r for r in requests if r.key == key)
            if key in dots:  # the dot at the box's left, the name right of it
                room, colour = dots[key]
                cx += room * spot.factor / 2
                self.ax.plot(
                    *inverse.transform((spot.box.x0 + room * spot.factor / 2, cy)),
                    "o",
                    ms=RING_DOT_PT * s * spot.factor,
                    mfc=colour,
                    mec=c.halo,
                    mew=1.0 * s,
                    zorder=6.4,
                )
            text.set_position(tuple(inverse.transform((cx, cy))))
            text.set_fontsize(float(text.get_fontsize()) * spot.factor)
            if text.get_bbox_patch() is None and any(crosses(spot.box, ring) for ring in rings):
                # No free spot off the rings: the name on a halo, so the line does not cut it.
                text.set_bbox(HALO_BOX | {"facecolor": c.halo})
            elif key.startswith(("sea:", "capital:", "ring:")) and self._on_an_edge(spot.box, inverse):
                # A sea's name over islands, a capital's or a ring's on a coast or a border: the
                # line would run through the words. A sea's name knocks the islands out in the sea's colour.
                sea = key.startswith("sea:")
                text.set_bbox(
                    HALO_BOX | {"facecolor": c.sea if sea else c.halo, "alpha": 1.0 if sea else 0.85}
                )
            if key.startswith("capital:"):
                self.ax.plot(
                    *inverse.transform((anchor.x, anchor.y)),
                    "o",
                    ms=3.6 * s,
                    mfc=c.text,
                    mec=c.halo,
                    mew=0.8 * s,
                    zorder=5,
                )
            if spot.leader:
                ex, ey = leader_end(spot.box, anchor.x, anchor.y)
                (ax_, ay_), (bx_, by_) = inverse.transform([(anchor.x, anchor.y), (ex, ey)])
                self.ax.plot([ax_, bx_], [ay_, by_], color=c.text, lw=0.8 * s, zorder=4.9)

    def _open_water(self, inner: tuple[float, float, float, float]) -> tuple[tuple[float, float], Sea] | None:
        """Where to name the view's open water, and by which sea, when no listed point is in view.

        The name goes at the middle of the largest stretch of water in view, kept off the
        sites (their marker and name); the sea is :func:`coverage.labels.sea_for_water`'s.
        None when the view is mostly land or no listed sea reaches the water.
        """
        view = shapely.box(*inner)
        water = view.difference(shapely.union_all(self.land)) if self.land else view
        if water.is_empty or water.area < MIN_WATER_SHARE * view.area:
            return None
        keep_off = 0.3 * min(self.half_w, self.half_h)
        sites = shapely.union_all([shapely.Point(x, y).buffer(keep_off) for x, y in self.site_xy])
        clear = water.difference(sites)
        point = _label_point(_largest(clear if not clear.is_empty else water))
        lon, lat = self.to_map.transform(point.x, point.y, direction="INVERSE")
        sea = sea_for_water(float(lon), float(lat), _land_test(self.result.countries))
        return ((point.x, point.y), sea) if sea is not None else None

    def _on_an_edge(self, box: Box, inverse: Any) -> bool:
        """Whether a coast or a border of the land drawn runs through a label box (display pixels)."""
        (x0, y0), (x1, y1) = inverse.transform([(box.x0, box.y0), (box.x1, box.y1)])
        rect = shapely.box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        # (an edge runs through the box where a shape holds some of it but not all)
        return any(shape.intersects(rect) and not shape.contains(rect) for shape in self.land)

    def _inside(self, shape: BaseGeometry) -> Callable[[Box], bool]:
        """Whether a label box (display pixels) is centred within ``shape`` (map coordinates)."""
        shapely.prepare(shape)
        inverse = self.ax.transData.inverted()

        def fits(box: Box) -> bool:
            x, y = inverse.transform(box.centre)
            return bool(shapely.contains_xy(shape, x, y))

        return fits

    def _rings_on_screen(self) -> list[tuple[float, float, float]]:
        """Each ring and horizon as a circle in display pixels (the projection keeps them round)."""
        out = []
        radii = [s.radius_m for s in self.result.sites]
        if self.horizon_m is not None:
            radii += [min(max(self.horizon_m, MIN_RADIUS_M), MAX_RADIUS_M)] * len(self.result.sites)
        px_per_m = 1.0 / self.m_per_px
        for (x, y), radius in zip(self.site_xy * (len(radii) // len(self.site_xy)), radii, strict=True):
            px, py = self.ax.transData.transform((x, y))
            out.append((float(px), float(py), radius * px_per_m))
        return out

    def _capitals(self, inner: tuple[float, float, float, float]) -> list[tuple[str, Place]]:
        """Capitals on the map, those of the reached countries first, then by their country's size."""
        reached = {row["iso_a3"] for row in self.result.rows}
        area = {
            iso: a
            for iso, a in zip(self.result.countries.iso_a3, self.result.countries.area_km2, strict=True)
        }
        found = []
        for iso, place in capitals().items():
            x, y = self.to_map.transform(place.lon_deg, place.lat_deg)
            if inner[0] < x < inner[2] and inner[1] < y < inner[3]:
                found.append((iso not in reached, -float(area.get(iso, 0.0)), iso, place))
        found.sort(key=lambda t: t[:3])
        return [(f"capital:{iso}", place) for *_, iso, place in found[:MAX_CAPITALS]]

    def _text(
        self,
        x: float,
        y: float,
        words: str,
        size_pt: float,
        weight: str,
        colour: str,
        *,
        zorder: float,
        halo: bool = False,
        italic: bool = False,
    ) -> Text:
        """A label centred on (x, y). A halo is a box behind the text, not a path effect:
        matplotlib draws path-effect text as outlines, which SVG and PDF readers cannot read."""
        bbox = HALO_BOX | {"facecolor": self.colours.halo} if halo else None
        return self.ax.text(
            x,
            y,
            words,
            fontsize=size_pt,
            fontweight=weight,
            fontstyle="italic" if italic else "normal",
            color=colour,
            ha="center",
            va="center",
            zorder=zorder,
            bbox=bbox,
            clip_on=True,
        )


HALO_BOX: dict[str, Any] = {"boxstyle": "round,pad=0.18", "edgecolor": "none", "alpha": 0.85}
"""A label's halo: a box in the theme's halo colour behind it (see ``_Drawing._text``)."""


_LAND_TESTS: LRUCache[str, Callable[[Any, Any], Any]] = LRUCache(4)


def _land_test(countries: Countries) -> Callable[[Any, Any], Any]:
    """``land(lons, lats)``: which points lie on a land part of at least :data:`BARRIER_MIN_AREA_DEG2`."""

    def make() -> Callable[[Any, Any], Any]:
        parts = shapely.get_parts(countries.geometry)
        big = parts[shapely.area(parts) >= BARRIER_MIN_AREA_DEG2]
        tree = shapely.STRtree(big)

        def land(lons: Any, lats: Any) -> Any:
            points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
            hit = np.zeros(len(points), dtype=bool)
            hit[tree.query(points, predicate="intersects")[0]] = True
            return hit

        return land

    return make() if countries.digest is None else _LAND_TESTS.get_or_make(countries.digest, make)


def _visible(geom: BaseGeometry, rect: tuple[float, float, float, float]) -> BaseGeometry | None:
    """The part of a projected country inside ``rect``, or None."""
    if geom.is_empty:
        return None
    try:
        visible = shapely.clip_by_rect(geom, *rect)
        if not visible.is_empty and not visible.is_valid:
            visible = shapely.make_valid(visible)
    except shapely.errors.GEOSException:
        return None  # a shape torn by the projection far from the centre: left unlabelled
    if visible.is_empty or visible.area <= 0:
        return None
    return visible


def _largest(visible: BaseGeometry) -> BaseGeometry:
    """The largest polygon of ``visible`` (where its name goes: the mainland, not an exclave)."""
    parts = [p for p in shapely.get_parts(visible) if shapely.get_type_id(p) == 3]
    return max(parts, key=lambda p: p.area) if parts else visible


def _label_point(visible: BaseGeometry) -> shapely.Point:
    """A point well inside the largest part of ``visible`` (its pole of inaccessibility)."""
    largest = _largest(visible)
    if shapely.get_type_id(largest) != 3:
        return visible.representative_point()
    size = math.sqrt(largest.area)
    try:
        return polylabel(shapely.simplify(largest, size / 100), tolerance=size / 50)
    except shapely.errors.GEOSException:
        return largest.representative_point()


def _wrap(probe: Text, words: str, room_px: float, renderer: RendererBase) -> list[str]:
    """``words`` broken into lines no wider than ``room_px`` as ``probe`` measures them."""
    lines: list[str] = []
    current = ""
    for word in words.split(" "):
        trial = f"{current} {word}" if current else word
        probe.set_text(trial)
        if current and probe.get_window_extent(renderer).width > room_px:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def _and(names: Sequence[str], tr: Translator = EN) -> str:
    """ "A", "A and B", "A, B and C" (in ``tr``'s language)."""
    if len(names) <= 1:
        return "".join(names)
    return tr.gettext("{items} and {last}").format(items=", ".join(names[:-1]), last=names[-1])


def figure_bytes(fig: Figure, fmt: str, description: Description | None = None) -> bytes:
    """Serialise ``fig`` as png, svg or pdf (the figure stays open; nothing else is closed).

    ``description`` (:func:`coverage.alttext.describe`) goes in as the format allows: PNG
    text chunks, SVG ``<title>``/``<desc>`` with ``role="img"``, PDF document information.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown image format {fmt!r}; use one of {', '.join(FORMATS)}")
    with _rc():
        if fmt == "png":
            # Same pixels as savefig (the canvas draws at fig.dpi, on the opaque sea
            # colour), but encoded by _png_bytes: PIL spends ~90 ms of a 1600 px map
            # choosing a PNG filter per row, even at compress_level=1. Drawn on the
            # canvas render_figure measured labels with, whose text metrics are cached.
            canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
            canvas.draw()
            width, height = canvas.get_width_height(physical=True)
            text = None
            if description is not None:
                text = {
                    "Title": description.title,
                    "Description": description.alt,
                    "Source": description.source,
                    "Copyright": description.copyright,
                }
            return png_bytes(memoryview(canvas.buffer_rgba()).cast("B"), width, height, fig.dpi, text)
        buffer = io.BytesIO()
        metadata: dict[str, Any] = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}[fmt]
        if description is not None and fmt == "pdf":
            metadata.update(Title=description.title, Subject=description.alt, Keywords=description.source)
        if description is not None and fmt == "svg":
            metadata.update(Title=description.title, Description=description.alt, Source=description.source)
        fig.savefig(buffer, format=fmt, dpi=fig.dpi, facecolor=fig.get_facecolor(), metadata=metadata)
        data = buffer.getvalue()
        return _accessible_svg(data, description) if description is not None and fmt == "svg" else data


def _accessible_svg(data: bytes, description: Description) -> bytes:
    """The SVG with ``role="img"``, ``aria-labelledby`` and a first ``<title>`` and ``<desc>``
    (what screen readers read for an image), after the root element's opening tag."""
    text = data.decode("utf-8")
    start = text.index("<svg")
    end = text.index(">", start)
    opening = text[start:end]
    labelled = f'{opening} xml:lang="{description.lang}" role="img" aria-labelledby="map-title map-desc"'
    inserted = (
        f'<title id="map-title">{xml_escape(description.title)}</title>'
        f'<desc id="map-desc">{xml_escape(description.long)}</desc>'
    )
    return (text[:start] + labelled + ">" + inserted + text[end + 1 :]).encode("utf-8")
