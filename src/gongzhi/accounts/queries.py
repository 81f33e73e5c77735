"""Reads that need a rule: which API tokens a user may see and revoke."""

from django.db.models import QuerySet

from gongzhi.accounts.models import ApiToken, User
from gongzhi.core.scoping import get_scope


def visible_tokens(user: User) -> QuerySet[ApiToken]:
    """A platform admin (or superuser) sees every token; anyone else their own."""
    tokens = ApiToken.objects.select_related("user")
    return tokens if get_scope(user).is_global else tokens.filter(user=user)
