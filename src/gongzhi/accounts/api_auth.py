"""API authentication: the browser's session (CSRF-checked on writes) or a bearer token."""

import hashlib
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from gongzhi.accounts.models import ApiToken


class SessionAuth(APIKeyCookie):
    """Django session; ninja's APIKeyCookie runs the CSRF check for unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = (
            ApiToken.objects.select_related("user", "user__person")
            .filter(key_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        # At most one write per minute per token (compare-and-set, so concurrent requests don't pile up).
        now = timezone.now()
        if row.last_used_at is None or row.last_used_at < now - timezone.timedelta(minutes=1):
            ApiToken.objects.filter(pk=row.pk).exclude(last_used_at__gt=now - timezone.timedelta(minutes=1)).update(
                last_used_at=now
            )
        request.user = row.user
        return row.user
