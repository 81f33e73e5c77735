"""/api/v1/needs/: matching suggestions for a need, with the score's parts."""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Router

from gongzhi.needs import matching
from gongzhi.needs.access import access_need
from gongzhi.needs.models import Resource

router = Router(tags=["项目库 needs"])


@router.get("/{need_id}/suggestions", url_name="needs_suggestions")
def suggestions(request: HttpRequest, need_id: int) -> list[dict[str, Any]]:
    need = access_need(request.user, need_id)
    candidates = Resource.objects.visible_to(request.user).filter(
        Q(community=need.community) | Q(category=need.category)
    )
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
