"""REST endpoints of the athletes app (/api/v1/): token auth, the current user, athletes, goals
and thresholds. Thin: parse, one scoped lookup through the one door, serialize."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Case, CharField, OuterRef, QuerySet, Subquery, Value, When
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from athletes.models import Athlete, CoachAthlete, Goal, Thresholds, User
from athletes.selectors.athletes import athlete_get
from athletes.selectors.goals import goal_list
from athletes.selectors.thresholds import thresholds_history
from athletes.serializers import (
    AthleteProfileSerializer,
    AthleteSerializer,
    GoalSerializer,
    MeSerializer,
    ThresholdsSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    UserSerializer,
)

ATHLETE_ID = OpenApiParameter("athlete_id", int, OpenApiParameter.PATH, description="Athlete id")


class TokenView(APIView):
    """Exchange email + password (+ TOTP code) for an API token; DELETE revokes it."""

    throttle_scope = "auth"

    def get_authenticators(self) -> list[BaseAuthentication]:
        # Logging in ignores any stale credentials the client still sends.
        if getattr(self.request, "method", None) == "POST":
            return []
        return super().get_authenticators()

    def get_permissions(self) -> list[BasePermission]:
        if getattr(self.request, "method", None) == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    @extend_schema(
        tags=["auth"],
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Wrong credentials, unverified email or bad code."),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})

    @extend_schema(tags=["auth"], request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        Token.objects.filter(user=cast(User, request.user)).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(tags=["me"], responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = cast(User, request.user)  # IsAuthenticated
        athlete = Athlete.objects.filter(user=user).first()
        data = {
            "user": UserSerializer(user).data,
            "athlete": AthleteProfileSerializer(athlete).data if athlete else None,
            "is_coach": user.is_coach,
            "coached_athlete_count": Athlete.objects.coached_by(user).count(),
        }
        return Response(data)


def _athletes_for(viewer: Any) -> QuerySet[Athlete]:
    """Athletes the viewer may see, each with `viewer_permission` (owner/view/edit/full)."""
    relationship = CoachAthlete.objects.active().filter(coach=viewer, athlete=OuterRef("pk"))
    return (
        Athlete.objects.visible_to(viewer)
        .select_related("user")
        .annotate(
            viewer_permission=Case(
                When(user=viewer, then=Value("owner")),
                default=Subquery(relationship.values("permission")[:1]),
                output_field=CharField(),
            )
        )
    )


@extend_schema(tags=["athletes"])
class AthleteListView(generics.ListAPIView[Athlete]):
    """Athletes the caller may see: themself and the athletes they coach."""

    queryset = Athlete.objects.none()  # for the schema; get_queryset() scopes by the caller
    serializer_class = AthleteSerializer

    def get_queryset(self) -> QuerySet[Athlete]:
        return _athletes_for(self.request.user)


@extend_schema(tags=["athletes"])
class AthleteDetailView(generics.RetrieveAPIView[Athlete]):
    """One athlete; 404 when outside the caller's scope."""

    queryset = Athlete.objects.none()  # for the schema; get_queryset() scopes by the caller
    serializer_class = AthleteSerializer
    lookup_url_kwarg = "athlete_id"
    lookup_field = "id"

    def get_queryset(self) -> QuerySet[Athlete]:
        return _athletes_for(self.request.user)


def _visible_athlete(view: generics.GenericAPIView[Any]) -> Athlete:
    """The athlete of the URL, looked up through the one door: 404 outside the caller's scope."""
    return athlete_get(viewer=view.request.user, athlete_id=view.kwargs["athlete_id"])


@extend_schema(tags=["athletes"], parameters=[ATHLETE_ID])
class GoalListView(generics.ListAPIView[Goal]):
    """The athlete's goals and races, by date."""

    queryset = Goal.objects.none()  # for the schema; get_queryset() scopes by the caller
    serializer_class = GoalSerializer

    def get_queryset(self) -> list[Goal]:  # type: ignore[override]
        return goal_list(athlete=_visible_athlete(self))


@extend_schema(tags=["athletes"], parameters=[ATHLETE_ID])
class ThresholdsListView(generics.ListAPIView[Thresholds]):
    """The athlete's effective-dated thresholds, per sport, newest first."""

    queryset = Thresholds.objects.none()  # for the schema; get_queryset() scopes by the caller
    serializer_class = ThresholdsSerializer

    def get_queryset(self) -> list[Thresholds]:  # type: ignore[override]
        return thresholds_history(athlete=_visible_athlete(self))
