"""coverage.units: the published units and their exact conversions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coverage.errors import CoverageError
from coverage.units import UNIT_NAMES, UNITS, check_unit, format_distance, from_metres, to_metres


def test_the_three_units_in_order() -> None:
    assert UNITS == ("km", "mi", "nmi")
    assert UNIT_NAMES == {"km": "kilometres", "mi": "miles", "nmi": "nautical miles"}


@pytest.mark.parametrize(
    ("value", "unit", "metres"),
    [
        # Exact by definition: international mile (1959) and international nautical mile (1929).
        (1, "km", 1000.0),
        (1, "mi", 1609.344),
        (1, "nmi", 1852.0),
        (250, "mi", 402_336.0),  # the story's figure: "250 miles" = 402.336 km
        (100, "nmi", 185_200.0),
        (0, "mi", 0.0),
    ],
)
def test_to_metres_is_exact(value: float, unit: str, metres: float) -> None:
    assert to_metres(value, unit) == metres
    assert from_metres(metres, unit) == value


def test_unknown_unit_is_refused_naming_the_accepted_ones() -> None:
    for bad in ("ft", "KM", "miles", "", " km"):
        with pytest.raises(CoverageError, match="unknown unit .*km, mi, nmi"):
            check_unit(bad)
        with pytest.raises(CoverageError):
            to_metres(1, bad)
        with pytest.raises(CoverageError):
            from_metres(1, bad)


def test_check_unit_returns_the_unit() -> None:
    for unit in UNITS:
        assert check_unit(unit) == unit


@given(value=st.floats(min_value=0, max_value=1e7, allow_nan=False), unit=st.sampled_from(UNITS))
def test_from_metres_undoes_to_metres(value: float, unit: str) -> None:
    assert from_metres(to_metres(value, unit), unit) == pytest.approx(value, rel=1e-12, abs=1e-9)


@pytest.mark.parametrize(
    ("metres", "unit", "both", "expected"),
    [
        (400_000, "km", True, "400 km (249 mi)"),  # 400 / 1.609344 = 248.5
        (402_336, "mi", True, "250 mi (402 km)"),  # miles are followed by km
        (185_200, "nmi", True, "100 nmi (115 mi)"),  # nautical miles by miles: 115.08
        (402_336, "km", False, "402 km"),
        (2_000_000, "km", True, "2,000 km (1,243 mi)"),  # thousands separated
    ],
)
def test_format_distance(metres: float, unit: str, both: bool, expected: str) -> None:
    assert format_distance(metres, unit, both=both) == expected


def test_format_distance_refuses_an_unknown_unit() -> None:
    with pytest.raises(CoverageError, match="unknown unit"):
        format_distance(1000, "ft")
