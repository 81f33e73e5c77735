"""What a signed-in resident does on a phone: propose, comment, vote, rate."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.projects import actions, actions_vote
from gongzhi.projects.access import (
    access_proposal_for_resident,
    access_round_public,
    access_vote_public,
    resident_person,
)
from gongzhi.projects.ballot_form import choices_from_form
from gongzhi.projects.errors import ProjectError
from gongzhi.projects.workflow import Phase, VoteStatus


@login_required
def propose(request: HttpRequest, round_id: int) -> HttpResponse:
    rnd = access_round_public(round_id)
    resident_person(request.user)
    error, status = "", 200
    if request.method == "POST":
        title = request.POST.get("title", "").strip()[:80]
        description = request.POST.get("description", "").strip()[:3000]
        if not title or not description:
            error, status = _("请填写项目名称和内容"), 400
        else:
            try:
                p = actions.proposal_submit(
                    actor=request.user,
                    round=rnd,
                    title=title,
                    description=description,
                    place=request.POST.get("place", "").strip()[:120],
                )
            except ProjectError as exc:  # the form again, with what the resident wrote
                error, status = exc.message, exc.status_code
            else:
                messages.success(request, _("提议已提交，社区将进行可行性审核"))
                return redirect("projects:proposal", p.pk)
    return render(
        request, "projects/propose.html", {"round": rnd, "error": error, "form": request.POST}, status=status
    )


@require_POST
@login_required
def comment(request: HttpRequest, proposal_id: int) -> HttpResponse:
    p = access_proposal_for_resident(proposal_id)
    actions.comment_add(actor=request.user, proposal=p, body=request.POST.get("body", ""))
    return redirect("projects:proposal", p.pk)


@require_POST
@login_required
def rate(request: HttpRequest, proposal_id: int) -> HttpResponse:
    p = access_proposal_for_resident(proposal_id)
    raw = request.POST.get("rating", "")
    actions.evaluation_add(
        actor=request.user,
        proposal=p,
        rating=int(raw) if raw.isdigit() else 0,
        comment=request.POST.get("comment", ""),
    )
    messages.success(request, _("感谢您的评价"))
    return redirect("projects:proposal", p.pk)


@login_required
def ballot(request: HttpRequest, vote_id: int) -> HttpResponse:
    vote = access_vote_public(vote_id)
    person = resident_person(request.user)
    candidates = list(vote.proposals.filter(phase=Phase.VOTING).order_by("pk"))
    error, status = "", 200
    try:
        actions_vote.check_census(vote, person)
    except ProjectError as exc:  # the ballot page says why there is no form for this resident
        return render(
            request,
            "projects/ballot.html",
            {"vote": vote, "error": exc.message, "blocked": True},
            status=exc.status_code,
        )
    if request.method == "POST":
        try:
            choices = choices_from_form(vote, request.POST, candidates)
            actions_vote.ballot_cast(actor=request.user, vote=vote, choices=choices, person=person)
        except ProjectError as exc:  # the ballot again, with the reason above it
            error, status = exc.message, exc.status_code
        else:
            messages.success(request, _("投票成功。截止前您可以随时修改"))
            return redirect("projects:ballot", vote.pk)
    mine = actions_vote.my_ballot(vote, person)
    now = timezone.now()
    ctx = {
        "is_open": vote.status == VoteStatus.OPEN and vote.opens_at <= now < vote.closes_at,
        "vote": vote,
        "candidates": candidates,
        "error": error,
        "mine": mine,
        "mine_json": json.dumps(mine),
        "selected": set(mine) if isinstance(mine, list) else set(),
        "ranks": {pk: i + 1 for i, pk in enumerate(mine)} if isinstance(mine, list) else {},
        "points": {int(k): v for k, v in mine.items()} if isinstance(mine, dict) else {},
    }
    return render(request, "projects/ballot.html", ctx, status=status)
