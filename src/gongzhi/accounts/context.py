from typing import Any

from django.http import HttpRequest

from gongzhi.accounts.roles import Role
from gongzhi.core.scoping import get_scope


def actor(request: HttpRequest) -> dict[str, Any]:
    """Templates ask `scope.can` instead of re-deriving roles."""
    scope = get_scope(getattr(request, "user", None))
    labels = [Role(r).label for r in sorted(scope.roles) if r in Role.values]
    return {"scope": scope, "role_labels": labels}
