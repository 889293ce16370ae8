"""coverage.horizon: the textbook smooth-earth radar horizon (4/3 Earth)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coverage.horizon import EARTH_RADIUS_M, EFFECTIVE_EARTH_FACTOR, radar_horizon_m


def textbook_km(h1_m: float, h2_m: float) -> float:
    """The radar handbook rule of thumb: d ≈ 4.12 (√h1 + √h2) km, heights in metres.

    4.12 = √(2 · 4/3 · 6371 km · 1 m) / 1 km, rounded; written out independently of the module.
    """
    return 4.12 * (math.sqrt(h1_m) + math.sqrt(h2_m))


def test_constants_are_the_textbook_ones() -> None:
    assert pytest.approx(4 / 3) == EFFECTIVE_EARTH_FACTOR
    assert EARTH_RADIUS_M == 6_371_000.0


@pytest.mark.parametrize(
    ("mast_m", "target_m"),
    [(10, 0), (20, 300), (30, 10_000), (0, 100), (100, 100), (25, 15_000)],
)
def test_agrees_with_the_4_12_rule_of_thumb(mast_m: float, target_m: float) -> None:
    # 4.12 is rounded from 4.1224, so the rule and the exact formula agree to 0.1 %.
    assert float(radar_horizon_m(mast_m, target_m)) / 1000 == pytest.approx(
        textbook_km(mast_m, target_m), rel=1e-3
    )


def test_reference_values() -> None:
    # √(2 · 4/3 · 6,371 km · 20 m) = 18.43 km: a 20 m mast sees the sea surface to there,
    # and a target at 10 km altitude to 18.43 + √(2 · 4/3 · 6,371 km · 10 km) = 430.61 km.
    assert float(radar_horizon_m(20, 0)) == pytest.approx(18_433.3, abs=0.1)
    assert float(radar_horizon_m(20, 10_000)) == pytest.approx(430_614.5, abs=0.1)
    assert float(radar_horizon_m(0, 0)) == 0.0


def test_is_symmetric_and_adds_the_two_horizons() -> None:
    assert float(radar_horizon_m(30, 500)) == pytest.approx(float(radar_horizon_m(500, 30)))
    assert float(radar_horizon_m(30, 500)) == pytest.approx(
        float(radar_horizon_m(30, 0)) + float(radar_horizon_m(0, 500))
    )


def test_broadcasts_over_arrays() -> None:
    altitudes = np.array([0.0, 100.0, 1_000.0, 10_000.0])
    out = radar_horizon_m(20, altitudes)
    assert out.shape == (4,)
    assert out.dtype == np.float64
    expected = [textbook_km(20, a) * 1000 for a in altitudes]
    np.testing.assert_allclose(out, expected, rtol=1e-3)
    assert np.all(np.diff(out) > 0)


@pytest.mark.parametrize(("mast_m", "target_m"), [(-1, 0), (0, -0.5), (10, [100, -1])])
def test_negative_heights_are_refused(mast_m: float, target_m: float) -> None:
    with pytest.raises(ValueError, match="zero or positive"):
        radar_horizon_m(mast_m, target_m)


@given(
    h=st.floats(min_value=0, max_value=1e4, allow_nan=False),
    a=st.floats(min_value=0, max_value=1e5, allow_nan=False),
)
def test_grows_with_either_height(h: float, a: float) -> None:
    base = float(radar_horizon_m(h, a))
    assert float(radar_horizon_m(h + 1, a)) > base
    assert float(radar_horizon_m(h, a + 1)) > base
