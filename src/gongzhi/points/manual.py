"""Manual awards by staff (人工奖励), shared by the staff page and the API (decision 0033).

Who: a user with manage_points over the community. To whom: a resident of that community (reached
through Person.visible_to, so nobody else's record is touched). What: 1..MAX_POINTS points with a
reason. The idempotency key — a fresh token in each rendered form, or the API's Idempotency-Key
header — becomes the award's source, scoped to the awarding user, so a double submit awards once.
The ledger rules (self-award refused, the manual rule's caps, audit row, review flags) are
award_points'.
"""

import re
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from gongzhi.core.actors import Actor
from gongzhi.people.models import Person
from gongzhi.people.queries import masked_addresses
from gongzhi.points.access import managed_areas
from gongzhi.points.actions import Award, PointsRefused, award_points
from gongzhi.points.models import Transaction
from gongzhi.points.models.rules import RuleCode
from gongzhi.territory.models import Level, TerritoryNode

# A guard against a slipped key (10000 for 100), not the budget: the manual rule's daily and
# monthly caps per recipient (500 a month by default) still clip what is awarded.
MAX_POINTS = 1000
MAX_MEMO = 200  # Transaction.memo
KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_LISTED = 20


def award_communities(user: Any) -> QuerySet[TerritoryNode]:
    """The communities where the user may award points (manage_points over them or above)."""
    return managed_areas(user).filter(level=Level.COMMUNITY)


def access_community(user: Any, community_id: Any) -> TerritoryNode:
    """A community in the user's manage_points scope, or 404 (also for a street or a bad id)."""
    try:
        pk = int(community_id)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    community = award_communities(user).filter(pk=pk).first()
    if community is None:
        raise Http404
    return community


def residents(user: Any, community: TerritoryNode, q: str = "") -> QuerySet[Person]:
    """The community's residents the user may award, by a name fragment."""
    rows = (
        Person.objects.visible_to(user, "manage_points")
        .filter(household__path__startswith=community.path)
        .select_related("household")
        .order_by("name", "pk")
    )
    q = (q or "").strip()[:30]
    return rows.filter(name__icontains=q) if q else rows


def search(user: Any, community: TerritoryNode, q: str) -> list[Person]:
    """Up to MAX_LISTED matches with `address_masked` attached; names and masked columns only."""
    people = list(residents(user, community, q)[:MAX_LISTED])
    addresses = masked_addresses(people)
    for person in people:
        person.address_masked = addresses.get(person.pk, "")  # type: ignore[attr-defined]
    return people


def access_recipient(user: Any, community: TerritoryNode, person_id: Any) -> Person:
    try:
        pk = int(person_id)
    except (TypeError, ValueError) as exc:
        raise PointsRefused(_("请先选择受奖人"), invalid=True) from exc
    person = residents(user, community).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def parse_points(raw: Any) -> int:
    text = str(raw if raw is not None else "").strip()
    # ASCII digits, and no more of them than MAX_POINTS has: "²".isdigit() is true but int("²")
    # raises, and so does int() of 5,000 nines (Python's 4,300-digit limit) — both were 500s.
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(MAX_POINTS))) or not (
        1 <= int(text) <= MAX_POINTS
    ):
        raise PointsRefused(
            _("积分须为1到%(max)d之间的整数") % {"max": MAX_POINTS},
            invalid=True,
        )
    return int(text)


def parse_memo(raw: Any) -> str:
    memo = " ".join(str(raw or "").split())
    if not memo:
        raise PointsRefused(_("请填写奖励理由"), invalid=True)
    if len(memo) > MAX_MEMO:
        raise PointsRefused(_("奖励理由不超过%(n)d个字") % {"n": MAX_MEMO}, invalid=True)
    return memo


def parse_key(raw: Any) -> str:
    key = str(raw or "").strip()
    if not KEY_RE.match(key):
        raise PointsRefused(_("幂等键须为8到64位字母、数字、-或_"), invalid=True)
    return key


def source_for(actor: Actor, key: str) -> str:
    # Scoped to the awarding user: two staff members cannot collide on a key, and one user's
    # retry (same key) finds their first award.
    return f"manual:{actor.pk}:{key}"


def award(
    *, actor: Actor, community: TerritoryNode, recipient: Person, points: int, memo: str, key: str
) -> Award:
    """Award `points` to `recipient` once per (actor, key); refusals raise PointsRefused."""
    source = source_for(actor, key)
    # The ledger is idempotent on (rule, recipient, source): the same key for someone else would be
    # a second award. A key names one award, so that is refused as a client error.
    if Transaction.objects.filter(rule=RuleCode.MANUAL, source=source).exclude(recipient=recipient).exists():
        raise PointsRefused(_("该幂等键已用于另一笔奖励,请刷新页面后重试"))
    return award_points(
        rule=RuleCode.MANUAL,
        recipient=recipient,
        source=source,
        community=community,
        points=points,
        awarded_by=actor,
        memo=memo,
    )
