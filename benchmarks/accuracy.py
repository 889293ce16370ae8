"""1. Ring accuracy: how far the *drawn* boundary is from the true WGS84 geodesic circle.

Three ways to draw a 'circle of radius r around (lat, lon)':

* Leaflet 1.9 ``L.Circle`` (what ``folium.Circle`` gives): ``Circle._project`` puts an
  axis-aligned ellipse in spherical Web Mercator; we rebuild it with the same
  formulas and sample the ellipse densely.
* turf.js ``circle`` (v6/v7): 64 points by spherical ``destination`` on a sphere of
  6,371,008.8 m, joined by straight lon/lat edges, longitudes as turf returns them.
* ours: :func:`coverage.rings.ring_vertices`, straight edges in unwrapped lon/lat.

The error of a point is | geodesic distance from the centre (pyproj, WGS84) - r |.
Straight edges are sampled at ``EDGE_SAMPLES`` points each (linear in lon/lat, as
GeoJSON and Leaflet draw them).
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
from pyproj import Geod

GEOD = Geod(ellps="WGS84")
D = math.pi / 180.0
EDGE_SAMPLES = 50
ELLIPSE_SAMPLES = 2000

RADII_KM = (100, 400, 1000, 3000, 10000)
LATS = (0, 40, 60, 75, 85)
LON = 30.0
QUICK_RADII_KM = (400, 3000)
QUICK_LATS = (0, 60, 85)

# Special cases: over a pole and across the antimeridian.
SPECIAL = (
    {"id": "pole-89-500km", "lat": 89.0, "lon": 30.0, "radius_km": 500},
    {"id": "pole-85-1000km", "lat": 85.0, "lon": 30.0, "radius_km": 1000},
    {"id": "antimeridian-0-400km", "lat": 0.0, "lon": 179.5, "radius_km": 400},
    {"id": "antimeridian-60-1000km", "lat": 60.0, "lon": 179.5, "radius_km": 1000},
    {"id": "antimeridian-m40-3000km", "lat": -40.0, "lon": 179.5, "radius_km": 3000},
)

# ---------------------------------------------------------------- measuring


def point_errors(lat0: float, lon0: float, r: float, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    n = lon.size
    _, _, dist = GEOD.inv(np.full(n, lon0), np.full(n, lat0), lon, lat)
    return np.abs(np.asarray(dist) - r)


def edge_points(lon: np.ndarray, lat: np.ndarray, lon_next: np.ndarray, per_edge: int = EDGE_SAMPLES):
    """``per_edge`` points on every straight lon/lat edge (vertex included, end excluded)."""
    t = np.arange(per_edge, dtype=float)[None, :] / per_edge
    s_lon = lon[:, None] + t * (lon_next - lon)[:, None]
    s_lat = lat[:, None] + t * (np.roll(lat, -1) - lat)[:, None]
    return s_lon.ravel(), s_lat.ravel()


def polygon_errors(lat0: float, lon0: float, r: float, lon: np.ndarray, lat: np.ndarray, *, short_way: bool):
    """(max vertex error, max edge error) in metres of a closed ring (no repeated vertex)."""
    lon_next = np.roll(lon, -1)
    if short_way:  # ours: every edge, the closing one too, is taken the short way
        lon_next = lon + ((lon_next - lon + 180.0) % 360.0 - 180.0)
    s_lon, s_lat = edge_points(lon, lat, lon_next)
    return float(point_errors(lat0, lon0, r, lon, lat).max()), float(
        point_errors(lat0, lon0, r, s_lon, s_lat).max()
    )


# ---------------------------------------------------------------- Leaflet 1.9 L.Circle

LEAFLET_EARTH_R = 6371000.0  # L.CRS.Earth.R
MERCATOR_R = 6378137.0  # L.Projection.SphericalMercator.R
MAX_LAT = 85.0511287798  # SphericalMercator.MAX_LATITUDE: project() clamps to it


def _project(lat, lng):
    """Spherical Mercator in Leaflet's pixel orientation (y grows southwards); scale is irrelevant."""
    lat = np.clip(lat, -MAX_LAT, MAX_LAT)
    return MERCATOR_R * np.asarray(lng) * D, -MERCATOR_R * np.log(
        np.tan(math.pi / 4 + np.asarray(lat) * D / 2)
    )


def _unproject(x, y):
    lat = (2 * np.arctan(np.exp(-np.asarray(y) / MERCATOR_R)) - math.pi / 2) / D
    return np.asarray(x) / (MERCATOR_R * D), lat


