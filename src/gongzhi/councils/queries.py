"""Reads: councils with their open/overdue counters, overdue decisions per community, public summaries."""

import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from gongzhi.councils.models import Council, Decision, DecisionStatus, Meeting
from gongzhi.territory.models import street_path


def with_counters(councils: Any, today: datetime.date | None = None) -> Any:
    today = today or timezone.localdate()
    open_q = Q(meetings__decisions__status__in=[DecisionStatus.PENDING, DecisionStatus.DOING])
    return councils.annotate(
        open_decisions=Count("meetings__decisions", filter=open_q, distinct=True),
        overdue_decisions=Count(
            "meetings__decisions", filter=open_q & Q(meetings__decisions__deadline__lt=today), distinct=True
        ),
    )


def overdue_decisions(decisions: Any, community: Any = None) -> Any:
    qs = decisions.overdue().select_related("meeting__council", "owner_org")
    if community is not None:
        qs = qs.filter(meeting__council__community=community)
    return qs.order_by("deadline", "id")


def public_decisions(community: Any) -> Any:
    """Passed and rejected decisions of a community's councils — no persons, only seats and units."""
    return (
        Decision.objects.filter(meeting__council__community=community)
        .select_related("meeting__council", "owner_org")
        .order_by("-meeting__starts_at", "id")
    )


def public_meetings(community: Any) -> Any:
    return (
        Meeting.objects.filter(council__community=community)
        .select_related("council")
        .order_by("-starts_at")[:50]
    )


def public_counts(community: Any) -> dict[str, int]:
    qs = Decision.objects.filter(meeting__council__community=community, passed=True)
    today = timezone.localdate()
    return {
        "passed": qs.count(),
        "done": qs.filter(status=DecisionStatus.DONE).count(),
        "open": qs.filter(status__in=[DecisionStatus.PENDING, DecisionStatus.DOING]).count(),
        "overdue": qs.overdue(today).count(),
    }


def territories_for_councils(actor: Any) -> Any:
    from gongzhi.territory.models import TerritoryNode

    return TerritoryNode.objects.visible_to(actor, "manage_councils").filter(
        level__in=["community", "compound"]
    )


def organisations_near(council: Council) -> Any:
    """Organisations that may hold a seat or answer for a decision: those of the council's community
    and its street (property companies and some units sit at street level)."""
    from gongzhi.orgs.models import Organisation

    return Organisation.objects.filter(
        Q(territory__path__startswith=council.community.path)
        | Q(territory__path=street_path(council.community.path))
    ).order_by("kind", "name")
