"""Measurements on the WGS84 ellipsoid: distances, points at a distance, and areas.

Distances are geodesic (pyproj's GeographicLib). Points at a given distance and
azimuth (:func:`forward`, what rings are made of) are GeographicLib's direct
solution too, written here in NumPy: the same series, so they agree with
pyproj's ``Geod.fwd`` to micrometres (``tests/test_geodesy.py``), without
importing pyproj on a report's start. Areas are those of the shapes as drawn
(edges straight in lon/lat), measured in an equal-area projection of the same
ellipsoid, so no number depends on how a map is projected.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from shapely.geometry.base import BaseGeometry

EQUATORIAL_RADIUS_M = 6_378_137.0
"""WGS84's semi-major axis."""
FLATTENING = 1.0 / 298.257223563
"""WGS84's flattening."""
_F = FLATTENING
_B = EQUATORIAL_RADIUS_M * (1.0 - _F)
_E2 = 1.0 - (_B / EQUATORIAL_RADIUS_M) ** 2  # first eccentricity squared, to the bit as pyproj has it
_EP2 = _E2 / (1.0 - _E2)  # second eccentricity squared
_N = _F / (2.0 - _F)  # third flattening
_TINY = math.sqrt(np.finfo(float).tiny)

FloatArray = NDArray[np.float64]

# Border and clipped edges are straight in lon/lat (plate carrée). In the
# equal-area projection only edges along parallels and meridians stay straight,
# so longer edges are split into pieces this long before measuring.
AREA_SEGMENT_DEG = 0.1

M2_PER_KM2 = 1e6


def distance_m(
    lat1_deg: ArrayLike, lon1_deg: ArrayLike, lat2_deg: ArrayLike, lon2_deg: ArrayLike
) -> NDArray[np.float64]:
    """Geodesic distance in metres between points (broadcasts like NumPy)."""
    from pyproj import Geod  # here: a report without distances never needs pyproj

    lat1, lon1, lat2, lon2 = np.broadcast_arrays(
        np.asarray(lat1_deg, float),
        np.asarray(lon1_deg, float),
        np.asarray(lat2_deg, float),
        np.asarray(lon2_deg, float),
    )
    _, _, dist = Geod(ellps="WGS84").inv(lon1.ravel(), lat1.ravel(), lon2.ravel(), lat2.ravel())
    return np.asarray(dist, dtype=float).reshape(lat1.shape)


def area_km2(geom: BaseGeometry | None, *, densify: bool = True) -> float:
    """Area in km² on the WGS84 ellipsoid of a lon/lat (multi)polygon.

    Measured in Lambert's cylindrical equal-area projection of the ellipsoid,
    where the area of a shape is its plane area: exact for the polygon with
    edges straight in lon/lat (how maps and GeoJSON draw them) once long edges
    are split (``densify``) into pieces of :data:`AREA_SEGMENT_DEG`. Agrees with
    GeographicLib's geodesic polygon area to 1e-5 for countries over 10,000 km²
    (tests/test_geodesy.py; the rest is geodesic versus straight edges),
    and is one vectorised pass instead of one call per ring.
    """
    if geom is None or geom.is_empty:
        return 0.0
    return float(areas_km2(np.array([geom], dtype=object), densify=densify)[0])


