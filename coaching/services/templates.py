"""Writes of the workout library: create, update, delete and duplicate a coach's templates.

Steps are validated and stored canonical (`tree.from_data` → `tree.to_data`; raises
WorkoutError); a template is shared only with groups its owner coaches.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from athletes.models import Group, User
from coaching.models import WorkoutTemplate
from coaching.workouts.tree import from_data, to_data

EDITABLE_FIELDS = (
    "name",
    "sport",
    "session_type",
    "description",
    "steps",
    "duration_s",
    "distance_m",
    "tags",
)
NAME_MAX = 120


class TemplateError(ValueError):
    """A template change that breaks a rule (sharing with a group the owner does not coach)."""


def _clean_steps(steps: Any) -> list[dict[str, Any]]:
    return to_data(from_data(steps))


def _clean_tags(tags: Iterable[str] | None) -> list[str]:
    return list(dict.fromkeys(tag.strip() for tag in tags or () if tag.strip()))


def _check_groups(owner: User, groups: Iterable[Group]) -> list[Group]:
    groups = list(groups)
    if any(group.coach_id != owner.id for group in groups):
        raise TemplateError(_("A template can only be shared with your own groups."))
    return groups


def template_create(
    *,
    owner: User,
    name: str,
    sport: str,
    shared_with: Iterable[Group] = (),
    **fields: Any,
) -> WorkoutTemplate:
    """A new template of `owner`'s library (fields of EDITABLE_FIELDS); raises WorkoutError
    for bad steps and TemplateError for a group that is not the owner's."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    groups = _check_groups(owner, shared_with)
    fields["steps"] = _clean_steps(fields.get("steps"))
    fields["tags"] = _clean_tags(fields.get("tags"))
    with transaction.atomic():
        template = WorkoutTemplate.objects.create(owner=owner, name=name, sport=sport, **fields)
        template.shared_with.set(groups)
    return template


def template_update(
    *,
    template: WorkoutTemplate,
    shared_with: Iterable[Group] | None = None,
    **fields: Any,
) -> WorkoutTemplate:
    """Change any of EDITABLE_FIELDS and, when given, the groups it is shared with."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    groups = None if shared_with is None else _check_groups(template.owner, shared_with)
    if "steps" in fields:
        fields["steps"] = _clean_steps(fields["steps"])
    if "tags" in fields:
        fields["tags"] = _clean_tags(fields["tags"])
    for name, value in fields.items():
        setattr(template, name, value)
    with transaction.atomic():
        template.save()
        if groups is not None:
            template.shared_with.set(groups)
    return template


def template_delete(*, template: WorkoutTemplate) -> None:
    """Delete a template; sessions planned from it keep their copy of the steps."""
    template.delete()


def template_duplicate(*, template: WorkoutTemplate, by: User) -> WorkoutTemplate:
    """A copy of `template` in `by`'s own library, named "… (copy)", shared with nobody."""
    name = _("%(name)s (copy)") % {"name": template.name}
    return template_create(
        owner=by,
        name=name[:NAME_MAX],
        sport=template.sport,
        **{
            field: getattr(template, field)
            for field in EDITABLE_FIELDS
            if field not in ("name", "sport")
        },
    )
