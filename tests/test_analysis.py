"""Coverage tables and distances, checked against independent geometry."""

from __future__ import annotations

import math

import _geo_reference as ref
import geopandas as gpd
import numpy as np
import pytest
import shapely
from conftest import KARS_COUNTRIES
from shapely.geometry import MultiPolygon, box

from coverage.analysis import (
    COVERAGE_COLUMNS,
    coverage_by_site,
    coverage_table,
    distance_table,
    reference_places,
)
from coverage.places import Place, story_places
from coverage.scenario import Site

KM_PER_DEG_EQUATOR = ref.A * math.pi / 180.0 / 1000.0


def _country_frame(rows):
    """A hand-built borders frame; area_km2 from the closed-form zone formula."""
    names, isos, areas, geoms = [], [], [], []
    for name, iso, boxes in rows:
        names.append(name)
        isos.append(iso)
        areas.append(sum(ref.zone_area_km2(b[1], b[3], b[2] - b[0]) for b in boxes))
        geoms.append(MultiPolygon([box(*b) for b in boxes]))
    return gpd.GeoDataFrame(
        {"name": names, "iso_a3": isos, "iso_n3": ["999"] * len(names), "area_km2": areas},
        geometry=geoms,
        crs="EPSG:4326",
    )


SQUARELAND = _country_frame([("Squareland", "SQL", [(-5.0, -5.0, 5.0, 5.0)])])


def test_kars_reaches_exactly_the_eight_countries(kars_table):
    assert list(kars_table.columns) == COVERAGE_COLUMNS
    assert set(kars_table["country"]) == KARS_COUNTRIES
    assert len(kars_table) == len(KARS_COUNTRIES)
    assert kars_table["covered_km2"].is_monotonic_decreasing
    assert (kars_table["covered_pct"] <= 100.0).all() and (kars_table["covered_pct"] > 0).all()


def test_kars_country_set_agrees_with_vertex_distances(kars_sites, kars_table, borders_10m):
    """Independently: a country with a border point well inside the ring is reached;
    a country whose every border point is well outside it is not."""
    (site,) = kars_sites
    r = site.radius_m
    near = borders_10m.cx[site.lon_deg - 12 : site.lon_deg + 12, site.lat_deg - 9 : site.lat_deg + 9]
    reached = set(kars_table["country"])
    surely_in, surely_out = set(), set()
    for name, geom in zip(near["name"], near.geometry, strict=True):
        pts = shapely.get_coordinates(shapely.segmentize(geom, 0.01))
        d = ref.inv_distance_m(site.lat_deg, site.lon_deg, pts[:, 1], pts[:, 0])
        if d.min() < r - 2000.0:
            surely_in.add(name)
        elif d.min() > r + 2000.0:
            surely_out.add(name)
    assert surely_in <= reached
    assert not (surely_out & reached)
    assert len(surely_in) >= 7 and len(surely_out) >= 3  # the check had teeth


def test_armenia_entirely_inside_is_100_percent(kars_sites, kars_table, borders_10m):
    (site,) = kars_sites
    armenia = borders_10m[borders_10m["iso_a3"] == "ARM"].iloc[0]
    pts = shapely.get_coordinates(armenia.geometry)
    far = ref.inv_distance_m(site.lat_deg, site.lon_deg, pts[:, 1], pts[:, 0]).max()
    assert far < site.radius_m  # every border point of Armenia is within 250 mi of Kars
    row = kars_table[kars_table["country"] == "Armenia"].iloc[0]
    assert row["covered_pct"] == pytest.approx(100.0, abs=0.05)
    assert row["covered_km2"] == pytest.approx(row["country_km2"], rel=5e-4)
    assert row["iso_a3"] == "ARM"


def test_identical_sites_are_not_double_counted(kars_sites, borders_10m, kars_table):
    (site,) = kars_sites
    twin = Site("Kars again", site.lat_deg, site.lon_deg, site.radius_m, site.figure)
    doubled = coverage_table([site, twin], borders_10m)
    assert list(doubled["country"]) == list(kars_table["country"])
    assert np.allclose(doubled["covered_km2"], kars_table["covered_km2"], rtol=1e-9)


def test_square_country_fully_containing_a_ring():
    site = Site("c", 0.0, 0.0, 100_000.0)
    table = coverage_table([site], SQUARELAND)
    assert list(table["country"]) == ["Squareland"]
    cap = ref.spherical_cap_km2(100_000.0)
    row = table.iloc[0]
    assert row["covered_km2"] == pytest.approx(cap, rel=5e-3)
    assert row["country_km2"] == pytest.approx(ref.zone_area_km2(-5, 5, 10))
    assert row["covered_pct"] == pytest.approx(100.0 * cap / ref.zone_area_km2(-5, 5, 10), rel=5e-3)


