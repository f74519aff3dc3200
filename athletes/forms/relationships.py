"""Forms for invitations, relationship permissions and a coach's groups (parse only)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from athletes.models import Athlete, CoachAthlete, Group, Invitation, User


def invitation_directions(user: User) -> list[tuple[str, Any]]:
    """The kinds of invitation this user may send: coaches invite athletes, athletes coaches."""
    choices: list[tuple[str, Any]] = []
    if user.is_coach:
        choices.append(
            (Invitation.Direction.COACH_INVITES_ATHLETE, _("Invite an athlete to coach"))
        )
    if Athlete.objects.filter(user=user).exists():
        choices.append((Invitation.Direction.ATHLETE_INVITES_COACH, _("Invite my coach")))
    return choices


class InvitationForm(forms.Form):
    """Who to invite, in which direction, and what the coach may do."""

    direction = forms.ChoiceField(label=_("Invitation"), widget=forms.RadioSelect, required=False)
    email = forms.EmailField(label=_("Their email address"), max_length=254)
    permission = forms.ChoiceField(
        label=_("The coach may"),
        choices=CoachAthlete.Permission.choices,
        initial=CoachAthlete.Permission.EDIT,
    )
    message = forms.CharField(
        label=_("Personal message (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = invitation_directions(user)
        field = cast(forms.ChoiceField, self.fields["direction"])
        field.choices = choices
        self.directions = [value for value, _label in choices]
        if len(choices) == 1:
            self.initial["direction"] = choices[0][0]
            field.widget = forms.HiddenInput()

    def clean_direction(self) -> str:
        """The chosen direction; a user with one possible direction need not choose."""
        choices = self.directions
        value = self.cleaned_data.get("direction") or (choices[0] if len(choices) == 1 else "")
        if not value:
            raise forms.ValidationError(_("Choose whom you are inviting."), code="required")
        return value


class PermissionForm(forms.Form):
    """The permission level an athlete grants one of their coaches."""

    permission = forms.ChoiceField(label=_("Permission"), choices=CoachAthlete.Permission.choices)


class GroupForm(forms.Form):
    """A group's name (uniqueness per coach is checked by the service)."""

    name = forms.CharField(label=_("Group name"), max_length=80)


class GroupMembersForm(forms.Form):
    """Members of a group, chosen among the coach's active athletes only."""

    athletes = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=Athlete.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, group: Group, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelMultipleChoiceField[Athlete]", self.fields["athletes"])
        field.queryset = Athlete.objects.coached_by(group.coach).select_related("user")
        if not self.is_bound:
            field.initial = [a.id for a in group.athletes.all()]
