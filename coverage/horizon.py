"""Textbook smooth-earth radar horizon (4/3 effective Earth radius).

A radar at height h sees a target at altitude a out to about
sqrt(2 k R h) + sqrt(2 k R a), with k = 4/3 for standard refraction. This is
the geometry found in any radar textbook; it ignores terrain, the radar's
power and the target's size, and is shown only to explain why a published
maximum range is not a coverage map.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

EARTH_RADIUS_M = 6_371_000.0
EFFECTIVE_EARTH_FACTOR = 4.0 / 3.0


def radar_horizon_m(mast_height_m: ArrayLike, target_altitude_m: ArrayLike) -> NDArray[np.float64]:
    """Line-of-sight distance in metres between a radar and a target over a smooth earth."""
    h = np.asarray(mast_height_m, dtype=float)
    a = np.asarray(target_altitude_m, dtype=float)
    if np.any(h < 0) or np.any(a < 0):
        raise ValueError("heights must be zero or positive")
    k_r = EFFECTIVE_EARTH_FACTOR * EARTH_RADIUS_M
    return np.sqrt(2.0 * k_r * h) + np.sqrt(2.0 * k_r * a)
