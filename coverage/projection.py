"""The print map's projection: azimuthal equidistant, centred on the sites.

Rings stay round and distances from the centre are true. Projecting the
borders is the print map's dearest step, so points that cannot show on the
map are placed on the sphere and only the rest exactly (:func:`project_for_map`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Geod, Transformer
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from coverage.cache import LRUCache
from coverage.errors import ExportError
from coverage.geodesy import distance_m
from coverage.i18n import N_
from coverage.scenario import Site


def projection_for(sites: Sequence[Site]) -> tuple[str, float, float]:
    """A centred azimuthal equidistant projection: (proj string, lat0, lon0)."""
    lats = np.radians([s.lat_deg for s in sites])
    lons = np.radians([s.lon_deg for s in sites])
    # Mean direction on the sphere, so sites either side of ±180° average correctly.
    x, y, z = np.cos(lats) * np.cos(lons), np.cos(lats) * np.sin(lons), np.sin(lats)
    lat0 = math.degrees(math.atan2(z.mean(), math.hypot(x.mean(), y.mean())))
    lon0 = math.degrees(math.atan2(y.mean(), x.mean()))
    return f"+proj=aeqd +lat_0={lat0:.4f} +lon_0={lon0:.4f} +datum=WGS84 +units=m", lat0, lon0


FAR_SIDE_MARGIN_M = 1_000_000.0
"""How close to the antipode of the map's centre a ring may come: the projection tears there."""


def far_side_problem(sites: Sequence[Site]) -> str | None:
    """Why these sites cannot share one print map, or None if they can.

    An azimuthal map centred on all the sites spreads the antipode of its centre
    round its whole rim, so a ring reaching it cannot be drawn (one site alone
    never does: the largest radius is half the distance to its antipode).
    """
    error = far_side_error(sites)
    return None if error is None else str(error)


def far_side_error(sites: Sequence[Site]) -> ExportError | None:
    """:func:`far_side_problem` as the error to raise or show (it can say itself in any language)."""
    if not sites:
        return None
    _, lat0, lon0 = projection_for(sites)
    anti_lat, anti_lon = -lat0, (lon0 + 360.0) % 360.0 - 180.0
    for site in sites:
        to_far_side_m = float(distance_m(site.lat_deg, site.lon_deg, anti_lat, anti_lon))
        if to_far_side_m <= site.radius_m + FAR_SIDE_MARGIN_M:
            return ExportError.of(
                N_(
                    "the {radius} km ring around {site} reaches the far side of the Earth "
                    "from the centre of a print map of all these sites, where it cannot be drawn; "
                    "make separate maps, or export HTML or GeoJSON"
                ),
                radius=f"{site.radius_km:,.0f}",
                site=repr(site.name),
            )
    return None


_TRANSFORMERS: LRUCache[str, Transformer] = LRUCache(16)


def transformer(proj: str) -> Transformer:
    """Lon/lat to ``proj``, remembered: creating a Transformer costs ~12 ms."""
    return _TRANSFORMERS.get_or_make(proj, lambda: Transformer.from_crs("EPSG:4326", proj, always_xy=True))


