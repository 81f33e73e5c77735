"""Every write to rounds and proposals (votes and ballots: actions_vote.py). Keyword-only, one
transaction each, the proposal row locked while its phase changes, an append-only event per change."""

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.appeals.models import Appeal
from gongzhi.core import audit
from gongzhi.core.actors import Actor
from gongzhi.core.lifecycle import history_row
from gongzhi.projects.access import acting_person, actor_id, can_manage, lives_in
from gongzhi.projects.errors import ProjectError
from gongzhi.projects.models import (
    Comment,
    Evaluation,
    Milestone,
    Proposal,
    ProposalDocument,
    ProposalEvent,
    Round,
    SourceKind,
    Spending,
)
from gongzhi.projects.workflow import BY_VOTE_ONLY, Phase, next_phase
from gongzhi.service.models import Wish


@transaction.atomic
def round_create(
    *,
    actor: Actor | None,
    community: Any,
    year: int,
    title: str,
    budget: int,
    dates: dict[str, datetime.date],
) -> Round:
    """A community's micro-project year (budget defaults to 2,000,000 yuan in the form)."""
    if budget <= 0:
        raise ProjectError(_("年度预算必须大于零"), status=422)
    if Round.objects.filter(community=community, year=year).exists():
        raise ProjectError(_("该社区本年度的微实事已经创建"), status=409)
    r = Round.objects.create(community=community, year=year, title=title, budget=budget, **dates)
    audit.record_write(actor=actor, action="projects.round_create", obj=r, scope_path=community.path)
    return r


def _event(proposal: Proposal, to: str, actor: Actor | None, note: str = "", from_phase: str = "") -> None:
    history_row(ProposalEvent, actor=actor, proposal=proposal, from_phase=from_phase, to_phase=to, note=note)


@transaction.atomic
def proposal_submit(
    *, actor: Actor | None, round: Round, title: str, description: str, place: str = ""
) -> Proposal:
    """A resident proposes during needs collection, in their own community."""
    person = acting_person(actor)
    if person is None or not lives_in(person, round.community):
        raise ProjectError(_("只有本社区居民可以提出微实事项目"), status=403)
    today = timezone.localdate()
    if not (round.collect_from <= today <= round.collect_until):
        raise ProjectError(
            _("需求征集期为 %(a)s 至 %(b)s，现在不能提交")
            % {"a": round.collect_from, "b": round.collect_until},
            status=409,
        )
    p = Proposal.objects.create(
        round=round, title=title, description=description, place=place, proposer=person
    )
    _event(p, Phase.COLLECTING, actor, _("居民提议"))
    return p


def _source(kind: str, source_id: int, community: Any) -> tuple[str, str]:
    """Title and text of the appeal, wish or hot issue being promoted, from the same community."""
    if kind == SourceKind.APPEAL or kind == SourceKind.HOT_ISSUE:
        a = Appeal.objects.filter(pk=source_id, path__startswith=community.path).first()
        if a is None:
            raise ProjectError(_("本社区没有这条诉求"), status=404)
        return a.title, a.text
    if kind == SourceKind.WISH:
        w = Wish.objects.filter(pk=source_id, path__startswith=community.path).first()
        if w is None:
            raise ProjectError(_("本社区没有这个微心愿"), status=404)
        return w.title, w.story or w.title
    raise ProjectError(_("未知的来源类型"))


@transaction.atomic
def proposal_promote(
    *, actor: Actor | None, round: Round, source_kind: str, source_id: int, title: str = ""
) -> Proposal:
    """Staff turn an appeal, a wish or a hot issue (an appeal many residents supported) into a proposal."""
    src_title, src_text = _source(source_kind, source_id, round.community)
    if Proposal.objects.filter(round=round, source_kind=source_kind, source_id=source_id).exists():
        raise ProjectError(_("这条来源已经转为本年度的项目"), status=409)
    p = Proposal.objects.create(
        round=round,
        title=(title or src_title)[:80],
        description=src_text,
        source_kind=source_kind,
        source_id=source_id,
    )
    _event(p, Phase.COLLECTING, actor, _("由%(kind)s转为项目") % {"kind": SourceKind(source_kind).label})
    audit.record_write(
        actor=actor, action="projects.proposal_promote", obj=p, scope_path=round.community.path
    )
    return p


