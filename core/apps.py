from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        """Load the wiring (config/wiring.py) with the apps, not on the first change a request
        publishes: it imports every app's tasks and panels."""
        from core import embedded
        from core.wiring import wiring

        wiring()
        if embedded.wanted():  # `make run`: no beat, the served process sweeps by itself
            embedded.sweeper_start()
