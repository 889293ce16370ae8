"""True geodesic circles on WGS84, as lon/lat polygons ready for a map.

A ring is the set of points at a fixed geodesic distance from a centre. We
compute its vertices with :func:`coverage.geodesy.forward` (GeographicLib's
direct solution, as pyproj's ``Geod.fwd``: exact to nanometres) and
add vertices until every straight lon/lat edge stays within
:data:`SAG_TOLERANCE` of the radius, so the drawn polygon *is* the circle to
that tolerance. Leaflet's ``L.Circle`` is a sphere-and-Mercator ellipse and is
kilometres off at these radii; never draw rings with it.

Many rings are built together (one vectorised pass for all centres), because a
scenario of a thousand sites would otherwise spend its time in per-ring calls.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from shapely.geometry import MultiPolygon, Polygon

from coverage.antimeridian import close_around_pole, split_polygon, winding
from coverage.errors import RingError
from coverage.geodesy import Starts, forward

MIN_RADIUS_M = 1_000.0
MAX_RADIUS_M = 10_000_000.0
SAG_TOLERANCE = 5e-5  # 0.005 % of the radius, checked along every edge
_TARGET = 0.8 * SAG_TOLERANCE  # refine to a margin below the promise
_SAMPLES = (0.25, 0.5, 0.75)  # where each edge is checked
_START_VERTICES = 32  # per ring; refinement adds what each edge needs
_MAX_ROUNDS = 24
_PARALLEL_FROM = 64  # rings; fewer are built in the calling thread (a pool costs more)
_MAX_WORKERS = 4
_CHUNK = 4096  # points or edges one thread works on at once: arrays that stay in cache
_THREAD_CHUNK = 32768
"""The same when threads share the work. A numpy call lets go of the GIL while it computes
and takes it back after; in 4,096-point calls two threads spent their time waiting for each
other (1,000 rings: 0.18 s on two threads, 0.17 s on one; 0.12 s in 32,768-point calls)."""

# WGS84, for the fast distance estimate used while refining (see _Reduced).
_A = 6_378_137.0
_F = 1.0 / 298.257223563

FloatArray = NDArray[np.float64]


def check_centre_and_radius(lat_deg: float, lon_deg: float, radius_m: float) -> None:
    """Raise :class:`RingError` unless the centre and radius are drawable."""
    for name, value in (("lat", lat_deg), ("lon", lon_deg), ("radius", radius_m)):
        if not math.isfinite(value):
            raise RingError(f"{name} must be a finite number, got {value!r}")
    if not -90.0 <= lat_deg <= 90.0:
        raise RingError(f"lat must be between -90 and 90, got {lat_deg}")
    if not -180.0 <= lon_deg <= 180.0:
        raise RingError(f"lon must be between -180 and 180, got {lon_deg}")
    if not MIN_RADIUS_M <= radius_m <= MAX_RADIUS_M:
        raise RingError(
            f"radius must be between {MIN_RADIUS_M / 1000:g} km and "
            f"{MAX_RADIUS_M / 1000:,.0f} km, got {radius_m / 1000:g} km"
        )


def ring_vertices(lat_deg: float, lon_deg: float, radius_m: float) -> tuple[FloatArray, FloatArray]:
    """Vertices of the geodesic circle, as (unwrapped lon, lat) arrays.

    Longitudes are continuous (they may run past ±180°) so that straight edges
    between consecutive vertices are the short way round. Vertices sit where
    the circle crosses ±180° so that cutting there adds no off-circle points.
    """
    return ring_vertices_many([lat_deg], [lon_deg], [radius_m])[0]


def ring_vertices_many(
    lat_deg: ArrayLike, lon_deg: ArrayLike, radius_m: ArrayLike
) -> list[tuple[FloatArray, FloatArray]]:
    """:func:`ring_vertices` for many centres at once (same order as given)."""
    rings = _Vertices.build(*_checked(lat_deg, lon_deg, radius_m))
    return [rings.ring(i) for i in range(rings.r.size)]


def _checked(
    lat_deg: ArrayLike, lon_deg: ArrayLike, radius_m: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Centres and radii as float arrays; :class:`RingError` for the first one not drawable."""
    lat0 = np.atleast_1d(np.asarray(lat_deg, dtype=float))
    lon0 = np.atleast_1d(np.asarray(lon_deg, dtype=float))
    r = np.atleast_1d(np.asarray(radius_m, dtype=float))
    if not lat0.shape == lon0.shape == r.shape or lat0.ndim != 1:
        raise RingError("lat, lon and radius must be sequences of the same length")
    # All checked at once (NaN compares False); the first one out is named by the scalar check.
    ok = (np.abs(lat0) <= 90.0) & (np.abs(lon0) <= 180.0) & (r >= MIN_RADIUS_M) & (r <= MAX_RADIUS_M)
    for i in np.flatnonzero(~ok)[:1].tolist():
        check_centre_and_radius(float(lat0[i]), float(lon0[i]), float(r[i]))
    return lat0, lon0, r


