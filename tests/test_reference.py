"""The independent reference formulas themselves, against published WGS84 constants."""

import _geo_reference as ref
import pytest


def test_zone_formula_gives_published_wgs84_surface_area():
    assert ref.zone_area_km2(-90.0, 90.0) == pytest.approx(ref.WGS84_SURFACE_KM2, rel=1e-9)


def test_meridian_quadrature_gives_published_quarter_meridian():
    assert ref.meridian_arc_m(90.0) == pytest.approx(ref.QUARTER_MERIDIAN_M, abs=0.01)


def test_pyproj_reference_matches_geographiclib_published_example():
    # GeographicLib docs: Wellington (41.32S, 174.81E) to Salamanca (40.96N, 5.50W).
    d = float(ref.inv_distance_m(-41.32, 174.81, 40.96, -5.50))
    assert d == pytest.approx(19959679.267, abs=0.001)


def test_pole_parallel_latitude_agrees_with_pyproj():
    phi = ref.latitude_at_distance_from_pole(1_000_000.0)
    assert float(ref.inv_distance_m(90.0, 0.0, phi, 0.0)) == pytest.approx(1_000_000.0, abs=0.01)
