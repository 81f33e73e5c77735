"""Intake on every channel (接诉): validate, place, route, and dispatch in the same transaction
when a rule matches (秒拨); otherwise the appeal waits in its community's triage queue.

Idempotent: the same Idempotency-Key, or the same (channel, external id), returns the appeal
already stored instead of creating a second one — also when two requests race (the unique
constraints decide, and the loser reads the winner's row)."""

import contextlib
import functools
import hashlib
import time
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from gongzhi.appeals import actions, actions_notify, deadlines, hooks, notify, routing, stats
from gongzhi.appeals.models import Appeal, AppealEvent, AppealPhoto, Category, Channel
from gongzhi.appeals.workflow import Action, Status
from gongzhi.core import crypto, rowsql, uploads
from gongzhi.core.audit import actor_label
from gongzhi.core.errors import BadInput
from gongzhi.core.masking import mask_phone
from gongzhi.core.phone import InvalidPhone, normalise_phone
from gongzhi.orgs.models import Organisation
from gongzhi.territory.geo_index import get_index
from gongzhi.territory.models import Level, TerritoryNode, community_path, street_path

MAX_TEXT = 5000
MAX_PHOTOS = 9
MAX_PHOTO_BYTES = 10 * 1024 * 1024


class IntakeError(BadInput):
    """Bad input (HTTP 400); `field` names the form field, the message is Chinese. The API answers
    `{"detail": message, "field": field}`."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)

    def as_json(self) -> dict[str, Any]:
        return {**super().as_json(), "field": self.field}


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
        found = Appeal.objects.filter(idempotency_key=idempotency_key).first()
        if found:
            return found
    if external_id:
        return Appeal.objects.filter(channel=channel, external_id=external_id).first()
    return None


def appeal_submit(
    *,
    actor: Any,
    channel: str,
    text: str,
    title: str = "",
    lon: float | None = None,
    lat: float | None = None,
    address_text: str = "",
    category: Category | None = None,
    urgency: str = "normal",
    submitter: Any = None,
    contact_name: str = "",
    contact_phone: str = "",
    anonymous: bool = False,
    hide_name: bool = True,
    contact_preference: str = "",
    idempotency_key: str | None = None,
    external_id: str | None = None,
    photos: list[Photo] | None = None,
    fallback_territory: TerritoryNode | None = None,
    created_at: Any = None,
) -> IntakeResult:
    photos = photos or []
    if channel not in Channel.values:
        raise IntakeError("channel", "未知渠道")
    if not title.strip() and text.strip():
        title = text.strip().splitlines()[0][:60]  # residents rarely write a title: use the first line
    title = title.strip()
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
    # the routed department as the cached rules name it, so its handlers are read in the same query
    guess = (
        routing.cached_department(
            category=category, path=placement.territory.path if placement.territory else ""
        )
        if placement.territory is not None
        else None
    )
    existing_id, *prefetched = _prefetch(idempotency_key, channel, external_id, guess)
    if existing_id is not None:  # a replay: the stored appeal, before any complaint about this body
        existing = Appeal.objects.filter(pk=existing_id).first() or _existing(
            idempotency_key, channel, external_id
        )
        if existing is not None:
            return IntakeResult(existing, created=False)
    if lon is not None and lat is not None and placement.territory is None and not address_text.strip():
        raise IntakeError("location", "所选位置不在本平台的服务范围内,请重新选点或填写地址")
    phone_cipher = phone_masked = ""
    if contact_phone:
        try:
            number = normalise_phone(contact_phone)
        except InvalidPhone as exc:
            raise IntakeError("contact_phone", str(exc)) from exc
        phone_cipher, phone_masked = crypto.encrypt(number), mask_phone(number)
    territory = (
        placement.territory
        or fallback_territory
        or TerritoryNode.objects.filter(level=Level.DISTRICT).first()
    )
    alone = _one_statement(
        appeal_id=prefetched[0],
        created_at=created_at,
        photos=photos,
        prediction=prediction,
        submitter=submitter,
        anonymous=anonymous,
    )
    try:
        with contextlib.nullcontext() if alone else transaction.atomic():
            appeal = _create(
                actor=actor,
                channel=channel,
                title=title,
                text=text,
                category=category,
                urgency=urgency,
                lon=lon,
                lat=lat,
                address_text=address_text,
                placement=placement,
                territory=territory,
                submitter=submitter,
                contact_name=contact_name,
                phone_cipher=phone_cipher,
                phone_masked=phone_masked,
                anonymous=anonymous,
                hide_name=hide_name,
                contact_preference=contact_preference,
                idempotency_key=idempotency_key,
                external_id=external_id,
                photos=photos,
                created_at=created_at,
                prefetched=prefetched,
                hold=prediction.hold,
            )
            prediction.store(appeal)  # 秒拨 suggestions (gongzhi.dispatch); a no-op without a model
    except IntegrityError:
        existing = _existing(idempotency_key, channel, external_id)
        if existing is None:
            raise
        return IntakeResult(existing, created=False)
    return IntakeResult(appeal, created=True)


def _one_statement(
    *,
    appeal_id: int | None,
    created_at: Any,
    photos: list[Photo],
    prediction: Any,
    submitter: Any,
    anonymous: bool,
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
        and (submitter is None or anonymous)
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


# Cached per process, per geo index version, for NODE_TTL seconds: the pin's grid, community and
# street rows are read on every placed intake, and the tree changes rarely (a boundary change
# bumps the index version; a save or delete in this process empties the cache at once). The rows
# are shared read-only between threads.
NODE_TTL = 30.0
_node_cache: dict[tuple[Any, tuple[int, ...]], tuple[float, dict[int, TerritoryNode]]] = {}


def reset_node_cache(**_kwargs: Any) -> None:
    _node_cache.clear()


post_save.connect(reset_node_cache, sender=TerritoryNode, dispatch_uid="intake_nodes_save")
post_delete.connect(reset_node_cache, sender=TerritoryNode, dispatch_uid="intake_nodes_delete")


def _nodes(version: Any, ids: tuple[int, ...]) -> dict[int, TerritoryNode]:
    key = (version, ids)
    hit = _node_cache.get(key)
    now = time.monotonic()
    if hit is not None and now - hit[0] < NODE_TTL:
        return hit[1]
    nodes = {n.pk: n for n in TerritoryNode.objects.filter(pk__in=list(ids))}
    if len(_node_cache) > 20_000:
        _node_cache.clear()
    _node_cache[key] = (now, nodes)
    return nodes


def _community_of(node: TerritoryNode | None) -> tuple[TerritoryNode | None, TerritoryNode | None]:
    if node is None:
        return None, None
    # both in one query on the unique path (node.community() and node.street() would take two)
    community, street = community_path(node.path), street_path(node.path)
    wanted = [p for p in (community, street) if p]
    found = {n.path: n for n in TerritoryNode.objects.filter(path__in=wanted)} if wanted else {}
    return found.get(community), found.get(street)


def _number(appeal_id: int) -> str:
    """Readable, unique and sortable: GZ + date + the row id."""
    return f"GZ{timezone.localdate():%Y%m%d}{appeal_id:07d}"


_sequence: dict[str, str | None] = {}


@functools.lru_cache(maxsize=512)
def _handler_sql(department_id: int, today: Any) -> tuple[str, tuple[Any, ...]]:
    """notify.handler_ids as SQL, memoised: building the queryset cost more CPU than running it.
    The SQL is a pure function of the department and the day (active() compares role dates with
    today), both in the key."""
    sql, params = notify.handler_ids(department_id).query.sql_with_params()
    return sql, tuple(params)


def _prefetch(
    idempotency_key: str | None,
    channel: str,
    external_id: str | None,
    guess: tuple[int | None, int | None] | None,
) -> tuple[Any, ...]:
    """(id of an appeal already stored under this key or external id, new appeal id, active routing
    version, deadline policy/calendar version) in one round trip instead of four: the replay check
    (_existing, by id), the two cache checks every intake makes, and on PostgreSQL the id the
    INSERT would take, drawn from the table's own sequence first so the number goes into the
    INSERT (a nextval replaces an UPDATE of the fresh row: a second tuple version and index entries
    for every intake; a replay leaves a gap in the sequence, as a rolled-back insert always did).
    The new id is None elsewhere (SQLite: insert, then update the number)."""
    table = Appeal._meta.db_table
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        next_id, id_params = "NULL", []
        if connection.vendor == "postgresql":
            if table not in _sequence:  # cached per process: the name never changes
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                _sequence[table] = cursor.fetchone()[0]
            if _sequence[table] is not None:
                next_id, id_params = "nextval(%s)", [_sequence[table]]
        # the same order as _existing: the idempotency key first, then the external id; names
        # come from the models, values are parameters
        existing, params = [], []
        if idempotency_key:
            existing.append(f"(SELECT {q('id')} FROM {q(table)} WHERE {q('idempotency_key')} = %s)")  # noqa: S608
            params.append(idempotency_key)
        if external_id:
            existing.append(
                f"(SELECT MIN({q('id')}) FROM {q(table)} WHERE {q('channel')} = %s AND {q('external_id')} = %s)"  # noqa: S608
            )
            params += [channel, external_id]
        found = f"COALESCE({', '.join(existing)}, NULL)" if existing else "NULL"
        # PostgreSQL: the handlers of the department the cached rules name (notify_department's
        # query as a subquery); used only if routing confirms that department and version
        handlers, handler_params = "NULL", []
        if next_id != "NULL" and guess is not None and guess[0] is not None:
            sql, handler_params = _handler_sql(guess[0], timezone.localdate())
            handlers = f"(SELECT array_agg(h.{q('pk')}) FROM ({sql}) h)"  # noqa: S608
        cursor.execute(
            f"SELECT {found}, {next_id}, {handlers}, {routing.active_version_sql()}, {deadlines.version_sql()}",
            params + id_params + list(handler_params),
        )
        row = cursor.fetchone()
    handler_list = (row[2] or []) if handlers != "NULL" else None
    return row[0], row[1], row[3], tuple(row[4:]), guess if handler_list is not None else None, handler_list


# Cached per process for DEPARTMENT_TTL seconds, per routing version: the routed department is
# read on every dispatching intake, and organisations are renamed or re-kinded rarely. A save or
# delete in this process empties the cache at once; other processes see it within the TTL (and a
# newly activated ruleset starts afresh at once).
DEPARTMENT_TTL = 30.0
_departments: dict[tuple[int, int | None], tuple[float, Organisation]] = {}


def reset_department_cache(**_kwargs: Any) -> None:
    _departments.clear()


post_save.connect(reset_department_cache, sender=Organisation, dispatch_uid="intake_departments_save")
post_delete.connect(reset_department_cache, sender=Organisation, dispatch_uid="intake_departments_delete")


def _department(department_id: int, version: int | None) -> Organisation:
    key = (department_id, version)
    hit = _departments.get(key)
    now = time.monotonic()
    if hit is not None and now - hit[0] < DEPARTMENT_TTL:
        return hit[1]
    department = Organisation.objects.get(pk=department_id)
    if len(_departments) > 1000:
        _departments.clear()
    _departments[key] = (now, department)
    return department


def _create(
    *,
    actor: Any,
    placement: routing.Placement,
    territory: TerritoryNode | None,
    photos: list[Photo],
    phone_cipher: str,
    phone_masked: str,
    created_at: Any,
    prefetched: list[Any],
    hold: bool = False,
    **fields: Any,
) -> Appeal:
    """Insert the appeal in its final state. When a rule routes it, it is accepted and dispatched
    here rather than through actions.appeal_accept/appeal_dispatch: the row is not yet visible to
    anyone else (same transaction), so there is nothing to lock, and one INSERT plus one batch of
    three events replaces two lock-and-update rounds (decision 0008). The outcome — events,
    clocks, DailyStat, notifications — is the one those actions produce."""
    community, street = placement.community, placement.street
    if community is None and street is None:
        community, street = _community_of(territory)
    path = territory.path if territory else ""
    appeal_id, routing_version, deadline_version, guess, handlers = prefetched
    department_id, version = routing.route_department(
        category=fields.get("category"), path=path, version=routing_version
    )
    if guess != (department_id, version):
        handlers = None  # notify.department_rows reads them
    department = None
    if department_id is not None and community is not None and not hold:  # hold: 秒拨 unsure, to triage
        department = _department(department_id, version)
        if department.kind not in {"department", "property_company"}:
            raise actions.AppealError("请选择承办部门")
    now = timezone.now()
    appeal = Appeal(
        number=(
            _number(appeal_id)
            if appeal_id is not None
            else hashlib.sha256(f"{now.isoformat()}{id(fields)}".encode()).hexdigest()[:24]
        ),
        territory=territory,
        path=path,
        community=community,
        street=street,
        contact_phone_cipher=phone_cipher,
        contact_phone_masked=phone_masked,
        **fields,
    )
    if department is not None:
        appeal.status = Status.DISPATCHED
        appeal.department = department
        appeal.routed_by_ruleset = version
        actions.start_clocks(appeal, now, deadline_version)
    # The writes go out together (core.rowsql, decision 0031): on PostgreSQL the appeal, its events,
    # the handlers' inbox rows, the duplicate-check fingerprint and the DailyStat increment are one
    # statement. The appeal goes in through the ORM only where its id is not known in advance
    # (SQLite) or an import keeps the source system's created_at.
    writes = []
    if appeal_id is not None and created_at is None:
        appeal.pk = appeal_id
        writes.append(rowsql.insert([appeal]))
    else:
        late = {}
        if appeal_id is not None:
            appeal.pk = appeal_id
            appeal.save(force_insert=True)
        else:
            appeal.save()
            appeal.number = _number(appeal.pk)
            late["number"] = appeal.number
        if created_at is not None:  # imports of history keep the source system's time
            late["created_at"] = appeal.created_at = created_at
        Appeal.objects.filter(pk=appeal.pk).update(**late)
    events = [
        AppealEvent(
            appeal=appeal,
            at=now,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=actor_label(actor),
            action=Action.SUBMIT,
            from_status="",
            to_status=Status.SUBMITTED,
            data={"channel": appeal.channel},
        )
    ]
    if department is not None:
        events += [
            AppealEvent(
                appeal=appeal,
                at=now,
                actor_label=actor_label(None),
                action=Action.ACCEPT,
                from_status=Status.SUBMITTED,
                to_status=Status.ACCEPTED,
                note="系统自动受理",
            ),
            AppealEvent(
                appeal=appeal,
                at=now,
                actor_label=actor_label(None),
                action=Action.DISPATCH,
                from_status=Status.ACCEPTED,
                to_status=Status.DISPATCHED,
                note=f"按分拨规则v{version}自动派单",
                data={"department_id": department.pk},
            ),
        ]
    writes.append(rowsql.insert(events))
    if department is not None:
        inbox = notify.department_rows(appeal, "assigned", f"新派单:{appeal.number} {appeal.title}", handlers)
        if inbox:
            writes.append(rowsql.insert(inbox))
    fingerprint = hooks.fingerprint_row(appeal)  # duplicate check of later appeals (gongzhi.hotissues)
    if fingerprint is not None:
        writes.append(rowsql.insert([fingerprint]))
    if department is not None:
        # last: the DailyStat row is shared by every intake for this department and community, and
        # its row lock is held until COMMIT — take it as late as possible
        writes.append(stats.bump_statement(appeal, dispatched=1))
    rowsql.execute(writes)
    for photo in photos:
        kind = sniff_image(photo.content) or ""  # _validate refused anything else
        AppealPhoto.objects.create(
            appeal=appeal,
            image=uploads.stored_file(photo.content, kind),  # never the sender's name (decision 0042)
            content_type=kind,
            size=len(photo.content),
            sha256=hashlib.sha256(photo.content).hexdigest(),
        )
    if department is not None:
        actions_notify.notify_resident(appeal, "accepted")
        actions_notify.notify_resident(appeal, "dispatched")
    return appeal