class _Vertices:
    """Many rings' vertices in flat arrays, ring after ring, as :func:`_vertices_batch` makes them."""

    def __init__(
        self,
        centres: tuple[FloatArray, FloatArray, FloatArray],
        az: FloatArray,
        lon: FloatArray,
        lat: FloatArray,
        start: NDArray[np.intp],
        crosses: NDArray[np.bool_],
    ) -> None:
        self.lat0, self.lon0, self.r = centres
        self.az, self.lon, self.lat = az, lon, lat
        self.start = start
        """Where each ring starts in the flat arrays; the last entry is where the last one ends."""
        self.crosses = crosses
        """Whether a ring has an edge across an odd multiple of 180° (see :meth:`ring`)."""

    @classmethod
    def build(cls, lat0: FloatArray, lon0: FloatArray, r: FloatArray) -> _Vertices:
        """The rings round checked centres; many are split between threads."""
        workers = min(os.cpu_count() or 1, _MAX_WORKERS)
        if r.size < _PARALLEL_FROM or workers < 2:
            return _vertices_batch(lat0, lon0, r)
        # Each ring is built independently of the others (see _unwrap_per_ring), so the
        # centres can be split between threads: numpy's array arithmetic releases
        # the GIL, and a thousand rings take about half the time on two cores.
        # Each thread works through longer arrays than one thread alone would (see
        # _THREAD_CHUNK): fewer, longer numpy calls, so the threads hand the GIL to each
        # other less often.
        parts = np.array_split(np.arange(r.size), workers)
        with ThreadPoolExecutor(workers) as pool:
            batches = list(pool.map(lambda i: _vertices_batch(lat0[i], lon0[i], r[i], _THREAD_CHUNK), parts))
        offsets = np.cumsum([0] + [int(b.start[-1]) for b in batches[:-1]])
        return cls(
            (lat0, lon0, r),
            np.concatenate([b.az for b in batches]),
            np.concatenate([b.lon for b in batches]),
            np.concatenate([b.lat for b in batches]),
            np.concatenate([[0]] + [b.start[1:] + o for b, o in zip(batches, offsets.tolist(), strict=True)]),
            np.concatenate([b.crosses for b in batches]),
        )

    def ring(self, i: int) -> tuple[FloatArray, FloatArray]:
        """Ring ``i`` as :func:`ring_vertices` gives it (with its points on ±180° if it crosses)."""
        a, b = int(self.start[i]), int(self.start[i + 1])
        x, y = self.lon[a:b], self.lat[a:b]
        if not self.crosses[i]:
            return x, y
        return _with_antimeridian_vertices(
            float(self.lat0[i]), float(self.lon0[i]), float(self.r[i]), self.az[a:b], x, y
        )