def leaflet_circle(lat: float, lng: float, radius_m: float, n: int = ELLIPSE_SAMPLES):
    """Points of the ellipse Leaflet 1.9 draws for ``L.circle([lat, lng], radius_m)``.

    Returns (lon, lat, notes) or (None, None, notes) when Leaflet cannot draw a real
    circle (the circle would enclose a pole: top or bottom lies beyond ±90°).
    """
    notes = []
    lat_r = (radius_m / LEAFLET_EARTH_R) / D
    if lat + lat_r >= 90.0 or lat - lat_r <= -90.0:
        return None, None, ["encloses a pole: Leaflet's Mercator ellipse cannot draw it"]
    if lat + lat_r > MAX_LAT or lat - lat_r < -MAX_LAT:
        notes.append("top/bottom clamped to ±85.05° by Mercator")
    top = _project(lat + lat_r, lng)
    bottom = _project(lat - lat_r, lng)
    p = ((top[0] + bottom[0]) / 2, (top[1] + bottom[1]) / 2)
    lat2 = float(_unproject(*p)[1])
    with np.errstate(invalid="ignore"):
        lng_r = math.nan
        arg = (math.cos(lat_r * D) - math.sin(lat * D) * math.sin(lat2 * D)) / (
            math.cos(lat * D) * math.cos(lat2 * D)
        )
        if -1.0 <= arg <= 1.0:
            lng_r = math.acos(arg) / D
    if math.isnan(lng_r) or lng_r == 0:
        lng_r = lat_r / math.cos(D * lat)  # Leaflet's fallback (#2425)
        notes.append("lngR fallback")
    rx = p[0] - _project(lat2, lng - lng_r)[0]
    ry = p[1] - top[1]
    t = np.linspace(0.0, 2 * math.pi, n, endpoint=False)
    lon_s, lat_s = _unproject(p[0] + rx * np.cos(t), p[1] + ry * np.sin(t))
    return lon_s, lat_s, notes


# ---------------------------------------------------------------- turf.js circle

TURF_EARTH_R = 6371008.8  # turf helpers earthRadius
TURF_STEPS = 64


def turf_circle(lat: float, lng: float, radius_m: float, steps: int = TURF_STEPS):
    """Vertices of ``turf.circle([lng, lat], r, {steps: 64})`` (closing vertex left off)."""
    lat1, lon1 = lat * D, math.fmod(lng, 360.0) * D
    bearing = np.fmod(np.arange(steps) * -360.0 / steps, 360.0) * D
    rad = radius_m / TURF_EARTH_R
    lat2 = np.arcsin(math.sin(lat1) * math.cos(rad) + math.cos(lat1) * math.sin(rad) * np.cos(bearing))
    lon2 = lon1 + np.arctan2(
        np.sin(bearing) * math.sin(rad) * math.cos(lat1), math.cos(rad) - math.sin(lat1) * np.sin(lat2)
    )
    # v7's radiansToDegrees takes the angle modulo 2π (JS %, sign kept); v6 does not: same here.
    return np.fmod(lon2, 2 * math.pi) / D, lat2 / D


# ---------------------------------------------------------------- one case


def measure_case(lat: float, lon: float, radius_km: float) -> dict[str, Any]:
    from coverage.rings import ring_vertices

    r = radius_km * 1000.0
    out: dict[str, Any] = {"lat": lat, "lon": lon, "radius_km": radius_km}

    v_lon, v_lat = ring_vertices(lat, lon, r)
    vert, edge = polygon_errors(lat, lon, r, v_lon, v_lat, short_way=True)
    out["ours"] = {
        "vertices": int(v_lon.size),
        "vertex_err_m": vert,
        "edge_err_m": edge,
        "edge_err_frac": edge / r,
    }

    t_lon, t_lat = turf_circle(lat, lon, r)
    tv, te = polygon_errors(lat, lon, r, t_lon, t_lat, short_way=False)
    jumps = int((np.abs(np.diff(np.append(t_lon, t_lon[0]))) > 180.0).sum())
    out["turf"] = {
        "vertex_err_m": tv,
        "edge_err_m": te,
        "lon_range": [float(t_lon.min()), float(t_lon.max())],
    }
    turf_notes = []
    if jumps:
        turf_notes.append(f"{jumps} edge(s) jump >180° in longitude: drawn straight across the map")
    if t_lon.max() > 180.0 or t_lon.min() < -180.0:
        w_lon = (t_lon + 180.0) % 360.0 - 180.0  # what RFC 7946 (and many tools) normalise to
        wv, we = polygon_errors(lat, lon, r, w_lon, t_lat, short_way=False)
        turf_notes.append("longitudes beyond ±180° (not valid RFC 7946); measured as given")
        out["turf_wrapped"] = {
            "vertex_err_m": wv,
            "edge_err_m": we,
            "note": "turf longitudes wrapped to ±180°",
        }
    if turf_notes:
        out["turf"]["note"] = "; ".join(turf_notes)

    l_lon, l_lat, notes = leaflet_circle(lat, lon, r)
    if l_lon is None:
        out["leaflet"] = {"edge_err_m": None, "note": "; ".join(notes)}
    else:
        out["leaflet"] = {"edge_err_m": float(point_errors(lat, lon, r, l_lon, l_lat).max())}
        if notes:
            out["leaflet"]["note"] = "; ".join(notes)
    return out


