"""/api/v1/councils/: overdue decisions and a meeting's record, scoped like the pages."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from gongzhi.councils import queries
from gongzhi.councils.access import access_council, access_meeting
from gongzhi.councils.models import Decision

router = Router(tags=["议事 councils"])


def _decision(d: Decision) -> dict[str, Any]:
    return {
        "id": d.pk,
        "meeting": d.meeting_id,
        "text": d.text,
        "rule": d.rule,
        "members": d.members,
        "present": d.present,
        "yes": d.yes,
        "no": d.no,
        "abstain": d.abstain,
        "needed": d.needed,
        "quorum_met": d.quorum_met,
        "passed": d.passed,
        "owner": d.owner_label,
        "deadline": d.deadline.isoformat() if d.deadline else None,
        "status": d.status,
        "overdue": d.is_overdue(),
    }


@router.get("/overdue", url_name="councils_overdue")
def overdue(request: HttpRequest, community: int | None = None) -> list[dict[str, Any]]:
    """Open decisions past their deadline in the councils the caller manages."""
    rows = queries.overdue_visible_to(request.user)
    if community is not None:
        rows = rows.filter(meeting__council__community_id=community)
    return [_decision(d) for d in rows[:500]]


@router.get("/councils/{council_id}", url_name="councils_council")
def council(request: HttpRequest, council_id: int) -> dict[str, Any]:
    found = access_council(request.user, council_id)
    counters = queries.council_counters(found)
    return {
        "id": found.pk,
        "name": found.name,
        "kind": found.kind,
        "community": found.community_id,
        "open_decisions": counters.open_decisions,
        "overdue_decisions": counters.overdue_decisions,
        "seats": [
            {"kind": s.kind, "label": s.public_label}
            for s in found.active_seats().select_related("organisation")
        ],
    }


@router.get("/meetings/{meeting_id}", url_name="councils_meeting")
def meeting(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    m = access_meeting(request.user, meeting_id)
    return {
        "id": m.pk,
        "council": m.council_id,
        "title": m.title,
        "starts_at": m.starts_at.isoformat(),
        "status": m.status,
        "agenda": [
            {
                "title": a.title,
                "source_kind": a.source_kind,
                "source_id": a.source_id,
                "source_text": a.source_text,
            }
            for a in m.agenda.all()
        ],
        "decisions": [_decision(d) for d in m.decisions.all()],
    }