def areas_km2(geoms: NDArray[np.object_], *, densify: bool = True) -> NDArray[np.float64]:
    """:func:`area_km2` of each geometry of an array (None or empty: 0), in one vectorised pass.

    Edges along a meridian or a parallel are straight in the projection, so
    only the others are split; each is split as ``shapely.segmentize`` would
    (equal pieces no longer than :data:`AREA_SEGMENT_DEG`), but on the fly.
    """
    geoms = np.asarray(geoms, dtype=object)
    out = np.zeros(geoms.size)
    if geoms.size == 0:
        return out
    # Twice: a GeometryCollection from an overlay may hold MultiPolygons.
    parts, owner = shapely.get_parts(geoms, return_index=True)
    parts, inner = shapely.get_parts(parts, return_index=True)
    owner = owner[inner]
    polygon = (shapely.get_type_id(parts) == shapely.GeometryType.POLYGON) & ~shapely.is_empty(parts)
    parts, owner = parts[polygon], owner[polygon]
    if parts.size == 0:
        return out
    # Counter-clockwise exteriors count positive, clockwise holes negative.
    rings, ring_polygon = shapely.get_rings(shapely.orient_polygons(parts), return_index=True)
    coords, index = shapely.get_coordinates(rings, return_index=True)
    edge = np.flatnonzero(index[1:] == index[:-1])  # rings are closed: no step from one ring to the next
    lon1, lat1 = coords[edge, 0], coords[edge, 1]
    dlon, dlat = coords[edge + 1, 0] - lon1, coords[edge + 1, 1] - lat1
    pieces = np.ones(edge.size, dtype=np.intp)
    if densify:
        slanted = (dlon != 0.0) & (dlat != 0.0)
        pieces[slanted] = np.maximum(np.ceil(np.hypot(dlon, dlat)[slanted] / AREA_SEGMENT_DEG), 1.0)
    if not pieces.size or pieces.max() == 1:  # no edge to split: the vertices as they are
        return _summed(coords, index, owner[ring_polygon], out)
    # The start of every piece of every edge, ring by ring, then each ring's closing vertex.
    which = np.repeat(np.arange(edge.size), pieces)
    t = (np.arange(which.size) - np.repeat(np.cumsum(pieces) - pieces, pieces)) / pieces[which]
    ring = index[edge][which]
    # The rings present: index is sorted, so no np.unique (which would import numpy.ma).
    present = index[np.flatnonzero(np.diff(index, prepend=-1))]
    at = np.searchsorted(ring, present, side="right")
    closing = coords[np.flatnonzero(np.diff(index, append=-1))]
    lon = np.insert(lon1[which] + t * dlon[which], at, closing[:, 0])
    lat = np.insert(lat1[which] + t * dlat[which], at, closing[:, 1])
    ring = np.insert(ring, at, present)
    return _summed(np.column_stack([lon, lat]), ring, owner[ring_polygon], out)


def _summed(
    coords: FloatArray, ring: NDArray[np.intp], owner: NDArray[np.intp], out: FloatArray
) -> FloatArray:
    """``out`` filled with the areas (km²) of the closed rings of ``coords`` (ring after ring,
    ``ring`` saying whose each vertex is), summed per geometry (``owner`` of each ring)."""
    x = np.radians(coords[:, 0]) * EQUATORIAL_RADIUS_M
    y = _authalic_y(coords[:, 1])
    trapezoids = np.where(ring[1:] == ring[:-1], (x[1:] + x[:-1]) * (y[1:] - y[:-1]), 0.0)
    by_ring = np.bincount(ring[:-1], weights=trapezoids, minlength=owner.size)
    by_geom = np.bincount(owner, weights=by_ring, minlength=out.size)
    out[:] = 0.5 * by_geom / M2_PER_KM2
    return out


def _authalic_y(lat_deg: NDArray[np.float64]) -> NDArray[np.float64]:
    """Northing of Lambert's cylindrical equal-area projection of WGS84 (x = a·lon)."""
    if lat_deg.size > _CHUNK:  # in cache-sized chunks (see forward): a third quicker here
        y = np.empty(lat_deg.shape)
        for start in range(0, lat_deg.size, _CHUNK):
            y[start : start + _CHUNK] = _authalic_y(lat_deg[start : start + _CHUNK])
        return y
    e = math.sqrt(_E2)
    sin = np.sin(np.radians(lat_deg))
    q = (1.0 - e * e) * (sin / (1.0 - (e * sin) ** 2) - np.log((1.0 - e * sin) / (1.0 + e * sin)) / (2.0 * e))
    northing: FloatArray = EQUATORIAL_RADIUS_M * q / 2.0
    return northing


