"""Reads: councils with their open/overdue counters, overdue decisions per community, public summaries."""

import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from gongzhi.core.actors import Actor
from gongzhi.councils.models import Council, Decision, DecisionStatus, Meeting
from gongzhi.orgs.models import Organisation
from gongzhi.territory.models import TerritoryNode, community_path, street_path


def with_counters(councils: Any, today: datetime.date | None = None) -> Any:
    today = today or timezone.localdate()
    open_q = Q(meetings__decisions__status__in=[DecisionStatus.PENDING, DecisionStatus.DOING])
    return councils.annotate(
        open_decisions=Count("meetings__decisions", filter=open_q, distinct=True),
        overdue_decisions=Count(
            "meetings__decisions", filter=open_q & Q(meetings__decisions__deadline__lt=today), distinct=True
        ),
    )


def council_counters(council: Council) -> Any:
    """The council (reached through `access_council`) with its open and overdue decision counts."""
    return with_counters(Council.objects.filter(pk=council.pk)).get()


def overdue_visible_to(actor: Actor, community: Any = None) -> Any:
    """Open decisions past their deadline in the councils the actor manages."""
    return overdue_decisions(Decision.objects.visible_to(actor), community)


def overdue_decisions(decisions: Any, community: Any = None) -> Any:
    qs = decisions.overdue().select_related("meeting__council", "owner_org")
    if community is not None:
        qs = qs.filter(meeting__council__community=community)
    return qs.order_by("deadline", "id")


def council_decisions(council: Council) -> Any:
    """Every decision of a council the caller has already reached through `access_council`."""
    return Decision.objects.filter(meeting__council=council)


def public_council_of(community_id: int) -> Council | None:
    """Public: a council of the community, which makes the community's 公示 page public (a
    community's name is not personal data); None when the community has no council."""
    return Council.objects.filter(community_id=community_id).select_related("community").first()


def home_community_with_council(household: Any) -> Any:
    """Public: the community of a resident's household when its councils have a public page, else None."""
    if household is None:
        return None
    found = (
        Council.objects.filter(community__path=community_path(household.path))
        .select_related("community")
        .first()
    )
    return found.community if found else None


def public_meeting(meeting_id: int) -> Meeting | None:
    """Public: anyone may read a meeting's summary (the page hides attendance and minutes from
    those `may_see_meeting_detail` refuses); None when there is no such meeting."""
    return (
        Meeting.objects.select_related("council__territory", "council__community")
        .filter(pk=meeting_id)
        .first()
    )


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


def territories_for_councils(actor: Actor) -> Any:
    return TerritoryNode.objects.visible_to(actor, "manage_councils").filter(
        level__in=["community", "compound"]
    )


def organisations_near(council: Council) -> Any:
    """Organisations that may hold a seat or answer for a decision: those of the council's community
    and its street (property companies and some units sit at street level)."""
    return Organisation.objects.filter(
        Q(territory__path__startswith=council.community.path)
        | Q(territory__path=street_path(council.community.path))
    ).order_by("kind", "name")
