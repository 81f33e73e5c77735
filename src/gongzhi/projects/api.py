"""/api/v1/projects/: votes for residents' apps — read a vote, cast or change a ballot (bearer token
or session), read one's own ballot and the published results. Errors carry a message in the
user's language: 400 malformed, 403 outside the census, 404 unknown, 409 outside the window, 422
over the allowance."""

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from gongzhi.accounts.api_auth import SessionAuth, TokenAuth
from gongzhi.core.errors import Conflict
from gongzhi.projects import actions_vote, queries
from gongzhi.projects.access import access_vote_public, own_person
from gongzhi.projects.workflow import Phase, VoteStatus

router = Router(tags=["projects"])
AUTH = [TokenAuth(), SessionAuth()]


class BallotIn(Schema):
    # approval/ordinal: [proposal id, ...]; cumulative: {"proposal id": points}
    choices: list[int] | dict[str, int]


class ErrorOut(Schema):
    detail: str


@router.get("/votes/{vote_id}", auth=None)
def vote_detail(request: HttpRequest, vote_id: int) -> dict[str, Any]:
    vote = access_vote_public(vote_id)
    return {
        "id": vote.pk,
        "title": vote.title,
        "status": vote.status,
        "ballot_type": vote.ballot_type,
        "allowance": vote.allowance,
        "max_choices": vote.max_choices,
        "rule": vote.rule,
        "opens_at": vote.opens_at,
        "closes_at": vote.closes_at,
        "budget": vote.budget,
        "candidates": [
            {"id": p.pk, "title": p.title, "cost": p.cost_estimate}
            for p in vote.proposals.filter(
                phase__in=[Phase.VOTING, Phase.SELECTED, Phase.NOT_SELECTED]
            ).order_by("pk")
        ],
    }


def _person(request: HttpRequest) -> Any:
    return own_person(request.user)


@router.post(
    "/votes/{vote_id}/ballot",
    auth=AUTH,
    response={200: dict, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def ballot_cast(request: HttpRequest, vote_id: int, payload: BallotIn) -> Any:
    # An open vote comes from the per-process cache, the voter's census is checked by the write
    # itself: a ballot costs the token lookup and one statement (issue #7, decision 0030).
    vote = actions_vote.open_vote(vote_id) or access_vote_public(vote_id)
    if getattr(request.user, "person_id", None) is None:
        raise Http404  # an account without a person (as own_person)
    actions_vote.ballot_cast(actor=request.user, vote=vote, choices=payload.choices)  # refusals: GongzhiAPI
    return {"ok": True}


@router.get("/votes/{vote_id}/ballot", auth=AUTH)
def ballot_mine(request: HttpRequest, vote_id: int) -> dict[str, Any]:
    vote = access_vote_public(vote_id)
    return {"choices": actions_vote.my_ballot(vote, _person(request))}


@router.get("/votes/{vote_id}/results", auth=None, response={200: dict, 409: ErrorOut})
def results(request: HttpRequest, vote_id: int) -> Any:
    vote = access_vote_public(vote_id)
    if vote.status != VoteStatus.PUBLISHED:
        raise Conflict(_("结果尚未公示"))
    return queries.results(vote)