def forward(
    lat_deg: ArrayLike,
    lon_deg: ArrayLike,
    azimuth_deg: ArrayLike,
    distance_m: ArrayLike,
    *,
    chunk: int | None = None,
) -> tuple[FloatArray, FloatArray]:
    """The points ``distance_m`` from (``lat_deg``, ``lon_deg``) along ``azimuth_deg``
    (degrees clockwise from north): (lat, lon) in degrees, lon in [-180, 180].

    GeographicLib's solution of the direct geodesic problem (C. F. F. Karney,
    "Algorithms for geodesics", J. Geodesy 87, 43–55, 2013, sections 3–5): the
    series of its eqs. (15), (17), (18), (20), (21), (23)–(25) to sixth order in
    the third flattening, vectorised. Same arguments and results as pyproj's
    ``Geod.fwd`` (GeographicLib in C), which it matches to micrometres.

    Long arrays are worked through ``chunk`` points at a time (default :data:`_CHUNK`).
    Many azimuths from few starts (a ring's vertices): :meth:`Starts.forward`.
    """
    lat1, lon1, az, s12 = np.broadcast_arrays(
        np.asarray(lat_deg, float),
        np.asarray(lon_deg, float),
        np.asarray(azimuth_deg, float),
        np.asarray(distance_m, float),
    )
    starts = Starts(lat1.ravel(), lon1.ravel(), s12.ravel())
    lat2, lon2 = starts.forward(np.arange(lat1.size), az.ravel(), chunk=chunk)
    return lat2.reshape(lat1.shape), lon2.reshape(lat1.shape)


_CHUNK = 4096  # points: arrays of 32 kB (at 64 kB, twice the time here)


class Starts:
    """The start points and distances of direct problems, with the terms that depend on
    them alone, worked out once each however many azimuths are asked for."""

    sbet1: FloatArray
    """Sine of the start's reduced latitude."""
    cbet1: FloatArray
    """Its cosine (tiny at a pole, as GeographicLib has it)."""
    lon1: FloatArray
    tau0: FloatArray
    """The distance as an arc of the auxiliary sphere, before the correction that depends on
    the azimuth (``s12 / b``)."""
    stau0: FloatArray
    ctau0: FloatArray

    def __init__(self, lat_deg: FloatArray, lon_deg: FloatArray, distance_m: FloatArray) -> None:
        phi1 = np.radians(lat_deg)
        sbet1, cbet1 = (1.0 - _F) * np.sin(phi1), np.cos(phi1)
        norm = np.sqrt(sbet1 * sbet1 + cbet1 * cbet1)
        self.sbet1, self.cbet1 = sbet1 / norm, np.maximum(cbet1 / norm, _TINY)
        self.lon1 = lon_deg
        self.tau0 = distance_m / _B
        self.stau0, self.ctau0 = np.sin(self.tau0), np.cos(self.tau0)

    def take(self, index: NDArray[np.intp]) -> Starts:
        out = object.__new__(Starts)
        for name in ("sbet1", "cbet1", "lon1", "tau0", "stau0", "ctau0"):
            setattr(out, name, getattr(self, name)[index])
        return out

    def forward(
        self, start: NDArray[np.intp], azimuth_deg: FloatArray, *, chunk: int | None = None
    ) -> tuple[FloatArray, FloatArray]:
        """:func:`forward` from ``start[k]`` (an index into these starts) along ``azimuth_deg[k]``.

        In chunks that stay in the processor's cache: on whole arrays of 100,000 points,
        making and filling temporaries costs as much as the arithmetic (unless freed memory
        is kept for reuse; see :mod:`coverage.allocator`).
        """
        chunk = chunk or _CHUNK
        if start.size <= chunk:
            return _forward(self.take(start), azimuth_deg)
        lat2, lon2 = np.empty(start.size), np.empty(start.size)
        for a in range(0, start.size, chunk):
            part = slice(a, a + chunk)
            lat2[part], lon2[part] = _forward(self.take(start[part]), azimuth_deg[part])
        return lat2, lon2


