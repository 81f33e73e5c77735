"""Intake on every channel (接诉): validate, place, route, and dispatch in the same transaction
when a rule matches (秒拨); otherwise the appeal waits in its community's triage queue.

Idempotent: the same Idempotency-Key, or the same (channel, external id), returns the appeal
already stored instead of creating a second one — also when two requests race (the unique
constraints decide, and the loser reads the winner's row)."""

import contextlib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction

from gongzhi.appeals import actions, actions_intake, hooks, routing, sql
from gongzhi.appeals.models import Appeal, Category, Channel
from gongzhi.core import crypto, uploads
from gongzhi.core.actors import Actor
from gongzhi.core.cache import Namespace
from gongzhi.core.errors import FieldRefusal
from gongzhi.core.masking import mask_phone
from gongzhi.core.phone import InvalidPhone, normalise_phone
from gongzhi.orgs.models import Organisation
from gongzhi.territory.geo_index import get_index
from gongzhi.territory.models import Level, TerritoryNode, community_path, street_path

MAX_TEXT = 5000
MAX_PHOTOS = 9
MAX_PHOTO_BYTES = 10 * 1024 * 1024


class IntakeError(FieldRefusal):
    """Bad input (HTTP 400) in the form field `field`; raised as IntakeError(field, message)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field)


@dataclass(frozen=True)
class Photo:
    name: str
    content: bytes


@dataclass(frozen=True)
class IntakeResult:
    appeal: Appeal
    created: bool


def sniff_image(content: bytes) -> str | None:
    """JPEG, PNG, GIF or WebP by the bytes, or None (the name says nothing)."""
    kind = uploads.sniff(content)
    return kind if kind in uploads.IMAGE_TYPES else None


def _validate(title: str, text: str, lon: Any, lat: Any, address_text: str, photos: list[Photo]) -> None:
    if not text.strip():
        raise IntakeError("text", "请描述您反映的问题")
    if len(text) > MAX_TEXT:
        raise IntakeError("text", f"内容最多{MAX_TEXT}字,当前{len(text)}字")
    if len(title) > 120:
        raise IntakeError("title", "标题最多120字")
    if (lon is None or lat is None) and not address_text.strip():
        raise IntakeError("location", "请在地图上选点或填写地址")
    if lon is not None and lat is not None and not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise IntakeError("location", "坐标超出经纬度范围")
    if len(photos) > MAX_PHOTOS:
        raise IntakeError("photos", f"最多上传{MAX_PHOTOS}张照片")
    for photo in photos:
        if len(photo.content) > MAX_PHOTO_BYTES:
            raise IntakeError("photos", f"照片“{photo.name}”超过10MB")
        if sniff_image(photo.content) is None:
            raise IntakeError("photos", f"“{photo.name}”不是图片(支持JPG、PNG、GIF、WebP)")


def _existing(idempotency_key: str | None, channel: str, external_id: str | None) -> Appeal | None:
    if idempotency_key:
        found: Appeal | None = Appeal.objects.filter(idempotency_key=idempotency_key).first()
        if found:
            return found
    if external_id:
        return Appeal.objects.filter(channel=channel, external_id=external_id).first()
    return None


def _checked_title(channel: str, title: str, text: str) -> str:
    if channel not in Channel.values:
        raise IntakeError("channel", "未知渠道")
    if not title.strip() and text.strip():
        title = text.strip().splitlines()[0][:60]  # residents rarely write a title: use the first line
    return title.strip()


def _phone(contact_phone: str) -> dict[str, str]:
    """The contact phone's stored forms: encrypted and masked (both empty without one)."""
    if not contact_phone:
        return {"contact_phone_cipher": "", "contact_phone_masked": ""}
    try:
        number = normalise_phone(contact_phone)
    except InvalidPhone as exc:
        raise IntakeError("contact_phone", str(exc)) from exc
    return {"contact_phone_cipher": crypto.encrypt(number), "contact_phone_masked": mask_phone(number)}


def _replayed(
    idempotency_key: str | None, channel: str, external_id: str | None, existing_id: Any
) -> Appeal | None:
    """The appeal already stored under this key or external id, if the prefetch found one."""
    if existing_id is None:
        return None
    return Appeal.objects.filter(pk=existing_id).first() or _existing(idempotency_key, channel, external_id)


