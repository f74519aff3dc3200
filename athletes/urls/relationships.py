"""Roster, invitations, relationships, groups and self-coaching pages."""

from __future__ import annotations

from django.urls import URLPattern, path

from athletes.views import relationships as views

urlpatterns: list[URLPattern] = [
    path("roster/", views.roster, name="roster"),
    path("roster/groups/", views.group_list, name="group_list"),
    path("roster/groups/<int:group_id>/", views.group_detail, name="group_detail"),
    path("roster/groups/<int:group_id>/delete/", views.group_delete, name="group_delete"),
    path("invitations/", views.invitation_list, name="invitation_list"),
    path("invitations/new/", views.invitation_create, name="invitation_create"),
    path(
        "invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "invitations/<int:invitation_id>/answer/",
        views.invitation_answer,
        name="invitation_answer",
    ),
    path("invitations/<str:token>/", views.invitation_respond, name="invitation_respond"),
    path(
        "relationships/<int:relationship_id>/end/",
        views.relationship_end,
        name="relationship_end",
    ),
    path(
        "relationships/<int:relationship_id>/permission/",
        views.relationship_permission,
        name="relationship_permission",
    ),
    path("coaching/self/", views.self_coaching_start, name="self_coaching_start"),
]