def _forward(start: Starts, az: FloatArray) -> tuple[FloatArray, FloatArray]:
    """:meth:`Starts.forward` of starts already taken, one per azimuth.

    Sines and cosines cost some forty multiplications each: of the twelve a point took,
    eight are now the start's (once per start) or of small angles (under 0.011 rad for
    distances up to 40,000 km), by their series (:func:`_sin_cos_small`) and the
    addition formulas. The points move by nanometres at most (10⁻¹³° in 1,000 rings).
    """
    sbet1, cbet1, lon1 = start.sbet1, start.cbet1, start.lon1
    alp1 = np.radians(az)
    salp1, calp1 = np.sin(alp1), np.cos(alp1)
    # The azimuth where the geodesic crosses the equator (alpha0), and the arcs from there
    # to the start on the auxiliary sphere (sigma1, omega1).
    salp0 = salp1 * cbet1
    calp0 = np.sqrt(calp1 * calp1 + (salp1 * sbet1) ** 2)
    somg1 = salp0 * sbet1
    csig1 = comg1 = np.where((sbet1 != 0.0) | (calp1 != 0.0), cbet1 * calp1, 1.0)
    norm = np.sqrt(sbet1 * sbet1 + csig1 * csig1)
    ssig1, csig1 = sbet1 / norm, csig1 / norm
    k2 = calp0 * calp0 * _EP2
    eps = k2 / (2.0 * (1.0 + np.sqrt(1.0 + k2)) + k2)
    e2 = eps * eps
    # Distance to arc length: A1 (eq. 17), C1 (eq. 18) and C1' (eq. 21), in powers of eps.
    a1m1 = (e2 * (e2 * (e2 + 4.0) + 64.0) / 256.0 + eps) / (1.0 - eps)
    e3, e4 = e2 * eps, e2 * e2
    e5, e6 = e4 * eps, e4 * e2
    c1 = (
        eps * (-1 / 2 + e2 * (3 / 16 - e2 / 32)),
        e2 * (-1 / 16 + e2 * (1 / 32 - e2 * 9 / 2048)),
        e3 * (-1 / 48 + e2 * 3 / 256),
        e4 * (-5 / 512 + e2 * 3 / 512),
        e5 * (-7 / 1280),
        e6 * (-7 / 2048),
    )
    c1p = (
        eps * (1 / 2 + e2 * (-9 / 32 + e2 * 205 / 1536)),
        e2 * (5 / 16 + e2 * (-37 / 96 + e2 * 1335 / 4096)),
        e3 * (29 / 96 - e2 * 75 / 128),
        e4 * (539 / 1536 - e2 * 2391 / 2560),
        e5 * (3467 / 7680),
        e6 * (38081 / 61440),
    )
    b11 = _sine_series(ssig1, csig1, c1)  # |b11| < eps / 2 < 0.001
    sb, cb = _sin_cos_small(b11)
    stau1, ctau1 = ssig1 * cb + csig1 * sb, csig1 * cb - ssig1 * sb
    # tau12 = s12 / (b (1 + A1)) = tau0 + d, with |d| = tau0 A1 / (1 + A1) < tau0 eps
    d = -start.tau0 * a1m1 / (1.0 + a1m1)
    tau12 = start.tau0 + d
    sd, cd = _sin_cos_small(d)
    st, ct = start.stau0 * cd + start.ctau0 * sd, start.ctau0 * cd - start.stau0 * sd
    # sig12 = tau12 + d2, with |d2| = |B12 + b11| < eps < 0.002
    d2 = _sine_series(stau1 * ct + ctau1 * st, ctau1 * ct - stau1 * st, c1p) + b11
    sig12 = tau12 + d2
    sd, cd = _sin_cos_small(d2)
    ssig12, csig12 = st * cd + ct * sd, ct * cd - st * sd
    ssig2 = ssig1 * csig12 + csig1 * ssig12
    csig2 = csig1 * csig12 - ssig1 * ssig12
    # The end's reduced latitude, then its latitude.
    sbet2 = calp0 * ssig2
    cbet2 = np.sqrt(salp0 * salp0 + (calp0 * csig2) ** 2)
    lat2 = np.degrees(np.arctan2(sbet2, (1.0 - _F) * np.maximum(cbet2, _TINY)))
    # Longitude: omega on the auxiliary sphere less the ellipsoid's correction, with A3 and C3
    # (eqs. 23-25), whose coefficients are polynomials in the third flattening n.
    somg2, comg2 = salp0 * ssig2, csig2
    omg12 = np.arctan2(somg2 * comg1 - comg2 * somg1, comg2 * comg1 + somg2 * somg1)
    a3 = 1.0 - eps * (_A3[0] + eps * (_A3[1] + eps * (_A3[2] + eps * (_A3[3] + eps * _A3[4]))))
    c3 = (
        eps * (_C3[0][0] + eps * (_C3[0][1] + eps * (_C3[0][2] + eps * (_C3[0][3] + eps * _C3[0][4])))),
        e2 * (_C3[1][0] + eps * (_C3[1][1] + eps * (_C3[1][2] + eps * _C3[1][3]))),
        e3 * (_C3[2][0] + eps * (_C3[2][1] + eps * _C3[2][2])),
        e4 * (_C3[3][0] + eps * _C3[3][1]),
        e5 * _C3[4][0],
    )
    b31 = _sine_series(ssig1, csig1, c3)
    b32 = _sine_series(ssig2, csig2, c3)
    lam12 = omg12 - _F * salp0 * a3 * (sig12 + (b32 - b31))
    lon2 = lon1 + np.degrees(lam12)
    return lat2, lon2 - 360.0 * np.round(lon2 / 360.0)