def special_case(case: dict[str, Any]) -> dict[str, Any]:
    """A pole or antimeridian case: errors, plus what our RFC 7946 polygon looks like."""
    import shapely
    from shapely.geometry import Point

    from coverage.rings import geodesic_ring

    out = measure_case(case["lat"], case["lon"], case["radius_km"])
    out["id"] = case["id"]
    geom = geodesic_ring(case["lat"], case["lon"], case["radius_km"] * 1000.0)
    minx, miny, maxx, maxy = geom.bounds
    info = {
        "geom_type": geom.geom_type,
        "parts": int(shapely.get_num_geometries(geom)),
        "valid": bool(geom.is_valid),
        "within_lon_180": bool(minx >= -180.0 and maxx <= 180.0),
        "bounds": [round(v, 4) for v in (minx, miny, maxx, maxy)],
    }
    if case["id"].startswith("pole"):
        info["covers_north_pole_area"] = bool(
            geom.covers(Point(0.0, 89.99)) and geom.covers(Point(-150.0, 89.99))
        )
    out["ours"]["polygon"] = info
    return out


SWEEP_SEED = 7


def random_sweep(n_anywhere: int, n_polar: int, seed: int = SWEEP_SEED) -> dict[str, Any]:
    """Worst edge error / radius of ours over random rings (log-uniform radius 1–10,000 km).

    Beyond the fixed grid: centres anywhere, and near the poles (lopsided lon/lat edges),
    plus a few hand-picked hard cases (on ±180°, a hair from a pole).
    """
    from coverage.rings import ring_vertices

    rng = np.random.default_rng(seed)

    def radius() -> float:
        return float(np.exp(rng.uniform(math.log(1e3), math.log(1e7))))

    cases = [(89.999, 100.0, 1e3), (89.99, 0.0, 2e3), (0.0, 179.0, 4e5), (88.0, -179.9, 3e5)]
    cases += [(-89.0, 0.0, 9e6)]
    cases += [(rng.uniform(-90, 90), rng.uniform(-180, 180), radius()) for _ in range(n_anywhere)]
    cases += [(sign * rng.uniform(80, 90), rng.uniform(-180, 180), radius()) for sign in (1, -1)
              for _ in range(n_polar)]  # fmt: skip
    worst, where = 0.0, None
    for lat, lon, r in cases:
        v_lon, v_lat = ring_vertices(lat, lon, r)
        _, edge = polygon_errors(lat, lon, r, v_lon, v_lat, short_way=True)
        if edge / r > worst:
            worst, where = edge / r, {"lat": lat, "lon": lon, "radius_km": r / 1000.0}
    return {"rings": len(cases), "seed": seed, "worst_edge_frac": worst, "worst_case": where}


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    quick = cfg.get("quick", False)
    radii = QUICK_RADII_KM if quick else RADII_KM
    lats = QUICK_LATS if quick else LATS
    grid = [measure_case(float(lat), LON, float(rk)) for rk in radii for lat in lats]
    special = [special_case(c) for c in (SPECIAL[:3] if quick else SPECIAL)]

    from coverage.rings import ring_vertices

    t_samples = []
    for _ in range(3 if quick else 20):
        t0 = time.perf_counter()
        ring_vertices(40.0, LON, 400e3)
        t_samples.append(time.perf_counter() - t0)

    ours_vertex = max(c["ours"]["vertex_err_m"] for c in grid + special)
    ours_edge_frac = max(c["ours"]["edge_err_frac"] for c in grid + special)
    r400 = [c for c in grid if c["radius_km"] == 400]
    leaf400 = [c["leaflet"]["edge_err_m"] for c in r400 if c["leaflet"]["edge_err_m"] is not None]
    leaf400_unclamped = [
        c["leaflet"]["edge_err_m"]
        for c in r400
        if c["leaflet"]["edge_err_m"] is not None and "note" not in c["leaflet"]
    ]
    beats = all(
        c["ours"]["edge_err_m"]
        < min(x for x in (c["leaflet"]["edge_err_m"], c["turf"]["edge_err_m"]) if x is not None)
        for c in grid
    )
    from benchmarks.common import summary

    sweep = random_sweep(20, 5) if quick else random_sweep(300, 60)
    return {
        "edge_samples": EDGE_SAMPLES,
        "sweep": sweep,
        "ellipse_samples": ELLIPSE_SAMPLES,
        "grid": grid,
        "special": special,
        "ring_vertices_400km_s": summary(t_samples),
        "metrics": {
            "ours_vertex_max_m": ours_vertex,
            "ours_edge_max_frac": ours_edge_frac,
            "leaflet_400km_min_m": min(leaf400) if leaf400 else None,
            "leaflet_400km_max_m": max(leaf400) if leaf400 else None,
            "leaflet_400km_max_unclamped_m": max(leaf400_unclamped) if leaf400_unclamped else None,
            "turf_400km_max_m": max(c["turf"]["edge_err_m"] for c in r400) if r400 else None,
            "ours_beats_both_everywhere": beats,
            "sweep_edge_max_frac": sweep["worst_edge_frac"],
            "sweep_rings": sweep["rings"],
        },
    }


