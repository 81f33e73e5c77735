"""Service orders (点单 → 派单 → 接单 → 办单 → 评单): one function per action, one transaction, the
order row locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions serialise
writers) and the transition checked against workflow.ORDER_TABLE *after* the lock — so of
two staff assigning at once, or a helper accepting while staff reassign, exactly one wins and the
other gets InvalidTransition (HTTP 409). Every action appends an OrderEvent and an audit row.
Points go to the helper when the service is verified (rated by the resident or closed by staff)."""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from gongzhi.accounts.models import RoleAssignment
from gongzhi.accounts.roles import Role
from gongzhi.appeals.intake import MAX_PHOTO_BYTES, sniff_image
from gongzhi.core import uploads
from gongzhi.core.actors import Actor
from gongzhi.core.audit import actor_label, record_write
from gongzhi.core.errors import FieldRefusal
from gongzhi.core.lifecycle import history_row, transition
from gongzhi.points.actions import PointsRefused, award_points
from gongzhi.service.access import require
from gongzhi.service.geo import building_of
from gongzhi.service.models import Helper, OrderEvent, OrderEvidence, ServiceItem, ServiceNotice, ServiceOrder
from gongzhi.service.workflow import ORDER_TABLE, OrderAction, OrderStatus
from gongzhi.territory.models import street_path

MAX_EVIDENCE_PHOTOS = 6
MAX_HOURS = Decimal("24")


class ServiceError(FieldRefusal, ValueError):
    """Bad input (HTTP 400) in the form field `field` (ServiceError(message, field))."""


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes


def check_images(photos: list[Upload], *, required: bool = False) -> None:
    """The appeals intake's rules: real image bytes (JPG/PNG/GIF/WebP sniffed, not the name), ≤ 10 MB."""
    if required and not photos:
        raise ServiceError("请上传至少一张现场照片", "photos")
    if len(photos) > MAX_EVIDENCE_PHOTOS:
        raise ServiceError(f"最多上传{MAX_EVIDENCE_PHOTOS}张照片", "photos")
    for photo in photos:
        if len(photo.content) > MAX_PHOTO_BYTES:
            raise ServiceError(f"照片“{photo.name}”超过10MB", "photos")
        if sniff_image(photo.content) is None:
            raise ServiceError(f"“{photo.name}”不是图片(支持JPG、PNG、GIF、WebP)", "photos")


