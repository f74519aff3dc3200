"""Estimated thresholds on the production stack (issue #14): a fresh athlete with no thresholds
uploads a multi-year archive through gunicorn's upload form and a real Celery worker imports it.
Every activity with heart rate, power or pace gets a load from thresholds estimated from the
athlete's own data (flagged on the row in force and said on the activity page), Fitness is
non-zero, and the suggestion shows to the athlete and the coach (thresholds page, overview);
confirming it and editing it through the web make the worker recompute.

gunicorn and the worker run over this run's PostgreSQL test database and a private Redis
(tests/stack.py). Skips unless DATABASE_URL is PostgreSQL (fails instead with
PACELINE_REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import requests
from allauth.account.models import EmailAddress
from django.urls import reverse

from activities.models import Activity, ImportJob
from analytics.models import ActivityMetrics, DailyLoad, PendingLoad
from athletes.models import Athlete, Thresholds, User
from athletes.selectors.thresholds import own_sport, thresholds_on
from core.models import OutboxMessage
from core.sports import Sport
from tests.stack import celery_ready, process, worker_argv
from tests.test_outage_e2e import post
from tests.test_services_e2e import PBKDF2, log_in, wait_for

pytestmark = [pytest.mark.services, pytest.mark.corpus, pytest.mark.django_db(transaction=True)]

SETTLE_S = 90.0
PASSWORD = "estimates-e2e-password"
# Rides and runs from 2011 to 2021 with heart rate, power and/or pace (one run has pace only).
HISTORY = (
    "fitparse__sample-activity-indoor-trainer.fit",  # 2011 ride: HR, power
    "fitparse__Edge810-Vector-2013-08-16-15-35-10.fit",  # 2013 ride: HR, power
    "sportslib__rides_828989227.fit",  # 2015 ride: HR
    "sportslib__runs_6782987395.fit",  # 2019 run: HR, pace
    "sportslib__runs_6916663933.fit",  # 2020 run: HR, power, pace
    "sportslib__rides_5319808632.fit",  # 2020 ride: HR
    "sportslib__runs_6914538454.fit",  # 2021 run: pace only
    "fitparse__20170518-191602-1740899583.fit",  # 2017 other (fitness equipment): HR
    "sportslib__swim_6688025408.fit",  # 2020 pool swim: HR
    "fitparse__2015-10-13-08-43-15.fit",  # 2015 ride: speed only, nothing to load from
)


class FormFields(HTMLParser):
    """The fields a browser submits from the form posting to `action`: inputs' values and
    each select's selected option."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.select = action, False, ""
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action") == self.action
        elif self.inside and tag == "input" and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")
        elif self.inside and tag == "select":
            self.select = a.get("name", "")
        elif self.inside and tag == "option" and self.select and "selected" in a:
            self.fields[self.select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = ""


def form_fields(html: str, action: str) -> dict[str, str]:
    parser = FormFields(action)
    parser.feed(html)
    return parser.fields


def web_login(web: str, user: User) -> requests.Session:
    """`user` logged in to gunicorn (a password it checks, a verified email)."""
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    session = requests.Session()
    log_in(session, web, user.email, PASSWORD)
    return session


def history_zip(corpus: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in HISTORY:
            archive.writestr(name, (corpus / "fit" / name).read_bytes())
    return buffer.getvalue()


def settled(athlete: Athlete) -> bool:
    """Every import job finished, every outbox message delivered, the daily load up to date."""
    jobs_done = not ImportJob.objects.filter(athlete=athlete).exclude(state="done").exists()
    outbox_done = not OutboxMessage.objects.exclude(state="done").exists()
    return jobs_done and outbox_done and not PendingLoad.objects.exists()


def with_load_data(activity: Activity) -> bool:
    """Heart rate, power, or pace (a run's speed): what a load can be computed from."""
    pace = activity.sport == Sport.RUN and bool(activity.avg_speed_mps)
    return bool(activity.avg_hr_bpm or activity.max_hr_bpm or activity.avg_power_w or pace)


def metrics_by_activity(athlete: Athlete) -> dict[int, ActivityMetrics]:
    rows = ActivityMetrics.objects.filter(activity__athlete=athlete)
    return {m.activity_id: m for m in rows}


def page(session: requests.Session, web: str, name: str, *args: int) -> str:
    response = session.get(web + reverse(name, args=args), timeout=30)
    assert response.status_code == 200, (name, response.status_code)
    return response.text


def test_a_fresh_athletes_history_gets_estimated_loads_that_confirming_and_editing_recompute(
    private_stack: dict[str, str],
    private_web: str,
    athlete: Athlete,
    coach: User,
    corpus: Path,
    settings: Any,
    tmp_path: Path,
) -> None:
    web = private_web
    settings.PASSWORD_HASHERS = [PBKDF2]
    assert not Thresholds.objects.filter(athlete=athlete).exists()
    with process("worker", worker_argv(), private_stack, tmp_path, celery_ready) as log:
        athlete_web, coach_web = web_login(web, athlete.user), web_login(web, coach)
        upload = post(
            athlete_web, web, reverse("activity_upload", args=[athlete.id]),
            files={"uploads": ("history.zip", history_zip(corpus))},
        )  # fmt: skip
        assert upload.status_code == 200, upload.text[-2000:]
        wait_for(
            lambda: settled(athlete) and Thresholds.objects.filter(athlete=athlete).exists(),
            timeout_s=SETTLE_S,
            what="the archive was not imported, estimated and charted",
            log=log,
        )

        # --- every activity with HR, power or pace has a load from estimated thresholds ----
        activities = list(Activity.objects.filter(athlete=athlete).order_by("started_at"))
        assert len(activities) == len(HISTORY)
        assert len({a.started_at.year for a in activities}) >= 5
        loaded = [a for a in activities if with_load_data(a)]
        assert len(loaded) == len(HISTORY) - 1
        [unloadable] = [a for a in activities if a not in loaded]
        metrics = metrics_by_activity(athlete)
        assert {a.id: metrics[a.id].load is not None for a in loaded} == dict.fromkeys(
            [a.id for a in loaded], True
        )
        assert metrics[unloadable.id].load is None  # no threshold makes a load of speed alone
        # Intensities someone holds: no recorded FTP below what the efforts show is used.
        factors = [m.intensity_factor for m in metrics.values() if m.load_source == "tss"]
        assert len(factors) == 3 and all(f is not None and 0.5 < f < 1.2 for f in factors)
        rows = Thresholds.objects.filter(athlete=athlete)
        assert {r.sport: r.source for r in rows} == dict.fromkeys(
            ["ride", "run", "swim", "other"], "estimated"
        )
        assert all(r.basis for r in rows)
        in_force = {a.id: thresholds_on(athlete=athlete, sport=a.sport, day=a.day) for a in loaded}
        assert {i: v is not None and v.estimated for i, v in in_force.items()} == dict.fromkeys(
            in_force, True
        )
        for activity in loaded:
            panel = page(athlete_web, web, "activity_metrics", athlete.id, activity.id)
            assert 'id="thresholds-estimated"' in panel, activity.name

        # --- Fitness history is non-zero -----------------------------------------------------
        days = DailyLoad.objects.filter(athlete=athlete)
        last = days.order_by("-day").first()
        assert last is not None and last.day >= athlete.local_today() - dt.timedelta(days=1)
        assert last.fitness > 0
        on_activity_days = days.filter(day__in=[a.day for a in loaded])
        assert on_activity_days.count() == len({a.day for a in loaded})
        assert all(d.fitness > 0 and d.load > 0 for d in on_activity_days)

        # --- the suggestion shows to the athlete and to the coach ---------------------------
        ride = rows.get(sport="ride")
        run = rows.get(sport="run")
        confirm_url = reverse("thresholds_confirm", args=[athlete.id, run.id])
        for session in (athlete_web, coach_web):
            thresholds_page = page(session, web, "thresholds", athlete.id)
            assert 'id="estimated-thresholds"' in thresholds_page
            assert f'action="{confirm_url}"' in thresholds_page
            assert "estimated from past activities" in page(session, web, "fitness", athlete.id)
            assert ">estimated</span>" in page(session, web, "athlete_detail", athlete.id)

        # --- the athlete confirms the run row: the same values, nothing to recompute ---------
        runs = [a.id for a in loaded if own_sport(a.sport) == Sport.RUN]
        before = metrics_by_activity(athlete)
        confirmed = post(athlete_web, web, confirm_url, data={})
        assert confirmed.status_code == 200 and confirmed.url.endswith(
            reverse("thresholds", args=[athlete.id])
        )

        # The change is announced (ThresholdsChanged) and handled on the worker; the metrics'
        # inputs (the values in force) are unchanged, so the runs are not computed again.
        wait_for(lambda: settled(athlete), timeout_s=SETTLE_S, what="not settled", log=log)
        after = metrics_by_activity(athlete)
        run.refresh_from_db()
        assert run.source == Thresholds.Source.ENTERED
        assert {i: after[i].load for i in runs} == {i: before[i].load for i in runs}
        assert {i: after[i].computed_at for i in runs} == {i: before[i].computed_at for i in runs}
        panel = page(athlete_web, web, "activity_metrics", athlete.id, runs[0])
        assert 'id="thresholds-estimated"' not in panel
        assert f'action="{confirm_url}"' not in page(coach_web, web, "thresholds", athlete.id)

        # --- the coach edits the ride row's FTP: powered rides' loads change ---------------
        edit_page = coach_web.get(
            web + reverse("thresholds", args=[athlete.id]), params={"edit": ride.id}, timeout=30
        ).text
        fields = form_fields(edit_page, reverse("thresholds_add", args=[athlete.id]))
        assert fields["sport"] == "ride" and fields["ftp_w"] == str(ride.ftp_w)
        assert ride.ftp_w is not None
        old_ftp_w, new_ftp_w = ride.ftp_w, round(ride.ftp_w * 0.8)
        fields["ftp_w"] = str(new_ftp_w)
        rides = [a.id for a in loaded if own_sport(a.sport) == Sport.RIDE]
        powered = {a.id for a in loaded if a.id in rides and a.avg_power_w}
        assert powered
        before = after
        edited = post(coach_web, web, reverse("thresholds_add", args=[athlete.id]), data=fields)
        assert edited.status_code == 200 and "errorlist" not in edited.text

        def ride_recomputed() -> bool:
            now = metrics_by_activity(athlete)
            return settled(athlete) and all(
                now[i].computed_at > before[i].computed_at for i in rides
            )

        wait_for(ride_recomputed, timeout_s=SETTLE_S, what="the rides were not recomputed", log=log)

    after = metrics_by_activity(athlete)
    ride.refresh_from_db()
    assert (ride.source, ride.ftp_w, ride.created_by) == ("entered", new_ftp_w, coach)
    for i in powered:  # power TSS = s·NP²/FTP²: about 1.56 times for an FTP 20 % lower
        was = before[i].load
        assert after[i].load_source == "tss" and was is not None
        assert after[i].load == pytest.approx(was * (old_ftp_w / new_ftp_w) ** 2)
    assert {i: after[i].load for i in rides if i not in powered} == {
        i: before[i].load for i in rides if i not in powered
    }
    assert {i: after[i].load for i in runs} == {i: before[i].load for i in runs}
    still_estimated = Thresholds.objects.filter(athlete=athlete, source="estimated")
    assert sorted(still_estimated.values_list("sport", flat=True)) == ["other", "swim"]