def test_square_country_containing_half_a_ring():
    half = _country_frame([("Eastland", "EAS", [(0.0, -5.0, 10.0, 5.0)])])
    table = coverage_table([Site("c", 0.0, 0.0, 100_000.0)], half)
    assert table.iloc[0]["covered_km2"] == pytest.approx(ref.spherical_cap_km2(100_000.0) / 2.0, rel=5e-3)


def test_country_across_the_date_line():
    pacific = _country_frame([("Dateland", "DTL", [(175.0, -5.0, 180.0, 5.0), (-180.0, -5.0, -175.0, 5.0)])])
    table = coverage_table([Site("c", 0.0, 180.0, 100_000.0)], pacific)
    assert table.iloc[0]["covered_km2"] == pytest.approx(ref.spherical_cap_km2(100_000.0), rel=5e-3)


def test_overlapping_rings_count_the_lens_once():
    r_km = 100.0
    d_km = 100.0
    east = Site("east", 0.0, d_km / KM_PER_DEG_EQUATOR, r_km * 1000.0)
    west = Site("west", 0.0, 0.0, r_km * 1000.0)
    table = coverage_table([west, east], SQUARELAND)
    # plane geometry (curvature effects ~ (r/R)^2 ~ 3e-4): union = 2 pi r^2 - lens
    lens = 2 * r_km**2 * math.acos(d_km / (2 * r_km)) - (d_km / 2) * math.sqrt(4 * r_km**2 - d_km**2)
    assert table.iloc[0]["covered_km2"] == pytest.approx(2 * math.pi * r_km**2 - lens, rel=5e-3)
    by_site = coverage_by_site([west, east], SQUARELAND)
    assert list(by_site.columns) == ["site", *COVERAGE_COLUMNS]
    assert list(by_site["site"]) == ["west", "east"]
    assert by_site["covered_km2"].sum() == pytest.approx(2 * math.pi * r_km**2, rel=5e-3)


def test_ring_in_the_sea_reaches_nobody():
    table = coverage_table([Site("sea", -5.0, 20.0, 50_000.0)], SQUARELAND)
    assert list(table.columns) == COVERAGE_COLUMNS
    assert len(table) == 0


def test_by_site_with_no_sites_has_the_columns():
    table = coverage_by_site([], SQUARELAND)
    assert list(table.columns) == ["site", *COVERAGE_COLUMNS]
    assert len(table) == 0


def test_distance_table_agrees_with_geod_inv(kars_sites):
    (kars,) = kars_sites
    sites = [kars, Site("Ankara 400 km", 39.92, 32.85, 400_000.0)]
    places = [*story_places(), Place("Baku", 40.41, 49.87, "AZE", "capital")]
    table = distance_table(sites, places)
    assert len(table) == len(sites) * len(places)
    for row in table.itertuples():
        site = next(s for s in sites if s.name == row.site)
        place = next(p for p in places if p.name == row.place)
        d = float(ref.inv_distance_m(site.lat_deg, site.lon_deg, place.lat_deg, place.lon_deg))
        assert row.distance_km == pytest.approx(d / 1000.0, abs=1e-6)
        assert row.inside == (d <= site.radius_m)
        assert row.radius_km == pytest.approx(site.radius_m / 1000.0)
    # Yerevan is ~75 km from Kars; Athens is far outside
    kars_rows = table[table["site"] == kars.name].set_index("place")
    assert bool(kars_rows.loc["Yerevan", "inside"]) is True
    assert bool(kars_rows.loc["Athens", "inside"]) is False


def test_distance_table_empty():
    table = distance_table([], [])
    assert len(table) == 0
    assert {"site", "place", "distance_km", "inside"} <= set(table.columns)


def test_reference_places_add_capitals_once():
    places = reference_places(["AZE", "ARM", "AZE", None])
    names = [p.name for p in places]
    assert "Baku" in names
    assert len(names) == len(set(names))
    assert names.count("Yerevan") == 1


def test_ring_cache_is_safe_across_threads(monkeypatch):
    """Streamlit runs sessions in threads; a full cache evicts on every call."""
    import threading

    import coverage.analysis as analysis
    from coverage.cache import LRUCache

    monkeypatch.setattr(analysis, "_RINGS", LRUCache(4))
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(40):
                keys = [(10.0 + (offset + i + j) % 12, 20.0, 100_000.0) for j in range(3)]
                rings = analysis.rings_for(keys)
                for (lat, _, _), ring in zip(keys, rings, strict=True):
                    assert ring.contains(shapely.Point(20.0, lat))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    size = len(analysis._RINGS)
    analysis.clear_ring_cache()
    assert errors == []
    assert 0 < size <= 4, "the cache keeps to its bound"


