"""/api/v1/hot/: similar open appeals for a draft, and "me too"."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from gongzhi.hotissues import actions
from gongzhi.hotissues.views import suggestions_payload

router = Router(tags=["hot"])


@router.get("/similar")
def similar(request: HttpRequest) -> dict[str, Any]:
    return suggestions_payload(request)


@router.post("/appeals/{appeal_id}/support")
def support(request: HttpRequest, appeal_id: int) -> dict[str, Any]:
    _, count = actions.support_add(actor=request.user, appeal_id=appeal_id)
    return {"ok": True, "supports": count}
