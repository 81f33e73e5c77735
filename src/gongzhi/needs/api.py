"""/api/v1/needs/: matching suggestions for a need, with the score's parts."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from gongzhi.needs import matching, queries
from gongzhi.needs.access import access_need

router = Router(tags=["项目库 needs"])


@router.get("/{need_id}/suggestions", url_name="needs_suggestions")
def suggestions(request: HttpRequest, need_id: int) -> list[dict[str, Any]]:
    need = access_need(request.user, need_id)
    candidates = queries.candidate_resources(request.user, need)
    return [
        {
            "resource": s.resource.pk,
            "title": s.resource.title,
            "organisation": s.resource.organisation.name,
            "score": s.score,
            "parts": s.parts,
        }
        for s in matching.suggest(need, candidates)
    ]
