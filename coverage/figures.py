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
import math
import os
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib
import matplotlib.lines
import matplotlib.patheffects
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox
from matplotlib.typing import RcKeyType
from shapely.geometry.base import BaseGeometry

from coverage.analysis import Result
from coverage.errors import ExportError
from coverage.png import png_bytes
from coverage.projection import far_side_problem, project, project_for_map, projection_for, transformer
from coverage.scenario import Site
from coverage.style import THEMES, Theme, print_credit, site_colour
from coverage.units import Unit, format_distance
from coverage.view import view_borders

FORMATS = ("png", "svg", "pdf")

RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",  # text stays text in SVG
    "svg.hashsalt": "range-rings",  # stable element ids: the same map gives the same bytes
    "pdf.fonttype": 42,  # embed TrueType, keep text selectable
    "text.parse_math": False,  # "$5 and $6" in a name is text, not TeX
}


def _valid_union(ring: BaseGeometry) -> BaseGeometry:
    """A projected ring's parts as one valid shape (a part split at ±180° may come back invalid)."""
    parts = shapely.get_parts(ring)
    invalid = ~shapely.is_valid(parts)
    parts[invalid] = shapely.make_valid(parts[invalid])
    return shapely.union_all(parts)


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
    with _RC_LOCK, matplotlib.rc_context(RC):
        yield


@dataclass(frozen=True)
class Size:
    """Output size in pixels at ``dpi`` (print sizes use 300 dpi)."""

    width_px: int
    height_px: int
    dpi: int = 100


