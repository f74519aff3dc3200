"""Canonical activities and everything they came from: sources, original files, streams, laps,
and the background import jobs that bring whole histories in.

One recording = one `Activity`, however many sources describe it (DESIGN §4). Streams are one
compressed columnar row per activity, never one row per sample.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Self

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from activities.types import Provider
from athletes.models import SPORT_CHOICES, Athlete, AthleteOwnedQuerySet, User
from core.sports import ON_FOOT_SPORTS

PROVIDER_CHOICES = [
    (Provider.DEVICE_FILE.value, _("Device file (FIT)")),
    (Provider.GARMIN.value, _("Garmin Connect")),
    (Provider.STRAVA.value, _("Strava")),
    (Provider.TCX.value, _("TCX file")),
    (Provider.GPX.value, _("GPX file")),
    (Provider.MANUAL.value, _("Manual entry")),
]


def strava_consented(user: User | AnonymousUser, *, to: str = "") -> Q:
    """The activities (reached from a row through the lookup `to`, "activity__" for a row
    about an activity) `user` may see under Strava's terms: all of their own, and another
    athlete's unless Strava-sourced (its values, `primary_provider`, or its streams came from
    Strava) while that athlete does not share Strava with coaches (`strava_shared_at`)."""
    own = Q(**{f"{to}athlete__user_id": user.pk}) if user.is_authenticated else Q(pk__in=[])
    shared = Q(**{f"{to}athlete__strava_shared_at__isnull": False})
    strava_streams = Streams.objects.filter(
        activity_id=OuterRef(f"{to}id"), provider=Provider.STRAVA
    )
    from_strava = Q(**{f"{to}primary_provider": Provider.STRAVA}) | Q(Exists(strava_streams))
    return own | shared | ~from_strava


class StravaConsentedQuerySet[M: models.Model](AthleteOwnedQuerySet[M]):
    """Rows of activities (or about one, through `activity_path`): every name of the door also
    requires, for anyone but the athlete, their consent to show Strava-sourced activities
    (`Athlete.strava_shared_at`, `strava_consented`)."""

    activity_path: ClassVar[str] = ""

    def visible_to(self, user: User | AnonymousUser) -> Self:
        return super().visible_to(user).filter(self._strava_consented(user))

    def editable_by(self, user: User | AnonymousUser) -> Self:
        return super().editable_by(user).filter(self._strava_consented(user))

    def plannable_by(self, user: User | AnonymousUser) -> Self:
        return super().plannable_by(user).filter(self._strava_consented(user))

    def manageable_by(self, user: User | AnonymousUser) -> Self:
        return super().manageable_by(user).filter(self._strava_consented(user))

    def _strava_consented(self, user: User | AnonymousUser) -> Q:
        return strava_consented(user, to=self.activity_path)


class ActivityQuerySet(StravaConsentedQuerySet["Activity"]):
    def between(self, first: dt.date, last: dt.date) -> ActivityQuerySet:
        """Activities whose athlete-local day is within [first, last]."""
        return self.filter(day__gte=first, day__lte=last)


class Activity(models.Model):
    """The canonical record of one session. Summary values come from the most authoritative
    source (device FIT > Garmin > Strava > TCX/GPX > manual); manual entries are never
    overwritten by device imports."""

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="activities")
    sport = models.CharField(_("sport"), max_length=10, choices=SPORT_CHOICES)
    sub_sport = models.CharField(_("sub-sport"), max_length=40, blank=True)
    started_at = models.DateTimeField(_("start"))
    day = models.DateField(_("day"), help_text=_("The athlete-local date of the start."))
    elapsed_s = models.FloatField(_("elapsed time (s)"), null=True, blank=True)
    moving_s = models.FloatField(_("moving time (s)"), null=True, blank=True)
    distance_m = models.FloatField(_("distance (m)"), null=True, blank=True)
    ascent_m = models.FloatField(_("ascent (m)"), null=True, blank=True)
    descent_m = models.FloatField(_("descent (m)"), null=True, blank=True)
    avg_hr_bpm = models.FloatField(_("average heart rate (bpm)"), null=True, blank=True)
    max_hr_bpm = models.FloatField(_("max heart rate (bpm)"), null=True, blank=True)
    avg_power_w = models.FloatField(_("average power (W)"), null=True, blank=True)
    max_power_w = models.FloatField(_("max power (W)"), null=True, blank=True)
    avg_speed_mps = models.FloatField(_("average speed (m/s)"), null=True, blank=True)
    max_speed_mps = models.FloatField(_("max speed (m/s)"), null=True, blank=True)
    avg_cadence_spm = models.FloatField(_("average cadence (/min)"), null=True, blank=True)
    calories_kcal = models.FloatField(_("calories (kcal)"), null=True, blank=True)
    device = models.CharField(_("device"), max_length=120, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=10000)
    rpe = models.PositiveSmallIntegerField(_("RPE (CR-10)"), null=True, blank=True)
    feel = models.PositiveSmallIntegerField(_("feel (1–5)"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=10000)
    manual_load = models.FloatField(_("training load (entered)"), null=True, blank=True)
    primary_provider = models.CharField(
        _("values from"), max_length=12, choices=PROVIDER_CHOICES, default=Provider.DEVICE_FILE
    )
    recovered = models.BooleanField(
        _("recovered from a damaged file"),
        default=False,
        help_text=_("Part of the recording could not be read; what was readable is kept."),
    )
    warnings = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["athlete", "started_at"]),
            models.Index(fields=["athlete", "day"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rpe__isnull=True) | Q(rpe__gte=0, rpe__lte=10), name="rpe_cr10"
            ),
            models.CheckConstraint(
                condition=Q(feel__isnull=True) | Q(feel__gte=1, feel__lte=5), name="feel_1_5"
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.get_sport_display()} {self.day}"

    @property
    def is_manual(self) -> bool:
        return self.primary_provider == Provider.MANUAL

    @property
    def cadence_in_steps(self) -> bool:
        """On foot, cadence is in steps per minute (activities.services.ingest)."""
        return self.sport in ON_FOOT_SPORTS


class ActivityFile(models.Model):
    """An original file as uploaded, kept so everything can be recomputed. Unique per athlete."""

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="activity_files")
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to="activity-files/%Y/%m/")
    original_name = models.CharField(max_length=255)
    size_bytes = models.PositiveIntegerField()
    format = models.CharField(max_length=8)  # fit | tcx | gpx
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = AthleteOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["athlete", "sha256"], name="one_file_per_content")
        ]

    def __str__(self) -> str:
        return self.original_name


class ActivitySourceQuerySet(StravaConsentedQuerySet["ActivitySource"]):
    """A Strava source (its summary and `raw` payload) shows only to the athlete, or to their
    coaches once the athlete shares Strava with them — even under an activity that stays
    visible because its values and streams came from elsewhere."""

    def _strava_consented(self, user: User | AnonymousUser) -> Q:
        own = Q(athlete__user_id=user.pk) if user.is_authenticated else Q(pk__in=[])
        shared = Q(athlete__strava_shared_at__isnull=False)
        return own | shared | ~Q(provider=Provider.STRAVA)


class ActivitySource(models.Model):
    """One description of an activity by one provider; many can point at one activity."""

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sources")
    provider = models.CharField(max_length=12, choices=PROVIDER_CHOICES)
    external_id = models.CharField(max_length=128, blank=True)
    file = models.ForeignKey(
        ActivityFile, on_delete=models.SET_NULL, null=True, blank=True, related_name="sources"
    )
    session_index = models.PositiveSmallIntegerField(default=0)  # leg of a multisport file
    summary = models.JSONField(default=dict, blank=True)  # the values this source gave
    raw = models.JSONField(default=dict, blank=True)  # provider payload, for re-parsing
    fetched_at = models.DateTimeField(auto_now_add=True)

    objects = ActivitySourceQuerySet.as_manager()

    class Meta:
        ordering = ["fetched_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["athlete", "provider", "external_id", "session_index"],
                condition=~Q(external_id=""),
                name="one_source_per_provider_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} {self.external_id}".strip()


class Streams(models.Model):
    """All samples of an activity as one compressed columnar blob (activities.streams_codec)."""

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="streams")
    provider = models.CharField(max_length=12, choices=PROVIDER_CHOICES)
    codec_version = models.PositiveSmallIntegerField()
    sample_count = models.PositiveIntegerField()
    channels = models.JSONField(default=list)
    data = models.BinaryField()

    class Meta:
        verbose_name_plural = "streams"

    def __str__(self) -> str:
        return f"{self.sample_count} samples of {self.activity_id}"


class Lap(models.Model):
    class Intensity(models.TextChoices):
        ACTIVE = "active", _("Active")
        REST = "rest", _("Rest")
        WARMUP = "warmup", _("Warm-up")
        COOLDOWN = "cooldown", _("Cool-down")
        RECOVERY = "recovery", _("Recovery")

    class Stroke(models.TextChoices):
        FREESTYLE = "freestyle", _("Freestyle")
        BACKSTROKE = "backstroke", _("Backstroke")
        BREASTSTROKE = "breaststroke", _("Breaststroke")
        BUTTERFLY = "butterfly", _("Butterfly")
        DRILL = "drill", _("Drill")
        MIXED = "mixed", _("Mixed")
        IM = "im", _("Individual medley")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="laps")
    index = models.PositiveSmallIntegerField()
    start_s = models.FloatField()
    elapsed_s = models.FloatField()
    moving_s = models.FloatField(null=True, blank=True)
    distance_m = models.FloatField(null=True, blank=True)
    avg_hr_bpm = models.FloatField(null=True, blank=True)
    max_hr_bpm = models.FloatField(null=True, blank=True)
    avg_power_w = models.FloatField(null=True, blank=True)
    max_power_w = models.FloatField(null=True, blank=True)
    avg_speed_mps = models.FloatField(null=True, blank=True)
    avg_cadence_spm = models.FloatField(null=True, blank=True)
    ascent_m = models.FloatField(null=True, blank=True)
    descent_m = models.FloatField(null=True, blank=True)
    intensity = models.CharField(max_length=10, choices=Intensity.choices, default=Intensity.ACTIVE)
    lengths = models.PositiveIntegerField(null=True, blank=True)
    strokes = models.PositiveIntegerField(null=True, blank=True)
    stroke = models.CharField(max_length=12, choices=Stroke.choices, blank=True)

    class Meta:
        ordering = ["activity", "index"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "index"], name="one_lap_per_index")
        ]

    def __str__(self) -> str:
        return f"Lap {self.index + 1}"

    @property
    def swolf(self) -> float | None:
        """Seconds plus strokes per length, the swimmer's efficiency score (lower is better)."""
        seconds = self.moving_s or self.elapsed_s
        if not self.lengths or self.strokes is None or not seconds:
            return None
        return (seconds + self.strokes) / self.lengths


