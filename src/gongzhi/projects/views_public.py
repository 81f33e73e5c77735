"""Public pages (公示): anyone reads every phase and its documents without signing in; no personal
data (proposers and commenters masked as 王**, no phones, no addresses, no ballots)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongzhi.projects import queries
from gongzhi.projects.access import (
    access_proposal_public,
    access_round_public,
    access_vote_public,
    can_manage,
)
from gongzhi.projects.workflow import Phase, VoteStatus


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    rounds = queries.public_rounds()
    return render(request, "projects/index.html", {"rounds": rounds, "can_manage": can_manage(request.user)})


@require_GET
def round_page(request: HttpRequest, round_id: int) -> HttpResponse:
    rnd = access_round_public(round_id)
    ctx = queries.round_overview(rnd)
    person = getattr(request.user, "person", None) if request.user.is_authenticated else None
    ctx["can_propose"] = bool(
        person and person.household_id and person.household.path.startswith(rnd.community.path)
    )
    return render(request, "projects/round.html", ctx)


@require_GET
def proposal_page(request: HttpRequest, proposal_id: int) -> HttpResponse:
    p = access_proposal_public(proposal_id)
    ctx = queries.proposal_page(p)
    ctx["can_comment"] = request.user.is_authenticated and p.phase in (
        Phase.COLLECTING,
        Phase.REVIEW,
        Phase.DELIBERATION,
    )
    ctx["can_rate"] = request.user.is_authenticated and p.phase == Phase.EVALUATION
    return render(request, "projects/proposal.html", ctx)


@require_GET
def vote_page(request: HttpRequest, vote_id: int) -> HttpResponse:
    vote = access_vote_public(vote_id)
    ctx = {
        "vote": vote,
        "candidates": list(vote.proposals.order_by("pk")),
        "turnout": queries.turnout(vote),
        "results": queries.results(vote) if vote.status == VoteStatus.PUBLISHED else None,
    }
    return render(request, "projects/vote.html", ctx)