def _vertices_batch(lat0: FloatArray, lon0: FloatArray, r: FloatArray, chunk: int = _CHUNK) -> _Vertices:
    """The rings round checked centres, in one vectorised pass (arrays worked ``chunk`` points at a time)."""
    if r.size == 0:
        none = np.empty(0)
        return _Vertices((lat0, lon0, r), none, none, none, np.zeros(1, np.intp), np.zeros(0, bool))
    centre = _Reduced(lat0, lon0)
    # A geodesic circle on an ellipsoid of revolution is symmetric about its centre's
    # meridian: the vertex at azimuth -a is the one at +a mirrored (lon -> 2 lon0 - lon),
    # and so is every edge and its sag. So only the half from azimuth 0 to 180 is
    # built and refined; the other half is its mirror image (see _mirrored).
    # Flat arrays over all half rings: ring id, azimuth, vertex and its estimated
    # distance. Within a half ring the azimuths increase from 0 to 180; its last
    # vertex starts no edge.
    half = _START_VERTICES // 2
    sid = np.repeat(np.arange(r.size), half + 1)
    az = np.tile(np.linspace(0.0, 180.0, half + 1), r.size)
    starts = Starts(lat0, lon0, r)
    lat, lon = starts.forward(sid, az, chunk=chunk)
    lon = _unwrap_per_ring(lon, sid)
    est = _distances(centre, sid, lat, lon, chunk)
    # edges (i -> i + 1) not yet known to be straight enough
    todo = np.flatnonzero(np.diff(sid, append=-1) == 0)
    for _ in range(_MAX_ROUNDS):
        nxt = np.arange(1, sid.size + 1)
        pieces = _pieces_needed(centre, r, sid, lon, lat, est, nxt, todo, chunk)
        split = pieces > 1
        if not split.any():
            break
        bad, k = todo[split], pieces[split]
        # Split each bad edge into k equal azimuth steps; only the new edges need checking.
        run = np.repeat(np.arange(k.size), k - 1)  # which bad edge each new vertex belongs to
        frac = (np.arange(run.size) - np.repeat(np.cumsum(k - 1) - (k - 1), k - 1) + 1) / k[run]
        edge = bad[run]
        new_az = az[edge] + frac * (az[edge + 1] - az[edge])
        new_sid = sid[edge]
        new_lat, new_lon = starts.forward(new_sid, new_az, chunk=chunk)
        new_lon = lon[edge] + ((new_lon - lon[edge] + 180.0) % 360.0 - 180.0)
        new_est = _distances(centre, new_sid, new_lat, new_lon, chunk)
        # Where each bad edge's first vertex lands once the new vertices are in.
        added = np.zeros(az.size, dtype=np.intp)
        added[bad] = k - 1
        start = bad + (np.cumsum(added) - added)[bad]
        az = np.insert(az, edge + 1, new_az)
        lon = np.insert(lon, edge + 1, new_lon)
        lat = np.insert(lat, edge + 1, new_lat)
        sid = np.insert(sid, edge + 1, new_sid)
        est = np.insert(est, edge + 1, new_est)
        todo = np.repeat(start, k) + (np.arange(k.sum()) - np.repeat(np.cumsum(k) - k, k))
    sid, az, lon, lat = _mirrored(lon0, sid, az, lon, lat)
    nxt = _next_vertex(sid)
    lon_next = lon + ((lon[nxt] - lon + 180.0) % 360.0 - 180.0)
    crosses = np.zeros(r.size, dtype=bool)
    crosses[sid[np.floor((lon + 180.0) / 360.0) != np.floor((lon_next + 180.0) / 360.0)]] = True
    return _Vertices((lat0, lon0, r), az, lon, lat, np.searchsorted(sid, np.arange(r.size + 1)), crosses)


def geodesic_ring(lat_deg: float, lon_deg: float, radius_m: float) -> Polygon | MultiPolygon:
    """The geodesic circle of ``radius_m`` around a centre, as an RFC 7946 polygon.

    Split at ±180° into a MultiPolygon where it crosses the antimeridian; a
    ring that encloses a pole runs along the pole's latitude and includes it.
    """
    return geodesic_rings([lat_deg], [lon_deg], [radius_m])[0]


