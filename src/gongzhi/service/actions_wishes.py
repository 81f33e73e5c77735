"""Small wishes (微心愿): recorded by staff, claimed by a member, a team or a partner unit, fulfilled
with evidence. A claim is one conditional UPDATE (… WHERE status = 'open'): of two claims at once
exactly one changes the row, the other sees 0 rows and gets InvalidTransition (HTTP 409)."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongzhi.core import uploads
from gongzhi.core.actors import Actor
from gongzhi.core.audit import actor_label, record_write
from gongzhi.core.lifecycle import history_row, transition
from gongzhi.service.access import ServiceForbidden, may_manage
from gongzhi.service.actions import ServiceError, Upload, award, check_images, parse_hours, sniff_image
from gongzhi.service.models import HelperTeam, Wish, WishEvent
from gongzhi.service.models.wishes import ClaimantKind, NeedGroup, Urgency
from gongzhi.service.workflow import WISH_TABLE, WishStatus

MAX_BUDGET = Decimal("5000")


def wish_event(wish: Wish, actor: Actor | None, before: str, note: str = "") -> None:
    """Append the wish's history row for a move from `before` (a sweep passes actor=None)."""
    history_row(
        WishEvent,
        actor=actor,
        actor_label=actor_label(actor),  # the audit log's label ("系统" for a sweep)
        wish_id=wish.pk,
        from_status=before,
        to_status=wish.status,
        note=note[:500],
    )


