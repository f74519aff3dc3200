"""Synthetic but physiologically plausible training sessions for demos. Pure: no Django.

`demo_schedule` lays out weeks of sessions for a profile (rest day, intervals mid-week, the long
session at the weekend, a recovery week every fourth week, volume growing over the months);
`synthetic_activity` turns one planned session into a `NormalizedActivity` with 1 Hz streams and
laps. Everything is deterministic for a given seed. No recording from the corpus is ever used.
"""

from __future__ import annotations

from coaching.demo.synthetic.schedule import SessionSpec, demo_schedule
from coaching.demo.synthetic.sessions import Home, Physiology, synthetic_activity
from coaching.demo.synthetic.workouts import Block

__all__ = [
    "Block",
    "Home",
    "Physiology",
    "SessionSpec",
    "demo_schedule",
    "synthetic_activity",
]
