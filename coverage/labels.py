"""Place names as a locator map shows them: placed without collisions, thinned by zoom.

For each integer zoom of the interactive map we place labels greedily in
priority order, in Web-Mercator pixel space, with an estimated text box per
label: a label shows at a zoom where its box (at one of a few anchors) overlaps
no label of higher priority shown at that zoom. The result is one character
per zoom and label (``-`` hidden, else the anchor's index), sent to the browser
as a property; a few lines of JavaScript in :mod:`coverage.maps` show the
labels for the current zoom. Nothing here knows about Leaflet.
"""

from __future__ import annotations

import csv
import dataclasses
import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, Protocol

from pyproj import Geod

from coverage import paths
from coverage.errors import DataFileError

Kind = Literal["country", "sea", "capital", "site", "highlight", "line"]

MIN_ZOOM = 1
MAX_ZOOM = 10
TILE_PX = 256.0
MAX_MERCATOR_LAT_DEG = 85.0511287798
MARGIN_PX = 2.0
"""Free space kept around every label box."""

FONT_PX: dict[Kind, float] = {
    "country": 11.0,
    "sea": 12.0,
    "capital": 11.0,
    "site": 13.0,
    "highlight": 13.0,
    "line": 0.0,
}
CHAR_EM: dict[Kind, float] = {
    "country": 0.84,
    "sea": 0.6,
    "capital": 0.62,
    "site": 0.62,
    "highlight": 0.66,
    "line": 0.0,
}
"""Generous average advance per character, in ems: the text is drawn by the
browser in a sans-serif we do not control (DejaVu Sans is among the widest);
country names are upper case with letter spacing."""
DOT_PX = 7.0
"""A capital's dot radius plus gap: its name starts this far from the point."""

ANCHORS: dict[Kind, tuple[tuple[float, float], ...]] = {
    # Offsets of the box in units of its own (width, height) from "centred on the point".
    "country": (
        (0.0, 0.0),
        (0.0, -1.2),
        (0.0, 1.2),
        (0.5, 0.0),
        (-0.5, 0.0),
        (0.0, -2.2),
        (0.0, 2.2),
        (0.5, 1.2),
        (-0.5, -1.2),
        (-0.5, 1.2),
    ),
    "sea": ((0.0, 0.0), (0.0, -1.0), (0.0, 1.0)),
    "capital": ((0.5, 0.0), (-0.5, 0.0), (0.5, -0.8), (0.5, 0.8)),
    # A site's name: right of its marker, or left of it (Leaflet's "auto" tooltip direction
    # for a site east of the map's centre).
    "site": ((0.5, 0.0), (-0.5, 0.0), (0.0, -0.5), (0.0, 0.5)),
    # A highlighted line's name, beside the line (a gap of HIGHLIGHT_GAP_PX), never on it.
    "highlight": ((-0.5, 0.0), (0.5, 0.0), (0.0, -1.0), (0.0, 1.0), (-0.5, -1.0), (0.5, 1.0)),
    "line": ((0.0, 0.0),),
}
HIGHLIGHT_GAP_PX = 10.0
"""Space between a highlighted line's point and its name."""
LINE_STEP_DEG = 0.02
"""Spacing of the obstacles that keep names off a highlighted line (a few pixels up to zoom 9)."""
OBSTACLES: tuple[Kind, ...] = ("site", "line")
"""Kinds always placed, first, at every zoom: what other labels must not cover."""
"""Where a label may sit relative to its point, best first (capital names beside their dot);
at most ten per kind (the browser gets one digit per zoom)."""

STORY_COUNTRIES_ISO_A3 = ("TUR", "GRC", "BGR", "ARM", "AZE", "GEO", "IRN", "IRQ", "SYR", "CYP")
"""Countries the story is about: always named at the story's zoom."""

MUST_SHOW_PCT = 1.0
"""Countries with at least this share within range are named first."""

SEAS_CSV = paths.PLACES_DIR / "seas.csv"


