"""The community staff desk: rounds, feasibility review, deliberation, votes (paper entry, count,
publish), implementation. Objects only through access_* (404 outside the staff member's scope)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from gongzhi.core.errors import Refusal
from gongzhi.projects import actions, actions_vote, queries, tally
from gongzhi.projects.access import access_proposal, access_round, access_vote, can_manage
from gongzhi.projects.ballot_form import choices_from_form
from gongzhi.projects.errors import ProjectError
from gongzhi.projects.models import Proposal, Round, SourceKind, Vote
from gongzhi.projects.models.proposal import DEFAULT_BUDGET
from gongzhi.projects.workflow import BY_VOTE_ONLY, PHASE_TABLE, BallotType, Phase, Rule


def _staff(request: HttpRequest) -> None:
    if not can_manage(request.user):
        raise Http404


def _int(value: str | None) -> int | None:
    value = (value or "").replace(",", "").strip()
    return int(value) if value.isdigit() else None


def _date(value: str | None) -> datetime.date:
    d = parse_date((value or "").strip())
    if d is None:
        raise ProjectError(_("日期格式应为 YYYY-MM-DD"))
    return d


def _dt(value: str | None) -> datetime.datetime:
    d = parse_datetime((value or "").strip().replace("T", " "))
    if d is None:
        raise ProjectError(_("时间格式应为 YYYY-MM-DD HH:MM"))
    return timezone.make_aware(d) if timezone.is_naive(d) else d


def _desk_post(request: HttpRequest, act: Callable[[], HttpResponse]) -> tuple[HttpResponse | None, str, int]:
    """A desk form's POST: the action's redirect, or (None, message, status) for a refusal, which
    the desk shows beside its forms (#action-error) with the refusal's status."""
    if request.method != "POST":
        return None, "", 200
    try:
        return act(), "", 200
    except Refusal as exc:  # the desk re-renders with the message beside its forms
        return None, exc.message, exc.status_code


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    _staff(request)
    communities = queries.managed_communities(request.user)

    def create() -> HttpResponse:
        community_id = _int(request.POST.get("community"))
        community = next((c for c in communities if c.pk == community_id), None)
        if community is None:
            raise ProjectError(_("请选择社区"))
        year = _int(request.POST.get("year")) or timezone.localdate().year
        rnd = actions.round_create(
            actor=request.user,
            community=community,
            year=year,
            title=request.POST.get("title", "").strip()[:120] or f"{community.name}{year}年民生微实事",
            budget=_int(request.POST.get("budget")) or DEFAULT_BUDGET,
            dates={
                k: _date(request.POST.get(k))
                for k in ("collect_from", "collect_until", "review_until", "deliberate_until")
            },
        )
        return redirect("projects:manage_round", rnd.pk)

    done, error, status = _desk_post(request, create)
    if done:
        return done
    rounds = queries.managed_rounds(request.user)
    return render(
        request,
        "projects/manage.html",
        {"rounds": rounds, "communities": communities, "error": error, "default_budget": DEFAULT_BUDGET},
        status=status,
    )


def _promote(request: HttpRequest, rnd: Round) -> HttpResponse:
    p = actions.proposal_promote(
        actor=request.user,
        round=rnd,
        source_kind=request.POST.get("source_kind", ""),
        source_id=_int(request.POST.get("source_id")) or 0,
        title=request.POST.get("title", "").strip(),
    )
    return redirect("projects:manage_proposal", p.pk)


def _vote_create(request: HttpRequest, rnd: Round) -> HttpResponse:
    area = queries.managed_area(request.user, _int(request.POST.get("area")))
    vote = actions_vote.vote_create(
        actor=request.user,
        round=rnd,
        title=request.POST.get("title", "").strip()[:120] or rnd.title,
        area=area or rnd.community,
        ballot_type=request.POST.get("ballot_type", BallotType.APPROVAL),
        rule=request.POST.get("rule", Rule.MES),
        opens_at=_dt(request.POST.get("opens_at")),
        closes_at=_dt(request.POST.get("closes_at")),
        allowance=_int(request.POST.get("allowance")) or 10,
        max_choices=_int(request.POST.get("max_choices")),
        budget=_int(request.POST.get("budget")),
    )
    return redirect("projects:manage_vote", vote.pk)


@login_required
def manage_round(request: HttpRequest, round_id: int) -> HttpResponse:
    rnd = access_round(request.user, round_id)
    act = _promote if request.POST.get("op") == "promote" else _vote_create
    done, error, status = _desk_post(request, lambda: act(request, rnd))
    if done:
        return done
    ctx = queries.round_overview(rnd)
    ctx.update(
        error=error,
        source_kinds=[(k, v) for k, v in SourceKind.choices if k in ("appeal", "wish", "hot_issue")],
        ballot_types=BallotType.choices,
        rules=Rule.choices,
        all_proposals=rnd.proposals.order_by("pk"),
    )
    return render(request, "projects/manage_round.html", ctx, status=status)


def _op_review(request: HttpRequest, p: Proposal) -> None:
    actions.proposal_review(
        actor=request.user,
        proposal=p,
        feasible=request.POST.get("feasible") == "1",
        cost_estimate=_int(request.POST.get("cost_estimate")),
        responsible_unit=request.POST.get("responsible_unit", ""),
        reason=request.POST.get("reason", ""),
    )


def _op_move(request: HttpRequest, p: Proposal) -> None:
    actions.proposal_transition(
        actor=request.user, proposal=p, to=request.POST.get("to", ""), note=request.POST.get("note", "")
    )


def _op_plan(request: HttpRequest, p: Proposal) -> None:
    actions.proposal_plan(
        actor=request.user,
        proposal=p,
        contractor=request.POST.get("contractor", ""),
        approved_budget=_int(request.POST.get("approved_budget")),
        meeting_id=_int(request.POST.get("meeting_id")),
    )


def _op_milestone(request: HttpRequest, p: Proposal) -> None:
    actions.milestone_add(
        actor=request.user,
        proposal=p,
        title=request.POST.get("title", "").strip()[:120] or "—",
        due_on=_date(request.POST.get("due_on")),
    )


def _op_milestone_done(request: HttpRequest, p: Proposal) -> None:
    actions.milestone_done(
        actor=request.user, proposal=p, milestone_id=_int(request.POST.get("milestone")) or 0
    )


def _op_progress(request: HttpRequest, p: Proposal) -> None:
    value = _int(request.POST.get("progress"))
    actions.progress_set(actor=request.user, proposal=p, progress=-1 if value is None else value)


def _op_spending(request: HttpRequest, p: Proposal) -> None:
    raw = (request.POST.get("amount") or "").replace(",", "").strip()
    amount = int(raw) if raw.lstrip("-").isdigit() else 0
    actions.spending_record(
        actor=request.user,
        proposal=p,
        amount=amount,
        note=request.POST.get("note", ""),
        spent_on=_date(request.POST.get("spent_on")),
    )


def _op_document(request: HttpRequest, p: Proposal) -> None:
    title, body = request.POST.get("title", "").strip()[:120], request.POST.get("body", "").strip()
    if not title or not body:
        raise ProjectError(_("请填写标题和内容"))
    actions.document_add(actor=request.user, proposal=p, title=title, body=body)


def _op_comment(request: HttpRequest, p: Proposal) -> None:
    actions.comment_add(actor=request.user, proposal=p, body=request.POST.get("body", ""))


OPS: dict[str, Callable[[HttpRequest, Proposal], None]] = {
    "review": _op_review,
    "move": _op_move,
    "plan": _op_plan,
    "milestone": _op_milestone,
    "milestone_done": _op_milestone_done,
    "progress": _op_progress,
    "spending": _op_spending,
    "document": _op_document,
    "comment": _op_comment,
}


def _unknown_op(request: HttpRequest, obj: Any) -> None:
    raise ProjectError(_("未知操作"))


@dataclass(frozen=True)
class _Desk:
    """A staff desk page: the ops its forms post, its url name and template, what it shows."""

    ops: dict[str, Callable[[HttpRequest, Any], Any]]
    page: str
    template: str
    context: Callable[[Any], dict[str, Any]]


def _desk_page(request: HttpRequest, desk: _Desk, obj: Any) -> HttpResponse:
    """A POST runs the desk's `op` ("saved" and back to the page); the page shows the desk's context
    and, after a refusal, its message with its status (the object read again: the action rolled back)."""
    op = desk.ops.get(request.POST.get("op", ""), _unknown_op)

    def act() -> HttpResponse:
        op(request, obj)
        messages.success(request, _("已保存"))
        return redirect(desk.page, obj.pk)

    done, error, status = _desk_post(request, act)
    if done:
        return done
    if error:
        obj.refresh_from_db()
    return render(request, desk.template, {**desk.context(obj), "error": error}, status=status)


def _proposal_desk(p: Proposal) -> dict[str, Any]:
    nexts = [(ph, Phase(ph).label) for ph in PHASE_TABLE.allowed(p.phase) if ph not in BY_VOTE_ONLY]
    return queries.proposal_page(p) | {"next_phases": nexts, "Phase": Phase, "today": timezone.localdate()}


PROPOSAL_DESK = _Desk(OPS, "projects:manage_proposal", "projects/manage_proposal.html", _proposal_desk)


@login_required
def manage_proposal(request: HttpRequest, proposal_id: int) -> HttpResponse:
    p = access_proposal(request.user, proposal_id)
    return _desk_page(request, PROPOSAL_DESK, p)


def _paper(request: HttpRequest, vote: Vote) -> None:
    sheet = _int(request.POST.get("sheet_no"))
    if not sheet:
        raise ProjectError(_("请填写选票编号"))
    candidates = list(vote.proposals.order_by("pk"))
    actions_vote.paper_enter(
        actor=request.user,
        vote=vote,
        sheet_no=sheet,
        choices=choices_from_form(vote, request.POST, candidates),
    )


def _op_open(request: HttpRequest, vote: Vote) -> None:
    proposal_ids = [int(x) for x in request.POST.getlist("proposal") if x.isdigit()]
    actions_vote.vote_open(actor=request.user, vote=vote, proposal_ids=proposal_ids)


VOTE_OPS: dict[str, Callable[[HttpRequest, Vote], Any]] = {
    "open": _op_open,
    "paper": _paper,
    "count": lambda request, vote: actions_vote.vote_count(actor=request.user, vote=vote),
    "publish": lambda request, vote: actions_vote.vote_publish(actor=request.user, vote=vote),
}


def _vote_desk(vote: Vote) -> dict[str, Any]:
    agreed, mismatched = tally.paper_sheets(vote)
    return {
        "vote": vote,
        "turnout": queries.turnout(vote),
        "mismatched": mismatched,
        "paper_agreed": len(agreed),
        "candidates": list(vote.proposals.order_by("pk")),
        "deliberated": list(vote.round.proposals.filter(phase=Phase.DELIBERATION).order_by("pk")),
        "results": queries.results(vote),
    }


VOTE_DESK = _Desk(VOTE_OPS, "projects:manage_vote", "projects/manage_vote.html", _vote_desk)


@login_required
def manage_vote(request: HttpRequest, vote_id: int) -> HttpResponse:
    return _desk_page(request, VOTE_DESK, access_vote(request.user, vote_id))
