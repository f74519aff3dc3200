"""Uploads are bounded while they are received, before anything is stored (DESIGN §5).

- `UploadLimitMiddleware` (before CsrfViewMiddleware) answers 413 to a request whose declared
  body is larger than the largest upload allowed, without reading it; for a multipart body it
  parses the form itself, through the upload handlers below, and answers 413 when one of them
  stopped a file.
- `BoundedUploadHandler` (first of FILE_UPLOAD_HANDLERS) counts each file's bytes as they
  arrive and stops the upload as soon as a file passes the limit of its kind, told by its
  first bytes — never by its name: a zip archive may be PACELINE_ARCHIVE_MAX_BYTES, any other
  file PACELINE_MAX_UPLOAD_BYTES. The part already received was only in a temporary file,
  which is deleted with the request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from core.http import is_partial
from core.magic import is_zip

MIB = 1024 * 1024
DEFAULT_MAX_FILE_BYTES = 50 * MIB
DEFAULT_MAX_ARCHIVE_BYTES = 2 * 1024 * MIB
MULTIPART_OVERHEAD_BYTES = MIB  # the form fields and boundaries around the files
REFUSED = "paceline_upload_refused"


def max_file_bytes() -> int:
    """The largest single file that is not a zip archive (PACELINE_MAX_UPLOAD_BYTES)."""
    return int(getattr(settings, "PACELINE_MAX_UPLOAD_BYTES", DEFAULT_MAX_FILE_BYTES))


def max_archive_bytes() -> int:
    """The largest zip archive (PACELINE_ARCHIVE_MAX_BYTES)."""
    return int(getattr(settings, "PACELINE_ARCHIVE_MAX_BYTES", DEFAULT_MAX_ARCHIVE_BYTES))


def upload_limits() -> dict[str, int]:
    """Both limits, for pages that check sizes before sending (the server checks again)."""
    return {"file_bytes": max_file_bytes(), "archive_bytes": max_archive_bytes()}


def max_request_bytes() -> int:
    return max(max_file_bytes(), max_archive_bytes()) + MULTIPART_OVERHEAD_BYTES


def limit_for(head: bytes) -> int:
    """The size limit of a file that starts with these bytes."""
    return max_archive_bytes() if is_zip(head) else max_file_bytes()


def too_large_reason(name: str, limit: int) -> str:
    return _("%(name)s is too large: the limit is %(limit)s.") % {
        "name": name,
        "limit": filesizeformat(limit),
    }


class BoundedUploadHandler(FileUploadHandler):
    """Count every uploaded file's bytes; stop the upload past the limit of its kind."""

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0
        self.limit: int | None = None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if self.limit is None:
            self.limit = limit_for(raw_data[:4])
        self.received += len(raw_data)
        if self.received > self.limit:
            if self.request is not None:
                setattr(self.request, REFUSED, too_large_reason(self.file_name or "", self.limit))
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers build the file


def upload_refused(request: HttpRequest) -> str | None:
    """Why an upload handler stopped this request's upload, if it did."""
    reason = getattr(request, REFUSED, None)
    return str(reason) if reason else None


class UploadLimitMiddleware:
    """413 for bodies larger than any allowed upload (unread) and for stopped uploads."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse | None:
        declared = _content_length(request)
        limit = max_request_bytes()
        if declared > limit:
            return too_large(
                request,
                _("This upload is too large: the limit is %(limit)s.")
                % {"limit": filesizeformat(limit - MULTIPART_OVERHEAD_BYTES)},
            )
        if request.method in ("POST", "PUT", "PATCH") and _is_multipart(request):
            request.POST  # noqa: B018 — parse now, through the bounded handler
            reason = upload_refused(request)
            if reason:
                return too_large(request, reason)
        return None


def _content_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _is_multipart(request: HttpRequest) -> bool:
    return str(request.META.get("CONTENT_TYPE", "")).startswith("multipart/form-data")


def too_large(request: HttpRequest, reason: str) -> HttpResponse:
    """A 413 answer: JSON for the API, the reason alone for scripts, else a page."""
    if request.path.startswith("/api/"):
        body = json.dumps({"detail": reason})
        return HttpResponse(body, status=413, content_type="application/json")
    if is_partial(request):
        return HttpResponse(reason, status=413, content_type="text/plain; charset=utf-8")
    page = render_to_string("413.html", {"reason": reason}, request=request)
    return HttpResponse(page, status=413)
