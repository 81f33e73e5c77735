"""Reads of people for lists and pages: search (exact ID number / phone through the blind index),
masked addresses computed in one query per page, and the person card."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from gongzhi.core import crypto
from gongzhi.people.actions import age_on
from gongzhi.people.models import PartyMember, Person
from gongzhi.people.phone import InvalidPhone, normalise_phone

ID_NUMBER_RE = re.compile(r"^\d{17}[\dX]$")
PHONE_LIKE_RE = re.compile(r"^\+?[\d\-\s()]{7,}$")


def person_search(actor: Any, *, q: str = "", node: Any = None) -> QuerySet[Person]:
    """Visible people, filtered by a name fragment, or by an exact ID number or phone (the blind
    index matches whole values only: decision 0004), and by a territory subtree."""
    rows = (
        Person.objects.visible_to(actor)
        .select_related("household")
        .annotate(tag_count=Count("tags"))
        .order_by("household__path", "name", "pk")
    )
    if node is not None:
        rows = rows.filter(household__path__startswith=node.path)
    q = (q or "").strip()
    if not q:
        return rows
    compact = q.replace(" ", "").upper()
    if ID_NUMBER_RE.match(compact):
        return rows.filter(id_number_index=crypto.blind_index(compact))
    if PHONE_LIKE_RE.match(q):
        try:
            return rows.filter(phone_index=crypto.blind_index(normalise_phone(q)))
        except InvalidPhone:
            return rows.none()
    return rows.filter(name__icontains=q)


def masked_addresses(people: Iterable[Person]) -> dict[int, str]:
    """people.actions.masked_address for many people with one query for all their ancestors."""
    from gongzhi.territory.models import TerritoryNode

    homes = [(p.pk, p.household) for p in people if p.household is not None]
    codes = {c for _pk, home in homes for c in home.path.split("/") if c}
    nodes = {
        n["code"]: n for n in TerritoryNode.objects.filter(code__in=codes).values("code", "name", "level")
    }
    result: dict[int, str] = {}
    for pk, home in homes:
        chain = [nodes[c] for c in home.path.split("/") if c in nodes]
        shown = [n["name"] for n in chain if n["level"] in {"community", "compound", "building"}]
        suffix = " · ****" if home.level in {"household", "unit"} else ""
        result[pk] = " · ".join(shown) + suffix
    return result


def decorate_people(people: list[Person]) -> list[Person]:
    """Attach what lists show beyond the stored masked columns: `address_masked` and `age`."""
    addresses = masked_addresses(people)
    today = timezone.localdate()
    for person in people:
        person.address_masked = addresses.get(person.pk, "")  # type: ignore[attr-defined]
        person.age = age_on(person, today)  # type: ignore[attr-defined]
    return people


@dataclass
class PersonCard:
    person: Person
    address_masked: str
    age: int | None
    tag_count: int
    party_member: PartyMember | None
    posts: list[Any] = field(default_factory=list)


def person_card(person: Person) -> PersonCard:
    """Everything the person page shows, masked. The person was reached through access_person."""
    from gongzhi.orgs.models import Post

    decorate_people([person])
    member = PartyMember.objects.select_related("branch", "home_community").filter(person=person).first()
    posts = list(
        Post.objects.filter(person=person).select_related("party_org", "organisation").order_by("-starts_on")
    )
    person.tag_count = person.tags.count()  # type: ignore[attr-defined]
    return PersonCard(
        person=person,
        address_masked=person.address_masked,  # type: ignore[attr-defined]
        age=person.age,  # type: ignore[attr-defined]
        tag_count=person.tag_count,  # type: ignore[attr-defined]
        party_member=member,
        posts=posts,
    )
