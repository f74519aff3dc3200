"""Demo data: two coaches, their athletes (one self-coached), thresholds history, goals, groups.

Deterministic: names, emails and passwords depend only on the athlete count; numbers (thresholds,
race dates, birth dates) on the seed. Idempotent: a person who already exists is left alone, so a
second run creates nothing and reports the same logins (DESIGN §7, `seed_demo`).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction

from athletes.models import Athlete, CoachAthlete, Group, User
from athletes.services.goals import goal_create
from athletes.services.groups import group_create, group_set_members
from athletes.services.profiles import athlete_profile_ensure, self_coaching_start
from athletes.services.thresholds import thresholds_set

DEMO_DOMAIN = "demo.paceline.test"
DEMO_PASSWORD = "paceline-demo"
DEMO_STAFF_EMAIL = f"admin@{DEMO_DOMAIN}"


@dataclass(frozen=True)
class Person:
    """Who a demo account is: name, physiology and preferences."""

    first_name: str
    last_name: str
    sex: str
    time_zone: str
    language: str
    units: str
    profile: str  # runner | cyclist | triathlete | trail

    def email(self, suffix: str = "") -> str:
        local = f"{self.first_name}.{self.last_name}{suffix}".lower()
        return f"{local}@{DEMO_DOMAIN}"


COACHES: tuple[tuple[str, Person], ...] = (
    ("coach.alice", Person("Alice", "Martin", "F", "Europe/Paris", "fr", "metric", "coach")),
    ("coach.bruno", Person("Bruno", "Costa", "M", "America/Denver", "en", "imperial", "coach")),
)
ATHLETES: tuple[Person, ...] = (
    Person("Camille", "Durand", "F", "Europe/Paris", "fr", "metric", "runner"),
    Person("Daniel", "Okafor", "M", "Europe/London", "en", "metric", "triathlete"),
    Person("Emma", "Walsh", "F", "America/Denver", "en", "imperial", "cyclist"),
    Person("Felix", "Moreau", "M", "Europe/Paris", "fr", "metric", "trail"),
    Person("Grace", "Liu", "F", "Australia/Sydney", "en", "metric", "triathlete"),
    Person("Hugo", "Lambert", "M", "Europe/Brussels", "fr", "metric", "runner"),
    Person("Isla", "Novak", "F", "America/New_York", "en", "imperial", "trail"),
    Person("Jonas", "Berg", "M", "Europe/Oslo", "en", "metric", "cyclist"),
)
GROUPS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "coach.alice": (("Road runners", ("runner", "trail")), ("Triathlon squad", ("triathlete",))),
    "coach.bruno": (("Mountain crew", ("trail", "cyclist")),),
}
SPORTS_BY_PROFILE: dict[str, tuple[str, ...]] = {
    "runner": ("run",),
    "trail": ("run",),
    "cyclist": ("ride", "run"),
    "triathlete": ("run", "ride", "swim"),
}


@dataclass(frozen=True)
class Login:
    email: str
    password: str
    self_coached: bool = False


@dataclass
class CoachLogins:
    email: str
    password: str
    athletes: list[Login] = field(default_factory=list)


@dataclass(frozen=True)
class PlannedAthlete:
    person: Person
    email: str
    self_coached: bool


@dataclass(frozen=True)
class PlannedCoach:
    key: str
    person: Person
    email: str
    athletes: tuple[PlannedAthlete, ...]


def demo_plan(*, athletes_per_coach: int) -> list[PlannedCoach]:
    """Who the demo accounts are; the second coach's last athlete coaches themself."""
    plan: list[PlannedCoach] = []
    for coach_index, (key, person) in enumerate(COACHES):
        athletes = []
        for slot in range(athletes_per_coach):
            index = coach_index * athletes_per_coach + slot
            athlete = ATHLETES[index % len(ATHLETES)]
            suffix = str(index // len(ATHLETES) + 1) if index >= len(ATHLETES) else ""
            self_coached = coach_index == len(COACHES) - 1 and slot == athletes_per_coach - 1
            athletes.append(PlannedAthlete(athlete, athlete.email(suffix), self_coached))
        plan.append(PlannedCoach(key, person, f"{key}@{DEMO_DOMAIN}", tuple(athletes)))
    return plan


def demo_logins(plan: list[PlannedCoach], *, existing_only: bool = False) -> list[CoachLogins]:
    """The logins of a plan (optionally only the accounts present in the database)."""
    present = set(User.objects.values_list("email", flat=True)) if existing_only else None
    logins = []
    for coach in plan:
        if present is not None and coach.email not in present:
            continue
        entry = CoachLogins(coach.email, DEMO_PASSWORD)
        for athlete in coach.athletes:
            if present is None or athlete.email in present:
                entry.athletes.append(Login(athlete.email, DEMO_PASSWORD, athlete.self_coached))
        logins.append(entry)
    return logins


def demo_seed(
    *, athletes_per_coach: int = 4, years: int = 1, seed: int = 0, today: dt.date
) -> list[CoachLogins]:
    """Create the demo accounts and their data; returns the logins. Idempotent."""
    plan = demo_plan(athletes_per_coach=athletes_per_coach)
    rng = random.Random(seed)
    password_hash = make_password(DEMO_PASSWORD)  # once: hashing is slow on purpose
    with transaction.atomic():
        for coach in plan:
            _seed_coach(coach, rng=rng, years=years, today=today, password_hash=password_hash)
    return demo_logins(plan)


def demo_staff_ensure(*, password: str = DEMO_PASSWORD) -> Login:
    """The operator of the demo: staff and superuser with a verified email, so it signs in to
    the site and opens /admin/. Idempotent."""
    user = User.objects.filter(email=DEMO_STAFF_EMAIL).first()
    if user is None:
        user = User.objects.create_superuser(
            email=DEMO_STAFF_EMAIL, password=password, first_name="Demo", last_name="Admin"
        )
        EmailAddress.objects.create(user=user, email=DEMO_STAFF_EMAIL, verified=True, primary=True)
    return Login(DEMO_STAFF_EMAIL, password)


def demo_staff_login() -> Login | None:
    """The staff login, if that account exists."""
    exists = User.objects.filter(email=DEMO_STAFF_EMAIL, is_staff=True).exists()
    return Login(DEMO_STAFF_EMAIL, DEMO_PASSWORD) if exists else None


def _seed_coach(
    coach: PlannedCoach, *, rng: random.Random, years: int, today: dt.date, password_hash: str
) -> None:
    coach_user, _created = _user_ensure(coach.email, coach.person, True, password_hash)
    members: list[tuple[Athlete, str]] = []
    for planned in coach.athletes:
        user, created = _user_ensure(planned.email, planned.person, False, password_hash)
        athlete = _athlete_ensure(user, planned.person, rng=rng)
        if created:
            _relationship_start(coach_user, athlete, planned=planned, today=today)
            by = user if planned.self_coached else coach_user
            _thresholds_history(athlete, planned.person, by=by, rng=rng, years=years, today=today)
            _goals_add(athlete, planned.person, rng=rng, today=today)
        members.append((athlete, planned.person.profile))
    for name, profiles in GROUPS.get(coach.key, ()):
        if not Group.objects.filter(coach=coach_user, name=name).exists():
            group = group_create(coach=coach_user, name=name)
            group_set_members(group=group, athletes=[a for a, p in members if p in profiles])


def _user_ensure(
    email: str, person: Person, is_coach: bool, password_hash: str
) -> tuple[User, bool]:
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    user = User.objects.create(
        email=email,
        password=password_hash,
        first_name=person.first_name,
        last_name=person.last_name,
        is_coach=is_coach,
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user, True


def _athlete_ensure(user: User, person: Person, *, rng: random.Random) -> Athlete:
    athlete = athlete_profile_ensure(user=user, language=person.language)
    birth_date = dt.date(rng.randint(1972, 2002), rng.randint(1, 12), rng.randint(1, 28))
    if athlete.birth_date is None:  # a fresh profile: fill it in
        athlete.sex = person.sex
        athlete.birth_date = birth_date
        athlete.time_zone = person.time_zone
        athlete.units = person.units
        athlete.save(update_fields=["sex", "birth_date", "time_zone", "units"])
    return athlete


def _relationship_start(
    coach: User, athlete: Athlete, *, planned: PlannedAthlete, today: dt.date
) -> None:
    """The coach coaches the athlete; a self-coached athlete coaches themself and shares
    read-only with the coach (the coach follows, the athlete plans)."""
    permission = CoachAthlete.Permission.EDIT
    if planned.self_coached:
        self_coaching_start(user=athlete.user)
        permission = CoachAthlete.Permission.VIEW
    CoachAthlete.objects.get_or_create(
        coach=coach,
        athlete=athlete,
        status=CoachAthlete.Status.ACTIVE,
        defaults={"permission": permission, "started_on": today - dt.timedelta(days=300)},
    )


def _thresholds_history(
    athlete: Athlete, person: Person, *, by: User, rng: random.Random, years: int, today: dt.date
) -> None:
    """One row every ~5 months over `years`, improving towards today (effective-dated)."""
    offsets_days = list(range(0, max(years, 1) * 365, 150))[::-1]  # oldest first
    hr_max = 200 - (today.year - athlete.birth_date.year) // 2 if athlete.birth_date else 188
    hr_rest = rng.randint(42, 56)
    fitness = rng.uniform(0.85, 1.15)
    for step, offset in enumerate(offsets_days):
        gain = 1 + 0.025 * step  # a little better at each test
        valid_from = today - dt.timedelta(days=offset + rng.randint(0, 20))
        for sport in SPORTS_BY_PROFILE[person.profile]:
            values = _threshold_values(sport, person.sex, fitness * gain, hr_max, hr_rest)
            thresholds_set(athlete=athlete, sport=sport, valid_from=valid_from, by=by, **values)


def _threshold_values(
    sport: str, sex: str, level: float, hr_max: int, hr_rest: int
) -> dict[str, float | int]:
    female = sex == Athlete.Sex.FEMALE
    hr = {"hr_max_bpm": hr_max, "hr_rest_bpm": hr_rest}
    if sport == "run":
        speed_mps = (3.9 if female else 4.3) * level
        return {**hr, "lthr_bpm": round(hr_max * 0.9), "threshold_speed_mps": round(speed_mps, 2)}
    if sport == "ride":
        ftp_w = (205 if female else 265) * level
        return {
            **hr,
            "hr_max_bpm": hr_max - 5,
            "lthr_bpm": round(hr_max * 0.87),
            "ftp_w": round(ftp_w),
        }
    return {"css_mps": round((1.25 if female else 1.33) * level, 2)}


RACES: dict[str, tuple[tuple[str, str, str, float, float, int], ...]] = {
    # priority, name, sport, distance_m, ascent_m, weeks from today
    "runner": (
        ("C", "Parkrun 5K time trial", "run", 5000, 20, 4),
        ("B", "Semi-marathon de Lyon", "run", 21097.5, 90, 10),
        ("A", "Valencia Marathon", "run", 42195, 60, 24),
    ),
    "trail": (
        ("C", "Hill trail 15K", "run", 15000, 650, 5),
        ("B", "Trail des Aravis", "run", 42000, 2600, 12),
        ("A", "Lavaredo Ultra Trail 80K", "run", 80000, 4800, 26),
    ),
    "cyclist": (
        ("C", "Club 40K time trial", "ride", 40000, 200, 3),
        ("B", "Gran Fondo Stelvio", "ride", 150000, 3200, 11),
        ("A", "Marmotte Granfondo Alpes", "ride", 174000, 5000, 22),
    ),
    "triathlete": (
        ("C", "Sprint triathlon", "other", 25750, 100, 6),
        ("B", "Olympic triathlon", "other", 51500, 300, 12),
        ("A", "Ironman 70.3", "other", 113000, 900, 25),
    ),
}


# The A race's weekly volume (the forecast to race day uses it after the planned weeks).
A_RACE_WEEKLY: dict[str, dict[str, float]] = {
    "runner": {"weekly_distance_m": 55000.0},
    "trail": {"weekly_duration_s": 8 * 3600},
    "cyclist": {"weekly_duration_s": 9 * 3600},
}


def _goals_add(athlete: Athlete, person: Person, *, rng: random.Random, today: dt.date) -> None:
    """A, B and C races over the coming months, with target times and the weekly volume of
    the A race."""
    for priority, name, sport, distance_m, ascent_m, weeks in RACES[person.profile]:
        race_on = today + dt.timedelta(weeks=weeks, days=rng.randint(0, 6))
        speed_mps = {"run": 3.2, "ride": 8.0}.get(sport, 4.5) * rng.uniform(0.85, 1.15)
        target_time_s = round(distance_m / speed_mps / 60) * 60 if priority == "A" else None
        goal_create(
            athlete=athlete,
            name=name,
            race_on=race_on,
            priority=priority,
            sport=sport,
            distance_m=distance_m,
            ascent_m=ascent_m,
            target_time_s=target_time_s,
            **(A_RACE_WEEKLY.get(person.profile, {}) if priority == "A" else {}),
        )
