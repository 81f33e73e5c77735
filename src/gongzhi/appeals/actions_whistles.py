"""吹哨报到 writes — blowing a whistle, reporting in, recording a part, closing it — plus the daily
close-out notes and rating exclusions. One function per write, each in one transaction, checked
against the actor's scope; administrative decisions are audited. Reads are in whistles.py."""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.appeals import actions, actions_stats
from gongzhi.appeals.access import AppealForbidden
from gongzhi.appeals.actions_sweeps import notify_officers, notify_org
from gongzhi.appeals.lifecycle import StatDelta
from gongzhi.appeals.models import (
    Appeal,
    ConsultNote,
    Rating,
    RatingExclusion,
    ReportIn,
    Satisfaction,
    Whistle,
)
from gongzhi.appeals.whistles import (
    HANDLING_KINDS,
    MAX_REPORT_IN_MINUTES,
    MIN_REPORT_IN_MINUTES,
    WhistleError,
    may_blow,
)
from gongzhi.appeals.workflow import Action
from gongzhi.core.audit import record_write
from gongzhi.core.scoping import get_scope


@transaction.atomic
def whistle_blow(
    *,
    actor: User,
    kind: str,
    territory: Any,
    reason: str,
    lead_department: Any,
    co_departments: list[Any] | tuple[Any, ...] = (),
    appeals: list[Appeal] | tuple[Appeal, ...] = (),
    report_in_minutes: int = 30,
) -> Whistle:
    """吹哨: name a lead department and co-handlers, each to report in within the minutes given."""
    if not may_blow(actor, territory.path):
        raise AppealForbidden("您无权在该区域吹哨")
    reason = reason.strip()
    if kind not in Whistle.Kind.values:
        raise WhistleError("请选择重点哨或攻坚哨")
    if not reason:
        raise WhistleError("请填写吹哨事由")
    if not MIN_REPORT_IN_MINUTES <= report_in_minutes <= MAX_REPORT_IN_MINUTES:
        raise WhistleError("报到时限应在5分钟到24小时之间")
    if lead_department is None or lead_department.kind not in HANDLING_KINDS:
        raise WhistleError("请选择牵头部门")
    departments = [lead_department, *[d for d in co_departments if d.pk != lead_department.pk]]
    departments = list({d.pk: d for d in departments}.values())
    if any(d.kind not in HANDLING_KINDS for d in departments):
        raise WhistleError("协办单位须为职能部门或物业企业")
    now = timezone.now()
    whistle = Whistle.objects.create(
        kind=kind,
        territory=territory,
        path=territory.path,
        reason=reason[:500],
        lead_department=lead_department,
        blown_by=actor if getattr(actor, "pk", None) else None,
    )
    due = now + datetime.timedelta(minutes=report_in_minutes)
    ReportIn.objects.bulk_create(
        [
            ReportIn(whistle=whistle, department=d, is_lead=d.pk == lead_department.pk, due_at=due)
            for d in departments
        ]
    )
    for appeal in appeals:
        if not (appeal.path or "").startswith(territory.path):
            raise WhistleError(f"诉求{appeal.number}不在吹哨区域内")
        actions.transition(
            appeal=appeal, action=Action.WHISTLE, actor=actor, note=reason[:200], whistle_id=whistle.pk
        )
        whistle.appeals.add(appeal)
    label = whistle.get_kind_display()
    for d in departments:
        role = "牵头" if d.pk == lead_department.pk else "协办"
        notify_org(
            d.pk, kind="whistle", text=f"{label}({role}):{reason[:80]},请在{report_in_minutes}分钟内报到"
        )
    record_write(
        actor=actor,
        action="appeals.whistle_blow",
        obj=whistle,
        scope_path=whistle.path,
        detail={"departments": [d.pk for d in departments], "appeals": [a.pk for a in appeals]},
    )
    return whistle


def _locked_report_in(actor: User, row: ReportIn) -> ReportIn:
    locked = ReportIn.objects.select_for_update(of=("self",)).select_related("whistle").get(pk=row.pk)
    if locked.department_id not in get_scope(actor).org_ids and not get_scope(actor).is_global:
        raise AppealForbidden("只有被点名部门的办理人可以报到")
    if locked.whistle.state != Whistle.State.OPEN:
        raise WhistleError("该哨已销号", status=409)
    return locked


@transaction.atomic
def report_in(*, actor: User, report_in_row: ReportIn) -> ReportIn:
    """报到: a handler of the named department answers the whistle; late if after due_at."""
    locked = _locked_report_in(actor, report_in_row)
    if locked.reported_at is not None:
        raise WhistleError("本部门已报到", status=409)
    locked.reported_at = timezone.now()
    locked.reported_by = actor
    locked.save(update_fields=["reported_at", "reported_by"])
    return locked


