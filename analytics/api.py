"""REST endpoints of the analytics app (/api/v1/): an athlete's daily load with Fitness / Fatigue /
Form, and one activity's metrics. Thin: one scoped lookup through the one door, serialize.
Values stay in SI units; `units` names each field's unit from the metrics registry."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from activities.models import Activity
from analytics.metrics.registry import CURVE_KEYS, METRICS, STORED_KEYS
from analytics.models import ActivityMetrics, DailyLoad
from analytics.selectors import activity_with_metrics_get, daily_load_list
from athletes.models import User
from athletes.selectors.athletes import athlete_get
from core.api import DayField, FiniteFloatField, ModelSerializer

ATHLETE_ID = OpenApiParameter("athlete_id", int, OpenApiParameter.PATH, description="Athlete id")
ACTIVITY_ID = OpenApiParameter("activity_id", int, OpenApiParameter.PATH, description="Activity id")


class DailyLoadQuerySerializer(serializers.Serializer[Any]):
    since = DayField(
        required=False, help_text=_("First athlete-local day (inclusive); default: the first.")
    )
    until = DayField(
        required=False, help_text=_("Last athlete-local day (inclusive); default: the last.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since > until:
            raise serializers.ValidationError({"until": [_("must not be before since.")]})
        return attrs


class DailyLoadSerializer(ModelSerializer):
    load_by_source = serializers.DictField(
        child=FiniteFloatField(),
        read_only=True,
        help_text=_("Load points per source (tss, rtss, hr_tss, trimp, srpe, rpe, manual)."),
    )

    class Meta:
        model = DailyLoad
        fields = ("day", "load", "load_by_source", "planned_load", "fitness", "fatigue", "form")
        read_only_fields = fields


@extend_schema(tags=["analytics"], parameters=[ATHLETE_ID, DailyLoadQuerySerializer])
class DailyLoadListView(generics.ListAPIView[DailyLoad]):
    """The athlete's days, oldest first: load done (points, by source), planned load, and
    Fitness, Fatigue and Form after the day. Days after today carry only planned load."""

    queryset = DailyLoad.objects.none()  # for the schema; get_queryset() scopes by the caller
    serializer_class = DailyLoadSerializer

    def get_queryset(self) -> QuerySet[DailyLoad]:
        viewer = cast(User, self.request.user)
        athlete = athlete_get(viewer=viewer, athlete_id=self.kwargs["athlete_id"])
        query = DailyLoadQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return daily_load_list(viewer=viewer, athlete=athlete, **query.validated_data)


def _floats(help_text: Any) -> serializers.ListField:
    return serializers.ListField(child=FiniteFloatField(), required=False, help_text=help_text)


class TimeInZoneSerializer(serializers.Serializer[Any]):
    hr = _floats(_("Seconds per heart-rate zone, Z1 first."))
    power = _floats(_("Seconds per power zone, Z1 first."))
    pace = _floats(_("Seconds per pace zone, Z1 first."))
    # A field called "source" shadows Field.source in the stubs only; DRF collects it as usual.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=["streams", "lap"], required=False, help_text=_("Samples, or the laps' averages.")
    )


class MeanMaxSerializer(serializers.Serializer[Any]):
    power_w = serializers.DictField(child=FiniteFloatField(), required=False)
    speed_mps = serializers.DictField(child=FiniteFloatField(), required=False)
    hr_bpm = serializers.DictField(child=FiniteFloatField(), required=False)


class _ActivityHeadSerializer(serializers.Serializer[Any]):
    activity_id = serializers.IntegerField()
    sport = serializers.CharField()
    day = serializers.DateField()
    computed = serializers.BooleanField()
    algorithm_version = serializers.IntegerField(allow_null=True)
    computed_at = serializers.DateTimeField(allow_null=True)


def _stored_value_fields() -> dict[str, FiniteFloatField]:
    """One number per stored scalar metric, named as the metrics registry names them."""
    notes = {"decoupling_pct": _("Null for an effort that was not steady.")}
    return {key: FiniteFloatField(allow_null=True, help_text=notes.get(key)) for key in STORED_KEYS}


_ActivityValuesSerializer: Any = type(
    "_ActivityValuesSerializer", (_ActivityHeadSerializer,), _stored_value_fields()
)


class ActivityMetricsSerializer(_ActivityValuesSerializer):  # type: ignore[misc]
    """One activity's metrics; `computed` is false (and every value null) until computed."""

    load_source = serializers.CharField(allow_blank=True)
    time_in_zone_s = TimeInZoneSerializer()
    mean_max = MeanMaxSerializer(help_text=_("Per channel: duration in seconds → best average."))
    best_efforts_s = serializers.DictField(
        child=FiniteFloatField(), help_text=_("Distance in metres → fastest time (s).")
    )
    units = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text=_("The unit of each metric key (metrics registry); empty for a ratio."),
    )


def activity_metrics_data(activity: Activity, metrics: ActivityMetrics | None) -> dict[str, Any]:
    """The response body of ActivityMetricsView."""
    values = {name: getattr(metrics, name, None) for name in STORED_KEYS}
    return {
        "activity_id": activity.id,
        "sport": activity.sport,
        "day": activity.day,
        "computed": metrics is not None,
        "algorithm_version": metrics.algorithm_version if metrics else None,
        "computed_at": metrics.computed_at if metrics else None,
        **values,
        "load_source": metrics.load_source if metrics else "",
        "time_in_zone_s": metrics.time_in_zone_s if metrics else {},
        "mean_max": metrics.mean_max if metrics else {},
        "best_efforts_s": metrics.best_efforts_s if metrics else {},
        "units": {key: METRICS[key].unit for key in (*STORED_KEYS, *CURVE_KEYS)},
    }


class ActivityMetricsView(APIView):
    """One activity's metrics (404 outside the caller's scope)."""

    @extend_schema(
        tags=["analytics"],
        parameters=[ATHLETE_ID, ACTIVITY_ID],
        responses=ActivityMetricsSerializer,
    )
    def get(self, request: Request, athlete_id: int, activity_id: int) -> Response:
        viewer = cast(User, request.user)
        athlete = athlete_get(viewer=viewer, athlete_id=athlete_id)
        activity, metrics = activity_with_metrics_get(
            viewer=viewer, athlete=athlete, activity_id=activity_id
        )
        return Response(ActivityMetricsSerializer(activity_metrics_data(activity, metrics)).data)
