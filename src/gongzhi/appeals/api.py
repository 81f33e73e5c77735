"""/api/v1/appeals/: intake with an Idempotency-Key, scoped lists, detail with the timeline, and one
endpoint per lifecycle action. Handlers parse and call one intake/action function; its refusals
reach the API's one mapping (decisions 0008, 0045): InvalidTransition 409, AppealForbidden 403,
IntakeError (with its field)/AppealError 400, not visible 404."""

import base64
import binascii
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.accounts.api_auth import SessionAuth, TokenAuth
from gongzhi.accounts.roles import STAFF_ROLES, Role
from gongzhi.appeals import actions
from gongzhi.appeals.access import AppealForbidden, access_appeal
from gongzhi.appeals.intake import MAX_PHOTO_BYTES, MAX_PHOTOS, IntakeError, Photo, appeal_submit
from gongzhi.appeals.models import Appeal, Category, Channel, Urgency
from gongzhi.appeals.schemas import (
    AppealDetailOut,
    AppealFilter,
    AppealIn,
    AppealOut,
    DispatchIn,
    ErrorOut,
    ExtendIn,
    MergeIn,
    NoteIn,
    RateIn,
    ReasonIn,
    ReplyIn,
)
from gongzhi.core.actors import Actor
from gongzhi.core.cache import Namespace
from gongzhi.core.pagination import PageNumberPagination
from gongzhi.core.scoping import get_scope
from gongzhi.orgs.models import Organisation, OrgKind

# Token first: the API-wide order (session, then token) runs ninja's CSRF check on every unsafe
# request before the bearer token is looked at, so a 12345 bridge POSTing with a valid token and no
# cookie got 403 "CSRF check Failed" (the test client hides this; enforce_csrf_checks shows it).
router = Router(tags=["诉求 appeals"], auth=[TokenAuth(), SessionAuth()])

