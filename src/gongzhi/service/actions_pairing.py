"""Pairing (结对帮扶) of party members with elderly people living alone, and the visit log."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.core.actors import Actor
from gongzhi.core.audit import record_write
from gongzhi.people.models import Tag
from gongzhi.service.access import ServiceForbidden, may_manage
from gongzhi.service.actions import ServiceError, award, insert_once, parse_hours
from gongzhi.service.models import Pairing, PairingAlert, Visit

ELIGIBLE_TAGS = {Tag.ELDERLY_ALONE, Tag.EMPTY_NEST}


@transaction.atomic
def pairing_create(*, actor: Actor, member: Any, elder: Any, interval_days: int = 7) -> Pairing:
    community = elder.household.community() if elder.household_id else None
    if community is None:
        raise ServiceError("该老人没有登记住址", "elder")
    if not may_manage(actor, community.path):
        raise ServiceForbidden("您无权管理该社区的结对")
    if not elder.tags.filter(tag__in=ELIGIBLE_TAGS).exists():
        raise ServiceError("结对对象应为标注为独居或空巢的老人", "elder")
    if member.person_id == elder.pk:
        raise ServiceError("不能与自己结对", "member")
    if not 1 <= int(interval_days) <= 60:
        raise ServiceError("探访间隔应在1到60天之间", "interval_days")
    today = timezone.localdate()
    pairing = insert_once(
        Pairing(
            member=member,
            elder=elder,
            community=community,
            path=community.path,
            branch=member.branch,
            interval_days=int(interval_days),
            started_on=today,
            next_due_on=today,
        ),
        ServiceError("这位党员已与该老人结对", "elder"),
    )
    pairing.next_due_on = pairing.due_after(today)
    pairing.save(update_fields=["next_due_on"])
    record_write(actor=actor, action="service.pairing_create", obj=pairing, scope_path=pairing.path)
    return pairing


@transaction.atomic
def visit_log(*, actor: Actor, pairing: Pairing, visited_on: date, note: str, hours: Any = None) -> Visit:
    """The member (or staff) logs a visit; the next due date moves on and open alerts resolve."""
    person_id = getattr(getattr(actor, "person", None), "pk", None)
    locked = Pairing.objects.select_for_update().select_related("member", "community").get(pk=pairing.pk)
    if not (may_manage(actor, locked.path) or locked.member.person_id == person_id):
        raise ServiceForbidden("只有结对党员或社区工作人员可以登记探访")
    if locked.ended_on is not None:
        raise ServiceError("该结对已解除", "pairing")
    today = timezone.localdate()
    if visited_on > today or visited_on < locked.started_on:
        raise ServiceError("探访日期应在结对开始之后、今天之前", "visited_on")
    if not (note or "").strip():
        raise ServiceError("请填写探访情况", "note")
    visit = Visit.objects.create(
        pairing=locked,
        visited_on=visited_on,
        hours=parse_hours(hours, Decimal("1")),
        note=note.strip()[:500],
        recorded_by=actor if isinstance(actor, User) else None,
    )
    if locked.last_visit_on is None or visited_on > locked.last_visit_on:
        locked.last_visit_on = visited_on
        locked.next_due_on = locked.due_after(visited_on)
        locked.save(update_fields=["last_visit_on", "next_due_on", "updated_at"])
    PairingAlert.objects.filter(pairing=locked, resolved_at=None, due_on__lte=visited_on).update(
        resolved_at=timezone.now()
    )
    award(
        rule="pairing_visit",
        recipient=locked.member.person,
        source=f"service.visit:{visit.pk}",
        community=locked.community,
        awarded_by=actor if locked.member.person_id != person_id else None,
        memo=f"探访 {visited_on:%Y-%m-%d}",
    )
    record_write(actor=actor, action="service.visit_log", obj=locked, scope_path=locked.path)
    return visit


@transaction.atomic
def pairing_end(*, actor: Actor, pairing: Pairing) -> Pairing:
    if not may_manage(actor, pairing.path):
        raise ServiceForbidden("您无权管理该社区的结对")
    locked = Pairing.objects.select_for_update().get(pk=pairing.pk)
    if locked.ended_on is None:
        locked.ended_on = timezone.localdate()
        locked.save(update_fields=["ended_on", "updated_at"])
        PairingAlert.objects.filter(pairing=locked, resolved_at=None).update(resolved_at=timezone.now())
    record_write(actor=actor, action="service.pairing_end", obj=locked, scope_path=locked.path)
    return locked