@transaction.atomic
def record_part(*, actor: User, report_in_row: ReportIn, text: str) -> ReportIn:
    """Record (or update) what the department has taken on; reporting in comes first."""
    text = text.strip()
    if not text:
        raise WhistleError("请填写承担的工作")
    locked = _locked_report_in(actor, report_in_row)
    if locked.reported_at is None:
        raise WhistleError("请先报到", status=409)
    locked.part = text[:2000]
    locked.save(update_fields=["part"])
    return locked


@transaction.atomic
def whistle_close(*, actor: User, whistle: Whistle) -> Whistle:
    """销号: the whistle is done; report-ins still missing stay on record as missing."""
    locked = Whistle.objects.select_for_update(of=("self",)).get(pk=whistle.pk)
    if not may_blow(actor, locked.path):
        raise AppealForbidden("您无权销号")
    if locked.state != Whistle.State.OPEN:
        raise WhistleError("该哨已销号", status=409)
    locked.state = Whistle.State.CLOSED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["state", "closed_at", "updated_at"])
    record_write(actor=actor, action="appeals.whistle_close", obj=locked, scope_path=locked.path)
    return locked


@transaction.atomic
def consult_note_add(*, actor: User, street: Any, day: datetime.date, kind: str, text: str) -> ConsultNote:
    """日会商 / 日反馈 note in the street's daily close-out ledger."""
    if not get_scope(actor).can("blow_whistle", street.path):
        raise AppealForbidden("您无权填写该街道的日销账")
    text = text.strip()
    if kind not in {"consult", "feedback"} or not text:
        raise WhistleError("请选择会商或反馈并填写内容")
    return ConsultNote.objects.create(street=street, day=day, kind=kind, text=text[:4000], author=actor)


# --- rating exclusions (剔除恶意评价) -----------------------------------------------------------


@transaction.atomic
def exclusion_request(*, actor: User, rating: Rating, reason: str) -> RatingExclusion:
    """A handler of the rated department applies to exclude a malicious rating."""
    scope = get_scope(actor)
    if rating.department_id not in scope.org_ids and not scope.is_global:
        raise AppealForbidden("只有被评价部门可以申请剔除")
    reason = reason.strip()
    if not reason:
        raise WhistleError("请填写申请剔除的理由")
    if RatingExclusion.objects.filter(rating=rating).exists():
        raise WhistleError("该评价已申请过剔除", status=409)
    row = RatingExclusion.objects.create(rating=rating, reason=reason[:500], requested_by=actor)
    notify_officers(
        rating.appeal.path,
        kind="exclusion_request",
        text=f"剔除评价申请:{rating.appeal.number}",
        appeal=rating.appeal,
    )
    return row


@transaction.atomic
def exclusion_decide(*, actor: User, exclusion: RatingExclusion, approve: bool) -> RatingExclusion:
    """A street officer decides; approval marks the rating excluded and takes it out of DailyStat
    in the same transaction (F() decrements), so the rollup stays equal to a recount."""
    locked = (
        RatingExclusion.objects.select_for_update(of=("self",))
        .select_related("rating__appeal")
        .get(pk=exclusion.pk)
    )
    appeal = locked.rating.appeal
    if not get_scope(actor).can("approve_appeal_exceptions", appeal.path):
        raise AppealForbidden("您无权审批剔除申请")
    if locked.state != RatingExclusion.State.PENDING:
        raise WhistleError("该申请已审批", status=409)
    locked.state = RatingExclusion.State.APPROVED if approve else RatingExclusion.State.REFUSED
    locked.decided_by = actor
    locked.save(update_fields=["state", "decided_by", "updated_at"])
    if approve:
        rating = Rating.objects.select_for_update(of=("self",)).get(pk=locked.rating_id)
        if not rating.excluded:
            rating.excluded = True
            rating.save(update_fields=["excluded"])
            happy = rating.satisfaction != Satisfaction.UNSATISFIED
            assert rating.department_id is not None, "a rating is of a department's reply"
            actions_stats.add(
                StatDelta(
                    timezone.localdate(rating.at),
                    rating.department_id,
                    appeal.community_id,
                    appeal.street_id,
                    {"rated": -1, "solved": -int(rating.solved), "satisfied": -int(happy)},
                )
            )
    record_write(
        actor=actor,
        action="appeals.rating_exclusion_" + ("approve" if approve else "refuse"),
        obj=locked,
        scope_path=appeal.path,
        reason=locked.reason,
        detail={"rating": locked.rating_id, "appeal": appeal.pk},
    )
    return locked
