"""/api/v1/dispatch/: 秒拨 predictions for a text, and the model versions (decision 0011).

predict: staff holding view_appeals (the department is the one the routing rules would pick for
the given territory, which must be inside the caller's view_appeals scope, else 404). Models:
listed to the same staff; activate/rollback need manage_appeal_policy (the model is one per
deployment). Refusals: 403 without a capability, 404 for an unknown version or territory, 409 when
there is nothing to roll back to or no active model, 422 for a malformed body (ninja)."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from gongzhi.accounts.api_auth import SessionAuth, TokenAuth
from gongzhi.core.errors import BadInput, Conflict, NotAllowed, NotFound
from gongzhi.core.scoping import get_scope
from gongzhi.dispatch import actions, queries

router = Router(tags=["dispatch"], auth=[TokenAuth(), SessionAuth()])

MAX_TEXT = 20_000  # longer bodies are refused (422); the model reads the opening 400 characters anyway


class PredictIn(Schema):
    text: str = Field(..., max_length=MAX_TEXT)
    subject: str = Field("", max_length=500)
    territory: str = Field("", max_length=64, description="区划代码;默认为调用者的管辖范围")


class SuggestionOut(Schema):
    rank: int
    label: str
    probability: float
    category_id: int | None
    category_path: str | None
    department_id: int | None
    department_name: str | None


class PredictOut(Schema):
    model_version: int
    threshold: float
    auto_dispatch: bool
    suggestions: list[SuggestionOut]


class ModelOut(Schema):
    version: int
    is_active: bool
    created_at: str
    created_by: str
    source: str
    label_kind: str
    labels: list[str]
    metrics: dict[str, Any]


class ErrorOut(Schema):
    detail: str


ERRORS: dict[int | str, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _require(request: HttpRequest, capability: str) -> None:
    if not get_scope(request.user).can(capability):
        raise NotAllowed(_("您没有此操作的权限"))


@router.post("/predict", response={200: PredictOut, **ERRORS})
def predict(request: HttpRequest, payload: PredictIn) -> Any:
    _require(request, "view_appeals")
    if not (payload.text.strip() or payload.subject.strip()):
        raise BadInput(_("请填写诉求内容"))
    node = queries.territory_for(request.user, payload.territory.strip())
    if node is None:
        raise NotFound(_("未找到该区划"))
    result = queries.predict_for(subject=payload.subject, text=payload.text, node=node)
    if result is None:
        raise Conflict(_("当前没有启用的分拨模型,请先训练或启用一个版本"))
    return result


@router.get("/models", response={200: list[ModelOut], **ERRORS})
def models(request: HttpRequest) -> Any:
    _require(request, "view_appeals")
    return queries.model_list()


@router.post("/models/{version}/activate", response={200: ModelOut, **ERRORS})
def activate(request: HttpRequest, version: int) -> Any:
    _require(request, "manage_appeal_policy")
    actions.model_activate(version=version, actor=request.user)  # DispatchError: 404 unknown version
    return queries.model_out(version)


@router.post("/rollback", response={200: ModelOut, **ERRORS})
def rollback(request: HttpRequest) -> Any:
    _require(request, "manage_appeal_policy")
    model = actions.model_rollback(actor=request.user)  # DispatchError: 409 nothing to roll back to
    return queries.model_out(model.version)
