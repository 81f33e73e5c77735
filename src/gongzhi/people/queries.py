"""Reads of people for lists and pages: search (by name or address; exact ID number / phone
look-ups are an audited action: people.actions.person_exact_search), masked addresses computed in one query per page, and the person card."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.core.actors import Actor
from gongzhi.orgs.models import Post
from gongzhi.people.actions import age_on
from gongzhi.people.models import PartyMember, Person
from gongzhi.territory.models import TerritoryNode

# A run of 7 or more digits: a phone, an ID number or a piece of one. Such values are looked up by
# exact search only (POST, reveal capability, reason, audited, limited: decision 0039).
LONG_DIGITS_RE = re.compile(r"\d[\d\s\-()]{5,}\d")
ADDRESS_LEVELS = ("community", "compound", "building")  # what the masked address shows
MAX_ADDRESS_NODES = 200


class NumberInSearch(ValueError):
    """A list search holding a full ID number or phone (HTTP 400)."""

    def __init__(self) -> None:
        super().__init__(
            gettext(
                "普通查找只支持姓名、小区或楼栋。按身份证号或手机号查找请使用“精确查找”"
                "(需有查看完整信息的权限,并填写事由)。"
            )
        )


def looks_like_a_number(q: str) -> bool:
    return any(sum(c.isdigit() for c in m.group()) >= 7 for m in LONG_DIGITS_RE.finditer(q or ""))


def person_search(actor: Actor, *, q: str = "", node: Any = None) -> QuerySet[Person]:
    """Visible people, filtered by a fragment of the name or of the community, compound or building
    they live in, and by a territory subtree. A full ID number or phone is refused (NumberInSearch):
    matching it here would let anyone who sees the mask confirm guesses (issue 13)."""
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
    if looks_like_a_number(q):
        raise NumberInSearch
    return rows.filter(Q(name__icontains=q) | _living_under(q))


def _living_under(q: str) -> Q:
    """People whose community, compound or building name holds `q`. Unit and room names are not
    matched: the masked address hides them, and so must the search."""

    paths = list(
        TerritoryNode.objects.filter(name__icontains=q, level__in=ADDRESS_LEVELS)
        .order_by("path")
        .values_list("path", flat=True)[:MAX_ADDRESS_NODES]
    )
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(household__path__startswith=path)
    return condition


def masked_addresses(people: Iterable[Person]) -> dict[int, str]:
    """people.actions.masked_address for many people with one query for all their ancestors."""

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