def appeal_submit(
    *,
    actor: Actor | None,
    channel: str,
    text: str,
    title: str = "",
    lon: float | None = None,
    lat: float | None = None,
    address_text: str = "",
    category: Category | None = None,
    contact_phone: str = "",
    idempotency_key: str | None = None,
    external_id: str | None = None,
    photos: list[Photo] | None = None,
    fallback_territory: TerritoryNode | None = None,
    created_at: Any = None,
    **fields: Any,
) -> IntakeResult:
    """`fields`: the appeal's other fields as given (urgency, submitter, contact_name, anonymous,
    hide_name, contact_preference)."""
    photos = photos or []
    title = _checked_title(channel, title, text)
    _validate(title, text, lon, lat, address_text, photos)
    placement = _place(lon=lon, lat=lat, address_text=address_text)
    # 秒拨 prediction (gongzhi.dispatch through hooks, decision 0011): with no category given and an
    # active model, a confident prediction sets the category (the routing rules then pick the
    # department); the top-3 suggestions are stored for triage. With no active model (or no dispatch
    # app) nothing is predicted and intake is unchanged.
    prediction = (
        hooks.predict_at_intake(title=title, text=text, territory=placement.territory or fallback_territory)
        if category is None
        else hooks.NO_PREDICTION
    )
    category = category or prediction.category
    prefetched = _prefetch(idempotency_key, channel, external_id, _guess(category, placement))
    existing = _replayed(idempotency_key, channel, external_id, prefetched.existing_id)
    if existing is not None:  # a replay: the stored appeal, before any complaint about this body
        return IntakeResult(existing, created=False)
    if lon is not None and lat is not None and placement.territory is None and not address_text.strip():
        raise IntakeError("location", "所选位置不在本平台的服务范围内,请重新选点或填写地址")
    fields.update(
        channel=channel, title=title, text=text, category=category, lon=lon, lat=lat, address_text=address_text,
        idempotency_key=idempotency_key, external_id=external_id, **_phone(contact_phone),
    )  # fmt: skip
    territory = (
        placement.territory
        or fallback_territory
        or TerritoryNode.objects.filter(level=Level.DISTRICT).first()
    )
    new = _routed(fields, placement, territory, prefetched, hold=prediction.hold)
    alone = _one_statement(prefetched.appeal_id, created_at, photos, prediction, fields)
    try:
        with contextlib.nullcontext() if alone else transaction.atomic():
            appeal = actions_intake.appeal_create(actor=actor, new=new, created_at=created_at, photos=photos)
            prediction.store(appeal)  # 秒拨 suggestions (gongzhi.dispatch); a no-op without a model
    except IntegrityError:
        existing = _existing(idempotency_key, channel, external_id)
        if existing is None:
            raise
        return IntakeResult(existing, created=False)
    return IntakeResult(appeal, created=True)


def _guess(category: Category | None, placement: routing.Placement) -> tuple[int | None, int | None] | None:
    """The routed department as the cached rules name it, so its handlers are read in the same query."""
    if placement.territory is None:
        return None
    return routing.cached_department(category=category, path=placement.territory.path)


def _one_statement(
    appeal_id: int | None, created_at: Any, photos: list[Photo], prediction: Any, fields: dict[str, Any]
) -> bool:
    """Whether everything this intake writes goes out as one statement, outside any transaction:
    PostgreSQL (the id drawn in advance), no photo files, no resident to notify (SMS rows whose ids
    the task queue needs), no 秒拨 suggestions to store, not an import keeping its time. One
    statement is atomic by itself, so BEGIN and COMMIT would be two round trips for nothing
    (decision 0031); a failed unique key rolls back the whole statement as it would the block."""
    return (
        appeal_id is not None
        and created_at is None
        and not photos
        and (fields.get("submitter") is None or fields.get("anonymous", False))
        and (not prediction.ranked or prediction.version is None)
        and connection.get_autocommit()
        and not connection.in_atomic_block
    )


def _place(*, lon: float | None, lat: float | None, address_text: str) -> routing.Placement:
    """routing.place, with the pin's grid, community and street read in one query: the geo index
    already names all three. If the tree disagrees with the polygons (a grid drawn outside its
    community), routing.place decides, so the answer is always the same as its own."""
    if lon is None or lat is None:
        return routing.place(lon=lon, lat=lat, address_text=address_text)
    index = get_index()
    found = index.lookup(lon, lat)
    ids = [found.get(level) for level in (Level.GRID, Level.COMMUNITY, Level.STREET)]
    node_id = next((i for i in ids if i), None)
    if node_id is None:
        return routing.place(lon=None, lat=None, address_text=address_text)
    nodes = _nodes(index.version, tuple(i for i in ids if i))
    node = nodes.get(node_id)
    if node is None:
        return routing.place(lon=lon, lat=lat, address_text=address_text)
    by_code = {n.code: n for n in nodes.values()}
    codes = [*node.ancestor_codes, node.code]
    placed = []
    for length in (12, 9):  # community, street
        code = next((c for c in codes if len(c) == length), None)
        if code is not None and code not in by_code:
            return routing.place(lon=lon, lat=lat, address_text=address_text)
        placed.append(by_code.get(code) if code else None)
    return routing.Placement(node, placed[0], placed[1])


