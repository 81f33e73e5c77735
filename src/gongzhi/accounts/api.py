"""/api/v1/accounts/: who am I, and my own API tokens."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from gongzhi.accounts.actions import token_create, token_revoke
from gongzhi.accounts.models import ApiToken, RoleAssignment, User
from gongzhi.accounts.schemas import MeOut, TokenCreatedOut, TokenIn, TokenOut
from gongzhi.core.scoping import get_scope

router = Router(tags=["账号 accounts"])


def _caller(request: HttpRequest) -> User:
    """The signed-in user, whichever way (session or bearer token) they authenticated."""
    return request.auth  # type: ignore[attr-defined, no-any-return]


@router.get("/me", response=MeOut, url_name="accounts_me")
def me(request: HttpRequest) -> Any:
    user = _caller(request)
    roles = (
        RoleAssignment.objects.active()
        .filter(person_id=user.person_id)
        .select_related("territory", "organisation")
        .order_by("role", "id")
        if user.person_id
        else RoleAssignment.objects.none()
    )
    return {
        "username": user.get_username(),
        "name": user.display_name,
        "is_global": get_scope(user).is_global,
        "roles": [
            {
                "role": r.role,
                "label": str(r.get_role_display()),
                "territory": r.territory,
                "organisation_id": r.organisation_id,
                "organisation_name": r.organisation.name if r.organisation is not None else None,
                "starts_on": r.starts_on,
                "ends_on": r.ends_on,
            }
            for r in roles
        ],
    }


@router.get("/tokens", response=list[TokenOut], url_name="accounts_tokens")
def token_list(request: HttpRequest) -> Any:
    """The caller's own tokens (hashes are never shown; the prefix identifies a token)."""
    return ApiToken.objects.filter(user=_caller(request)).order_by("-created_at")


@router.post("/tokens", response={201: TokenCreatedOut}, url_name="accounts_token_create")
def token_new(request: HttpRequest, body: TokenIn) -> Any:
    """A new token for the caller. The full token is in this answer only; store it now."""
    token, raw = token_create(actor=_caller(request), name=body.name)
    token.token = raw  # type: ignore[attr-defined]  # shown in this answer only, never stored
    return Status(201, token)


@router.delete("/tokens/{token_id}", response={204: None}, url_name="accounts_token_revoke")
def token_delete(request: HttpRequest, token_id: int) -> Any:
    """Revoke one of the caller's own tokens; anyone else's is 404, like a missing one."""
    token = get_object_or_404(ApiToken, pk=token_id, user=_caller(request), revoked_at__isnull=True)
    token_revoke(actor=_caller(request), token=token)
    return Status(204, None)
