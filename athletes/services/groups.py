"""Writes for a coach's groups of athletes."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from athletes.models import Athlete, Group, User


class GroupError(ValueError):
    """A group change that breaks a rule (duplicate name, athlete not on the roster)."""


def _clean_name(*, coach: User, name: str, exclude_id: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise GroupError(_("A group needs a name."))
    same = Group.objects.filter(coach=coach, name__iexact=name)
    if exclude_id is not None:
        same = same.exclude(id=exclude_id)
    if same.exists():
        raise GroupError(_("You already have a group with this name."))
    return name


def group_create(*, coach: User, name: str) -> Group:
    """A new empty group in this coach's roster."""
    return Group.objects.create(coach=coach, name=_clean_name(coach=coach, name=name))


def group_rename(*, group: Group, name: str) -> Group:
    """Rename a group; names are unique per coach."""
    group.name = _clean_name(coach=group.coach, name=name, exclude_id=group.id)
    group.save(update_fields=["name"])
    return group


def group_delete(*, group: Group) -> None:
    """Delete a group; its athletes stay on the roster."""
    group.delete()


def group_set_members(*, group: Group, athletes: Iterable[Athlete]) -> Group:
    """Replace the members of a group; every one must be actively coached by its coach."""
    wanted = {athlete.id for athlete in athletes}
    coached = set(
        Athlete.objects.coached_by(group.coach).filter(id__in=wanted).values_list("id", flat=True)
    )
    if wanted - coached:
        raise GroupError(_("Only athletes you coach can join your groups."))
    group.athletes.set(wanted)
    return group
