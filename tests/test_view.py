"""The view a map frames and the borders sent for it (coverage/view.py)."""

from __future__ import annotations

import _geo_reference as ref

from coverage.analysis import site_rings
from coverage.scenario import Site
from coverage.view import DISPLAY_DECIMALS, borders_for_view, display_bounds, view_bounds


def test_view_bounds_contain_the_ring_and_stay_in_the_world(kars_sites):
    (site,) = kars_sites
    min_lon, min_lat, max_lon, max_lat = view_bounds(site_rings(kars_sites))
    # 250 mi north/south/east/west of Kars (Geod.fwd) lies inside the view
    lons, lats, _ = ref.GEOD.fwd(
        [site.lon_deg] * 4, [site.lat_deg] * 4, [0, 90, 180, 270], [site.radius_m] * 4
    )
    for lon, lat in zip(lons, lats, strict=True):
        assert min_lon < lon < max_lon and min_lat < lat < max_lat
    big = [Site("big", 80.0, 170.0, 5_000_000.0)]
    b = view_bounds(site_rings(big))
    assert b[0] >= -180 and b[2] <= 180 and b[1] >= -90 and b[3] <= 90


def test_borders_for_view_clips_and_keeps_valid(borders_110m, kars_sites):
    bounds = view_bounds(site_rings(kars_sites))
    display = borders_for_view(borders_110m, bounds)
    assert "Armenia" in set(display["name"]) and "Brazil" not in set(display["name"])
    assert display.geometry.is_valid.all()
    tb = display.total_bounds
    eps = 1e-3
    assert tb[0] >= bounds[0] - eps and tb[1] >= bounds[1] - eps
    assert tb[2] <= bounds[2] + eps and tb[3] <= bounds[3] + eps
    assert not display.geometry.is_empty.any()


def test_display_bounds_are_wider_and_rounded(kars_sites):
    view = view_bounds(site_rings(kars_sites))
    display = display_bounds(view)
    assert display[0] < view[0] and display[1] < view[1] and display[2] > view[2] and display[3] > view[3]
    assert all(round(v, DISPLAY_DECIMALS) == v for v in display)


def test_no_rings_frame_the_story_region():
    west, south, east, north = view_bounds([])
    assert west < 32.85 < east and south < 39.92 < north  # Ankara


def test_borders_for_a_view_across_the_date_line(borders_110m):
    # Chukotka: Natural Earth cuts Russia at 180°; the view's borders join it again.
    display = borders_for_view(borders_110m, (165.0, 55.0, 195.0, 72.0))
    assert display.geometry.is_valid.all()
    west, _, east, _ = display.total_bounds
    assert west >= 165.0 - 1e-9 and east > 180.0 and east <= 195.0 + 1e-9
    russia = display[display["name"] == "Russia"].geometry.iloc[0]
    mainland = max(russia.geoms, key=lambda p: p.area) if hasattr(russia, "geoms") else russia
    assert mainland.bounds[0] < 180.0 < mainland.bounds[2]  # one piece across 180°
    assert "United States" in set(display["name"])  # Alaska, a turn east (house-style name)
