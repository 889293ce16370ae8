"""Distance units as published (km, mi, nmi) and their conversion to metres."""

from __future__ import annotations

from typing import Literal, get_args

from coverage.errors import CoverageError
from coverage.i18n import N_

Unit = Literal["km", "mi", "nmi"]
UNITS: tuple[Unit, ...] = get_args(Unit)

# Exact by definition: the international mile and the international nautical mile.
METRES_PER_UNIT: dict[Unit, float] = {"km": 1000.0, "mi": 1609.344, "nmi": 1852.0}
UNIT_NAMES: dict[Unit, str] = {"km": "kilometres", "mi": "miles", "nmi": "nautical miles"}


def check_unit(unit: str) -> Unit:
    """Return ``unit`` as a :data:`Unit`, or raise naming the accepted ones."""
    for known in UNITS:
        if unit == known:
            return known
    raise CoverageError.of(
        N_("unknown unit {unit}: use one of {units}"), unit=repr(unit), units=", ".join(UNITS)
    )


def to_metres(value: float, unit: str) -> float:
    """Convert ``value`` in ``unit`` to metres."""
    return float(value) * METRES_PER_UNIT[check_unit(unit)]


def from_metres(metres: float, unit: str) -> float:
    """Convert ``metres`` to ``unit``."""
    return float(metres) / METRES_PER_UNIT[check_unit(unit)]


def format_distance(metres: float, unit: str = "km", *, both: bool = True) -> str:
    """Format a distance for labels, e.g. ``"400 km (249 mi)"``.

    The first number is in ``unit``; with ``both`` the other common unit
    (miles for km and nmi, km for miles) follows in brackets.
    """
    unit = check_unit(unit)
    main = f"{from_metres(metres, unit):,.0f} {unit}"
    if not both:
        return main
    other: Unit = "km" if unit == "mi" else "mi"
    return f"{main} ({from_metres(metres, other):,.0f} {other})"
