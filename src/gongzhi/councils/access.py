"""Who reaches a council: staff with manage_councils in its territory manage it; members (a person
holding a seat, or staff of an organisation holding one) read it; everyone else gets 404."""

from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from gongzhi.core.actors import Actor
from gongzhi.core.scoping import get_scope
from gongzhi.councils.models import Council, Decision, Meeting


def member_councils(actor: Actor) -> Any:
    scope = get_scope(actor)
    if scope.person_id is None and not scope.org_ids:
        return Council.objects.none()
    seat = Q(seats__person_id=scope.person_id) if scope.person_id else Q(pk__in=[])
    if scope.org_ids:
        seat |= Q(seats__organisation_id__in=scope.org_ids)
    current = Q(seats__ends_on__isnull=True) | Q(seats__ends_on__gte=timezone.localdate())
    return Council.objects.filter(seat & current).distinct()


def visible_councils(actor: Actor) -> Any:
    """Councils the actor manages or sits on."""
    managed = Council.objects.visible_to(actor).values("pk")
    return Council.objects.filter(Q(pk__in=managed) | Q(pk__in=member_councils(actor).values("pk")))


def can_manage(actor: Actor, council: Council) -> bool:
    return get_scope(actor).can("manage_councils", council.territory.path)


def access_council(actor: Actor, council_id: int, *, write: bool = False) -> Council:
    """The council, or Http404 — the same for 'missing' and 'not yours'; write needs manage_councils."""
    qs = Council.objects.visible_to(actor) if write else visible_councils(actor)
    council = qs.select_related("territory", "community").filter(pk=council_id).first()
    if council is None:
        raise Http404
    return council


def access_meeting(actor: Actor, meeting_id: int, *, write: bool = False) -> Meeting:
    meeting = (
        Meeting.objects.select_related("council__territory", "council__community")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise Http404
    access_council(actor, meeting.council_id, write=write)
    return meeting


def access_decision(actor: Actor, decision_id: int, *, write: bool = False) -> Decision:
    decision = Decision.objects.select_related("meeting__council__territory").filter(pk=decision_id).first()
    if decision is None:
        raise Http404
    access_council(actor, decision.meeting.council_id, write=write)
    return decision


def may_see_meeting_detail(actor: Actor, meeting: Meeting) -> bool:
    try:
        access_council(actor, meeting.council_id)
    except Http404:
        return False
    return True
