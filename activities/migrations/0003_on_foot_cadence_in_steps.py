"""On foot, cadence is stored in steps per minute (activities.services.ingest.cadence_in_steps):
the running and hiking activities stored before counted the cycles of one foot, as recordings
write them, so their imported cadence is doubled here, once (halved back when unapplied). The
manual log's values were entered by a person, in steps per minute already: left alone."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from activities.streams_codec import decode_streams, encode_streams

ON_FOOT = ("run", "hike")
MANUAL = "manual"
CHUNK = 500


def _scale(apps: Any, factor: float) -> None:
    activity_model = apps.get_model("activities", "Activity")
    lap_model = apps.get_model("activities", "Lap")
    source_model = apps.get_model("activities", "ActivitySource")
    streams_model = apps.get_model("activities", "Streams")
    on_foot = activity_model.objects.filter(sport__in=ON_FOOT).exclude(primary_provider=MANUAL)
    activities = on_foot.exclude(avg_cadence_spm=None).only("id", "avg_cadence_spm")
    for activity in activities.iterator(chunk_size=CHUNK):
        activity.avg_cadence_spm *= factor
        activity.save(update_fields=["avg_cadence_spm"])
    laps = lap_model.objects.filter(activity__in=on_foot).exclude(avg_cadence_spm=None)
    for lap in laps.only("id", "avg_cadence_spm").iterator(chunk_size=CHUNK):
        lap.avg_cadence_spm *= factor
        lap.save(update_fields=["avg_cadence_spm"])
    sources = source_model.objects.filter(activity__sport__in=ON_FOOT).exclude(provider=MANUAL)
    for source in sources.only("id", "summary").iterator(chunk_size=CHUNK):
        cadence = (source.summary or {}).get("avg_cadence_spm")
        if isinstance(cadence, int | float):
            source.summary["avg_cadence_spm"] = cadence * factor
            source.save(update_fields=["summary"])
    streams = streams_model.objects.filter(activity__in=on_foot).only("id", "channels", "data")
    for row in streams.iterator(chunk_size=CHUNK):
        if "cadence_spm" not in (row.channels or []):
            continue
        decoded = decode_streams(bytes(row.data))
        if decoded.cadence_spm is not None:
            decoded.cadence_spm = decoded.cadence_spm * factor
            row.data = encode_streams(decoded)
            row.save(update_fields=["data"])


def forwards(apps: Any, schema_editor: Any) -> None:
    _scale(apps, 2.0)


def backwards(apps: Any, schema_editor: Any) -> None:
    _scale(apps, 0.5)


class Migration(migrations.Migration):
    dependencies = [("activities", "0002_importjob_quota_and_sweep")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