@dataclass(frozen=True)
class Label:
    """A name to place at a point; lower ``priority`` is placed first.

    ``min_zoom`` is the first zoom it may show at (a small country's name waits
    until the country is big enough on screen). Labels of kind ``site`` are
    obstacles only (the map's own site names): placed first at every zoom.
    """

    text: str
    lon_deg: float
    lat_deg: float
    kind: Kind
    priority: float
    min_zoom: int = MIN_ZOOM
    group: str | None = None
    """Labels of one group are alternatives: at most one of them shows at a zoom."""
    font_px: float | None = None
    """The text's size if not the kind's (:data:`FONT_PX`): site labels in presentation mode."""
    anchors: tuple[int, ...] | None = None
    """The anchors to try, in order (indices into :data:`ANCHORS`); all, in their order, if None."""


Box = tuple[float, float, float, float]


def world_px(lon_deg: float, lat_deg: float, zoom: float) -> tuple[float, float]:
    """Web-Mercator pixel coordinates of a point at ``zoom`` (Leaflet's, origin top-left)."""
    size = TILE_PX * 2.0**zoom
    lat = max(-MAX_MERCATOR_LAT_DEG, min(MAX_MERCATOR_LAT_DEG, lat_deg))
    sin_lat = math.sin(math.radians(lat))
    x = (lon_deg + 180.0) / 360.0 * size
    y = (0.5 - math.log((1.0 + sin_lat) / (1.0 - sin_lat)) / (4.0 * math.pi)) * size
    return x, y


def text_size(label: Label) -> tuple[float, float]:
    """Estimated (width, height) of a label's text in pixels."""
    if label.kind == "line":  # a point of a highlighted line and its stroke
        return 6.0, 6.0
    font = label.font_px or FONT_PX[label.kind]
    width, height = len(label.text) * CHAR_EM[label.kind] * font + 4.0, font * 1.3
    if label.kind == "site":  # a Leaflet tooltip: 6 px padding, a border and a pointer
        lines = math.ceil(width / (SITE_MAX_EM * font))  # long names wrap (see coverage.maps)
        return min(width, SITE_MAX_EM * font) + 16.0, height * lines + 10.0
    return width, height


def label_box(label: Label, zoom: float, anchor: int) -> Box:
    """The pixel box (x0, y0, x1, y1) of ``label`` at ``zoom`` and anchor index ``anchor``."""
    x, y = world_px(label.lon_deg, label.lat_deg, zoom)
    w, h = text_size(label)
    fx, fy = ANCHORS[label.kind][anchor]
    cx = x + fx * w + (math.copysign(DOT_PX, fx) if label.kind in ("capital", "site") and fx else 0.0)
    cy = y + fy * h + (math.copysign(DOT_PX, fy) if label.kind == "site" and fy else 0.0)
    if label.kind == "highlight":
        cx += math.copysign(HIGHLIGHT_GAP_PX, fx) if fx else 0.0
        cy += math.copysign(HIGHLIGHT_GAP_PX, fy) if fy else 0.0
    if label.kind == "site":  # the site's marker too (radius 5 to 7 px, with its outline)
        return (
            min(x - 2.0 * DOT_PX, cx - w / 2.0),
            cy - h / 2.0,
            max(x + 2.0 * DOT_PX, cx + w / 2.0),
            cy + h / 2.0,
        )
    return (cx - w / 2.0, cy - h / 2.0, cx + w / 2.0, cy + h / 2.0)


def overlaps(a: Box, b: Box, margin: float = MARGIN_PX) -> bool:
    """Whether two boxes come closer than ``margin``."""
    return a[0] < b[2] + margin and b[0] < a[2] + margin and a[1] < b[3] + margin and b[1] < a[3] + margin