MAX_KEY_LENGTH = 64
ERRORS: dict[int | str, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


# --- who submits, and how ---------------------------------------------------------------------


def intake_identity(user: Any, requested: str | None, default: str) -> tuple[str, Any]:
    """(channel, submitter person). Staff holding report_appeals record calls and patrol reports on
    any channel with no submitter; residents always submit as themselves on the resident channel;
    other accounts (integrations) submit on the default channel. AppealForbidden (403) for a channel
    the account may not use."""
    scope = get_scope(user)
    if scope.can("report_appeals"):
        channel = requested or default
        if channel not in Channel.values:
            raise IntakeError("channel", "未知渠道")
        return channel, None
    is_resident = Role.RESIDENT in scope.roles or not (scope.roles & STAFF_ROLES)
    own = Channel.RESIDENT_APP if is_resident and getattr(user, "person_id", None) else default
    if requested and requested != own:
        raise AppealForbidden("您无权代录其他渠道的诉求")
    return own, (user.person if own == Channel.RESIDENT_APP else None)


def scoped_key(user: Any, key: str | None) -> str | None:
    """Idempotency keys are per account, so one client can never replay into another's appeal."""
    if not key:
        return None
    key = key.strip()
    if len(key) > MAX_KEY_LENGTH:
        raise IntakeError("Idempotency-Key", f"Idempotency-Key最长{MAX_KEY_LENGTH}个字符")
    return f"u{user.pk}:{key}"


# Found (active) categories by id or path: every intake names one, and the taxonomy is edited a few
# times a year. A save or delete bumps the namespace (core.cache, decision 0046): this process sees
# it at once, others within CATEGORY_TTL seconds, and an entry is kept no longer than that. Only
# found categories are kept, so a newly added one is never refused. The rows are shared read-only.
CATEGORY_TTL = 30.0
CATEGORIES = Namespace(
    "appeals.api_categories", recheck_seconds=CATEGORY_TTL, max_age=CATEGORY_TTL, maxsize=5000
)
CATEGORIES.watch(Category)


def _active_category(category_id: int | None, path: str) -> Category:
    rows = Category.objects.filter(active=True).select_related("parent__parent")
    found = rows.filter(pk=category_id).first() if category_id is not None else rows.filter(path=path).first()
    if found is None:
        raise IntakeError("category", "未知的诉求分类")
    return found


def find_category(category_id: int | None, path: str | None) -> Category | None:
    if category_id is None and not path:
        return None
    key = (category_id, "" if category_id is not None else (path or "").strip("/ "))
    return CATEGORIES.get(key, lambda: _active_category(*key))


def check_urgency(urgency: str) -> str:
    if urgency not in Urgency.values:
        raise IntakeError("urgency", "紧急程度应为 normal(一般)、urgent(紧急)或 critical(特急)")
    return urgency


def decode_photos(photos: list[Any]) -> list[Photo]:
    if len(photos) > MAX_PHOTOS:
        raise IntakeError("photos", f"最多上传{MAX_PHOTOS}张照片")
    decoded = []
    for n, photo in enumerate(photos, start=1):
        name = photo.name or f"photo{n}"
        if len(photo.content_base64) > MAX_PHOTO_BYTES * 4 // 3 + 4:
            raise IntakeError("photos", f"照片“{name}”超过10MB")
        try:
            content = base64.b64decode(photo.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise IntakeError("photos", f"照片“{name}”不是有效的base64编码") from exc
        decoded.append(Photo(name=name, content=content))
    return decoded


def visible(user: Any, appeal: Appeal) -> bool:
    return Appeal.objects.visible_to(user).filter(pk=appeal.pk).exists()


def is_staff_for(user: Any, appeal: Appeal) -> bool:
    scope = get_scope(user)
    return scope.can("view_appeals", appeal.path) or (appeal.department_id in scope.org_ids)


def detail(user: Any, appeal: Appeal) -> Appeal:
    """The appeal with its timeline: residents see the public events, without staff names."""
    staff = is_staff_for(user, appeal)
    events = list(appeal.events.all() if staff else appeal.events.filter(public=True))
    if not staff:
        for event in events:
            event.actor_label = ""
    appeal.timeline = events  # type: ignore[attr-defined]
    return appeal


# --- intake, list, detail ----------------------------------------------------------------------


# AppealIn's fields that intake takes as they come (the others are looked up or checked first)
AS_GIVEN = {
    "text",
    "title",
    "lon",
    "lat",
    "address_text",
    "contact_name",
    "contact_phone",
    "anonymous",
    "hide_name",
    "contact_preference",
}


@router.post("/", response={200: AppealOut, 201: AppealOut, **ERRORS}, url_name="appeals_submit")
def submit(request: HttpRequest, body: AppealIn) -> Any:
    """Intake. The same `Idempotency-Key` header (per account), or the same external_id on the same
    channel, returns the stored appeal with 200 instead of creating a second one (201)."""
    user = request.user
    key = scoped_key(user, request.headers.get("Idempotency-Key"))
    channel, submitter = intake_identity(user, body.channel, Channel.API)
    # refusals (403 channel, 400 IntakeError with its field or AppealError) map in core (decision 0045)
    result = appeal_submit(
        actor=user,
        channel=channel,
        submitter=submitter,
        category=find_category(body.category_id, body.category),
        urgency=check_urgency(body.urgency),
        idempotency_key=key,
        external_id=(body.external_id or "").strip() or None,
        photos=decode_photos(body.photos),
        **body.model_dump(include=AS_GIVEN),
    )
    replayed = key is not None and result.appeal.idempotency_key == key
    if not result.created and not replayed and not visible(user, result.appeal):
        # an external id another source already used: say so without showing its appeal
        return Status(409, {"detail": "该外部编号已被使用", "field": "external_id"})
    return Status(201 if result.created else 200, result.appeal)


@router.get("/", response=list[AppealOut], url_name="appeals_list")
@paginate(PageNumberPagination, page_size=50)
def appeal_list(request: HttpRequest, filters: Query[AppealFilter]):  # type: ignore[no-untyped-def]
    # newest first by id: the primary-key index serves the page (Meta's -created_at has no index and
    # sorts every visible row; imported history keeps its call time, so the orders differ only there)
    rows = (
        Appeal.objects.visible_to(request.user)
        .select_related("department", "community", "street", "category")
        .order_by("-id")
    )
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.department is not None:
        rows = rows.filter(department_id=filters.department)
    if filters.community is not None:
        rows = rows.filter(community_id=filters.community)
    if filters.overdue:
        rows = rows.overdue()
    if filters.q.strip():
        rows = rows.filter(title__contains=filters.q.strip())
    return rows


@router.get("/{appeal_id}", response={200: AppealDetailOut, 404: ErrorOut}, url_name="appeals_detail")
def appeal_detail(request: HttpRequest, appeal_id: int) -> Any:
    return detail(request.user, access_appeal(request.user, appeal_id))


# --- actions -------------------------------------------------------------------------------------


def _act(request: HttpRequest, appeal_id: int, run: Callable[[Appeal], Any]) -> Any:
    changed = run(access_appeal(request.user, appeal_id))  # refusals map in core (decision 0045)
    # the action returns the locked row; an actor who just returned or merged it may no longer see
    # it in lists, but the answer to their own action is theirs to read
    return Status(200, detail(request.user, changed if isinstance(changed, Appeal) else changed.appeal))


ACTION_RESPONSES = {200: AppealDetailOut, **ERRORS}


def _dispatch(actor: Actor, appeal: Appeal, body: DispatchIn) -> Appeal:
    department = (
        Organisation.objects.visible_to(actor)
        .filter(pk=body.department_id, kind__in=[OrgKind.DEPARTMENT, OrgKind.PROPERTY_COMPANY])
        .first()
    )
    if department is None:
        raise IntakeError("department_id", "承办部门不存在")
    return actions.appeal_dispatch(appeal=appeal, actor=actor, department=department, note=body.note)


def _merge(actor: Actor, appeal: Appeal, body: MergeIn) -> Appeal:
    try:
        into = access_appeal(actor, body.into_id)
    except Http404 as exc:
        raise IntakeError("into_id", "要合并到的诉求不存在") from exc
    return actions.appeal_merge(appeal=appeal, into=into, actor=actor)


# POST /{appeal_id}/<name>: (its body, the one action it calls with (actor, appeal, body)); the name
# is also the handler's (its OpenAPI operation id), with "_" after a Python keyword
ACTION_ENDPOINTS: dict[str, tuple[type[Schema] | None, Callable[[Any, Appeal, Any], Any]]] = {
    "accept": (None, lambda user, a, body: actions.appeal_accept(appeal=a, actor=user)),
    "reject": (
        ReasonIn,
        lambda user, a, body: actions.appeal_reject(appeal=a, actor=user, reason=body.reason),
    ),
    "dispatch": (DispatchIn, _dispatch),
    "sign": (None, lambda user, a, body: actions.appeal_sign(appeal=a, actor=user)),
    "return_": (
        ReasonIn,
        lambda user, a, body: actions.appeal_return(appeal=a, actor=user, reason=body.reason),
    ),
    "start": (None, lambda user, a, body: actions.appeal_start(appeal=a, actor=user)),
    "contact": (NoteIn, lambda user, a, body: actions.appeal_contact(appeal=a, actor=user, note=body.note)),
    "reply": (ReplyIn, lambda user, a, body: actions.appeal_reply(appeal=a, actor=user, text=body.text)),
    "rate": (
        RateIn,
        lambda user, a, body: actions.appeal_rate(
            appeal=a, actor=user, satisfaction=body.satisfaction, solved=body.solved, comment=body.comment
        ),
    ),
    "merge": (MergeIn, _merge),
    "extend": (
        ExtendIn,
        lambda user, a, body: actions.extension_request(
            appeal=a, actor=user, workdays=body.workdays, reason=body.reason
        ),
    ),
}


def _action_endpoint(
    name: str, body_schema: type[Schema] | None, call: Callable[[Any, Appeal, Any], Any]
) -> None:
    def without_body(request: HttpRequest, appeal_id: int) -> Any:
        return _act(request, appeal_id, lambda a: call(request.user, a, None))

    def with_body(request: HttpRequest, appeal_id: int, body: body_schema) -> Any:  # type: ignore[valid-type]
        return _act(request, appeal_id, lambda a: call(request.user, a, body))

    handler = without_body if body_schema is None else with_body
    handler.__name__ = handler.__qualname__ = name
    path = name.rstrip("_")
    router.post(f"/{{appeal_id}}/{path}", response=ACTION_RESPONSES, url_name=f"appeals_{path}")(handler)


for _name, (_body, _call) in ACTION_ENDPOINTS.items():
    _action_endpoint(_name, _body, _call)