def parse_hours(raw: Any, default: Decimal) -> Decimal:
    if raw in (None, ""):
        return default
    try:
        hours = Decimal(str(raw)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as exc:
        raise ServiceError("服务时长应为数字(小时)", "hours") from exc
    if not Decimal("0.5") <= hours <= MAX_HOURS:
        raise ServiceError("服务时长应在0.5到24小时之间", "hours")
    return hours


def insert_once[M: models.Model](row: M, refusal: ServiceError) -> M:
    """Insert `row`; when a unique constraint refuses it, raise `refusal` instead (the savepoint keeps
    the caller's transaction usable)."""
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError as exc:
        raise refusal from exc
    return row


def notice(person_id: int | None, text: str, kind: str, order: ServiceOrder | None = None) -> None:
    if person_id is not None:
        ServiceNotice.objects.create(recipient_id=person_id, order=order, kind=kind, text=text[:300])


def notices_mark_read(person: Any) -> int:
    """The person's unread notices are read now."""
    if person is None:
        return 0
    return ServiceNotice.objects.filter(recipient=person, read_at=None).update(read_at=timezone.now())


def notice_staff(order: ServiceOrder, text: str, kind: str) -> None:
    """The community's organisers (staff and secretary of the order's community) get a notice."""

    people = set(
        RoleAssignment.objects.active()
        .filter(
            role__in=[Role.COMMUNITY_STAFF, Role.COMMUNITY_SECRETARY],
            territory_id=order.community_id,
        )
        .values_list("person_id", flat=True)
    )
    ServiceNotice.objects.bulk_create(
        [ServiceNotice(recipient_id=pid, order=order, kind=kind, text=text[:300]) for pid in sorted(people)]
    )


def award(*, rule: str, **points_args: Any) -> dict[str, Any]:
    """Points through the kindness bank: points.actions.award_points(rule=rule, **points_args) (the
    recipient, source, community, and quantity, awarded_by, memo). A refusal (a cap, self-award)
    never undoes the service: it is reported in the event's data; the savepoint keeps the outer
    transaction."""
    try:
        with transaction.atomic():
            result = award_points(rule=rule, **points_args)
    except PointsRefused as exc:
        return {"rule": rule, "refused": str(exc)}
    return {
        "rule": rule,
        "transaction_id": result.transaction_id,
        "points": result.points,
        "created": result.created,
    }


def order_event(
    order: ServiceOrder, action: str, actor: Actor | None, before: str, note: str = "", **data: Any
) -> None:
    """Append the order's history row for a move from `before` (also used by the convert and sweep actions)."""
    history_row(
        OrderEvent,
        actor=actor,
        actor_label=actor_label(actor),  # the audit log's label ("系统" for a sweep), not the default
        order=order,
        action=action,
        from_status=before,
        to_status=order.status,
        note=note[:1000],
        data=data,
    )


def lock_order(order: ServiceOrder) -> ServiceOrder:
    """The order re-read under a row lock, inside the caller's transaction."""
    return (
        ServiceOrder.objects.select_for_update(of=("self",))
        .select_related("item", "community", "building", "helper__person")
        .get(pk=order.pk)
    )


def lock_and_move(order: ServiceOrder, action: str, actor: Actor | None) -> tuple[ServiceOrder, str]:
    """The order locked, the actor's right to `action` checked and the status moved (unsaved):
    (locked order, status before). Also used by service.actions_convert."""
    locked = lock_order(order)
    require(actor, locked, action)
    before, _after = transition(ORDER_TABLE, locked, action)
    return locked, before


def release_helper(helper_id: int | None) -> None:
    """One open order fewer for the helper (never below zero)."""
    if helper_id is not None:
        Helper.objects.filter(pk=helper_id, open_orders__gt=0).update(open_orders=F("open_orders") - 1)


def _number(pk: int) -> str:
    return f"FW{timezone.localdate():%Y%m%d}{pk:06d}"


@transaction.atomic
def order_submit(
    *,
    actor: Actor,
    resident: Any,
    item: ServiceItem,
    description: str,
    building: Any = None,
    wanted_at: Any = None,
    from_appeal: Any = None,
) -> ServiceOrder:
    """点单: a resident orders from their community's catalogue (or staff convert an appeal)."""
    description = (description or "").strip()
    if not description:
        raise ServiceError("请描述您需要的服务", "description")
    if len(description) > 1000:
        raise ServiceError("需求描述最多1000字", "description")
    if not item.active:
        raise ServiceError("该服务项目已停止接单", "item")
    if building is None and resident is not None and resident.household_id:
        building = building_of(resident.household)
    if building is not None and not building.path.startswith(item.path):
        raise ServiceError("所选服务项目不属于该楼栋所在社区", "item")
    now = timezone.now()
    if wanted_at is not None and wanted_at < now - timedelta(hours=1):
        raise ServiceError("期望上门时间不能早于现在", "wanted_at")
    order = ServiceOrder.objects.create(
        number=uuid.uuid4().hex[:24],
        item=item,
        community_id=item.community_id,
        building=building,
        path=building.path if building is not None else item.path,
        resident=resident,
        description=description,
        wanted_at=wanted_at,
        due_at=now + timedelta(hours=item.deadline_hours),
        from_appeal=from_appeal,
    )
    order.number = _number(order.pk)
    ServiceOrder.objects.filter(pk=order.pk).update(number=order.number)
    data = {"from_appeal": from_appeal.number} if from_appeal is not None else {}
    order_event(order, OrderAction.ORDER, actor, "", **data)
    notice_staff(order, f"新服务单{order.number}({item.name})待派单", "new_order")
    record_write(actor=actor, action="service.order_submit", obj=order, scope_path=order.path)
    return order


@transaction.atomic
def order_assign(*, order: ServiceOrder, actor: Actor | None, helper: Helper, note: str = "") -> ServiceOrder:
    """派单 to a helper of the order's street."""
    locked, before = lock_and_move(order, OrderAction.ASSIGN, actor)
    if not helper.active or not helper.path.startswith(street_path(locked.community.path)):
        raise ServiceError("只能派给本街道在队的服务队员", "helper")
    locked.helper = helper
    locked.save(update_fields=["status", "helper", "updated_at"])
    Helper.objects.filter(pk=helper.pk).update(open_orders=F("open_orders") + 1)
    order_event(
        locked, OrderAction.ASSIGN, actor, before, note, helper_id=helper.pk, helper=helper.person.name
    )
    notice(helper.person_id, f"新派单:{locked.number} {locked.item.name},请及时接单", "assigned", locked)
    record_write(actor=actor, action="service.order_assign", obj=locked, scope_path=locked.path)
    return locked


@transaction.atomic
def order_accept(*, order: ServiceOrder, actor: Actor | None) -> ServiceOrder:
    locked, before = lock_and_move(order, OrderAction.ACCEPT, actor)
    locked.save(update_fields=["status", "updated_at"])
    order_event(locked, OrderAction.ACCEPT, actor, before)
    notice(locked.resident_id, f"您的服务单{locked.number}已由服务队员接单", "accepted", locked)
    record_write(actor=actor, action="service.order_accept", obj=locked, scope_path=locked.path)
    return locked


@transaction.atomic
def order_decline(*, order: ServiceOrder, actor: Actor | None, reason: str) -> ServiceOrder:
    """拒单: back to the staff's queue, with the reason; the helper's load goes down."""
    if not (reason or "").strip():
        raise ServiceError("请填写不能接单的原因", "reason")
    locked, before = lock_and_move(order, OrderAction.DECLINE, actor)
    helper_id = locked.helper_id
    locked.helper = None
    locked.save(update_fields=["status", "helper", "updated_at"])
    release_helper(helper_id)
    order_event(locked, OrderAction.DECLINE, actor, before, reason.strip(), helper_id=helper_id)
    notice_staff(locked, f"服务单{locked.number}被拒单,请重新派单:{reason.strip()}", "declined")
    record_write(actor=actor, action="service.order_decline", obj=locked, scope_path=locked.path)
    return locked


@transaction.atomic
def order_fulfil(
    *, order: ServiceOrder, actor: Actor | None, note: str, photos: list[Upload], hours: Any = None
) -> ServiceOrder:
    """办单: only the assigned helper, with at least one photo and a note."""
    if not (note or "").strip():
        raise ServiceError("请填写服务情况说明", "note")
    check_images(photos, required=True)
    locked, before = lock_and_move(order, OrderAction.FULFIL, actor)
    locked.hours = parse_hours(hours, locked.item.hours)
    locked.fulfilled_at = timezone.now()
    locked.save(update_fields=["status", "hours", "fulfilled_at", "updated_at"])
    release_helper(locked.helper_id)
    for photo in photos:
        OrderEvidence.objects.create(
            order=locked,
            image=uploads.stored_file(photo.content, sniff_image(photo.content) or ""),
            content_type=sniff_image(photo.content) or "",
            size=len(photo.content),
            sha256=hashlib.sha256(photo.content).hexdigest(),
        )
    order_event(
        locked, OrderAction.FULFIL, actor, before, note.strip(), hours=str(locked.hours), photos=len(photos)
    )
    notice(locked.resident_id, f"您的服务单{locked.number}已办结,请评价", "fulfilled", locked)
    record_write(actor=actor, action="service.order_fulfil", obj=locked, scope_path=locked.path)
    return locked


def _verified_awards(order: ServiceOrder, *, rated: bool, awarded_by: Any) -> list[dict[str, Any]]:
    """Verified service: points for the helper — hours, and a bonus for a rated order."""
    hours = int((order.hours or order.item.hours).to_integral_value(rounding="ROUND_HALF_UP")) or 1
    wanted = [("service_hour", hours, f"{order.number} {order.item.name}")]
    if rated:
        wanted.append(("order_rated", 1, f"{order.number} 评价{order.rating}星"))
    return [
        award(
            rule=rule,
            recipient=order.helper.person,
            source=f"service.order:{order.pk}",
            community=order.community,
            quantity=quantity,
            awarded_by=awarded_by,
            memo=memo,
        )
        for rule, quantity, memo in wanted
    ]


@transaction.atomic
def order_rate(*, order: ServiceOrder, actor: Actor | None, stars: int, comment: str = "") -> ServiceOrder:
    """评单: only the resident who ordered; verifies the service, so the helper earns points."""
    if not isinstance(stars, int) or not 1 <= stars <= 5:
        raise ServiceError("请选择1到5星的评分", "stars")
    if len(comment or "") > 300:
        raise ServiceError("评价最多300字", "comment")
    locked, before = lock_and_move(order, OrderAction.RATE, actor)
    locked.rating = stars
    locked.rating_comment = (comment or "").strip()
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "rating", "rating_comment", "closed_at", "updated_at"])
    points = _verified_awards(locked, rated=True, awarded_by=None)
    order_event(locked, OrderAction.RATE, actor, before, locked.rating_comment, stars=stars, points=points)
    notice(locked.helper.person_id, f"服务单{locked.number}获得{stars}星评价,积分已发放", "rated", locked)
    record_write(actor=actor, action="service.order_rate", obj=locked, scope_path=locked.path)
    return locked


@transaction.atomic
def order_close(*, order: ServiceOrder, actor: Actor | None, note: str = "") -> ServiceOrder:
    """核实办结: staff verify a fulfilled order the resident has not rated (a phone call back)."""
    locked, before = lock_and_move(order, OrderAction.CLOSE, actor)
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at", "updated_at"])
    points = _verified_awards(locked, rated=False, awarded_by=actor)
    order_event(locked, OrderAction.CLOSE, actor, before, note, points=points)
    record_write(actor=actor, action="service.order_close", obj=locked, scope_path=locked.path)
    return locked


@transaction.atomic
def order_cancel(*, order: ServiceOrder, actor: Actor | None, reason: str = "") -> ServiceOrder:
    locked, before = lock_and_move(order, OrderAction.CANCEL, actor)
    helper_id = locked.helper_id
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at", "updated_at"])
    if before == OrderStatus.ASSIGNED:
        release_helper(helper_id)
        if locked.helper is not None:
            notice(locked.helper.person_id, f"服务单{locked.number}已取消", "cancelled", locked)
    order_event(locked, OrderAction.CANCEL, actor, before, reason)
    record_write(actor=actor, action="service.order_cancel", obj=locked, scope_path=locked.path)
    return locked
