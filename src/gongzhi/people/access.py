"""The only ways views and the API reach a person: scoped, 404 for outsiders."""

from django.http import Http404  # noqa: F401  (raised by get_visible_or_404)
from django.utils.translation import gettext

from gongzhi.core.actors import Actor
from gongzhi.core.scoping import get_scope
from gongzhi.people.errors import NotRevealable
from gongzhi.people.models import Person


def access_person(actor: Actor, person_id: int | str) -> Person:
    """The person, or Http404 — the same answer for 'missing' and 'not yours'."""
    return Person.objects.select_related("household").get_visible_or_404(actor, pk=person_id)


def can_reveal(actor: Actor, person: Person) -> bool:
    scope = get_scope(actor)
    if scope.is_global:
        return True
    return bool(person.household_id) and scope.can("reveal_personal_data", person.scope_path)


def require_reveal(actor: Actor, person: Person) -> None:
    if not can_reveal(actor, person):
        # The person is visible (masked) to this actor, so 403 leaks nothing new.
        raise NotRevealable(gettext("无权查看此人的完整个人信息"))
