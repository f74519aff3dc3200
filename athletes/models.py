"""Users and roles, coach–athlete relationships, groups, invitations, thresholds, zones, goals.

The one door to athlete data is `Athlete.objects.visible_to(user)` / `.editable_by(user)` /
`.plannable_by(user)` / `.manageable_by(user)`, and the same four names on every athlete-owned
model (DESIGN §5).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any, ClassVar, Self

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from core.sports import THRESHOLD_SPORTS, Sport

SPORT_CHOICES = [
    (Sport.RUN.value, _("Run")),
    (Sport.RIDE.value, _("Ride")),
    (Sport.SWIM.value, _("Swim")),
    (Sport.HIKE.value, _("Hike")),
    (Sport.SKI.value, _("Ski")),
    (Sport.ROW.value, _("Row")),
    (Sport.STRENGTH.value, _("Strength")),
    (Sport.OTHER.value, _("Other")),
]
THRESHOLD_SPORT_CHOICES = [c for c in SPORT_CHOICES if c[0] in THRESHOLD_SPORTS]
TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager["User"]):
    """Users log in with their email address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who logs in: an athlete, a coach, or both (a self-coached athlete)."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    is_coach = models.BooleanField(
        _("coach"), default=False, help_text=_("Coaches have a roster and plan for athletes.")
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email.split("@")[0]


class AthleteQuerySet(models.QuerySet["Athlete"]):
    """The one door to athlete data (DESIGN §5): who reaches which athletes, and for what.

    Every athlete-owned queryset (`AthleteOwnedQuerySet`) scopes by the same four names.
    Anonymous users reach nobody; a former coach (ended relationship) reaches nobody either.
    """

    def visible_to(self, user: User | AnonymousUser) -> AthleteQuerySet:
        """The athlete themself, plus athletes this user currently coaches (any permission)."""
        return self._reached_by(user, CoachAthlete.objects.active(), with_self=True)

    def editable_by(self, user: User | AnonymousUser) -> AthleteQuerySet:
        """Athletes whose plan, thresholds and goals this user may change.

        The athlete themself edits their own profile; a coach needs `edit` or `full`.
        """
        return self._reached_by(user, CoachAthlete.objects.editing(), with_self=True)

    def plannable_by(self, user: User | AnonymousUser) -> AthleteQuerySet:
        """Athletes whose training plan this user may change: coached with `edit` or `full`
        rights — the self-coached athlete is their own such coach; an athlete with a coach
        sees their plan read-only."""
        return self._reached_by(user, CoachAthlete.objects.editing(), with_self=False)

    def manageable_by(self, user: User | AnonymousUser) -> AthleteQuerySet:
        """Athletes whose connections and data this user may delete (self, or `full` coach)."""
        return self._reached_by(user, CoachAthlete.objects.fully_managing(), with_self=True)

    def wellness_visible_to(self, user: User | AnonymousUser) -> AthleteQuerySet:
        """Athletes whose wellness this user may read: themself, and coached athletes who share
        their wellness with their coaches (`wellness_shared_at`)."""
        if not user.is_authenticated:
            return self.none()
        return self.visible_to(user).filter(Q(user=user) | Q(wellness_shared_at__isnull=False))

    def coached_by(self, user: User | AnonymousUser) -> AthleteQuerySet:
        """Athletes on this user's roster (active relationships only)."""
        return self._reached_by(user, CoachAthlete.objects.active(), with_self=False)

    def _reached_by(
        self, user: User | AnonymousUser, relationships: CoachAthleteQuerySet, *, with_self: bool
    ) -> AthleteQuerySet:
        """Athletes whose coach is `user` in one of `relationships`, and the user's own athlete
        when `with_self`; none for an anonymous user."""
        if not user.is_authenticated:
            return self.none()
        coached = Q(id__in=relationships.filter(coach=user).values("athlete_id"))
        return self.filter((Q(user=user) | coached) if with_self else coached)


