"""Independent reference formulas for the WGS84 ellipsoid (not the code under test).

Closed-form zone areas, a numerically integrated meridian arc and the
spherical-cap formula with the authalic radius. Used only as expected values.
"""

from __future__ import annotations

import math

import numpy as np
from pyproj import Geod

A = 6378137.0
F = 1.0 / 298.257223563
B = A * (1.0 - F)
E2 = F * (2.0 - F)
E = math.sqrt(E2)
AUTHALIC_RADIUS_M = 6371007.181  # published WGS84 authalic radius
# Published reference values (GeographicLib documentation, NGA/NIMA TR8350.2).
WGS84_SURFACE_KM2 = 510_065_621.724
QUARTER_MERIDIAN_M = 10_001_965.729

GEOD = Geod(ellps="WGS84")

_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(64)


def _zone_primitive(sin_phi: float) -> float:
    s = sin_phi
    return s / (2.0 * (1.0 - E2 * s * s)) + math.log((1.0 + E * s) / (1.0 - E * s)) / (4.0 * E)


def zone_area_km2(lat1_deg: float, lat2_deg: float, lon_span_deg: float = 360.0) -> float:
    """Area of the ellipsoidal zone between two parallels, over ``lon_span_deg``."""
    lo, hi = sorted((lat1_deg, lat2_deg))
    full = (
        2.0
        * math.pi
        * B
        * B
        * (_zone_primitive(math.sin(math.radians(hi))) - _zone_primitive(math.sin(math.radians(lo))))
    )
    return full * lon_span_deg / 360.0 / 1e6


def meridian_arc_m(lat_deg: float) -> float:
    """Meridian distance from the equator to ``lat_deg`` (Gauss-Legendre quadrature)."""
    phi = math.radians(lat_deg)
    t = 0.5 * phi * (_NODES + 1.0)
    integrand = A * (1.0 - E2) / (1.0 - E2 * np.sin(t) ** 2) ** 1.5
    return float(0.5 * phi * np.sum(_WEIGHTS * integrand))


def latitude_at_distance_from_pole(distance_m: float) -> float:
    """Latitude (deg) of the parallel ``distance_m`` from the north pole, by bisection."""
    quarter = meridian_arc_m(90.0)
    target = quarter - distance_m  # meridian arc from the equator (may be negative)
    lo, hi = -90.0, 90.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        arc = math.copysign(meridian_arc_m(abs(mid)), mid)
        if arc < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def polar_cap_area_km2(radius_m: float) -> float:
    """Closed-form area of all points within ``radius_m`` of a pole (ellipsoid)."""
    phi = latitude_at_distance_from_pole(radius_m)
    return zone_area_km2(phi, 90.0)


def spherical_cap_km2(radius_m: float, sphere_radius_m: float = AUTHALIC_RADIUS_M) -> float:
    """Spherical cap of geodesic radius ``radius_m`` on a sphere (authalic by default)."""
    r = sphere_radius_m
    return 2.0 * math.pi * r * r * (1.0 - math.cos(radius_m / r)) / 1e6


def inv_distance_m(lat1, lon1, lat2, lon2) -> np.ndarray:
    """pyproj Geod.inv distance (broadcast), the reference for distances."""
    lat1, lon1, lat2, lon2 = np.broadcast_arrays(
        np.asarray(lat1, float), np.asarray(lon1, float), np.asarray(lat2, float), np.asarray(lon2, float)
    )
    _, _, d = GEOD.inv(lon1.ravel(), lat1.ravel(), lon2.ravel(), lat2.ravel())
    return np.asarray(d, float).reshape(lat1.shape)


def min_distance_to_meridian_m(lat_deg: float, lon_deg: float, meridian_deg: float = 180.0) -> float:
    """Smallest distance from a point to a meridian, by dense sampling plus a local refinement."""
    lats = np.linspace(-90.0, 90.0, 18001)
    d = inv_distance_m(lat_deg, lon_deg, lats, meridian_deg)
    k = int(np.argmin(d))
    fine = np.linspace(lats[max(k - 1, 0)], lats[min(k + 1, lats.size - 1)], 2001)
    return float(np.min(inv_distance_m(lat_deg, lon_deg, fine, meridian_deg)))