def geodesic_rings(
    lat_deg: Sequence[float], lon_deg: Sequence[float], radius_m: Sequence[float]
) -> list[Polygon | MultiPolygon]:
    """:func:`geodesic_ring` for many centres at once (same order as given)."""
    rings = _Vertices.build(*_checked(lat_deg, lon_deg, radius_m))
    if rings.r.size == 0:
        return []
    # The rings that cross ±180° (few) are finished one by one; the others' vertices go
    # to shapely as they are, all polygons in one call (a call per ring costs more than
    # building it).
    xs, ys, size = [], [], np.diff(rings.start)
    done = 0
    for i in np.flatnonzero(rings.crosses).tolist():
        x, y = rings.ring(i)
        if winding(x) != 0:
            # The enclosed pole is the one on the centre's side: the other is more than
            # 10,002 km away, beyond MAX_RADIUS_M. (Comparing the radius with the distance
            # to the pole picked the wrong one for a ring through the pole.)
            x, y = close_around_pole(x, y, 90.0 if rings.lat0[i] > 0 else -90.0)
        xs += [rings.lon[rings.start[done] : rings.start[i]], x]
        ys += [rings.lat[rings.start[done] : rings.start[i]], y]
        size[i], done = x.size, i + 1
    lon = np.concatenate([*xs, rings.lon[rings.start[done] :]])
    lat = np.concatenate([*ys, rings.lat[rings.start[done] :]])
    ring_id = np.repeat(np.arange(size.size), size)
    polygons = shapely.polygons(shapely.linearrings(np.column_stack([lon, lat]), indices=ring_id))
    # split_polygon returns a polygon inside ±180° as it is: only the others are passed.
    first = np.cumsum(size) - size
    outside = (np.minimum.reduceat(lon, first) < -180.0) | (np.maximum.reduceat(lon, first) > 180.0)
    out: list[Polygon | MultiPolygon] = polygons.tolist()
    for i in np.flatnonzero(outside | rings.crosses).tolist():
        out[i] = split_polygon(out[i])
    return out


def _unwrap_per_ring(lon: FloatArray, sid: NDArray[np.intp]) -> FloatArray:
    """Remove 360° jumps between consecutive vertices of the same ring.

    Counts whole turns (integers) so that a ring's longitudes do not depend on
    the rings built alongside it.
    """
    step = np.diff(lon)
    # A step under 179° in size is no turn ((step + 180) % 360 - 180 is step to rounding):
    # only the few larger ones are worked out.
    big = np.flatnonzero(np.abs(step) >= 179.0)
    big = big[sid[big + 1] == sid[big]]
    if big.size == 0:
        return lon + 0.0  # as below with no turns (-0.0 becomes 0.0)
    turns = np.zeros(step.size)
    turns[big] = np.rint((((step[big] + 180.0) % 360.0 - 180.0) - step[big]) / 360.0)
    total: FloatArray = np.concatenate([[0.0], np.cumsum(turns)])
    first = np.flatnonzero(np.diff(sid, prepend=-1))
    return lon + 360.0 * (total - total[first][sid])


def _mirrored(
    lon0: FloatArray, sid: NDArray[np.intp], az: FloatArray, lon: FloatArray, lat: FloatArray
) -> tuple[NDArray[np.intp], FloatArray, FloatArray, FloatArray]:
    """Whole rings from half rings (azimuth 0 to 180): the rest is their mirror image.

    The vertices strictly between azimuths 0 and 180, in reverse order, reflected
    in the centre's meridian (azimuth ``360 - a``, longitude ``2 lon0 - lon``),
    follow each half ring; longitudes are then unwrapped again per ring.
    """
    first = np.flatnonzero(np.diff(sid, prepend=-1))
    last = np.flatnonzero(np.diff(sid, append=-1))
    k = last - first - 1  # vertices strictly inside each half ring
    ring = np.repeat(np.arange(first.size), k)
    before = np.cumsum(k) - k  # mirrored vertices of the rings before each
    step = np.arange(k.sum()) - np.repeat(before, k)  # 0, 1, ... within each ring's mirror
    back = np.repeat(last - 1, k) - step
    # Ring by ring, its half first, then its mirror.
    to_half = np.arange(sid.size) + before[sid]
    to_mirror = np.repeat(last + 1 + before, k) + step
    size = sid.size + ring.size
    out_sid, out_az = np.empty(size, dtype=sid.dtype), np.empty(size)
    out_lon, out_lat = np.empty(size), np.empty(size)
    out_sid[to_half], out_sid[to_mirror] = sid, ring
    out_az[to_half], out_az[to_mirror] = az, 360.0 - az[back]
    out_lon[to_half], out_lon[to_mirror] = lon, 2.0 * lon0[ring] - lon[back]
    out_lat[to_half], out_lat[to_mirror] = lat, lat[back]
    return out_sid, out_az, _unwrap_per_ring(out_lon, out_sid), out_lat


