"""Tenancy-matrix rows kept beside the matrix (tests/test_tenancy_matrix.py), one module per
area: each module defines `ROWS` (a list of `tests.tenancy.base.Row`) and
`def world(w: dict) -> dict` returning the objects its rows need (added to the shared world)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from types import ModuleType
from typing import Any


def _modules() -> list[ModuleType]:
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
        if info.name != "base"
    ]


def extra_rows() -> list[Any]:
    return [row for module in _modules() for row in module.ROWS]


def extra_worlds() -> list[Callable[[dict[str, Any]], dict[str, Any]]]:
    return [module.world for module in _modules()]