SIZES: dict[str, Size] = {
    "16x9": Size(1920, 1080),
    "square": Size(1080, 1080),
    "portrait": Size(1080, 1350),
    "print": Size(2480, 1754, 300),  # A5 landscape / half A4 at 300 dpi
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


def render_figure(
    result: Result,
    *,
    title: str = "",
    subtitle: str = "",
    units: Unit = "km",
    size: str = "square",
    theme: str = "light",
) -> Figure:
    """The analysed scenario as a matplotlib Figure, ready for :func:`figure_bytes`."""
    if not result.sites:
        raise ExportError("nothing to draw: the scenario has no sites")
    if size not in SIZES:
        raise ExportError(f"unknown size {size!r}; use one of {', '.join(SIZES)}")
    if theme not in THEMES:
        raise ExportError(f"unknown theme {theme!r}; use one of {', '.join(THEMES)}")
    with _rc():
        return _Drawing(result, SIZES[size], THEMES[theme], units).draw(title, subtitle)


class _Drawing:
    """One figure being drawn: its frame, projection and the label boxes already taken."""

    def __init__(self, result: Result, spec: Size, colours: Theme, units: Unit) -> None:
        self.result, self.spec, self.colours, self.units = result, spec, colours, units
        problem = far_side_problem(result.sites)
        if problem is not None:
            raise ExportError(problem)
        self.proj = projection_for(result.sites)[0]
        self.to_map = transformer(self.proj)
        self.fig = Figure(figsize=(spec.width_px / spec.dpi, spec.height_px / spec.dpi), dpi=spec.dpi)
        self.renderer: RendererBase = FigureCanvasAgg(self.fig).get_renderer()  # to measure labels with
        self.scale = spec.width_px * 100 / spec.dpi / 1080  # type sizes follow the width in inches
        self.taken: list[Bbox] = []

    def draw(self, title: str, subtitle: str) -> Figure:
        self.fig.patch.set_facecolor(self.colours.sea)
        top = 1.0 - (0.11 if subtitle else 0.075) * (1080 / self.spec.height_px) ** 0.5
        self.ax = self.fig.add_axes((0.0, 0.06, 1.0, top - 0.06))
        self.ax.set_axis_off()
        self.ax.set_facecolor(self.colours.sea)
        rings = [_valid_union(r) for r in self._project(self.result.rings)]
        self._frame(rings, top)
        shapes = self._borders()
        self._rings(rings)
        self._sites()
        self._country_labels(shapes)
        _scale_bar(self.ax, self.half_w, self.cx, self.cy, self.half_h, self.units, self.colours, self.scale)
        self._titles(title, subtitle)
        _legend(self.ax, self.result.sites, self.units, self.colours, self.scale)
        self._credit()
        return self.fig

    def _project(self, geoms: Sequence[BaseGeometry]) -> list[BaseGeometry]:
        return list(project(np.array(geoms, dtype=object), self.to_map))

    def _frame(self, rings: Sequence[BaseGeometry], top: float) -> None:
        """Frame the rings with a margin, fitting the axes' aspect ratio so rings stay round."""
        min_x, min_y, max_x, max_y = shapely.total_bounds(rings)
        pad = 0.08 * max(max_x - min_x, max_y - min_y)
        min_x, min_y, max_x, max_y = min_x - pad, min_y - pad, max_x + pad, max_y + pad
        ax_w, ax_h = self.fig.get_figwidth() * 1.0, self.fig.get_figheight() * (top - 0.06)
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

    def _borders(self) -> dict[str, BaseGeometry]:
        """Draw the countries (reached ones filled); return their projected shapes by name."""
        display = self.result.display
        tolerance = (display[2] - display[0]) / (4 * self.spec.width_px * 100 / self.spec.dpi)
        view = view_borders(self.result.countries, display, tolerance)
        projected = list(project_for_map(view.geometry.values.to_numpy(), self.proj, self.rect))
        is_reached = np.array([n in self.result.reached for n in view["name"]], dtype=bool)
        for mask, fill in ((~is_reached, self.colours.land), (is_reached, self.colours.reached)):
            paths = _paths([g for g, m in zip(projected, mask, strict=True) if m])
            self.ax.add_collection(
                PathCollection(
                    paths, facecolors=fill, edgecolors=self.colours.border, linewidths=0.5 * self.scale
                )
            )
        return dict(zip(view["name"], projected, strict=True))

    def _rings(self, rings: Sequence[BaseGeometry]) -> None:
        for i, ring in enumerate(rings):
            colour = site_colour(i)
            paths = _paths([ring])
            self.ax.add_collection(PathCollection(paths, facecolors=colour, alpha=0.10, edgecolors="none"))
            self.ax.add_collection(
                PathCollection(paths, facecolors="none", edgecolors=colour, linewidths=2.2 * self.scale)
            )

    def _sites(self) -> None:
        sites, scale = self.result.sites, self.scale
        halo = [matplotlib.patheffects.withStroke(linewidth=3 * scale, foreground=self.colours.halo)]
        xs, ys = self.to_map.transform([s.lon_deg for s in sites], [s.lat_deg for s in sites])
        names = site_labels(sites)
        for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
            self.ax.plot(
                [x],
                [y],
                "o",
                ms=7 * scale,
                mfc=site_colour(i),
                mec=self.colours.halo,
                mew=1.5 * scale,
                zorder=5,
            )
            name = names[i]
            if name is None:
                continue
            label = self.ax.text(
                x,
                y,
                f"  {drawable(name)}",
                fontsize=11 * scale,
                fontweight="bold",
                color=self.colours.text,
                va="center",
                ha="left",
                zorder=6,
                path_effects=halo,
            )
            self.taken.append(label.get_window_extent(self.renderer))

    def _country_labels(self, shapes: dict[str, BaseGeometry]) -> None:
        """Countries reached, largest covered first; any that would collide or stick out is left off."""
        ax_box = self.ax.get_window_extent(self.renderer)
        for row in self.result.rows:
            shape = shapes.get(row["country"])
            if shape is None or shape.is_empty:
                continue
            try:
                visible = shapely.clip_by_rect(shapely.make_valid(shape), *self.rect)
            except shapely.errors.GEOSException:
                continue  # a shape torn by the projection far from the centre: left unlabelled
            if visible.is_empty:
                continue
            point = visible.representative_point()
            text = self.ax.text(
                point.x,
                point.y,
                str(row["country"]).upper(),
                fontsize=8.5 * self.scale,
                color=self.colours.text,
                alpha=0.8,
                ha="center",
                va="center",
                zorder=4,
                # No halo: country names sit on flat fills, and stroked text costs ~10x to draw.
            )
            box = text.get_window_extent(self.renderer)
            inside = (
                ax_box.x0 <= box.x0 and box.x1 <= ax_box.x1 and ax_box.y0 <= box.y0 and box.y1 <= ax_box.y1
            )
            if not inside or any(box.overlaps(other) for other in self.taken):
                text.remove()
            else:
                self.taken.append(box)

    def _titles(self, title: str, subtitle: str) -> None:
        width_in, scale, text = self.fig.get_figwidth(), self.scale, self.colours.text
        if title:
            # Shrink long titles to fit on one line (≈0.6 em per character).
            size_pt = min(22 * scale, 0.96 * width_in * 72 / (0.6 * max(len(title), 1)))
            self.fig.text(
                0.02, 0.985, drawable(title), fontsize=size_pt, fontweight="bold", color=text, va="top"
            )
        if subtitle:
            size_pt = min(13 * scale, 0.96 * width_in * 72 / (0.55 * max(len(subtitle), 1)))
            y = 0.985 - 0.045 * (1080 / self.spec.height_px) ** 0.5
            self.fig.text(0.02, y, drawable(subtitle), fontsize=size_pt, color=text, va="top")

    def _credit(self) -> None:
        credit = self.fig.text(
            0.02,
            0.02,
            print_credit(self.result.sites),
            fontsize=8.5 * self.scale,
            color=self.colours.text,
            va="bottom",
        )
        # Wrap only a line that overflows: matplotlib's wrapping measures every
        # word-prefix of the line (~50 ms at 1600 px), even when it fits.
        if credit.get_window_extent(self.renderer).x1 > self.fig.bbox.x1:
            credit.set_wrap(True)


def site_labels(sites: Sequence[Site]) -> list[str | None]:
    """The label beside each site's marker: ``None`` where an earlier site at the same place
    already carries it. Sites sharing a place (several figures around one city) get one label,
    the common start of their names ("Ankara" for "Ankara (9M96 missile)", "Ankara (TASS)"),
    so that the names are not drawn over each other; the legend tells the rings apart."""
    groups: dict[tuple[float, float], list[int]] = {}
    for i, site in enumerate(sites):
        groups.setdefault((site.lat_deg, site.lon_deg), []).append(i)
    labels: list[str | None] = [None] * len(sites)
    for members in groups.values():
        names = [sites[i].name for i in members]
        shared = os.path.commonprefix(names).rstrip(" (:·,-") if len(names) > 1 else names[0]
        labels[members[0]] = shared or names[0]
    return labels


def _legend(ax: Axes, sites: Sequence[Site], units: Unit, colours: Theme, scale: float) -> None:
    handles, labels, seen = [], [], set()
    for i, site in enumerate(sites):
        key = (site.name, site.what())
        if key in seen:
            continue
        seen.add(key)
        handles.append(matplotlib.lines.Line2D([], [], color=site_colour(i), lw=2.5 * scale))
        labels.append(drawable(f"{site.name}: {site.label(units)}"))
    legend = ax.legend(
        handles,
        labels,
        loc="lower left",
        fontsize=9 * scale,
        frameon=True,
        framealpha=0.9,
        facecolor=colours.halo,
        edgecolor=colours.border,
        labelcolor=colours.text,
    )
    legend.set_zorder(10)


def _scale_bar(
    ax: Axes, half_w: float, cx: float, cy: float, half_h: float, units: Unit, colours: Theme, scale: float
) -> None:
    length_m = _nice_length_m(half_w * 2 / 4)
    x0, y0 = cx + half_w * 0.55, cy - half_h * 0.9
    ax.plot([x0, x0 + length_m], [y0, y0], color=colours.text, lw=3 * scale, solid_capstyle="butt", zorder=7)
    ax.text(
        x0 + length_m / 2,
        y0 + half_h * 0.025,
        format_distance(length_m, units),
        ha="center",
        va="bottom",
        fontsize=9 * scale,
        color=colours.text,
        zorder=7,
        bbox={"facecolor": colours.halo, "edgecolor": "none", "alpha": 0.7, "pad": 1.5 * scale},
    )


def figure_bytes(fig: Figure, fmt: str) -> bytes:
    """Serialise ``fig`` as png, svg or pdf (the figure stays open; nothing else is closed)."""
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
            return png_bytes(memoryview(canvas.buffer_rgba()).cast("B"), width, height, fig.dpi)
        buffer = io.BytesIO()
        metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}[fmt]
        fig.savefig(buffer, format=fmt, dpi=fig.dpi, facecolor=fig.get_facecolor(), metadata=metadata)
        return buffer.getvalue()