# Coefficients of eps**1... in A3 (eq. 24, with the signs taken out) and of eps**l... in C3_l
# (eq. 25), for WGS84's third flattening.
_A3 = (
    1 / 2 - _N / 2,
    1 / 4 + _N / 8 - 3 * _N * _N / 8,
    1 / 16 + 3 * _N / 16 + _N * _N / 16,
    3 / 64 + _N / 32,
    3 / 128,
)
_C3 = (
    (1 / 4 - _N / 4, 1 / 8 - _N * _N / 8, 3 / 64 + 3 * _N / 64 - _N * _N / 64, 5 / 128 + _N / 64, 3 / 128),
    (1 / 16 - 3 * _N / 32 + _N * _N / 32, 3 / 64 - _N / 32 - 3 * _N * _N / 64, 3 / 128 + _N / 128, 5 / 256),
    (5 / 192 - 3 * _N / 64 + 5 * _N * _N / 192, 3 / 128 - 5 * _N / 192, 7 / 512),
    (7 / 512 - 7 * _N / 256, 7 / 512),
    (21 / 2560,),
)


def _sin_cos_small(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """sin x and cos x for |x| < 0.011 by their Taylor series, to the last bit or so: the
    first terms left out are under x⁸ / 40,320 < 10⁻²⁰."""
    x2 = x * x
    sin = x * (1.0 - x2 / 6.0 * (1.0 - x2 / 20.0 * (1.0 - x2 / 42.0)))
    cos = 1.0 - x2 / 2.0 * (1.0 - x2 / 12.0 * (1.0 - x2 / 30.0))
    return sin, cos


def _sine_series(sin_x: FloatArray, cos_x: FloatArray, c: tuple[FloatArray, ...]) -> FloatArray:
    """sum(c[k - 1] * sin(2 k x) for k = 1, 2, ...), by Clenshaw summation."""
    ar = 2.0 * (cos_x - sin_x) * (cos_x + sin_x)  # 2 cos 2x
    b1 = c[-1]
    b2: FloatArray | float = 0.0
    for ck in reversed(c[:-1]):
        b1, b2 = ck + ar * b1 - b2, b1
    return 2.0 * sin_x * cos_x * b1  # b1 sin 2x
