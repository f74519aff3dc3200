"""The wiring module (config/wiring.py, settings.PACELINE_WIRING): the top layer lists who
reacts to events, what the sweep runs and which panels other apps add to a page. Lower layers
read it by name only, so they never import the apps above them."""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType
from typing import Any

from django.conf import settings


@cache
def wiring() -> ModuleType:
    """The wiring module itself."""
    return importlib.import_module(getattr(settings, "PACELINE_WIRING", "config.wiring"))


def wired(name: str) -> Any:
    """One list of the wiring module (e.g. SUBSCRIBERS, SWEEPERS, ACTIVITY_PANELS)."""
    return getattr(wiring(), name)
