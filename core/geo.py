"""Distances on the Earth's surface: one haversine. Pure: numpy only.

The great-circle distance on a sphere of the mean Earth radius (IUGG): within 0.5 % of the
ellipsoid anywhere, far below GPS noise at the steps of a recording. Vectorised: file parsers
and summaries measure whole tracks, route clustering compares one point with thousands.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)


def haversine_rad_m(
    lat1_rad: ArrayLike, lon1_rad: ArrayLike, lat2_rad: ArrayLike, lon2_rad: ArrayLike
) -> FloatArray:
    """Great-circle distance (m) between points given in radians; the arguments broadcast
    against each other (one point against many, or many pairs at once)."""
    h = (
        np.sin(np.subtract(lat2_rad, lat1_rad) / 2) ** 2
        + np.cos(lat1_rad) * np.cos(lat2_rad) * np.sin(np.subtract(lon2_rad, lon1_rad) / 2) ** 2
    )
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))))


def haversine_m(
    lat1_deg: ArrayLike, lon1_deg: ArrayLike, lat2_deg: ArrayLike, lon2_deg: ArrayLike
) -> FloatArray:
    """Great-circle distance (m) between points given in degrees (broadcasting as above)."""
    return haversine_rad_m(
        *(
            np.radians(np.asarray(v, dtype=np.float64))
            for v in (lat1_deg, lon1_deg, lat2_deg, lon2_deg)
        )
    )


def step_lengths_m(lat_deg: ArrayLike, lon_deg: ArrayLike) -> FloatArray:
    """The distance (m) from each point of a track (degrees) to the next: n - 1 values."""
    lat = np.radians(np.asarray(lat_deg, dtype=np.float64))
    lon = np.radians(np.asarray(lon_deg, dtype=np.float64))
    return haversine_rad_m(lat[:-1], lon[:-1], lat[1:], lon[1:])
