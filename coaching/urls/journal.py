"""Routes of the coaching app: journal (RPE and notes, comments, links, unlinked, calendar feed)."""

from __future__ import annotations

from django.urls import URLPattern, path

from coaching.views import journal

ATHLETE = "athletes/<int:athlete_id>/"
THREAD = ATHLETE + "threads/<str:kind>/<int:object_id>/"

urlpatterns: list[URLPattern] = [
    path(
        ATHLETE + "activities/<int:activity_id>/journal/",
        journal.activity_journal,
        name="activity_journal",
    ),
    path(ATHLETE + "journal/prompt/", journal.rpe_prompt, name="rpe_prompt"),
    path(
        ATHLETE + "journal/prompt/<int:activity_id>/",
        journal.rpe_prompt_log,
        name="rpe_prompt_log",
    ),
    path(THREAD, journal.comment_thread_view, name="comment_thread"),
    path(THREAD + "read/", journal.comment_thread_read, name="comment_thread_read"),
    path(
        ATHLETE + "comments/<int:comment_id>/delete/",
        journal.comment_delete_view,
        name="comment_delete",
    ),
    path("comments/", journal.comment_inbox, name="comment_inbox"),
    path("comments/unread/", journal.comment_unread_badge, name="comment_unread_badge"),
    path(ATHLETE + "links/", journal.link_create, name="link_create"),
    path(ATHLETE + "links/<int:link_id>/remove/", journal.link_remove_view, name="link_remove"),
    path(ATHLETE + "unlinked/", journal.unlinked, name="unlinked"),
    path(ATHLETE + "calendar/", journal.calendar_feed, name="calendar_feed"),
    path(
        ATHLETE + "calendar/regenerate/",
        journal.calendar_feed_regenerate_view,
        name="calendar_feed_regenerate",
    ),
    path("calendar/<str:token>.ics", journal.calendar_feed_ics, name="calendar_feed_ics"),
]
