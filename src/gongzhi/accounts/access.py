"""Who is asking, as the actions that record it need it."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from gongzhi.accounts.models import User


def signed_in(request: HttpRequest) -> User:
    """The signed-in account of a page request (behind login_required); refuses an anonymous one,
    so an action that records who acted is always given a User, never AnonymousUser."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user