class ImportJob(models.Model):
    """A background import of an archive (Garmin or Strava export, a zip of files, a CSV).

    Resumable and idempotent: `cursor` is the number of entries already handled; a rerun
    skips what exists. `results` holds one {name, outcome, reason} per entry. The job row is
    the durable intent: the sweep sends again a job never started or whose worker died
    (`sent_at`, `lease_until`). The uploaded file is deleted once the job ends.
    """

    class Kind(models.TextChoices):
        FILES = "files", _("Files")
        GARMIN_EXPORT = "garmin_export", _("Garmin export")
        STRAVA_EXPORT = "strava_export", _("Strava export")
        CSV = "csv", _("CSV log")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    FINISHED: ClassVar[tuple[str, ...]] = (State.DONE, State.FAILED)
    ACTIVE: ClassVar[tuple[str, ...]] = (State.QUEUED, State.RUNNING)

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    archive = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=255)
    size_bytes = models.PositiveBigIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    cursor = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    merged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    results = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = AthleteOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name} ({self.get_state_display()})"

    @property
    def progress_pct(self) -> int:
        return int(100 * self.cursor / self.total) if self.total else 0

    def counts(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("created", "merged", "skipped", "failed")}


class ImportChunk(models.Model):
    """A range of an import job's entries, [start, end), that any worker may import while
    other workers import the job's other chunks.

    Resumable like the job was: `cursor` is the next entry to import; each committed batch moves
    it with a compare-and-set under the chunk's own lease, in the same transaction as the rows it
    made and the job's counts. `results` keeps the chunk's results in entry order (the job's
    list is assembled from them when the last chunk ends). The job is done when all are.
    """

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="chunks")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    cursor = models.PositiveIntegerField()
    done = models.BooleanField(default=False)
    results = models.JSONField(default=list, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["job", "start"]
        constraints = [
            models.UniqueConstraint(fields=["job", "start"], name="import_chunk_unique_start")
        ]

    def __str__(self) -> str:
        return f"{self.job_id}[{self.start}:{self.end}]"
