"""REST authentication: `Authorization: Bearer <token>` (DESIGN §7)."""

from __future__ import annotations

from rest_framework.authentication import TokenAuthentication


class BearerTokenAuthentication(TokenAuthentication):
    """DRF's token authentication with the `Bearer` keyword mobile clients send."""

    keyword = "Bearer"