def _next_vertex(sid: NDArray[np.intp]) -> NDArray[np.intp]:
    """Index of the next vertex in the same ring (the last wraps to the first)."""
    nxt = np.arange(1, sid.size + 1)
    last = np.flatnonzero(np.diff(sid, append=-1))
    first = np.flatnonzero(np.diff(sid, prepend=-1))
    nxt[last] = first
    return nxt


def _distances(
    centre: _Reduced, sid: NDArray[np.intp], lat: FloatArray, lon: FloatArray, chunk: int
) -> FloatArray:
    """:meth:`_Reduced.distance_m` from each point's centre, ``chunk`` points at a time."""
    out = np.empty(sid.size)
    for a in range(0, sid.size, chunk):
        part = slice(a, a + chunk)
        out[part] = centre.take(sid[part]).distance_m(_Reduced(lat[part], lon[part]))
    return out


def _pieces_needed(
    centre: _Reduced,
    r: FloatArray,
    sid: NDArray[np.intp],
    lon: FloatArray,
    lat: FloatArray,
    est: FloatArray,
    nxt: NDArray[np.intp],
    edges: NDArray[np.intp],
    chunk: int,
) -> NDArray[np.intp]:
    """:func:`_pieces_needed_chunk`, ``chunk`` edges at a time."""
    out = np.empty(edges.size, dtype=np.intp)
    for a in range(0, edges.size, chunk):
        part = slice(a, a + chunk)
        out[part] = _pieces_needed_chunk(centre, r, sid, lon, lat, est, nxt, edges[part])
    return out


def _pieces_needed_chunk(
    centre: _Reduced,
    r: FloatArray,
    sid: NDArray[np.intp],
    lon: FloatArray,
    lat: FloatArray,
    est: FloatArray,
    nxt: NDArray[np.intp],
    edges: NDArray[np.intp],
) -> NDArray[np.intp]:
    """For each edge in ``edges``: into how many pieces to split it (1 = straight enough).

    The sag of an edge (how far its straight lon/lat line strays from the
    radius, at :data:`_SAMPLES`) is estimated with :meth:`_Reduced.distance_m`,
    relative to the estimates at its two ends, which are exactly on the circle.
    The sag falls with the square of the number of pieces.
    """
    s, end = sid[edges], nxt[edges]
    lon1 = lon[edges]
    lon2 = lon1 + ((lon[end] - lon1 + 180.0) % 360.0 - 180.0)
    lat1, lat2 = lat[edges], lat[end]
    centres = centre.take(s)
    sag = np.zeros(edges.size)
    for t in _SAMPLES:  # the middle alone misses lopsided edges near the poles
        point = _Reduced(lat1 + t * (lat2 - lat1), lon1 + t * (lon2 - lon1))
        expected = (1.0 - t) * est[edges] + t * est[end]
        sag = np.maximum(sag, np.abs(centres.distance_m(point) - expected))
    ratio = sag / (_TARGET * r[s])
    ratio[~np.isfinite(ratio)] = 4.0  # an estimate that failed: halve the edge and check again
    return np.maximum(1, np.ceil(np.sqrt(ratio))).astype(np.intp)


