"""Pool and open-water swims: each lap keeps its strokes and stroke as the device counted them,
and the laps table shows lengths, strokes and SWOLF for swims."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from activities.models import Activity, Lap
from activities.services.files import files_import
from athletes.models import Athlete

POOL = "sportslib__swim_6688025408.fit"  # 50 m pool, 46 lengths, 806 strokes (session)
OPEN_WATER = "sportslib__swim_6788312639-1.fit"  # a triathlon: its swim, 993 strokes, no lengths
RUN = "fitparse__garmin-fenix-5-run.fit"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _imported(athlete: Athlete, corpus: Path, name: str) -> Activity:
    """The file's first session (a triathlon's swim)."""
    report = files_import(athlete=athlete, items=[(name, (corpus / "fit" / name).read_bytes())])
    return Activity.objects.get(id=report.results[0].activity_ids[0])


@pytest.mark.corpus
@pytest.mark.django_db
def test_a_pool_swim_keeps_strokes_per_lap_and_shows_swolf(
    athlete: Athlete, corpus: Path, client: Client
) -> None:
    swim = _imported(athlete, corpus, POOL)
    laps = list(Lap.objects.filter(activity=swim))
    assert sum(lap.strokes or 0 for lap in laps) == 806  # the session's own total
    first = laps[0]
    assert (first.lengths, first.strokes, first.stroke) == (10, 208, "freestyle")
    seconds = first.moving_s or first.elapsed_s
    assert first.swolf == pytest.approx((seconds + 208) / 10)

    client.force_login(athlete.user)
    html = client.get(reverse("activity_detail", args=(athlete.id, swim.id))).content.decode()
    assert "SWOLF" in html and "Freestyle" in html
    assert f'<td class="num">{first.swolf:.0f}</td>' in html


@pytest.mark.corpus
@pytest.mark.django_db
def test_an_open_water_swim_has_strokes_but_no_swolf_and_a_run_no_strokes(
    athlete: Athlete, corpus: Path
) -> None:
    lap = Lap.objects.filter(activity=_imported(athlete, corpus, OPEN_WATER)).first()
    assert lap is not None and (lap.strokes, lap.lengths, lap.swolf) == (993, None, None)
    run = _imported(athlete, corpus, RUN)
    assert not Lap.objects.filter(activity=run).exclude(strokes=None).exists()
