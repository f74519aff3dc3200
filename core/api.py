"""REST plumbing every app's API shares (DESIGN §7), domain-free: a strict page number, dates
within plausible ranges, floats that can always be written as JSON, and JSON errors for unknown
/api/ addresses. The schema's error answers are in core.api_schema (imported by DRF settings
only, as drf-spectacular imports DRF's generic views, which import this pagination)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from core.ranges import FIRST_DAY, LAST_DAY

MAX_ID = 2**63 - 1  # the largest primary key a database row can have (bigint)


class StrictPageNumberPagination(PageNumberPagination):
    """Pages numbered 1, 2, …: anything else in `page` is a 400 naming the parameter; a page
    after the last one is a 404."""

    last_page_strings = ()

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        text = request.query_params.get(self.page_query_param)
        if text is None:
            return 1
        if not (text.isascii() and text.isdigit()) or int(text) < 1:
            raise ValidationError({self.page_query_param: [_("A page is a whole number from 1.")]})
        return int(text)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


@extend_schema_field(
    {"type": "string", "format": "date", "pattern": "^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$"}
)
class DayField(serializers.DateField):
    """A YYYY-MM-DD date within FIRST_DAY … LAST_DAY (core.ranges): dates far outside any
    training history would overflow the week and month arithmetic behind them."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%Y-%m-%d")
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(**kwargs)

    def get_value(self, dictionary: Any) -> Any:
        # DRF reads an empty query parameter as "not given"; `?week=` is a mistake to name.
        if self.field_name in dictionary and dictionary[self.field_name] == "":
            return ""
        return super().get_value(dictionary)

    def to_internal_value(self, value: Any) -> dt.date:
        day: dt.date = super().to_internal_value(value)
        if not FIRST_DAY <= day <= LAST_DAY:
            self.fail("out_of_range")
        return day

    default_error_messages = {
        **serializers.DateField.default_error_messages,
        "out_of_range": _("Enter a date from 1900-01-01 to 2199-12-31."),
    }


# Request-body fields of JSON's own types: DRF would read 5 as "5", "1" as 1 and "yes" as true.


class TextField(serializers.CharField):
    """A JSON string."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class WholeNumberField(serializers.IntegerField):
    """A JSON whole number."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class NumberField(serializers.FloatField):
    """A JSON number."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return float(super().to_internal_value(data))


class FlagField(serializers.BooleanField):
    """A JSON true or false."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class FiniteFloatField(serializers.FloatField):
    """A float written as null when it is not finite: a NaN or infinity stored before values
    were checked never makes a read fail (JSON has no such numbers)."""

    def to_representation(self, value: Any) -> Any:
        number = float(value)
        return number if math.isfinite(number) else None


class ModelSerializer(serializers.ModelSerializer[Any]):
    """DRF's ModelSerializer whose float columns are written with FiniteFloatField."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.FloatField: FiniteFloatField,
    }


def api_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 for an address nothing serves: JSON under /api/ (as every API error), the usual page
    elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(_("Not found."))}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception or Exception())
