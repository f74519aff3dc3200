"""Background tasks of the coaching app: outbox subscribers (config/wiring.py), thin."""

from __future__ import annotations

from coaching.services.after import (
    activities_relink,
    plan_load_handover,
    plan_reestimate,
    plan_relink,
)
from core.events import ActivitiesChanged, PlanChanged, ThresholdsChanged
from core.outbox import subscriber


@subscriber("coaching.activities_relink")
def activities_relink_task(event: ActivitiesChanged) -> None:
    """Relink the planned sessions of the days of changed activities."""
    activities_relink(event)


@subscriber("coaching.plan_relink")
def plan_relink_task(event: PlanChanged) -> None:
    """Relink the days whose planned sessions changed."""
    plan_relink(event)


@subscriber("coaching.plan_load_handover")
def plan_load_handover_task(event: PlanChanged) -> None:
    """Hand the planned load of the changed days to analytics."""
    plan_load_handover(event)


@subscriber("coaching.plan_reestimate")
def plan_reestimate_task(event: ThresholdsChanged) -> None:
    """Re-estimate the plan after a thresholds or zones change."""
    plan_reestimate(event)