# ---------------------------------------------------------------- plot


def plot(result: dict[str, Any], path) -> None:
    """docs/img/accuracy.png: max error of the drawn ring by centre latitude, one panel per radius."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    grid = result["grid"]
    radii = sorted({c["radius_km"] for c in grid})
    cols = 3
    rows = math.ceil((len(radii) + 1) / cols)
    fig = Figure(figsize=(4.2 * cols, 3.4 * rows), dpi=110, layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    styles = {
        "leaflet": ("Leaflet 1.9 L.Circle (folium.Circle)", "#D55E00", "s"),
        "turf": ("turf.js circle, 64 steps", "#CC79A7", "^"),
        "ours": ("ours (coverage.rings)", "#0072B2", "o"),
    }
    for ax, rk in zip(axes, radii, strict=False):
        cases = sorted((c for c in grid if c["radius_km"] == rk), key=lambda c: c["lat"])
        lats = [c["lat"] for c in cases]
        top, bottom = 1.0, math.inf
        for key, (label, colour, marker) in styles.items():
            ys = [c[key]["edge_err_m"] for c in cases]
            xs_ok = [x for x, y in zip(lats, ys, strict=True) if y is not None]
            ys_ok = [max(y, 1e-4) for y in ys if y is not None]
            ax.plot(xs_ok, ys_ok, marker=marker, color=colour, label=label, lw=1.6, ms=5)
            top = max([top, *ys_ok])
            bottom = min([bottom, *ys_ok])
        for c in cases:
            if c["leaflet"]["edge_err_m"] is None:
                ax.plot([c["lat"]], [top * 3], marker="x", color=styles["leaflet"][1], ms=9, mew=2)
                ax.annotate(
                    "fails\n(pole)",
                    (c["lat"], top * 3),
                    textcoords="offset points",
                    xytext=(0, 6),
                    ha="center",
                    fontsize=7,
                    color=styles["leaflet"][1],
                )
        ax.axhline(5e-5 * rk * 1000, color="#0072B2", ls=":", lw=1)
        ax.set_yscale("log")
        ax.set_ylim(bottom / 3, top * 300)
        ax.set_title(f"radius {rk:,.0f} km")
        ax.set_xlabel("centre latitude (°), lon 30°")
        ax.set_ylabel("max error of drawn ring (m)")
        ax.set_xticks(lats)
        ax.grid(True, which="major", alpha=0.3)
    for ax in axes[len(radii) :]:
        ax.set_axis_off()
    handles, labels = axes[0].get_legend_handles_labels()
    handles.append(matplotlib.lines.Line2D([], [], color="#0072B2", ls=":"))
    labels.append("our promise: 0.005 % of the radius")
    legend_ax = axes[len(radii)] if len(radii) < len(axes) else axes[-1]
    legend_ax.legend(handles, labels, loc="center", fontsize=9, frameon=False)
    legend_ax.text(
        0.5,
        0.08,
        f"error = |WGS84 geodesic distance − r|,\nedges sampled {EDGE_SAMPLES}× (lon/lat linear);"
        f"\nLeaflet ellipse sampled {ELLIPSE_SAMPLES}×; failures drawn above the curves",
        ha="center",
        va="bottom",
        fontsize=7.5,
        transform=legend_ax.transAxes,
    )
    fig.suptitle("How far each drawn 'circle' is from the true geodesic circle")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, metadata={"Software": None})
