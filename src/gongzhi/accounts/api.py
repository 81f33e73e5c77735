"""/api/v1/accounts/: who am I, and API tokens (one's own; a platform admin sees and revokes all)."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError

from gongzhi.accounts.actions import may_mint_tokens, token_create, token_revoke
from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.queries import visible_tokens
from gongzhi.accounts.schemas import MeOut, RefusalOut, TokenCreatedOut, TokenIn, TokenOut
from gongzhi.core.client import client_ip
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
    """The caller's own tokens; a platform admin's list holds everyone's (hashes are never shown;
    the prefix identifies a token)."""
    return visible_tokens(_caller(request)).order_by("-created_at")


@router.post("/tokens", response={201: TokenCreatedOut, 403: RefusalOut}, url_name="accounts_token_create")
def token_new(request: HttpRequest, body: TokenIn) -> Any:
    """A new token for the caller (staff roles; residents only through a role that grants it). The
    full token is in this answer only; store it now. It expires after TOKEN_TTL_DAYS."""
    caller = _caller(request)
    if not may_mint_tokens(caller):
        raise HttpError(403, _("您的账号没有创建接口令牌的权限"))
    token, raw = token_create(actor=caller, name=body.name)
    token.token = raw  # type: ignore[attr-defined]  # shown in this answer only, never stored
    return Status(201, token)


@router.delete("/tokens/{token_id}", response={204: None}, url_name="accounts_token_revoke")
def token_delete(request: HttpRequest, token_id: int) -> Any:
    """Revoke a token: one's own, or any as a platform admin; anyone else's is 404, like a missing one."""
    caller = _caller(request)
    token = get_object_or_404(visible_tokens(caller), pk=token_id, revoked_at__isnull=True)
    token_revoke(actor=caller, token=token, ip=client_ip(request))
    return Status(204, None)