class _Grid:
    """Boxes bucketed by a coarse pixel grid: a collision test looks at a few cells only."""

    def __init__(self, cell_px: float = 128.0) -> None:
        self.cell = cell_px
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def _keys(self, box: Box) -> Iterable[tuple[int, int]]:
        c = self.cell
        for i in range(int((box[0] - MARGIN_PX) // c), int((box[2] + MARGIN_PX) // c) + 1):
            for j in range(int((box[1] - MARGIN_PX) // c), int((box[3] + MARGIN_PX) // c) + 1):
                yield i, j

    def free(self, box: Box) -> bool:
        return not any(overlaps(box, other) for key in self._keys(box) for other in self.cells.get(key, ()))

    def add(self, box: Box) -> None:
        for key in self._keys(box):
            self.cells.setdefault(key, []).append(box)


def place(labels: Sequence[Label], min_zoom: int = MIN_ZOOM, max_zoom: int = MAX_ZOOM) -> list[str]:
    """For each label, one character per zoom ``min_zoom..max_zoom``: ``-`` hidden, else its anchor.

    Greedy by priority at each zoom, each label at its first anchor that fits
    (:data:`ANCHORS`: the best placement first). Two labels shown at the same
    zoom never overlap (sites included).
    """
    order = sorted(range(len(labels)), key=lambda i: (labels[i].kind not in OBSTACLES, labels[i].priority, i))
    codes: list[list[str]] = [[] for _ in labels]
    for zoom in range(min_zoom, max_zoom + 1):
        grid = _Grid()
        current: dict[int, int] = {}
        groups: set[str] = set()
        for i in order:
            label = labels[i]
            obstacle = label.kind in OBSTACLES
            if not obstacle and (zoom < label.min_zoom or label.group in groups):
                continue
            for anchor in label.anchors or range(len(ANCHORS[label.kind])):
                box = label_box(label, zoom, anchor)
                if obstacle or grid.free(box):
                    grid.add(box)
                    current[i] = anchor
                    if label.group is not None:
                        groups.add(label.group)
                    break
        for i in range(len(labels)):
            codes[i].append(str(current[i]) if i in current else "-")
    return ["".join(c) for c in codes]


def fit_zoom(
    bounds: tuple[float, float, float, float], width_px: float, height_px: float, snap: float = 1.0
) -> Any:
    """The whole zoom Leaflet's ``fitBounds`` reaches for ``bounds`` (lon/lat) on a map of this size.

    (Leaflet may snap to a quarter zoom above this; labels are placed per whole zoom.)
    ``snap`` < 1: that zoom to the ``snap`` step, as Leaflet's ``zoomSnap`` gives it (a float).
    """
    west, south, east, north = bounds
    x0, y0 = world_px(west, north, 0)
    x1, y1 = world_px(east, south, 0)
    scale = min(width_px / max(x1 - x0, 1e-9), height_px / max(y1 - y0, 1e-9))
    if snap < 1.0:
        return max(0.0, math.floor(math.log2(scale) / snap) * snap)
    return max(0, int(math.floor(math.log2(scale))))


def lon_lat(x_px: float, y_px: float, zoom: float) -> tuple[float, float]:
    """The inverse of :func:`world_px`."""
    size = TILE_PX * 2.0**zoom
    lon = x_px / size * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * y_px / size))))
    return lon, lat


def screen_view(
    view: tuple[float, float, float, float], width_px: float, height_px: float
) -> tuple[float, float, float, float]:
    """``view`` widened (or heightened) to a map's proportions: what the map shows once fitted."""
    west, south, east, north = view
    x0, y0 = world_px(west, north, 0)
    x1, y1 = world_px(east, south, 0)
    w, h = x1 - x0, y1 - y0
    if w / max(h, 1e-12) < width_px / height_px:
        grow = 0.5 * (h * width_px / height_px - w)
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = 0.5 * (w * height_px / width_px - h)
        y0, y1 = max(0.0, y0 - grow), min(TILE_PX, y1 + grow)
    new_west, new_north = lon_lat(x0, y0, 0)
    new_east, new_south = lon_lat(x1, y1, 0)
    return (new_west, new_south, new_east, new_north)


@dataclass(frozen=True)
class Sea:
    """A sea or ocean name and its hand-placed label point (``data/places/seas.csv``)."""

    name: str
    lat_deg: float
    lon_deg: float
    rank: int


SEA_COLUMNS = ("name", "lat", "lon", "rank")
MAX_SEA_RANK = 4