# Cached per process (core.cache, decision 0046), per geo index version, for NODE_TTL seconds: the
# pin's grid, community and street rows are read on every placed intake, and the tree changes rarely
# (a boundary change bumps the index version; a save or delete bumps this namespace, seen at once in
# this process and within NODE_TTL in the others). The rows are shared read-only between threads.
NODE_TTL = 30.0
NODES = Namespace("appeals.intake_nodes", recheck_seconds=NODE_TTL, max_age=NODE_TTL, maxsize=20_000)
NODES.watch(TerritoryNode)


def _nodes(version: Any, ids: tuple[int, ...]) -> dict[int, TerritoryNode]:
    return NODES.get(
        (version, ids), lambda: {n.pk: n for n in TerritoryNode.objects.filter(pk__in=list(ids))}
    )


def _community_of(node: TerritoryNode | None) -> tuple[TerritoryNode | None, TerritoryNode | None]:
    if node is None:
        return None, None
    # both in one query on the unique path (node.community() and node.street() would take two)
    community, street = community_path(node.path), street_path(node.path)
    wanted = [p for p in (community, street) if p]
    found = {n.path: n for n in TerritoryNode.objects.filter(path__in=wanted)} if wanted else {}
    return found.get(community), found.get(street)


@dataclass(frozen=True)
class Prefetched:
    existing_id: int | None  # an appeal already stored under this key or external id
    appeal_id: int | None  # the id the INSERT will take (PostgreSQL), else None
    routing_version: int | None
    deadline_version: tuple[Any, ...]
    guess: tuple[int | None, int | None] | None  # (department, version) whose handlers were read
    handlers: list[int] | None


def _prefetch(
    idempotency_key: str | None,
    channel: str,
    external_id: str | None,
    guess: tuple[int | None, int | None] | None,
) -> Prefetched:
    """The replay check, the routing and deadline versions, the new id and the guessed department's
    handlers in one round trip (sql.intake_prefetch)."""
    department_id = guess[0] if guess is not None else None
    existing_id, appeal_id, handler_ids, routing_version, deadline_version = sql.intake_prefetch(
        idempotency_key, channel, external_id, department_id
    )
    read = guess if handler_ids is not None else None
    return Prefetched(existing_id, appeal_id, routing_version, deadline_version, read, handler_ids)


# Cached per process (core.cache, decision 0046) for DEPARTMENT_TTL seconds, per routing version:
# the routed department is read on every dispatching intake, and organisations are renamed or
# re-kinded rarely. A save or delete bumps the namespace, seen at once in this process and within the
# TTL in the others (and a newly activated ruleset starts afresh at once: the version is in the key).
DEPARTMENT_TTL = 30.0
DEPARTMENTS = Namespace(
    "appeals.intake_departments", recheck_seconds=DEPARTMENT_TTL, max_age=DEPARTMENT_TTL, maxsize=1000
)
DEPARTMENTS.watch(Organisation)


def _department(department_id: int, version: int | None) -> Organisation:
    return DEPARTMENTS.get((department_id, version), lambda: Organisation.objects.get(pk=department_id))


def _routed(
    fields: dict[str, Any],
    placement: routing.Placement,
    territory: TerritoryNode | None,
    prefetched: Prefetched,
    *,
    hold: bool,
) -> actions_intake.NewAppeal:
    """Where the new appeal belongs and, when a rule routes it (and 秒拨 is not unsure: `hold`), the
    department it is dispatched to at once."""
    community, street = placement.community, placement.street
    if community is None and street is None:
        community, street = _community_of(territory)
    path = territory.path if territory else ""
    department_id, version = routing.route_department(
        category=fields.get("category"), path=path, version=prefetched.routing_version
    )
    handlers = prefetched.handlers if prefetched.guess == (department_id, version) else None
    department = None
    if department_id is not None and community is not None and not hold:
        department = _department(department_id, version)
        if department.kind not in {"department", "property_company"}:
            raise actions.AppealError("请选择承办部门")
    return actions_intake.NewAppeal(
        fields={**fields, "territory": territory, "path": path, "community": community, "street": street},
        department=department,
        version=version,
        appeal_id=prefetched.appeal_id,
        deadline_version=prefetched.deadline_version,
        handlers=handlers,
    )