@transaction.atomic
def wish_create(
    *,
    actor: Actor,
    beneficiary: Any,
    group: str,
    title: str,
    story: str,
    urgency: str,
    due_on: date,
    budget: Any,
) -> Wish:
    community = beneficiary.household.community() if beneficiary.household_id else None
    if community is None:
        raise ServiceError("该居民没有登记住址,无法确定所属社区", "beneficiary")
    if not may_manage(actor, community.path):
        raise ServiceForbidden("您无权为该社区登记微心愿")
    if group not in NeedGroup.values:
        raise ServiceError("请选择对象类别", "group")
    if urgency not in Urgency.values:
        raise ServiceError("请选择紧急程度", "urgency")
    title = (title or "").strip()
    if not title or len(title) > 60:
        raise ServiceError("请填写心愿(最多60字)", "title")
    if beneficiary.name and (beneficiary.name in title or beneficiary.name in (story or "")):
        raise ServiceError("心愿墙公开展示,心愿和说明中不能出现受助人姓名", "story")
    if due_on < timezone.localdate():
        raise ServiceError("完成时限不能早于今天", "due_on")
    try:
        amount = Decimal(str(budget)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ServiceError("预算应为金额(元)", "budget") from exc
    if not Decimal("0") <= amount <= MAX_BUDGET:
        raise ServiceError(f"预算应在0到{MAX_BUDGET}元之间", "budget")
    wish = Wish.objects.create(
        community=community,
        path=community.path,
        beneficiary=beneficiary,
        group=group,
        title=title,
        story=(story or "").strip()[:300],
        urgency=urgency,
        due_on=due_on,
        budget=amount,
    )
    wish_event(wish, actor, "")
    record_write(actor=actor, action="service.wish_create", obj=wish, scope_path=wish.path)
    return wish


@transaction.atomic
def wish_claim(
    *,
    wish: Wish,
    actor: Actor | None,
    kind: str,
    person: Any = None,
    team: HelperTeam | None = None,
    organisation: Any = None,
) -> Wish:
    """认领. A member claims as themself; staff record a claim by a team or a partner unit."""
    if kind == ClaimantKind.MEMBER:
        if person is None:
            raise ServiceError("请先登录后再认领", "kind")
        if not (hasattr(person, "party_member") or person.helper_roles.filter(active=True).exists()):
            raise ServiceForbidden("微心愿由党员、服务队员认领;居民可联系社区报名志愿者")
        team = organisation = None
    elif kind == ClaimantKind.TEAM:
        if team is None or team.community_id != wish.community_id:
            raise ServiceError("请选择本社区的服务队", "team")
        if not may_manage(actor, wish.path):
            raise ServiceForbidden("只有社区工作人员可以代服务队认领")
        person = organisation = None
    elif kind == ClaimantKind.UNIT:
        if organisation is None or organisation.kind not in {
            "partner_unit",
            "resident_unit",
            "social_org",
            "merchant",
        }:
            raise ServiceError("请选择共建单位", "organisation")
        if not may_manage(actor, wish.path):
            raise ServiceForbidden("只有社区工作人员可以代共建单位认领")
        person = team = None
    else:
        raise ServiceError("请选择认领方", "kind")
    now = timezone.now()
    won = Wish.objects.filter(pk=wish.pk, status=WishStatus.OPEN, due_on__gte=timezone.localdate()).update(
        status=WishStatus.CLAIMED,
        claimant_kind=kind,
        claimant_person=person,
        claimant_team=team,
        claimant_org=organisation,
        claimed_at=now,
        updated_at=now,
    )
    if not won:
        current = Wish.objects.filter(pk=wish.pk).values_list("status", flat=True).first() or WishStatus.OPEN
        if current == WishStatus.OPEN:
            raise ServiceError("该心愿已过完成时限,不能认领", "wish")
        raise WISH_TABLE.refuse(current, WishStatus.CLAIMED)
    wish.refresh_from_db()
    wish_event(wish, actor, WishStatus.OPEN, wish.claimant_label)
    record_write(
        actor=actor, action="service.wish_claim", obj=wish, scope_path=wish.path, detail={"kind": kind}
    )
    return wish


def may_fulfil(actor: Actor, wish: Wish) -> bool:
    person_id = getattr(getattr(actor, "person", None), "pk", None)
    return may_manage(actor, wish.path) or (
        wish.claimant_person_id is not None and wish.claimant_person_id == person_id
    )


@transaction.atomic
def wish_fulfil(*, wish: Wish, actor: Actor, note: str, photo: Upload | None, hours: Any = None) -> Wish:
    if not (note or "").strip():
        raise ServiceError("请填写心愿实现情况", "note")
    check_images([photo] if photo else [], required=True)
    locked = Wish.objects.select_for_update().get(pk=wish.pk)
    if not may_fulfil(actor, locked):
        raise ServiceForbidden("只有认领人或社区工作人员可以登记心愿实现")
    transition(WISH_TABLE, locked, WishStatus.FULFILLED)
    locked.fulfilled_at = timezone.now()
    locked.fulfil_note = note.strip()[:500]
    locked.hours = parse_hours(hours, Decimal("1"))
    stored = uploads.stored_file(photo.content, sniff_image(photo.content) or "")
    locked.evidence.save(stored.name, stored, save=False)  # the name decides the served type
    locked.save()
    wish_event(locked, actor, WishStatus.CLAIMED, locked.fulfil_note)
    if locked.claimant_person_id is not None:
        award(
            rule="wish_fulfilled",
            recipient=locked.claimant_person,
            source=f"service.wish:{locked.pk}",
            community=locked.community,
            awarded_by=actor if may_manage(actor, locked.path) else None,
            memo=locked.title,
        )
    record_write(actor=actor, action="service.wish_fulfil", obj=locked, scope_path=locked.path)
    return locked


@transaction.atomic
def wish_release(*, wish: Wish, actor: Actor, reason: str) -> Wish:
    """The claimant (or staff) gives a claimed wish back to the wall."""
    locked = Wish.objects.select_for_update().get(pk=wish.pk)
    if not may_fulfil(actor, locked):
        raise ServiceForbidden("只有认领人或社区工作人员可以退回认领")
    transition(WISH_TABLE, locked, WishStatus.OPEN)
    locked.claimant_kind = ""
    locked.claimant_person = locked.claimant_team = locked.claimant_org = None
    locked.claimed_at = None
    locked.save()
    wish_event(locked, actor, WishStatus.CLAIMED, reason)
    record_write(actor=actor, action="service.wish_release", obj=locked, scope_path=locked.path)
    return locked


def expire_wishes(now: Any = None) -> int:
    """Sweep: open wishes past their time limit leave the wall (conditional UPDATE; idempotent)."""
    today = timezone.localdate(now) if now else timezone.localdate()
    count = 0
    for pk in Wish.objects.filter(status=WishStatus.OPEN, due_on__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            if Wish.objects.filter(pk=pk, status=WishStatus.OPEN).update(status=WishStatus.EXPIRED):
                wish_event(Wish(pk=pk, status=WishStatus.EXPIRED), None, WishStatus.OPEN, "超过完成时限")
                count += 1
    return count
