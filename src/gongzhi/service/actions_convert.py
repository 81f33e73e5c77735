"""An order that is really a government matter becomes an appeal (接诉即办), and an appeal that is
really a neighbourly service becomes an order — each side keeps a link and a history event.

order → appeal: the order moves to `converted` (OrderEvent with the appeal number); the appeal is
created through the appeals intake (the ordinary routing and clocks apply; idempotent on the
order) and gets a NOTE event naming the order.
appeal → order: only an appeal nobody has started on (submitted or accepted); the order is created
with `from_appeal`; the appeal is closed as not accepted (不予受理) with the reason "转为服务单 …",
plus a NOTE event naming the order. One order per appeal (unique constraint)."""

from django.db import IntegrityError, transaction

from gongzhi.appeals import actions as appeal_actions
from gongzhi.appeals.intake import IntakeError, appeal_submit
from gongzhi.appeals.models import Appeal, Channel
from gongzhi.appeals.workflow import Action, Status
from gongzhi.core.actors import Actor
from gongzhi.core.audit import record_write
from gongzhi.service.actions import ServiceError, lock_and_move, order_event, order_submit, release_helper
from gongzhi.service.geo import building_of, point_of
from gongzhi.service.models import ServiceItem, ServiceOrder
from gongzhi.service.workflow import OrderAction, OrderStatus


def _note(appeal: Appeal, actor: Actor, note: str, order: ServiceOrder) -> None:
    """The appeal's NOTE event naming the order on the other side."""
    appeal_actions.transition(
        appeal=appeal, action=Action.NOTE, actor=actor, note=note, service_order=order.pk
    )


def _audit(actor: Actor, action: str, order: ServiceOrder, appeal: Appeal) -> None:
    record_write(
        actor=actor, action=action, obj=order, scope_path=order.path, detail={"appeal": appeal.number}
    )


@transaction.atomic
def order_to_appeal(*, order: ServiceOrder, actor: Actor, reason: str) -> tuple[ServiceOrder, Appeal]:
    if not (reason or "").strip():
        raise ServiceError("请说明为什么转为诉求(例如属于政府职能部门的事项)", "reason")
    locked, before = lock_and_move(order, OrderAction.CONVERT, actor)
    point = point_of(locked.building) if locked.building_id else None
    text = f"{locked.description}\n【由红小二服务单{locked.number}({locked.item.name})转入:{reason.strip()}】"
    try:
        result = appeal_submit(
            actor=actor,
            channel=Channel.RESIDENT_APP if locked.resident_id else Channel.VISIT,
            submitter=locked.resident,
            text=text,
            title=f"{locked.item.name}:{locked.description[:40]}",
            lon=point[0] if point else None,
            lat=point[1] if point else None,
            address_text="" if point else locked.community.name,
            fallback_territory=locked.building or locked.community,
            idempotency_key=f"service.order:{locked.pk}",
        )
    except IntakeError as exc:
        raise ServiceError(str(exc), "reason") from exc
    appeal = result.appeal
    _note(appeal, actor, f"由红小二服务单{locked.number}转入", locked)
    locked.appeal = appeal
    locked.save(update_fields=["status", "appeal", "updated_at"])
    if before == OrderStatus.ASSIGNED:
        release_helper(locked.helper_id)
    order_event(
        locked, OrderAction.CONVERT, actor, before, reason.strip(), appeal_id=appeal.pk, appeal=appeal.number
    )
    _audit(actor, "service.order_to_appeal", locked, appeal)
    return locked, appeal


@transaction.atomic
def appeal_to_order(*, appeal: Appeal, actor: Actor, item: ServiceItem, note: str = "") -> ServiceOrder:
    if appeal.status not in {Status.SUBMITTED, Status.ACCEPTED}:
        raise ServiceError("只有尚未派单的诉求可以转为服务单", "appeal")
    if appeal.community_id is None or not appeal.path.startswith(item.path):
        raise ServiceError("服务项目必须属于诉求所在社区", "item")
    territory = appeal.territory
    building = building_of(territory) if territory is not None else None
    try:
        with transaction.atomic():
            order = order_submit(
                actor=actor,
                resident=appeal.submitter,
                item=item,
                building=building,
                description=f"{appeal.title}\n{appeal.text}"[:1000],
                from_appeal=appeal,
            )
    except IntegrityError as exc:
        raise ServiceError("该诉求已转为服务单", "appeal") from exc
    reason = f"转为红小二服务单{order.number},由社区服务队办理" + (f":{note.strip()}" if note.strip() else "")
    appeal_actions.appeal_reject(appeal=appeal, actor=actor, reason=reason)
    _note(appeal, actor, f"已转为红小二服务单{order.number}", order)
    _audit(actor, "service.appeal_to_order", order, appeal)
    return order


__all__ = ["appeal_to_order", "order_to_appeal", "OrderStatus"]