def _covered_directly(area, countries) -> dict[str, float]:
    """Coverage the plain way: the area intersected with each whole country."""
    from coverage.geodesy import area_km2

    out = {}
    for name, geom in zip(countries.name, countries.geometry, strict=True):
        if geom.intersects(area):
            km2 = area_km2(shapely.intersection(geom, area))
            if km2 >= 0.01:
                out[name] = km2
    return out


@pytest.mark.parametrize(
    "centres",
    [
        [(39.9, 32.9, 400e3)],  # Ankara: Turkey partly, Armenia whole
        [(60.0, 90.0, 2_500e3)],  # deep in Russia: many whole cells
        [(65.0, 179.0, 800e3), (-17.0, 179.5, 500e3)],  # across the antimeridian (Russia, Fiji)
        [(89.0, 0.0, 1_500e3)],  # round the pole
        [(48.0, 10.0, 150e3), (48.5, 11.0, 150e3), (50.0, 14.0, 300e3), (35.0, 135.0, 200e3)],
    ],
)
def test_coverage_by_cells_matches_plain_intersection(borders_10m, centres):
    from coverage.analysis import as_countries, coverage_rows, rings_for

    countries = as_countries(borders_10m)
    union = shapely.union_all(rings_for(centres))
    rows = {row["country"]: row["covered_km2"] for row in coverage_rows(union, countries)}
    direct = _covered_directly(union, countries)
    assert set(rows) == set(direct)
    for name, km2 in direct.items():
        # Cutting a country at cell edges changes only where its slanted edges are
        # densified for measuring: a few 1e-6 of a piece at most.
        assert rows[name] == pytest.approx(km2, rel=1e-5, abs=0.01), name


def test_by_site_rows_are_each_rings_own_rows(borders_110m):
    from coverage.analysis import coverage_rows, coverage_rows_by_site, site_rings

    sites = [
        Site("A", 39.9, 32.9, 400e3),
        Site("B", 41.7, 26.6, 300e3),
        Site("C", 0.0, 0.0, 100e3),  # open sea: no rows
        Site("D", 52.0, 5.0, 250e3),
    ]
    rows = coverage_rows_by_site(sites, borders_110m)
    expected = [
        {"site": site.name, **row}
        for site, ring in zip(sites, site_rings(sites), strict=True)
        for row in coverage_rows(ring, borders_110m)
    ]
    assert rows == expected
    assert {row["site"] for row in rows} == {"A", "B", "D"}


def test_covered_km2_of_nothing(borders_110m):
    from coverage.analysis import as_countries, covered_km2

    countries = as_countries(borders_110m)
    for areas in ([], [shapely.Polygon()], [shapely.Polygon(), None]):
        which, country, km2 = covered_km2(areas, countries)
        assert which.size == country.size == km2.size == 0


def test_distances_fit_each_site_nearest_capitals_and_story_places_in_reach() -> None:
    from coverage.analysis import NEAREST_CAPITALS, site_distance_rows
    from coverage.places import capitals, story_places
    from coverage.scenario import Site

    kaliningrad = Site(name="Kaliningrad", lat_deg=54.71, lon_deg=20.51, radius_m=400_000.0)
    ankara = Site(name="Ankara", lat_deg=39.93, lon_deg=32.86, radius_m=402_336.0)
    rows = site_distance_rows([kaliningrad, ankara], list(capitals().values()), story_places())
    by_site = {name: [r for r in rows if r["site"] == name] for name in ("Kaliningrad", "Ankara")}
    k = by_site["Kaliningrad"]
    assert [r["kind"] for r in k] == ["capital"] * NEAREST_CAPITALS  # no Turkish place is near it
    assert {"Vilnius", "Warsaw"} <= {r["place"] for r in k}
    assert [r["distance_km"] for r in k] == sorted(r["distance_km"] for r in k)
    assert all(r["why"] == "one of the nearest capitals" for r in k)
    a = by_site["Ankara"]
    story = [r for r in a if r["why"].startswith("story place")]
    assert story and all(r["distance_km"] <= 2 * 402.336 for r in story)
    assert "Kars" not in {r["place"] for r in story}  # ~900 km away: beyond twice the range
    assert "İzmir" in {r["place"] for r in story}


def test_many_rings_are_merged_in_halves_to_the_same_area() -> None:
    """union_of merges 200+ rings on two threads; the area is that of one union_all."""
    from coverage.analysis import _PARALLEL_UNION, rings_for, union_of
    from coverage.geodesy import area_km2

    rng = np.random.default_rng(5)
    n = _PARALLEL_UNION + 50
    keys = list(zip(rng.uniform(20, 65, n), rng.uniform(-10, 140, n), rng.uniform(1e5, 4e5, n), strict=True))
    rings = rings_for(keys)
    merged = union_of(rings)
    assert merged.is_valid
    assert area_km2(merged) == pytest.approx(area_km2(shapely.union_all(rings)), rel=1e-9)
    assert union_of([]).is_empty
