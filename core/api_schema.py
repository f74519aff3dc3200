"""The OpenAPI schema of the REST API (drf-spectacular): the error answers every operation can
give, documented in one place instead of on each view."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from rest_framework import serializers
from rest_framework.throttling import ScopedRateThrottle

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})


class ErrorSerializer(serializers.Serializer[Any]):
    """The body of every error that is not about the fields of a request."""

    detail = serializers.CharField(help_text=_("What went wrong, for a person to read."))


# 400: field name → messages (`non_field_errors` for the request as a whole, `detail` for a
# request that could not be read); nested objects for nested fields.
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "Field name → list of messages; `detail` when the request as a whole is bad.",
    "additionalProperties": {},
}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema with the error answers every operation can give, documented in
    this one place: 400 (invalid input), 401 (no or a bad token), 404 (an id outside the
    caller's scope, or an unknown page) and 429 (throttled)."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        errors = {code: "" for code in responses if code.startswith("4")} | self._error_answers()
        for code, description in errors.items():
            existing = responses.get(code, {})
            if existing.get("content"):
                continue
            body = VALIDATION_ERROR_SCHEMA if code == "400" else ErrorSerializer
            response = self._get_response_for_code(  # type: ignore[no-untyped-call]
                body, code, direction=direction
            )
            response["description"] = existing.get("description") or description
            responses[code] = response
        return responses

    def _error_answers(self) -> dict[str, str]:
        """The error statuses this operation can answer, with their descriptions."""
        answers: dict[str, str] = {}
        if self.method in WRITE_METHODS or self._has_query_parameters():
            answers["400"] = "Invalid input."
        if self.get_auth():
            answers["401"] = "No credentials, or a token that is not valid."
        paginated = self._get_paginator() is not None  # type: ignore[no-untyped-call]
        if "{" in self.path or paginated:
            answers["404"] = "Not found, or outside the caller's scope."
        if self._throttled():
            answers["429"] = "Too many requests: wait and try again."
        return answers

    def _has_query_parameters(self) -> bool:
        return any(parameter["in"] == "query" for parameter in self._get_parameters())

    def _throttled(self) -> bool:
        view = self.view
        return any(
            not isinstance(throttle, ScopedRateThrottle) or getattr(view, "throttle_scope", None)
            for throttle in view.get_throttles()
        )