@lru_cache(maxsize=1)
def seas() -> tuple[Sea, ...]:
    """The seas and oceans both maps name (``data/places/seas.csv``), in file order.

    Every row is checked: a broken one is a :class:`DataFileError` naming the file, the
    line and what is wrong with it.
    """
    try:
        with SEAS_CSV.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = tuple(next(reader, ()))
            rows = [(reader.line_num, row) for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataFileError(f"{SEAS_CSV}: cannot read the seas ({exc})") from exc
    if header != SEA_COLUMNS:
        columns = ",".join(SEA_COLUMNS)
        raise DataFileError(f"{SEAS_CSV}: the columns must be {columns}, not {','.join(header)}")
    out: list[Sea] = []
    for line, row in rows:
        try:
            sea = _sea_row(row)
        except ValueError as exc:
            raise DataFileError(f"{SEAS_CSV}, line {line}: {exc}") from exc
        if any(s.name == sea.name for s in out):
            raise DataFileError(f"{SEAS_CSV}, line {line}: {sea.name!r} is listed twice")
        out.append(sea)
    return tuple(out)


def _sea_row(row: Sequence[str]) -> Sea:
    """One row of the seas table, or a ValueError saying what is wrong with it."""
    if len(row) != len(SEA_COLUMNS):
        raise ValueError(f"{len(row)} values where {len(SEA_COLUMNS)} ({','.join(SEA_COLUMNS)}) belong")
    name, lat_text, lon_text, rank_text = row
    if not name.strip() or name != name.strip():
        raise ValueError(f"the name {name!r} is blank or has spaces around it")
    values = []
    for column, text, limit in (("lat", lat_text, 90.0), ("lon", lon_text, 180.0)):
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{column} {text!r} of {name} is not a number") from None
        if not -limit <= value <= limit:  # also false for NaN
            raise ValueError(f"{column} {text} of {name} is outside [-{limit:g}, {limit:g}]")
        values.append(value)
    if not rank_text.isdigit() or int(rank_text) > MAX_SEA_RANK:
        raise ValueError(f"rank {rank_text!r} of {name} is not a whole number from 0 to {MAX_SEA_RANK}")
    return Sea(name, values[0], values[1], int(rank_text))


SEA_REACH_KM = 1500.0
"""How far from its label point a sea (rank 1 and up) may name water that no label point in
view names: about half the width of the largest listed seas (the Mediterranean, the Bering
Sea). An ocean (rank 0) names water at any distance."""
PATH_STEP_KM = 20.0
"""Spacing of the points tested for land along a path over water (narrower than an isthmus at
the print maps' scales, e.g. Panama or Suez at 1:110m)."""
_GEOD = Geod(ellps="WGS84")


def sea_for_water(lon_deg: float, lat_deg: float, land: Callable[[Any, Any], Any]) -> Sea | None:
    """The listed sea or ocean to name open water at a point by, or None.

    The rule, for a map whose view holds no listed label point: the nearest label point
    (great-circle distance) that a straight path over water reaches, from a sea within
    :data:`SEA_REACH_KM`, from an ocean at any distance. ``land(lons, lats)`` tells which
    points are on land (arrays in, booleans out). Land between the water and a label point
    keeps that name off it (the Red Sea off the Gulf of Guinea, the Caribbean off the
    Pacific coast of Panama); the reach keeps a sea's name off the open ocean beyond it.
    It is a rule on points, not the seas' limits (IHO S-23): near a limit that no land
    marks (20°E between the Atlantic and Indian Oceans south of Africa) it can name the
    wrong side.
    """
    found: tuple[float, Sea] | None = None
    for sea in seas():
        _, _, dist_m = _GEOD.inv(lon_deg, lat_deg, sea.lon_deg, sea.lat_deg)
        dist_km = dist_m / 1000.0
        if (sea.rank > 0 and dist_km > SEA_REACH_KM) or (found is not None and dist_km >= found[0]):
            continue
        steps = max(1, math.ceil(dist_km / PATH_STEP_KM))
        path = _GEOD.npts(lon_deg, lat_deg, sea.lon_deg, sea.lat_deg, steps - 1) if steps > 1 else []
        lons = [lon_deg, *(p[0] for p in path), sea.lon_deg]
        lats = [lat_deg, *(p[1] for p in path), sea.lat_deg]
        if not bool(land(lons, lats).any()):
            found = (dist_km, sea)
    return found[1] if found else None


SEA_MIN_ZOOM = (1, 2, 3, 4, 6)
"""First zoom for each sea rank (oceans from the world view, the Sea of Marmara close up)."""


def sea_labels(priority: float) -> list[Label]:
    """Every curated sea as a label of ``priority`` (larger seas first within it)."""
    return [
        Label(s.name, s.lon_deg, s.lat_deg, "sea", priority + s.rank / 10.0, SEA_MIN_ZOOM[min(s.rank, 4)])
        for s in seas()
    ]


def size_min_zoom(text: str, width_deg: float, height_deg: float, kind: Kind = "country") -> int:
    """The first zoom at which a country of this extent is at least half as wide as its name."""
    probe = Label(text, 0.0, 0.0, kind, 0.0)
    w, _ = text_size(probe)
    extent_px_at_0 = max(width_deg, 0.6 * height_deg) / 360.0 * TILE_PX
    if extent_px_at_0 <= 0:
        return MAX_ZOOM + 1
    return max(MIN_ZOOM, math.ceil(math.log2(0.5 * w / extent_px_at_0)))


@dataclass(frozen=True)
class CountryPoint:
    """Where a country's name goes: the pole of inaccessibility of its largest part."""

    name: str
    iso_a3: str | None
    lon_deg: float
    lat_deg: float
    width_deg: float
    height_deg: float


LABEL_RESOLUTION = "50m"
"""Label points come from the 1:50m borders (every country, and quick to search)."""


@lru_cache(maxsize=1)
def country_points() -> tuple[CountryPoint, ...]:
    """A label point per country of the :data:`LABEL_RESOLUTION` borders (computed once)."""
    from coverage.borders import load_countries

    countries = load_countries(LABEL_RESOLUTION)
    out = []
    for name, iso, geom in zip(countries.name, countries.iso_a3, countries.geometry, strict=True):
        point, (w, h) = _label_point(geom)
        out.append(CountryPoint(str(name), iso, point[0], point[1], w, h))
    return tuple(out)


def _label_point(geom: object) -> tuple[tuple[float, float], tuple[float, float]]:
    """(lon, lat) inside ``geom``'s largest part, and that part's (width, height) in degrees."""
    import shapely
    from shapely.ops import polylabel

    parts = shapely.get_parts(geom)
    largest = max(parts, key=lambda p: p.area)
    min_x, min_y, max_x, max_y = largest.bounds
    point = polylabel(largest, tolerance=max(0.01, 0.02 * max(max_x - min_x, max_y - min_y)))
    return (float(point.x), float(point.y)), (max_x - min_x, max_y - min_y)


@lru_cache(maxsize=512)
def visible_points(iso_a3: str, view: tuple[float, float, float, float]) -> tuple[tuple[float, float], ...]:
    """Label points for the part of a country inside ``view`` (which may cross ±180°), best first.

    The pole of inaccessibility of the largest visible part, then of its west,
    east, north and south halves: other places for the name when sites' labels
    or other names cover the first. Empty if the country is not in ``view``.
    """
    import shapely
    from shapely.ops import polylabel

    from coverage.borders import load_borders
    from coverage.view import clip_wrapped

    frame = load_borders(LABEL_RESOLUTION)
    rows = frame[frame["iso_a3"] == iso_a3]
    if rows.empty:
        return ()
    _, _, clipped = clip_wrapped(rows, view)
    parts = [p for g in clipped for p in shapely.get_parts(g) if not p.is_empty and p.area > 0]
    if not parts:
        return ()
    largest = max(parts, key=lambda p: p.area)
    west, south, east, north = largest.bounds
    mid_lon, mid_lat = 0.5 * (west + east), 0.5 * (south + north)
    halves = [
        (west, south, mid_lon, north),
        (mid_lon, south, east, north),
        (west, mid_lat, east, north),
        (west, south, east, mid_lat),
    ]
    points = []
    for piece in [largest, *(shapely.clip_by_rect(largest, *half) for half in halves)]:
        polys = [p for p in shapely.get_parts(piece) if isinstance(p, shapely.Polygon) and p.area > 0]
        if polys:
            best = max(polys, key=lambda p: p.area)
            found = polylabel(best, tolerance=max(0.01, 0.02 * max(best.bounds[2] - best.bounds[0], 0.1)))
            points.append((round(float(found.x), 3), round(float(found.y), 3)))
    return tuple(dict.fromkeys(points))


def _in_view(lon: float, lat: float, view: tuple[float, float, float, float]) -> bool:
    west, south, east, north = view
    return south <= lat <= north and any(west <= lon + k * 360.0 <= east for k in (-1, 0, 1))


SITE_MAX_EM = 12.0
"""A site's name wraps at this width (in ems of its font): a long one takes two lines."""
FIT_PX = (720.0, 480.0)
"""The smallest map the app shows (presentation mode at 1280×720 is about 730×530): site and
highlight names are kept inside the view at the zoom it opens at on a map this size, so on
any larger one too."""

SITE_DIRECTIONS = ("right", "left", "top", "bottom")
"""Leaflet's tooltip direction for each of ``ANCHORS["site"]``."""


def site_anchors(
    sites: Sequence[tuple[str, float, float]],
    view: tuple[float, float, float, float],
    lines: Sequence[tuple[str, Sequence[tuple[float, float]]]] = (),
    font_px: float | None = None,
    zoom: float | None = None,
    orders: Sequence[tuple[int, ...] | None] = (),
) -> list[int]:
    """Where each site's name goes (an index into ``ANCHORS["site"]``), chosen once at the zoom
    the map opens at (``zoom``; else the one that fits ``view`` on a map of :data:`FIT_PX`).

    Towards the middle of the map first (right of a site west of the centre, left of one
    east of it), then the other side, above, below: the first box inside the view that
    covers neither an earlier site's name nor a highlighted line (inside the view first).
    ``orders``: for a name, the anchors it may take, in order, if not those (a ring's name
    at its top: above the ring's line, or below it).
    """
    if zoom is None:  # the zoom Leaflet opens at (quarter steps), not the whole zoom below it
        zoom = fit_zoom(view, *FIT_PX, snap=0.25)
    centre = 0.5 * (view[0] + view[2])
    grid = _Grid()
    for _, coords in lines:
        for lon, lat in _along(coords, LINE_STEP_DEG):
            grid.add(label_box(Label("", lon, lat, "line", 0.0), zoom, 0))
    frame = view_px(view, zoom)
    placed: list[Box] = []  # the sites' names so far: where none is free, the least covered
    chosen = []
    for k, (name, lon, lat) in enumerate(sites):
        order = (orders[k] if k < len(orders) else None) or ((0, 1, 2, 3) if lon < centre else (1, 0, 2, 3))
        label = Label(name, lon, lat, "site", -1.0, font_px=font_px)
        boxes = {a: label_box(label, zoom, a) for a in order}
        fits = [a for a in order if inside(boxes[a], frame)] or list(order)
        pick = next(
            (a for a in fits if grid.free(boxes[a])),
            min(fits, key=lambda a: sum(_overlap_area(boxes[a], b) for b in placed)),
        )
        grid.add(boxes[pick])
        placed.append(boxes[pick])
        chosen.append(pick)
    return chosen


def _overlap_area(a: Box, b: Box) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def view_px(view: tuple[float, float, float, float], zoom: float) -> Box:
    """``view`` (west, south, east, north) as a pixel box at ``zoom``."""
    x0, y0 = world_px(view[0], view[3], zoom)
    x1, y1 = world_px(view[2], view[1], zoom)
    return (x0, y0, x1, y1)


def inside(box: Box, frame: Box) -> bool:
    """Whether ``box`` lies wholly within ``frame``."""
    return frame[0] <= box[0] and frame[1] <= box[1] and box[2] <= frame[2] and box[3] <= frame[3]


def highlight_labels(
    lines: Sequence[tuple[str, Sequence[tuple[float, float]]]],
    view: tuple[float, float, float, float],
    font_px: float | None = None,
    zoom: int | None = None,
) -> list[Label]:
    """Names of highlighted lines and the obstacles that keep every name off them.

    ``lines``: (name, [(lon, lat), …] of the line's longest part). Each line gets
    ``line`` obstacles every :data:`LINE_STEP_DEG` and its name beside its middle point,
    placed right after the sites, on the side towards the map's centre first; never where,
    at the zoom the map opens at (``zoom``, else as for the app's map panel), it would run
    past the edge of ``view``.
    """
    if zoom is None:
        zoom = fit_zoom(view, *FIT_PX)
    frame = view_px(view, zoom)
    centre_lon_deg = 0.5 * (view[0] + view[2])
    out: list[Label] = []
    for k, (name, coords) in enumerate(lines):
        out += [Label("", lon, lat, "line", -1.0) for lon, lat in _along(coords, LINE_STEP_DEG)]
        # A few points along the line, the middle first; each beside the line towards the
        # map's centre, and only then on the outer side. One of them shows (a group).
        for outer, fraction in enumerate(HIGHLIGHT_POINTS * 2):
            lon, lat = coords[min(len(coords) - 1, int(fraction * len(coords)))]
            east = lon >= centre_lon_deg
            inward = (0, 4, 2, 3) if east else (1, 5, 2, 3)
            outward = (1, 5) if east else (0, 4)
            priority = -0.5 + k / 100.0 + outer * 1e-4
            label = Label(name, lon, lat, "highlight", priority, font_px=font_px, group=f"highlight {k}")
            wanted = outward if outer >= len(HIGHLIGHT_POINTS) else inward
            sides = tuple(a for a in wanted if inside(label_box(label, zoom, a), frame))
            if sides:
                out.append(dataclasses.replace(label, anchors=sides))
    return out


HIGHLIGHT_POINTS = (0.5, 0.35, 0.65, 0.2, 0.8)
"""Where along a highlighted line its name may go (fractions of its points), in order."""


def _along(coords: Sequence[tuple[float, float]], step_deg: float) -> list[tuple[float, float]]:
    """Points along a line at most ``step_deg`` apart (its vertices and points between)."""
    out = [coords[0]]
    for (x0, y0), (x1, y1) in zip(coords, coords[1:], strict=False):
        n = max(1, math.ceil(math.hypot(x1 - x0, y1 - y0) / step_deg))
        out += [(x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n) for i in range(1, n + 1)]
    return out


def map_labels(
    shares_by_iso: dict[str, float],
    view: tuple[float, float, float, float],
    sites: Sequence[tuple[str, float, float]] = (),
    story_iso_a3: Sequence[str] = STORY_COUNTRIES_ISO_A3,
    site_font_px: float | None = None,
    site_sides: Sequence[int] | None = None,
) -> list[Label]:
    """Every label of a map: countries, seas, capitals, and the sites as obstacles.

    Priority: countries with ≥ :data:`MUST_SHOW_PCT` % within range (largest
    share first), then the story's countries and the other reached ones, then
    seas, the other countries by size, and capitals (those of the named
    countries first). A priority country whose usual label point is off the
    ``view`` is named on its part inside the view (Russia on a Kaliningrad map).
    ``sites`` are (name, lon, lat), obstacles that keep place names off their labels
    (drawn at ``site_font_px``, if not the usual size, on the side ``site_sides`` gives,
    else as :func:`site_anchors` chooses);
    a capital with a site on it is not named twice.
    """
    from coverage.places import capitals

    must: dict[str, float] = {}
    for iso, pct in shares_by_iso.items():
        if pct >= MUST_SHOW_PCT:
            must[iso] = -pct
    for rank, iso in enumerate(story_iso_a3):
        must.setdefault(iso, rank / 100.0)
    for iso in shares_by_iso:
        must.setdefault(iso, 1.0)
    sides = site_anchors(sites, view, font_px=site_font_px) if site_sides is None else site_sides
    labels = [
        Label(name, lon, lat, "site", -1.0, font_px=site_font_px, anchors=(side,))
        for (name, lon, lat), side in zip(sites, sides, strict=True)
    ]
    labels += sea_labels(2.0)
    points = country_points()
    area_rank = {p.iso_a3: i for i, p in enumerate(sorted(points, key=lambda p: -p.width_deg * p.height_deg))}
    rounded_view = (
        round(view[0], 2),
        round(view[1], 2),
        round(view[2], 2),
        round(view[3], 2),
    )
    for p in points:
        own_zoom = size_min_zoom(p.name.upper(), p.width_deg, p.height_deg)
        if p.iso_a3 in must and p.iso_a3 is not None:
            # The name's usual point if it is in view, then places inside the visible part.
            spots = list(visible_points(p.iso_a3, rounded_view))
            if _in_view(p.lon_deg, p.lat_deg, view):
                spots.insert(0, (p.lon_deg, p.lat_deg))
            min_zoom = max(MIN_ZOOM, own_zoom - 1)
            for k, (lon, lat) in enumerate(spots or [(p.lon_deg, p.lat_deg)]):
                labels.append(
                    Label(p.name, lon, lat, "country", must[p.iso_a3] + k * 1e-4, min_zoom, group=p.iso_a3)
                )
        else:
            priority = 3.0 + area_rank[p.iso_a3] / 1000.0
            labels.append(Label(p.name, p.lon_deg, p.lat_deg, "country", priority, own_zoom))
    for iso, place in capitals().items():
        capital_rank = area_rank.get(iso)
        near_site = any(
            abs(place.lat_deg - lat) < 0.3 and abs(place.lon_deg - lon) < 0.3 for _, lon, lat in sites
        )
        if capital_rank is None or near_site:  # a site at a capital is named by its own label
            continue
        first = iso in must
        labels.append(
            Label(
                place.name,
                place.lon_deg,
                place.lat_deg,
                "capital",
                (4.0 if first else 5.0) + capital_rank / 1000.0,
                4 if first else 5,
            )
        )
    return labels


class SiteLike(Protocol):
    """What naming a site needs of it (:class:`coverage.scenario.Site`)."""

    @property
    def name(self) -> str: ...

    @property
    def lat_deg(self) -> float: ...

    @property
    def lon_deg(self) -> float: ...


def site_labels(sites: Sequence[SiteLike]) -> list[str | None]:
    """The label beside each site's marker: ``None`` where an earlier site at the same place
    already carries it. Sites sharing a place (several figures around one city) get one label,
    the common start of their names ("Ankara" for "Ankara (9M96 missile)", "Ankara (TASS)"),
    so that the names are not drawn over each other; the legend tells the rings apart. Every
    renderer names sites this way (the print figures and the web maps)."""
    groups: dict[tuple[float, float], list[int]] = {}
    for i, site in enumerate(sites):
        groups.setdefault((site.lat_deg, site.lon_deg), []).append(i)
    labels: list[str | None] = [None] * len(sites)
    for members in groups.values():
        names = [sites[i].name for i in members]
        shared = names[0][: _shared_start(names)] if len(names) > 1 else names[0]
        labels[members[0]] = shared or names[0]
    return labels


def ring_names(sites: Sequence[SiteLike], place: Callable[[str], str] = str) -> list[str | None]:
    """What tells apart the rings of sites sharing a place (:func:`site_labels` gives them one
    name): each name's end after the names' common start, in ``place``'s words ("9M96
    missile" for "Ankara (9M96 missile)"), to show on the ring; None for a site alone at its
    place (its own name says it)."""
    groups: dict[tuple[float, float], list[int]] = {}
    for i, site in enumerate(sites):
        groups.setdefault((site.lat_deg, site.lon_deg), []).append(i)
    out: list[str | None] = [None] * len(sites)
    for members in groups.values():
        if len(members) < 2:
            continue
        names = [place(sites[i].name) for i in members]
        start = _shared_start(names)
        for i, name in zip(members, names, strict=True):
            out[i] = name[start:].strip(" (:·,-").removesuffix(")").strip() or None
    return out


_SEPARATORS = " (:·,-"


def _shared_start(names: Sequence[str]) -> int:
    """The length of the names' common start, back to a whole word (up to where each name
    ends or goes on with a space or a parenthesis) and out of any parenthesis it opens:
    "Incirlik" of "Incirlik (S-400)" and "Incirlik (S-300)", not "Incirlik (S"; "Ankara" of
    "Ankara (TASS, 2018)" and "Ankara (TASS, 2019)"; without the separators at its end."""
    n = len(os.path.commonprefix(list(names)))
    while n > 0 and not all(len(name) == n or name[n] in " (" for name in names):
        n -= 1
    head = names[0][:n]
    if head.count("(") > head.count(")"):
        head = head[: head.rfind("(")]
    return len(head.rstrip(_SEPARATORS))
