"""Coaching (DESIGN §4): workout templates, planned sessions, links to activities, comments.

Structured steps are stored as the JSON of `coaching.workouts.tree` (validated by
`tree.from_data` in the services); estimates are derived data, rewritten by the services when
the steps, the day or the athlete's thresholds change.
"""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, StravaConsentedQuerySet
from athletes.models import SPORT_CHOICES, Athlete, AthleteOwnedQuerySet, Group, User
from core.fields import EncryptedTextField


class SessionType(models.TextChoices):
    ENDURANCE = "endurance", _("Endurance")
    LONG = "long", _("Long")
    TEMPO = "tempo", _("Tempo")
    INTERVALS = "intervals", _("Intervals")
    RECOVERY = "recovery", _("Recovery")
    RACE = "race", _("Race")
    STRENGTH = "strength", _("Strength")
    REST = "rest", _("Rest")
    OTHER = "other", _("Other")


class WorkoutTemplateQuerySet(models.QuerySet["WorkoutTemplate"]):
    def usable_by(self, user: User | AnonymousUser) -> WorkoutTemplateQuerySet:
        """The user's own templates, plus those shared with a group the user coaches in or
        belongs to as an athlete."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(
            Q(owner=user) | Q(shared_with__coach=user) | Q(shared_with__athletes__user=user)
        ).distinct()


class WorkoutTemplate(models.Model):
    """A coach-owned reusable workout (structured or free text)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workout_templates"
    )
    name = models.CharField(_("name"), max_length=120)
    sport = models.CharField(_("sport"), max_length=10, choices=SPORT_CHOICES)
    session_type = models.CharField(
        _("session type"), max_length=10, choices=SessionType.choices, default=SessionType.OTHER
    )
    description = models.TextField(_("description"), blank=True, max_length=5000)
    steps = models.JSONField(_("steps"), default=list, blank=True)
    duration_s = models.FloatField(_("duration (s)"), null=True, blank=True)
    distance_m = models.FloatField(_("distance (m)"), null=True, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    shared_with = models.ManyToManyField(
        Group, blank=True, related_name="workout_templates", verbose_name=_("shared with")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkoutTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("workout template")
        verbose_name_plural = _("workout templates")

    def __str__(self) -> str:
        return self.name


class PlannedSessionQuerySet(AthleteOwnedQuerySet["PlannedSession"]):
    def published(self) -> PlannedSessionQuerySet:
        return self.filter(hidden=False)

    def visible_to(self, user: User | AnonymousUser) -> Self:
        """What `user` may see: the sessions of athletes they see — drafts only where they
        plan (`plannable_by`), the athlete of a coach never sees drafts."""
        planned = Athlete.objects.plannable_by(user).values("id")
        return super().visible_to(user).filter(Q(hidden=False) | Q(athlete_id__in=planned))


class PlannedSession(models.Model):
    """One session on an athlete's plan. Estimates (`est_*`) come from the steps and the
    thresholds in force on `day`, or from the entered duration/distance without steps."""

    class Source(models.TextChoices):
        COACH = "coach", _("Coach")
        TEMPLATE = "template", _("Template")
        TRAININGPEAKS = "trainingpeaks", _("TrainingPeaks")

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="planned_sessions")
    day = models.DateField(_("day"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    sport = models.CharField(_("sport"), max_length=10, choices=SPORT_CHOICES)
    session_type = models.CharField(
        _("session type"), max_length=10, choices=SessionType.choices, default=SessionType.OTHER
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    steps = models.JSONField(_("steps"), default=list, blank=True)
    duration_s = models.FloatField(_("planned duration (s)"), null=True, blank=True)
    distance_m = models.FloatField(_("planned distance (m)"), null=True, blank=True)
    ascent_m = models.FloatField(_("planned ascent (m)"), null=True, blank=True)
    est_duration_s = models.FloatField(_("estimated duration (s)"), null=True, blank=True)
    est_distance_m = models.FloatField(_("estimated distance (m)"), null=True, blank=True)
    est_ascent_m = models.FloatField(_("estimated ascent (m)"), null=True, blank=True)
    est_dist_eq_km = models.FloatField(
        _("estimated distance-equivalent (km)"), null=True, blank=True
    )
    est_load = models.FloatField(_("estimated load"), null=True, blank=True)
    est_trimp = models.FloatField(_("estimated TRIMP"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=14, choices=Source.choices)
    template = models.ForeignKey(
        WorkoutTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    external_uid = models.CharField(max_length=255, blank=True)
    hidden = models.BooleanField(
        _("draft"), default=False, help_text=_("Drafts are hidden from the athlete.")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who last changed the session."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlannedSessionQuerySet.as_manager()

    class Meta:
        ordering = ["athlete", "day", "order", "id"]
        indexes = [models.Index(fields=["athlete", "day"])]
        constraints = [
            models.UniqueConstraint(
                fields=["athlete", "external_uid"],
                condition=~Q(external_uid=""),
                name="planned_session_external_uid_unique",
            )
        ]
        verbose_name = _("planned session")
        verbose_name_plural = _("planned sessions")

    def __str__(self) -> str:
        return f"{self.day} {self.title}"


class LinkQuerySet(StravaConsentedQuerySet["Link"]):
    """A link shows with its activity: hidden from coaches without consent to show
    Strava-sourced activities (its session stays visible, unlinked for them)."""

    activity_path = "activity__"


class Link(models.Model):
    """An activity done for a planned session: one each side. Manual links are locked: the
    auto-linker never moves them."""

    class Kind(models.TextChoices):
        AUTO = "auto", _("Automatic")
        MANUAL = "manual", _("Manual")

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="+")
    session = models.OneToOneField(PlannedSession, on_delete=models.CASCADE, related_name="link")
    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="link")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    locked = models.BooleanField(default=False)
    confidence = models.FloatField(default=1.0)
    steps_hit = models.FloatField(
        null=True,
        blank=True,
        help_text=_(
            "Share (0–1) of the session's active steps whose executed segment met its target, "
            "stored when the link is made; empty when no step could be judged."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who linked by hand (empty: the auto-linker)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LinkQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.session_id} ↔ {self.activity_id} ({self.kind})"


class LinkRefusal(models.Model):
    """A pair someone unlinked by hand: the auto-linker never pairs them again."""

    session = models.ForeignKey(PlannedSession, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who unlinked the pair."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "activity"], name="one_refusal_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.session_id} ≠ {self.activity_id}"


class CommentQuerySet(StravaConsentedQuerySet["Comment"]):
    """Comments on an activity show with it: hidden from coaches without consent to show
    Strava-sourced activities; comments on sessions are not concerned."""

    activity_path = "activity__"

    def _strava_consented(self, user: User | AnonymousUser) -> Q:
        return Q(activity__isnull=True) | super()._strava_consented(user)


class Comment(models.Model):
    """A message on a planned session or an activity (coach ↔ athlete)."""

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    session = models.ForeignKey(
        PlannedSession, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    body = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(session__isnull=False, activity__isnull=True)
                | Q(session__isnull=True, activity__isnull=False),
                name="comment_on_session_or_activity",
            )
        ]

    def __str__(self) -> str:
        return self.body[:40]


class CommentRead(models.Model):
    """When a user last read a thread (a session's or an activity's comments)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        PlannedSession, null=True, on_delete=models.CASCADE, related_name="+"
    )
    activity = models.ForeignKey(Activity, null=True, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "session"], name="one_read_mark_per_session"),
            models.UniqueConstraint(fields=["user", "activity"], name="one_read_mark_per_activity"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.session_id or self.activity_id} at {self.read_at}"


class CalendarFeed(models.Model):
    """The athlete's private iCal URL of planned sessions. The URL is found by the token's
    hash; the token itself is kept encrypted so its owner can copy the URL again.
    Regenerating replaces both: the old URL stops working."""

    athlete = models.OneToOneField(Athlete, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    token = EncryptedTextField()
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.athlete_id}"


class WeekCopy(models.Model):
    """A week copied by a coach, with what its undo needs: the target sessions it removed
    (every field, to restore them with their ids) and the ids of the copies it added. The
    undo is offered to that coach only, for `coaching.selectors.week_copy.UNDO_WINDOW`."""

    class Mode(models.TextChoices):
        MERGE = "merge", _("Merge")
        REPLACE = "replace", _("Replace")

    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField(_("from the week of"))
    to_week_start = models.DateField(_("to the week of"))
    mode = models.CharField(_("mode"), max_length=7, choices=Mode.choices)
    removed = models.JSONField(default=list, blank=True, encoder=DjangoJSONEncoder)
    added = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["coach", "created_at"])]
        verbose_name = _("week copy")
        verbose_name_plural = _("week copies")

    def __str__(self) -> str:
        return f"{self.week_start} → {self.to_week_start} ({self.mode})"


class AttentionSettings(models.Model):
    """A coach's thresholds for the attention queue of the cockpit (one row, made on first
    save; `ATTENTION_DEFAULTS` without it)."""

    coach = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attention_settings"
    )
    form_min = models.FloatField(_("Form below"), default=-30.0)
    sleep_min_h = models.FloatField(_("sleep under (hours)"), default=6.0)
    baseline_k = models.FloatField(_("baseline band (standard deviations)"), default=2.0)
    rpe_days = models.PositiveSmallIntegerField(_("days without RPE"), default=3)
    comment_hours = models.PositiveSmallIntegerField(
        _("comment unanswered after (hours)"), default=24
    )

    class Meta:
        verbose_name = _("attention settings")
        verbose_name_plural = _("attention settings")

    def __str__(self) -> str:
        return f"Attention settings of {self.coach_id}"


class AttentionDismissal(models.Model):
    """A coach dismissed (`until` None) or snoozed an item of the attention queue. It hides
    the item while its condition keeps the same `fingerprint`; a new state shows again."""

    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    fingerprint = models.CharField(max_length=100)
    until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["coach", "athlete", "kind"], name="one_attention_dismissal_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.athlete_id} ({self.fingerprint}) until {self.until}"
