"""Who a scenario's rings reach, and how much of them.

Areas are geodesic (WGS84). Rings are merged before measuring, so where rings
overlap nothing is counted twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from coverage.geodesy import area_km2, distance_m
from coverage.places import Place
from coverage.rings import geodesic_ring
from coverage.scenario import Site

# Slivers where a ring merely grazes a border (coastline rounding) are not "reached".
MIN_REACHED_KM2 = 0.01

COVERAGE_COLUMNS = ["country", "iso_a3", "covered_km2", "country_km2", "covered_pct"]


@lru_cache(maxsize=4096)
def ring_for(lat_deg: float, lon_deg: float, radius_m: float) -> BaseGeometry:
    """Cached :func:`geodesic_ring`: the app redraws the same rings on every rerun."""
    return geodesic_ring(lat_deg, lon_deg, radius_m)


def site_ring(site: Site) -> BaseGeometry:
    return ring_for(site.lat_deg, site.lon_deg, site.radius_m)


def covered_union(sites: Sequence[Site]) -> BaseGeometry:
    """The union of the sites' rings."""
    return shapely.union_all([site_ring(s) for s in sites])


def coverage_of(area: BaseGeometry, borders: gpd.GeoDataFrame) -> pd.DataFrame:
    """Countries that ``area`` reaches, with covered and total km² and the share.

    Sorted by covered area, largest first.
    """
    geoms = borders.geometry.values
    candidates = borders.sindex.query(area, predicate="intersects")
    rows = []
    shapely.prepare(area)
    for i in candidates:
        country = geoms[i]
        # Clip the country to the ring's box first: intersecting Russia whole is slow.
        part = shapely.intersection(shapely.clip_by_rect(country, *area.bounds), area)
        km2 = area_km2(part)
        if km2 < MIN_REACHED_KM2:
            continue
        total = float(borders["area_km2"].iat[i])
        rows.append(
            {
                "country": borders["name"].iat[i],
                "iso_a3": borders["iso_a3"].iat[i],
                "covered_km2": km2,
                "country_km2": total,
                "covered_pct": min(100.0, 100.0 * km2 / total),
            }
        )
    table = pd.DataFrame(rows, columns=COVERAGE_COLUMNS)
    return table.sort_values("covered_km2", ascending=False, ignore_index=True)


def coverage_table(sites: Sequence[Site], borders: gpd.GeoDataFrame) -> pd.DataFrame:
    """Coverage of the union of all rings (see :func:`coverage_of`)."""
    return coverage_of(covered_union(sites), borders)


def coverage_by_site(sites: Sequence[Site], borders: gpd.GeoDataFrame) -> pd.DataFrame:
    """One coverage table per site, stacked, with a leading ``site`` column."""
    columns = ["site", *COVERAGE_COLUMNS]
    tables = [coverage_of(site_ring(s), borders).assign(site=s.name)[columns] for s in sites]
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=columns)


def distance_table(sites: Sequence[Site], places: Sequence[Place]) -> pd.DataFrame:
    """Geodesic distance from every site to every place, and whether it is inside the ring."""
    if not sites or not places:
        return pd.DataFrame(columns=["site", "place", "kind", "distance_km", "radius_km", "inside"])
    s_lat = np.array([s.lat_deg for s in sites])[:, None]
    s_lon = np.array([s.lon_deg for s in sites])[:, None]
    p_lat = np.array([p.lat_deg for p in places])[None, :]
    p_lon = np.array([p.lon_deg for p in places])[None, :]
    dist = distance_m(s_lat, s_lon, p_lat, p_lon)
    rows = [
        {
            "site": site.name,
            "place": place.name,
            "kind": place.kind,
            "distance_km": dist[i, j] / 1000.0,
            "radius_km": site.radius_km,
            "inside": bool(dist[i, j] <= site.radius_m),
        }
        for i, site in enumerate(sites)
        for j, place in enumerate(places)
    ]
    return pd.DataFrame(rows)


def reference_places(reached_iso_a3: Sequence[str]) -> list[Place]:
    """The story's places plus the capital of every country reached."""
    from coverage.places import capitals, story_places

    out = list(story_places())
    names = {p.name for p in out}
    caps = capitals()
    for code in reached_iso_a3:
        cap = caps.get(code) if isinstance(code, str) else None
        if cap is not None and cap.name not in names:
            out.append(cap)
            names.add(cap.name)
    return out