def project(geoms: Any, transformer: Transformer) -> Any:
    """Project a geometry or an array of them, in one call to PROJ."""
    return shapely.transform(geoms, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def project_for_map(geoms: np.ndarray, proj: str, rect: tuple[float, float, float, float]) -> np.ndarray:
    """Project lon/lat ``geoms`` to ``proj``: exactly wherever they can show in ``rect``.

    The borders are those of the app's wider map panel, so most of their
    vertices lie outside the figure, and PROJ's ellipsoidal azimuthal
    equidistant costs ~1.5 µs a point (8x the spherical one). So every vertex
    is first placed on the sphere, whose error is within 0.56 % of the distance
    from the centre (+1 km) up to 12,000 km (measured over the globe for
    centres at every latitude); bounded by twice that, any segment that may
    come near ``rect`` (2 % margin) gets both ends projected exactly. The rest
    keep spherical positions: they stay outside the map, which therefore draws
    exactly as if all were exact.
    """
    coords = shapely.get_coordinates(geoms)
    if len(coords) < 2:
        projected: np.ndarray = project(geoms, transformer(proj))
        return projected
    xy = np.column_stack(transformer(proj.replace("+datum=WGS84", "+R=6371008.8")).transform(*coords.T))
    dist = np.hypot(xy[:, 0], xy[:, 1])
    bound = np.where(np.isfinite(dist) & (dist < 1e7), 0.01 * (dist + 1000.0), np.inf)
    low = np.where(np.isinf(bound)[:, None], -np.inf, xy - bound[:, None])
    high = np.where(np.isinf(bound)[:, None], np.inf, xy + bound[:, None])
    x0, y0, x1, y1 = rect
    margin = 0.02 * max(x1 - x0, y1 - y0)
    # Segment i joins vertices i and i + 1 (across ring ends too, which only adds exact vertices).
    seg_low, seg_high = np.minimum(low[:-1], low[1:]), np.maximum(high[:-1], high[1:])
    near = (
        (seg_low[:, 0] <= x1 + margin)
        & (seg_high[:, 0] >= x0 - margin)
        & (seg_low[:, 1] <= y1 + margin)
        & (seg_high[:, 1] >= y0 - margin)
    )
    exact = np.zeros(len(xy), dtype=bool)
    exact[:-1] |= near
    exact[1:] |= near
    # A lon/lat pair is exact everywhere or nowhere: rings stay closed, shared vertices shared.
    _, same = np.unique(coords[:, 0] + 1j * coords[:, 1], return_inverse=True)
    exact = np.bincount(same, weights=exact)[same] > 0
    xy[exact] = np.column_stack(transformer(proj).transform(*coords[exact].T))
    out = np.array(geoms, dtype=object)  # set_coordinates replaces the array's items
    result: np.ndarray = shapely.set_coordinates(out, xy)
    return result


_GEOD = Geod(ellps="WGS84")
EARTH_HALF_CIRCUMFERENCE_M = 20_003_931.0
"""Pole to pole along a meridian on WGS84: the farthest a point can be from the centre."""


def circle_lonlat(
    lat_deg: float, lon_deg: float, radius_m: float, vertices: int = 720
) -> NDArray[np.float64]:
    """The geodesic circle as an (n, 2) array of lon/lat vertices, closed, *not* cut at ±180°.

    For drawing a ring as one closed line: projected, it has no seam where the
    analysis splits it at the date line and no spur to a pole it encloses.
    """
    azimuths = np.linspace(0.0, 360.0, vertices + 1)
    lons, lats, _ = _GEOD.fwd(
        np.full(azimuths.shape, lon_deg),
        np.full(azimuths.shape, lat_deg),
        azimuths,
        np.full(azimuths.shape, radius_m),
    )
    out: NDArray[np.float64] = np.column_stack([lons, lats])
    return out


def visible_region(lat0: float, lon0: float, radius_m: float) -> BaseGeometry:
    """Lon/lat area within ``radius_m`` of the centre (split at ±180°), up to near its antipode.

    What a print map can show: the borders are cut to it before projecting, so the
    projection never tears a country round the far side. Its edge falls outside the
    map (the caller passes a radius beyond the frame's corners) and is never stroked.
    """
    from coverage.rings import MAX_RADIUS_M, geodesic_ring

    if radius_m <= MAX_RADIUS_M:
        return geodesic_ring(lat0, lon0, radius_m)
    anti_lat, anti_lon = -lat0, (lon0 + 360.0) % 360.0 - 180.0
    hole_m = min(MAX_RADIUS_M, max(FAR_SIDE_MARGIN_M / 2, EARTH_HALF_CIRCUMFERENCE_M - radius_m))
    return shapely.difference(box(-180.0, -90.0, 180.0, 90.0), geodesic_ring(anti_lat, anti_lon, hole_m))