class _Reduced:
    """Points as sine and cosine of their reduced latitude, for :meth:`distance_m`."""

    sin: FloatArray
    cos: FloatArray
    lon: FloatArray

    def __init__(self, lat_deg: FloatArray, lon_deg: FloatArray) -> None:
        phi = np.radians(lat_deg)
        sin, cos = (1.0 - _F) * np.sin(phi), np.cos(phi)
        norm = np.sqrt(sin * sin + cos * cos)
        self.sin, self.cos, self.lon = sin / norm, cos / norm, np.radians(lon_deg)

    def take(self, index: NDArray[np.intp]) -> _Reduced:
        out = object.__new__(_Reduced)
        out.sin, out.cos, out.lon = self.sin[index], self.cos[index], self.lon[index]
        return out

    def distance_m(self, other: _Reduced) -> FloatArray:
        """Andoyer–Lambert distance on WGS84: metres off at worst, but smooth.

        Used only to *compare* nearby points of one ring, where its error
        cancels: where a sag is near the tolerance, the estimate is within 0.1 % of
        GeographicLib's (checked against exact geodesics in tests and benchmarks).
        """
        s1, c1, s2, c2 = self.sin, self.cos, other.sin, other.cos
        sin_db = s2 * c1 - c2 * s1
        cos_db = c1 * c2 + s1 * s2
        half_dl = np.sin((other.lon - self.lon) / 2.0)
        h = sin_db * sin_db / (2.0 * (1.0 + cos_db)) + c1 * c2 * half_dl * half_dl
        h = np.clip(h, 1e-300, 1.0)
        sigma = 2.0 * np.arcsin(np.sqrt(h))
        sin_sigma = 2.0 * np.sqrt(h * (1.0 - h))
        x = (sigma - sin_sigma) * ((s1 + s2) / 2.0) ** 2 / (1.0 - h)
        y = (sigma + sin_sigma) * ((s2 - s1) / 2.0) ** 2 / h
        return _A * (sigma - _F / 2.0 * (x + y))


def _edge_ends(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """End points of each edge, closing edge included, taken the short way."""
    lon_next = np.append(lon[1:], lon[0])
    lon_next = lon + ((lon_next - lon + 180.0) % 360.0 - 180.0)
    return lon_next, np.append(lat[1:], lat[0])


def _with_antimeridian_vertices(
    lat_deg: float,
    lon_deg: float,
    radius_m: float,
    az: FloatArray,
    lon: FloatArray,
    lat: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Insert the exact points where edges cross an odd multiple of 180°."""
    lon2, _ = _edge_ends(lon, lat)
    cell = np.floor((lon + 180.0) / 360.0)
    cell2 = np.floor((lon2 + 180.0) / 360.0)
    crossing = np.flatnonzero(cell != cell2)
    if crossing.size == 0:
        return lon, lat
    boundary = np.maximum(cell, cell2)[crossing] * 360.0 - 180.0
    a = az[crossing].copy()
    b = np.append(az[1:], az[0] + 360.0)[crossing]
    start_lon = lon[crossing]
    for _ in range(60):  # bisection on azimuth: 360 / 2**60 is far below 1 mm
        mid = (a + b) / 2.0
        _, m_lon = forward(lat_deg, lon_deg, mid, radius_m)
        m_lon = start_lon + ((m_lon - start_lon + 180.0) % 360.0 - 180.0)
        same_side = (m_lon < boundary) == (start_lon < boundary)
        a = np.where(same_side, mid, a)
        b = np.where(same_side, b, mid)
    x_lat, _ = forward(lat_deg, lon_deg, a, radius_m)
    # Insert each crossing after its edge's first vertex, at the unwrapped boundary.
    # Consecutive unwrapped longitudes differ by < 180°, so the boundary as seen from
    # the first vertex is the same number whichever side the edge goes.
    out_lon = np.insert(lon, crossing + 1, boundary)
    out_lat = np.insert(lat, crossing + 1, x_lat)
    return out_lon, out_lat