class Athlete(models.Model):
    """The athlete profile of a user: physiology and preferences used by every metric."""

    class Sex(models.TextChoices):
        UNKNOWN = "", _("Not given")
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Units(models.TextChoices):
        METRIC = "metric", _("Metric (km, m)")
        IMPERIAL = "imperial", _("Imperial (mi, ft)")

    class LoadModel(models.TextChoices):
        AUTO = "auto", _("Automatic (power, pace, heart rate, then RPE)")
        TRIMP = "trimp", _("TRIMP (heart rate)")
        SRPE = "srpe", _("Session RPE")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    # Not given until the athlete says; the heart-rate formulas then use `metric_sex`.
    sex = models.CharField(
        _("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN, blank=True
    )
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Europe/Paris"
    )
    units = models.CharField(_("units"), max_length=10, choices=Units.choices, default="metric")
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    load_model = models.CharField(
        _("load model"), max_length=8, choices=LoadModel.choices, default=LoadModel.AUTO
    )
    # The time constants of Fitness (CTL) and Fatigue (ATL), in days (DESIGN §6: 42 and 7).
    fitness_days = models.PositiveSmallIntegerField(
        _("Fitness time constant (days)"),
        default=42,
        validators=[MinValueValidator(7), MaxValueValidator(90)],
    )
    fatigue_days = models.PositiveSmallIntegerField(
        _("Fatigue time constant (days)"),
        default=7,
        validators=[MinValueValidator(2), MaxValueValidator(21)],
    )
    # The athlete's consent to show their wellness to their coaches: when given, None = not
    # shared (the default). Only the athlete sets it (athletes.services.wellness).
    wellness_shared_at = models.DateTimeField(
        _("wellness shared with coaches"), null=True, blank=True
    )
    # The athlete's consent to show their Strava-sourced activities (values, streams, Strava's
    # payload) to their coaches: when given, None = not shared (the default; Strava's terms).
    # Only the athlete sets it (athletes.services.strava); the door enforces it (activities).
    strava_shared_at = models.DateTimeField(
        _("Strava activities shared with coaches"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AthleteQuerySet.as_manager()

    class Meta:
        ordering = ["user__first_name", "user__last_name", "user__email"]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local_today(self, now: dt.datetime | None = None) -> dt.date:
        """Today in the athlete's time zone."""
        return (now or timezone.now()).astimezone(self.tz).date()

    @property
    def metric_sex(self) -> str:
        """ "M" or "F" for the Banister TRIMP weights: the athlete's, else the male ones (the
        usual default when sex is not given)."""
        return self.sex or self.Sex.MALE


class AthleteOwnedQuerySet[M: models.Model](models.QuerySet[M]):
    """Scopes any model that belongs to an athlete through the one door, by the four names of
    `AthleteQuerySet`. `athlete_path` is the lookup from the model to its athlete."""

    athlete_path: ClassVar[str] = "athlete"

    def visible_to(self, user: User | AnonymousUser) -> Self:
        return self._of(Athlete.objects.visible_to(user))

    def editable_by(self, user: User | AnonymousUser) -> Self:
        return self._of(Athlete.objects.editable_by(user))

    def plannable_by(self, user: User | AnonymousUser) -> Self:
        return self._of(Athlete.objects.plannable_by(user))

    def manageable_by(self, user: User | AnonymousUser) -> Self:
        return self._of(Athlete.objects.manageable_by(user))

    def _of(self, athletes: AthleteQuerySet) -> Self:
        return self.filter(**{f"{self.athlete_path}__in": athletes})


class CoachAthleteQuerySet(models.QuerySet["CoachAthlete"]):
    def active(self) -> CoachAthleteQuerySet:
        return self.filter(status=CoachAthlete.Status.ACTIVE)

    def editing(self) -> CoachAthleteQuerySet:
        """Active relationships whose coach may edit and plan: `edit` or `full` rights."""
        return self.active().filter(permission__in=CoachAthlete.EDIT_PERMISSIONS)

    def fully_managing(self) -> CoachAthleteQuerySet:
        """Active relationships whose coach also manages connections and data: `full`."""
        return self.active().filter(permission=CoachAthlete.Permission.FULL)

    def visible_to(self, user: User | AnonymousUser) -> CoachAthleteQuerySet:
        """Relationships this user is a party to (as the coach or as the athlete)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(coach=user) | Q(athlete__user=user))


class CoachAthlete(models.Model):
    """A coach–athlete relationship. Pending ones live in `Invitation` until accepted.

    A coach of themselves (self-coached athlete) is a row whose coach is the athlete's user.
    """

    class Permission(models.TextChoices):
        VIEW = "view", _("View")
        EDIT = "edit", _("Edit (plan, comment, thresholds)")
        FULL = "full", _("Full (also connections and deletion)")

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    EDIT_PERMISSIONS: ClassVar[tuple[str, ...]] = (Permission.EDIT, Permission.FULL)

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coachings"
    )
    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="coachings")
    permission = models.CharField(
        _("permission"), max_length=8, choices=Permission.choices, default=Permission.EDIT
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    started_on = models.DateField(_("started on"), default=dt.date.today)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CoachAthleteQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["coach", "athlete"],
                condition=~Q(status="ended"),
                name="one_open_relationship_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(status="ended", ended_on__isnull=False) | ~Q(status="ended"),
                name="ended_relationship_has_end_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.coach} → {self.athlete} ({self.get_status_display()})"

    @property
    def is_self_coached(self) -> bool:
        return self.coach_id == self.athlete.user_id


class GroupQuerySet(models.QuerySet["Group"]):
    def visible_to(self, user: User | AnonymousUser) -> GroupQuerySet:
        """The groups this user coaches (athletes do not see the groups they are in)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(coach=user)


class Group(models.Model):
    """A coach's group of athletes (squad, club section, race target…)."""

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_groups"
    )
    name = models.CharField(_("name"), max_length=80)
    athletes = models.ManyToManyField(Athlete, blank=True, related_name="coach_groups")

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["coach", "name"], name="group_name_unique_per_coach")
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """A single-use, expiring invitation to start a coach–athlete relationship.

    Either side may invite: a coach invites an athlete by email, or an athlete invites a coach.
    The token is looked up by its hash; until the email is sent it is also kept encrypted
    (`email_token`, wiped once sent) so the email survives a broker outage.
    """

    class Direction(models.TextChoices):
        COACH_INVITES_ATHLETE = "coach_to_athlete", _("Coach invites athlete")
        ATHLETE_INVITES_COACH = "athlete_to_coach", _("Athlete invites coach")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")

    direction = models.CharField(max_length=20, choices=Direction.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations_sent"
    )
    email = models.EmailField(_("email"))
    permission = models.CharField(
        _("permission"),
        max_length=8,
        choices=CoachAthlete.Permission.choices,
        default=CoachAthlete.Permission.EDIT,
    )
    message = models.TextField(_("message"), blank=True, max_length=2000)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    email_token = EncryptedTextField(blank=True, default="", editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    relationship = models.ForeignKey(
        CoachAthlete, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email", "status"])]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.invited_by} → {self.email}"

    def is_expired(self, now: dt.datetime) -> bool:
        return now >= self.expires_at


class ThresholdsQuerySet(AthleteOwnedQuerySet["Thresholds"]):
    def in_force_on(self, day: dt.date) -> ThresholdsQuerySet:
        """Rows whose validity has started by `day`, newest first (the first is in force)."""
        return self.filter(valid_from__lte=day).order_by("-valid_from")


class Thresholds(models.Model):
    """Physiological thresholds of one athlete for one sport, in force from `valid_from` on.

    A metric for a June ride uses the row in force in June (effective-dated).
    """

    class Source(models.TextChoices):
        ENTERED = "entered", _("Entered")
        ESTIMATED = "estimated", _("Estimated")

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="thresholds")
    sport = models.CharField(_("sport"), max_length=10, choices=THRESHOLD_SPORT_CHOICES)
    valid_from = models.DateField(_("valid from"))
    hr_max_bpm = models.PositiveSmallIntegerField(_("max heart rate (bpm)"), null=True, blank=True)
    hr_rest_bpm = models.PositiveSmallIntegerField(
        _("resting heart rate (bpm)"), null=True, blank=True
    )
    lthr_bpm = models.PositiveSmallIntegerField(
        _("lactate threshold heart rate (bpm)"), null=True, blank=True
    )
    ftp_w = models.PositiveSmallIntegerField(_("FTP (W)"), null=True, blank=True)
    threshold_speed_mps = models.FloatField(_("threshold speed (m/s)"), null=True, blank=True)
    css_mps = models.FloatField(_("critical swim speed (m/s)"), null=True, blank=True)
    # "estimated": computed from the athlete's own activities (analytics.estimates), shown as a
    # suggestion until someone confirms or edits it (it then becomes "entered").
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.ENTERED
    )
    # For an estimated row: what each value was estimated from ({field: {"method", "n", ...}}).
    basis = models.JSONField(_("estimated from"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    VALUE_FIELDS: ClassVar[tuple[str, ...]] = (
        "hr_max_bpm",
        "hr_rest_bpm",
        "lthr_bpm",
        "ftp_w",
        "threshold_speed_mps",
        "css_mps",
    )
    HR_FIELDS: ClassVar[tuple[str, ...]] = ("hr_max_bpm", "hr_rest_bpm", "lthr_bpm")

    objects = ThresholdsQuerySet.as_manager()

    class Meta:
        ordering = ["athlete", "sport", "-valid_from"]
        verbose_name_plural = "thresholds"
        constraints = [
            models.UniqueConstraint(
                fields=["athlete", "sport", "valid_from"], name="one_thresholds_row_per_day"
            ),
            models.CheckConstraint(
                condition=Q(hr_rest_bpm__isnull=True)
                | Q(hr_max_bpm__isnull=True)
                | Q(hr_rest_bpm__lt=models.F("hr_max_bpm")),
                name="hr_rest_below_hr_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.athlete} {self.sport} from {self.valid_from}"

    @property
    def estimated(self) -> bool:
        return self.source == self.Source.ESTIMATED


class ZoneSet(models.Model):
    """Zone boundaries of one athlete, sport and kind, in force from `valid_from` on.

    `bounds` holds the lower bound of each zone above Z1 in SI units (bpm, W, m/s), ascending;
    `names` one label per zone (len(bounds) + 1). Without a row, zones derive from thresholds.
    """

    class Kind(models.TextChoices):
        HR = "hr", _("Heart rate")
        POWER = "power", _("Power")
        PACE = "pace", _("Pace")

    class Source(models.TextChoices):
        ENTERED = "entered", _("Entered")
        DEVICE = "device", _("From the device")

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="zone_sets")
    sport = models.CharField(_("sport"), max_length=10, choices=THRESHOLD_SPORT_CHOICES)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    valid_from = models.DateField(_("valid from"))
    bounds = models.JSONField(_("zone lower bounds"))
    names = models.JSONField(_("zone names"))
    # "device": the zones the athlete's watch or bike computer counted time in (a FIT file's
    # time_in_zone / hr_zone / power_zone messages, analytics.estimates), used while no zones
    # were entered and shown as a suggestion until someone confirms or edits them.
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.ENTERED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AthleteOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["athlete", "sport", "kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["athlete", "sport", "kind", "valid_from"], name="one_zone_set_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.athlete} {self.sport} {self.kind} zones from {self.valid_from}"

    @property
    def from_device(self) -> bool:
        return self.source == self.Source.DEVICE


class Goal(models.Model):
    """A race or objective on a date, with its priority (A = season goal)."""

    class Priority(models.TextChoices):
        A = "A", _("A — main goal")
        B = "B", _("B — important")
        C = "C", _("C — training race")

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="goals")
    race_on = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120)
    priority = models.CharField(
        _("priority"), max_length=1, choices=Priority.choices, default=Priority.B
    )
    sport = models.CharField(_("sport"), max_length=10, choices=SPORT_CHOICES, default="run")
    distance_m = models.FloatField(_("distance (m)"), null=True, blank=True)
    ascent_m = models.FloatField(_("ascent (m)"), null=True, blank=True)
    target_time_s = models.PositiveIntegerField(_("target time (s)"), null=True, blank=True)
    # The weekly volume planned towards this race, read by the forecast in the weeks without
    # planned sessions (distance first, else time).
    weekly_distance_m = models.FloatField(_("weekly distance (m)"), null=True, blank=True)
    weekly_duration_s = models.PositiveIntegerField(_("weekly time (s)"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=4000)

    objects = AthleteOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["race_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(distance_m__isnull=True) | Q(distance_m__gt=0),
                name="goal_distance_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.race_on})"


class WellnessDayQuerySet(AthleteOwnedQuerySet["WellnessDay"]):
    """Wellness is the athlete's to share: every name of the door also requires, for a coach,
    the athlete's consent (`Athlete.wellness_shared_at`)."""

    def visible_to(self, user: User | AnonymousUser) -> Self:
        return self._consented(super().visible_to(user), user)

    def editable_by(self, user: User | AnonymousUser) -> Self:
        return self._consented(super().editable_by(user), user)

    def plannable_by(self, user: User | AnonymousUser) -> Self:
        return self._consented(super().plannable_by(user), user)

    def manageable_by(self, user: User | AnonymousUser) -> Self:
        return self._consented(super().manageable_by(user), user)

    def _consented(self, rows: Self, user: User | AnonymousUser) -> Self:
        own = Q(athlete__user_id=user.pk) if user.is_authenticated else Q(pk__in=[])
        return rows.filter(own | Q(athlete__wellness_shared_at__isnull=False))


class WellnessDay(models.Model):
    """Daily wellness of an athlete (from Garmin exports or the API): one row per local day.

    `body_battery` is the day's highest, `body_battery_low` its lowest; `stress` the day's
    average (0–100); `readiness` the day's last training-readiness score.
    """

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="wellness_days")
    day = models.DateField(_("day"))
    sleep_s = models.PositiveIntegerField(_("sleep (s)"), null=True, blank=True)
    sleep_score = models.PositiveSmallIntegerField(_("sleep score"), null=True, blank=True)
    sleep_deep_s = models.PositiveIntegerField(_("deep sleep (s)"), null=True, blank=True)
    sleep_light_s = models.PositiveIntegerField(_("light sleep (s)"), null=True, blank=True)
    sleep_rem_s = models.PositiveIntegerField(_("REM sleep (s)"), null=True, blank=True)
    sleep_awake_s = models.PositiveIntegerField(_("awake in the night (s)"), null=True, blank=True)
    hrv_ms = models.FloatField(_("overnight HRV (ms)"), null=True, blank=True)
    hrv_weekly_ms = models.FloatField(_("HRV 7-day average (ms)"), null=True, blank=True)
    # The device's own baseline band ("balanced"), when it reports one.
    hrv_baseline_low_ms = models.FloatField(_("HRV baseline low (ms)"), null=True, blank=True)
    hrv_baseline_high_ms = models.FloatField(_("HRV baseline high (ms)"), null=True, blank=True)
    resting_hr_bpm = models.PositiveSmallIntegerField(
        _("resting heart rate (bpm)"), null=True, blank=True
    )
    body_battery = models.PositiveSmallIntegerField(_("body battery"), null=True, blank=True)
    body_battery_low = models.PositiveSmallIntegerField(
        _("body battery low"), null=True, blank=True
    )
    stress = models.PositiveSmallIntegerField(_("stress"), null=True, blank=True)
    readiness = models.PositiveSmallIntegerField(_("readiness"), null=True, blank=True)
    weight_kg = models.FloatField(_("weight (kg)"), null=True, blank=True)
    steps = models.PositiveIntegerField(_("steps"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, default="garmin")
    raw = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WellnessDayQuerySet.as_manager()

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["athlete", "day"], name="one_wellness_row_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.athlete} {self.day}"
