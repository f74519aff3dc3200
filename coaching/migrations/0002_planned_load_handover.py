"""Hand the plan's load per day, as it stands, to analytics (PlannedLoad): from now on coaching
keeps it up to date (coaching.services.after.plan_load_handover) and analytics reads only it."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.models import Sum


def handover(apps: Any, schema_editor: Any) -> None:
    planned_session = apps.get_model("coaching", "PlannedSession")
    planned_load = apps.get_model("analytics", "PlannedLoad")
    rows = (
        planned_session.objects.filter(hidden=False, est_load__isnull=False)
        .values("athlete_id", "day")
        .annotate(load=Sum("est_load"))
    )
    planned_load.objects.bulk_create(
        (
            planned_load(athlete_id=r["athlete_id"], day=r["day"], load=r["load"])
            for r in rows
            if r["load"]
        ),
        batch_size=1000,
    )


def forget(apps: Any, schema_editor: Any) -> None:
    apps.get_model("analytics", "PlannedLoad").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0001_initial"),
        ("analytics", "0003_plannedload"),
    ]

    operations = [migrations.RunPython(handover, forget)]
