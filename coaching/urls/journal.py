"""Routes of the coaching app: journal (RPE and notes, comments, links, unlinked, calendar feed)."""

from __future__ import annotations

from django.urls import URLPattern, path

from coaching.views import comments, feeds, journal, links

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
    path(THREAD, comments.comment_thread_view, name="comment_thread"),
    path(THREAD + "read/", comments.comment_thread_read, name="comment_thread_read"),
    path(
        ATHLETE + "comments/<int:comment_id>/delete/",
        comments.comment_delete_view,
        name="comment_delete",
    ),
    path("comments/", comments.comment_inbox, name="comment_inbox"),
    path("comments/unread/", comments.comment_unread_badge, name="comment_unread_badge"),
    path(ATHLETE + "links/", links.link_create, name="link_create"),
    path(ATHLETE + "links/<int:link_id>/remove/", links.link_remove_view, name="link_remove"),
    path(ATHLETE + "unlinked/", links.unlinked, name="unlinked"),
    path(ATHLETE + "calendar/", feeds.calendar_feed, name="calendar_feed"),
    path(
        ATHLETE + "calendar/regenerate/",
        feeds.calendar_feed_regenerate_view,
        name="calendar_feed_regenerate",
    ),
    path("calendar/<str:token>.ics", feeds.calendar_feed_ics, name="calendar_feed_ics"),
]
