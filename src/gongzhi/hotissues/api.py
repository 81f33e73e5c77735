"""/api/v1/hot/: similar open appeals for a draft, and "me too"."""

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from gongzhi.hotissues import actions
from gongzhi.hotissues.views import suggestions_payload

router = Router(tags=["hot"])


@router.get("/similar")
def similar(request: HttpRequest) -> dict:
    return suggestions_payload(request)


@router.post("/appeals/{appeal_id}/support")
def support(request: HttpRequest, appeal_id: int) -> dict:
    try:
        _, count = actions.support_add(actor=request.user, appeal_id=appeal_id)
    except actions.SupportError as exc:
        raise HttpError(400, str(exc)) from exc
    return {"ok": True, "supports": count}
