"""factory_boy factories for the standing cast and its data."""

from __future__ import annotations

import datetime as dt

import factory

from athletes.models import Athlete, CoachAthlete, Goal, Group, Thresholds, User

PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _verified(obj: User, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        """Mark the email verified so allauth lets the user log in."""
        if create:
            obj.save()
            obj.emailaddress_set.create(email=obj.email, verified=True, primary=True)


class AthleteFactory(factory.django.DjangoModelFactory[Athlete]):
    class Meta:
        model = Athlete

    user = factory.SubFactory(UserFactory)
    sex = Athlete.Sex.MALE
    birth_date = dt.date(1990, 5, 17)
    time_zone = "Europe/Paris"


class CoachFactory(UserFactory):
    is_coach = True


class CoachAthleteFactory(factory.django.DjangoModelFactory[CoachAthlete]):
    class Meta:
        model = CoachAthlete

    coach = factory.SubFactory(CoachFactory)
    athlete = factory.SubFactory(AthleteFactory)
    permission = CoachAthlete.Permission.EDIT
    status = CoachAthlete.Status.ACTIVE
    started_on = dt.date(2026, 1, 5)


class ThresholdsFactory(factory.django.DjangoModelFactory[Thresholds]):
    class Meta:
        model = Thresholds

    athlete = factory.SubFactory(AthleteFactory)
    sport = "run"
    valid_from = dt.date(2026, 1, 1)
    hr_max_bpm = 190
    hr_rest_bpm = 48
    lthr_bpm = 172
    threshold_speed_mps = 4.0


class GoalFactory(factory.django.DjangoModelFactory[Goal]):
    class Meta:
        model = Goal

    athlete = factory.SubFactory(AthleteFactory)
    race_on = dt.date(2027, 4, 11)
    name = "Paris Marathon"
    priority = Goal.Priority.A
    sport = "run"
    distance_m = 42195.0


class GroupFactory(factory.django.DjangoModelFactory[Group]):
    class Meta:
        model = Group

    coach = factory.SubFactory(CoachFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