def _lock(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().select_related("round__community").get(pk=proposal.pk)


def phase_move(p: Proposal, to: str, actor: Actor | None, note: str = "") -> None:
    """Move a locked proposal to `to` by the phase table (InvalidTransition, 409, if it may not)
    with its event; the caller saves the row."""
    from_phase, p.phase = p.phase, next_phase(p.phase, to)
    _event(p, to, actor, note, from_phase=from_phase)


@transaction.atomic
def proposal_review(
    *,
    actor: Actor | None,
    proposal: Proposal,
    feasible: bool,
    cost_estimate: int | None,
    responsible_unit: str,
    reason: str = "",
) -> Proposal:
    """Feasibility review: a cost estimate within the year's budget and a responsible unit, or a reason."""
    p = _lock(proposal)
    if p.phase == Phase.COLLECTING:
        phase_move(p, Phase.REVIEW, actor)
    if not feasible:
        if not reason.strip():
            raise ProjectError(_("不通过时必须写明理由"), status=422)
        p.rejection_reason = reason.strip()
        phase_move(p, Phase.REJECTED, actor, p.rejection_reason)
    else:
        if not cost_estimate or cost_estimate <= 0:
            raise ProjectError(_("请填写估算费用"), status=422)
        if cost_estimate > p.round.budget:
            raise ProjectError(
                _("估算费用 %(cost)s 元超过年度预算 %(budget)s 元")
                % {"cost": f"{cost_estimate:,}", "budget": f"{p.round.budget:,}"},
                status=422,
            )
        if not responsible_unit.strip():
            raise ProjectError(_("请填写责任单位"), status=422)
        p.cost_estimate, p.responsible_unit = cost_estimate, responsible_unit.strip()
        phase_move(
            p,
            Phase.DELIBERATION,
            actor,
            _("可行，估算 %(cost)s 元，责任单位：%(unit)s")
            % {"cost": f"{cost_estimate:,}", "unit": p.responsible_unit},
        )
    p.save()
    return p


@transaction.atomic
def proposal_transition(*, actor: Actor | None, proposal: Proposal, to: str, note: str = "") -> Proposal:
    """Phase changes made by hand (approval, implementation, acceptance, evaluation, closing)."""
    p = _lock(proposal)
    if to in BY_VOTE_ONLY:
        raise ProjectError(_("这一阶段由投票结果决定"), status=409)
    if to == Phase.REJECTED and not note.strip():
        raise ProjectError(_("不通过时必须写明理由"), status=422)
    if to == Phase.ACCEPTANCE and p.progress < 100:
        raise ProjectError(_("进度未到 100%，不能申请验收"), status=409)
    if to == Phase.ACCEPTANCE and p.milestones.filter(done_on__isnull=True).exists():
        raise ProjectError(_("还有未完成的节点，不能申请验收"), status=409)
    if to == Phase.IMPLEMENTATION and p.phase == Phase.APPROVED and not p.contractor:
        raise ProjectError(_("请先确定实施单位或团队"), status=409)
    phase_move(p, to, actor, note.strip())
    if to == Phase.REJECTED:
        p.rejection_reason = note.strip()
    if to == Phase.APPROVED and p.approved_budget is None:
        p.approved_budget = p.cost_estimate
    p.save()
    return p


@transaction.atomic
def proposal_plan(
    *,
    actor: Actor | None,
    proposal: Proposal,
    contractor: str,
    approved_budget: int | None = None,
    meeting_id: int | None = None,
) -> Proposal:
    p = _lock(proposal)
    if contractor:
        p.contractor = contractor.strip()[:120]
    if approved_budget is not None:
        if approved_budget <= 0:
            raise ProjectError(_("立项预算必须大于零"), status=422)
        p.approved_budget = approved_budget
    if meeting_id is not None:
        p.council_meeting_id = meeting_id
    p.save()
    return p


@transaction.atomic
def progress_set(*, actor: Actor | None, proposal: Proposal, progress: int) -> Proposal:
    p = _lock(proposal)
    if p.phase != Phase.IMPLEMENTATION:
        raise ProjectError(_("只有实施中的项目可以更新进度"), status=409)
    if not 0 <= progress <= 100:
        raise ProjectError(_("进度应在 0 到 100 之间"), status=422)
    p.progress = progress
    p.save(update_fields=["progress", "updated_at"])
    return p


@transaction.atomic
def milestone_add(*, actor: Actor | None, proposal: Proposal, title: str, due_on: datetime.date) -> Milestone:
    p = _lock(proposal)
    if p.phase not in (Phase.APPROVED, Phase.IMPLEMENTATION):
        raise ProjectError(_("立项后才能安排实施节点"), status=409)
    return Milestone.objects.create(proposal=p, title=title, due_on=due_on)


@transaction.atomic
def milestone_done(
    *, actor: Actor | None, proposal: Proposal, milestone_id: int, done_on: datetime.date | None = None
) -> Milestone:
    _lock(proposal)
    m = Milestone.objects.filter(proposal=proposal, pk=milestone_id).first()
    if m is None:
        raise ProjectError(_("没有这个节点"), status=404)
    Milestone.objects.filter(pk=m.pk, done_on__isnull=True).update(done_on=done_on or timezone.localdate())
    m.refresh_from_db()
    return m


@transaction.atomic
def spending_record(
    *, actor: Actor | None, proposal: Proposal, amount: int, note: str, spent_on: datetime.date
) -> Spending:
    """Append to the ledger; refuses to take spending past the approved budget."""
    p = _lock(proposal)
    if p.phase not in (Phase.IMPLEMENTATION, Phase.ACCEPTANCE):
        raise ProjectError(_("只有实施中的项目可以记录支出"), status=409)
    if amount == 0 or not note.strip():
        raise ProjectError(_("请填写金额和用途"), status=422)
    spent = p.spending.aggregate(s=Sum("amount"))["s"] or 0
    if p.approved_budget is not None and spent + amount > p.approved_budget:
        raise ProjectError(
            _("支出合计 %(total)s 元将超过立项预算 %(budget)s 元")
            % {"total": f"{spent + amount:,}", "budget": f"{p.approved_budget:,}"},
            status=422,
        )
    return Spending.objects.create(
        proposal=p, amount=amount, note=note.strip(), spent_on=spent_on, recorded_by_id=actor_id(actor)
    )


@transaction.atomic
def document_add(*, actor: Actor | None, proposal: Proposal, title: str, body: str) -> ProposalDocument:
    """A public document filed under the proposal's current phase (公示)."""
    p = _lock(proposal)
    return ProposalDocument.objects.create(
        proposal=p, phase=p.phase, title=title, body=body, created_by_id=actor_id(actor)
    )


@transaction.atomic
def comment_add(*, actor: Actor | None, proposal: Proposal, body: str) -> Comment:
    """Residents of the community (and staff with a person record) comment while the proposal is deliberated."""
    proposal = _lock(proposal)
    person = acting_person(actor)
    if person is None or (not lives_in(person, proposal.round.community) and not can_manage(actor)):
        raise ProjectError(_("只有本社区居民可以发表意见"), status=403)
    if proposal.phase not in (Phase.REVIEW, Phase.DELIBERATION, Phase.COLLECTING):
        raise ProjectError(_("协商议事阶段已经结束"), status=409)
    if not body.strip():
        raise ProjectError(_("意见不能为空"), status=422)
    return Comment.objects.create(proposal=proposal, author=person, body=body.strip()[:1000])


@transaction.atomic
def evaluation_add(*, actor: Actor | None, proposal: Proposal, rating: int, comment: str = "") -> Evaluation:
    """One rating per resident while the finished project is being evaluated; a second one replaces the first."""
    proposal = _lock(proposal)
    person = acting_person(actor)
    if person is None or not lives_in(person, proposal.round.community):
        raise ProjectError(_("只有本社区居民可以评价"), status=403)
    if proposal.phase != Phase.EVALUATION:
        raise ProjectError(_("项目验收后才能评价"), status=409)
    if not 1 <= rating <= 5:
        raise ProjectError(_("评分应为 1 到 5 星"), status=422)
    ev, _created = Evaluation.objects.update_or_create(
        proposal=proposal, person=person, defaults={"rating": rating, "comment": comment.strip()[:500]}
    )
    return ev
