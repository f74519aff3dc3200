"""`{% connection_problems athlete %}`: a connection that needs the athlete, shown where people
look (the athlete's home, the coach's roster) with a link to the Connections page."""

from __future__ import annotations

from typing import Any

from django import template

from athletes.models import Athlete
from integrations.selectors import connection_problems as problems_of

register = template.Library()


@register.inclusion_tag("integrations/partials/_connection_problems.html", takes_context=True)
def connection_problems(context: dict[str, Any], athlete: Athlete) -> dict[str, Any]:
    return {"athlete": athlete, "problems": problems_of(athlete), "request": context.get("request")}
