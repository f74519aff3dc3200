"""REST endpoints of the planner (/api/v1/athletes/<id>/plan/): the week for mobile clients
(sessions with steps, estimates, link and compliance; activities; totals) and, for those who
plan, adding, changing and deleting sessions. Values in SI units; clients convert.

Thin: one scoped lookup through the one door (404 outside the caller's scope, 403 when the
caller may see but not plan), one selector or service, serialize.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from athletes.models import SPORT_CHOICES, Athlete, User
from athletes.selectors.athletes import athlete_get
from athletes.serializers import GoalSerializer
from coaching.forms.library import workout_error_message
from coaching.models import PlannedSession, SessionType, WorkoutTemplate
from coaching.selectors.planner import (
    athlete_get_for_plan,
    parse_week,
    plan_can_edit,
    plan_week,
    planned_session_get,
    week_start_of,
)
from coaching.services.sessions import (
    planned_session_create,
    planned_session_delete,
    planned_session_move,
    planned_session_update,
    template_apply,
)
from coaching.workouts.tree import MAX_STEPS, WorkoutError
from core.api import (
    MAX_ID,
    DayField,
    FiniteFloatField,
    FlagField,
    ModelSerializer,
    NumberField,
    TextField,
    WholeNumberField,
)
from core.ranges import SESSION_ASCENT_M, SESSION_DISTANCE_M, SESSION_DURATION_S

ATHLETE_ID = OpenApiParameter("athlete_id", int, OpenApiParameter.PATH, description="Athlete id")
SESSION_ID = OpenApiParameter("session_id", int, OpenApiParameter.PATH, description="Session id")
COLOURS = ["green", "yellow", "red"]
SPORTS = [value for value, _label in SPORT_CHOICES]
# A plain string in the schema: an enum named "sport" would collide with the thresholds' one.
SPORT_HELP = "One of: " + ", ".join(SPORTS) + "."

# --- serializers --------------------------------------------------------------------------------


@extend_schema_field(
    {"type": "array", "items": {"type": "object"}, "maxItems": MAX_STEPS},
)
class StepsField(serializers.JSONField):
    """Structured steps: the JSON of coaching.workouts.tree (validated by `from_data`)."""


class PlanWeekQuerySerializer(serializers.Serializer[Any]):
    week = DayField(
        required=False,
        help_text=_("Any day of the week; default: this week in the athlete's time zone."),
    )


class PlannedSessionSerializer(ModelSerializer):
    """A planned session: what was entered, its structured steps (the workout tree's JSON)
    and the estimates computed from them with the athlete's thresholds on its day."""

    sport = serializers.CharField(read_only=True, help_text=SPORT_HELP)
    steps = StepsField(help_text=_("Structured steps: the workout tree's JSON."))

    class Meta:
        model = PlannedSession
        fields = (
            "id",
            "day",
            "order",
            "sport",
            "session_type",
            "title",
            "description",
            "steps",
            "duration_s",
            "distance_m",
            "ascent_m",
            "est_duration_s",
            "est_distance_m",
            "est_ascent_m",
            "est_dist_eq_km",
            "est_load",
            "est_trimp",
            "source",
            "template",
            "hidden",
        )
        read_only_fields = fields


class LinkSerializer(serializers.Serializer[Any]):
    activity = serializers.IntegerField(source="activity_id")
    kind = serializers.ChoiceField(choices=["auto", "manual"])
    locked = serializers.BooleanField()
    confidence = FiniteFloatField(help_text=_("0–1: how well the pair matched."))


class ComplianceSerializer(serializers.Serializer[Any]):
    basis = serializers.ChoiceField(choices=["load", "duration", "distance"])
    actual = FiniteFloatField(allow_null=True, help_text=_("None when missed."))
    planned = FiniteFloatField()
    ratio = FiniteFloatField(allow_null=True)
    colour = serializers.ChoiceField(choices=COLOURS)


class WeekSessionSerializer(serializers.Serializer[Any]):
    """A session of the week with its link and, when judged, its compliance (linked, or
    missed on a past day)."""

    session = PlannedSessionSerializer()
    link = LinkSerializer(allow_null=True)
    compliance = ComplianceSerializer(source="ratio", allow_null=True)
    steps_hit = FiniteFloatField(
        allow_null=True, help_text=_("Share (0–1) of the active steps on target.")
    )
    verdict = serializers.ChoiceField(
        choices=[*COLOURS, "missed"],
        allow_null=True,
        help_text=_("The worse of the volume and step colours, or missed; None: not judged."),
    )


class WeekActivitySerializer(serializers.Serializer[Any]):
    """An activity of the week with the values the planner compares."""

    id = serializers.IntegerField(source="activity.id")
    sport = serializers.CharField(source="activity.sport")
    name = serializers.CharField(source="activity.name")
    started_at = serializers.DateTimeField(source="activity.started_at")
    duration_s = FiniteFloatField(allow_null=True, help_text=_("Moving, else elapsed."))
    distance_m = FiniteFloatField(allow_null=True)
    dist_eq_km = FiniteFloatField(allow_null=True)
    load = FiniteFloatField(allow_null=True)
    session = serializers.IntegerField(
        source="session_id", allow_null=True, help_text=_("The linked session's id.")
    )


class WeekDaySerializer(serializers.Serializer[Any]):
    day = serializers.DateField()
    sessions = WeekSessionSerializer(many=True)
    activities = WeekActivitySerializer(many=True)
    goals = GoalSerializer(many=True)


class TotalsSerializer(serializers.Serializer[Any]):
    """Sums; 0 when there is nothing, None when none of the values is known."""

    duration_s = FiniteFloatField(allow_null=True)
    distance_m = FiniteFloatField(allow_null=True)
    dist_eq_km = FiniteFloatField(allow_null=True)
    load = FiniteFloatField(allow_null=True)


class WeekTotalsSerializer(serializers.Serializer[Any]):
    planned = TotalsSerializer()
    actual = TotalsSerializer()


class WeekComplianceSerializer(serializers.Serializer[Any]):
    """Judged sessions (published, a past day or linked) counted per verdict, and the
    activities done for no planned session (unplanned: not scored)."""

    pct = FiniteFloatField(
        allow_null=True,
        help_text=_(
            "Mean score of the judged sessions (green 1, yellow 0.5, red or missed 0), × 100."
        ),
    )
    colour = serializers.ChoiceField(choices=COLOURS, allow_null=True)
    judged = serializers.IntegerField()
    green = serializers.IntegerField()
    yellow = serializers.IntegerField()
    red = serializers.IntegerField()
    missed = serializers.IntegerField()
    unplanned = serializers.IntegerField()


class PlanWeekSerializer(serializers.Serializer[Any]):
    """Monday to Sunday in the athlete's time zone."""

    athlete = serializers.IntegerField(source="athlete.id")
    week_start = serializers.DateField()
    week_end = serializers.DateField()
    today = serializers.DateField()
    can_edit = serializers.BooleanField(help_text=_("Whether the caller may plan this week."))
    days = WeekDaySerializer(many=True)
    totals = WeekTotalsSerializer(source="*")
    compliance = WeekComplianceSerializer()
    rolling_compliance = WeekComplianceSerializer(
        source="rolling", help_text=_("The same over the 28 days ending on `week_end`.")
    )


class PlannedSessionWriteSerializer(serializers.Serializer[Any]):
    """A session to add or change. With `template` (on create), the template is planned on
    `day` and only `hidden` is read besides. `position` (on change) moves the session to that
    place among its day's sessions."""

    day = DayField()
    template = WholeNumberField(
        min_value=1, max_value=MAX_ID, required=False, help_text=_("Plan this template.")
    )
    sport = serializers.ChoiceField(choices=SPORTS, required=False)
    session_type = serializers.ChoiceField(choices=SessionType.choices, default=SessionType.OTHER)
    title = TextField(max_length=120, required=False)
    description = TextField(max_length=5000, allow_blank=True, default="")
    steps = StepsField(required=False, help_text=_("The workout tree's JSON."))
    duration_s = NumberField(allow_null=True, default=None, **SESSION_DURATION_S.as_limits())
    distance_m = NumberField(allow_null=True, default=None, **SESSION_DISTANCE_M.as_limits())
    ascent_m = NumberField(allow_null=True, default=None, **SESSION_ASCENT_M.as_limits())
    hidden = FlagField(default=False, help_text=_("Draft: hidden from the athlete."))
    position = WholeNumberField(min_value=0, max_value=50, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Without a template, a new session needs its sport and title."""
        if self.partial or "template" in attrs:
            return attrs
        required = _("This field is required.")
        missing = {name: [required] for name in ("sport", "title") if not attrs.get(name)}
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


# --- views ------------------------------------------------------------------------------------


def _user(request: Request) -> User:
    return cast(User, request.user)


def _session(athlete: Athlete, session_id: int, drafts: bool = True) -> PlannedSession:
    """One session of the athlete (drafts only when `drafts`); 404 otherwise."""
    try:
        return planned_session_get(athlete=athlete, session_id=session_id, drafts=drafts)
    except ObjectDoesNotExist:
        raise Http404 from None


def _steps_error(error: WorkoutError) -> Response:
    return Response({"steps": [workout_error_message(error)]}, status=400)


def _create(request: Request, athlete: Athlete, data: dict[str, Any]) -> PlannedSession:
    data.pop("position", None)
    if "template" not in data:
        return planned_session_create(athlete=athlete, by=_user(request), **data)
    template = WorkoutTemplate.objects.usable_by(request.user).filter(id=data["template"]).first()
    if template is None:
        raise serializers.ValidationError({"template": [_("Unknown template.")]})
    return template_apply(
        template=template,
        athlete=athlete,
        day=data["day"],
        by=_user(request),
        hidden=data["hidden"],
    )


def _change(request: Request, session: PlannedSession, data: dict[str, Any]) -> PlannedSession:
    data.pop("template", None)
    position = data.pop("position", None)
    day = data.pop("day", session.day)
    if data:
        planned_session_update(session=session, by=_user(request), **data)
    if position is not None or day != session.day:
        planned_session_move(session=session, day=day, position=position, by=_user(request))
    return session


def _written(write: Any, status_code: int = status.HTTP_200_OK) -> Response:
    """Run `write` (which returns the session) and build the answer in one transaction: a
    write whose answer cannot be made stores nothing."""
    try:
        with transaction.atomic():
            session = write()
            session.refresh_from_db()
            return Response(PlannedSessionSerializer(session).data, status=status_code)
    except WorkoutError as error:
        return _steps_error(error)


@extend_schema(tags=["plan"], parameters=[ATHLETE_ID])
class PlanWeekView(APIView):
    """The athlete's week; POST adds a session (those who plan only)."""

    @extend_schema(parameters=[PlanWeekQuerySerializer], responses=PlanWeekSerializer)
    def get(self, request: Request, athlete_id: int) -> Response:
        athlete = athlete_get(viewer=request.user, athlete_id=athlete_id)
        query = PlanWeekQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = athlete.local_today()
        week = query.validated_data.get("week")
        week_start = week_start_of(week) if week else parse_week(None, today=today)
        week = plan_week(viewer=request.user, athlete=athlete, week_start=week_start, today=today)
        return Response(PlanWeekSerializer(week).data)

    @extend_schema(
        request=PlannedSessionWriteSerializer,
        responses={
            201: PlannedSessionSerializer,
            400: OpenApiResponse(description="Invalid fields or steps."),
            403: OpenApiResponse(description="The caller may see but not plan."),
        },
    )
    def post(self, request: Request, athlete_id: int) -> Response:
        athlete = athlete_get_for_plan(viewer=request.user, athlete_id=athlete_id)
        serializer = PlannedSessionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        return _written(lambda: _create(request, athlete, data), status.HTTP_201_CREATED)


@extend_schema(tags=["plan"], parameters=[ATHLETE_ID, SESSION_ID])
class PlanSessionView(APIView):
    """One planned session: read it; change or delete it (those who plan only)."""

    @extend_schema(responses=PlannedSessionSerializer)
    def get(self, request: Request, athlete_id: int, session_id: int) -> Response:
        athlete = athlete_get(viewer=request.user, athlete_id=athlete_id)
        drafts = plan_can_edit(viewer=request.user, athlete=athlete)
        return Response(PlannedSessionSerializer(_session(athlete, session_id, drafts)).data)

    @extend_schema(
        request=PlannedSessionWriteSerializer(partial=True),
        responses={200: PlannedSessionSerializer, 400: OpenApiResponse(), 403: OpenApiResponse()},
    )
    def patch(self, request: Request, athlete_id: int, session_id: int) -> Response:
        athlete = athlete_get_for_plan(viewer=request.user, athlete_id=athlete_id)
        session = _session(athlete, session_id)
        serializer = PlannedSessionWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        return _written(lambda: _change(request, session, data))

    @extend_schema(responses={204: None, 403: OpenApiResponse()})
    def delete(self, request: Request, athlete_id: int, session_id: int) -> Response:
        athlete = athlete_get_for_plan(viewer=request.user, athlete_id=athlete_id)
        planned_session_delete(session=_session(athlete, session_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
