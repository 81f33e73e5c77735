"""Who may do what with micro-projects. Staff act through `manage_projects` on the community's
subtree (404 outside it); residents act as themselves, in their own community."""

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from gongzhi.core.actors import Actor
from gongzhi.core.scoping import get_scope
from gongzhi.people.models import Person
from gongzhi.projects.models import Proposal, Round, Vote
from gongzhi.projects.workflow import VoteStatus

CAPABILITY = "manage_projects"


def can_manage(actor: Actor | None) -> bool:
    return get_scope(actor).can(CAPABILITY)


def access_round(actor: Actor, round_id: int) -> Round:
    return Round.objects.select_related("community").get_visible_or_404(actor, CAPABILITY, pk=round_id)


def access_proposal(actor: Actor, proposal_id: int) -> Proposal:
    return Proposal.objects.select_related("round__community").get_visible_or_404(
        actor, CAPABILITY, pk=proposal_id
    )


def access_vote(actor: Actor, vote_id: int) -> Vote:
    return Vote.objects.select_related("round__community", "area").get_visible_or_404(
        actor, CAPABILITY, pk=vote_id
    )


def access_round_public(round_id: int) -> Round:
    """A round's 公示 page and the resident's proposal form: every round is public (its community,
    year and budget; no personal data); 404 for an unknown round."""
    return get_object_or_404(Round.objects.select_related("community"), pk=round_id)


def access_proposal_public(proposal_id: int) -> Proposal:
    """A proposal's 公示 page: every proposal but a withdrawn one (proposer masked by the page)."""
    return get_object_or_404(
        Proposal.objects.public().select_related("round__community", "proposer", "vote"), pk=proposal_id
    )


def access_proposal_for_resident(proposal_id: int) -> Proposal:
    """The proposal a resident comments on or rates: whether they may is decided by
    `actions.comment_add` / `evaluation_add` (where they live, the phase: 403/409); 404 if unknown."""
    return get_object_or_404(Proposal.objects.select_related("round__community"), pk=proposal_id)


def access_vote_public(vote_id: int) -> Vote:
    """A vote once it leaves the draft (its page, its ballot form and the API): 404 while a draft."""
    vote = get_object_or_404(Vote.objects.select_related("round__community", "area"), pk=vote_id)
    if vote.status == VoteStatus.DRAFT:
        raise Http404
    return vote


def resident_person(actor: Actor) -> Any:
    """The signed-in resident's person with the household, or 404 (accounts without a person)."""
    person = getattr(actor, "person", None) if getattr(actor, "is_authenticated", False) else None
    if person is None or not person.household_id:
        raise Http404
    return person


def acting_person(actor: Actor | None) -> Person | None:
    """The actor's own person record: None for no actor, the anonymous visitor or an account without one."""
    return getattr(actor, "person", None)


def actor_id(actor: Actor | None) -> int | None:
    """The acting account's id, for the rows that record who entered them."""
    return getattr(actor, "pk", None)


def lives_in(person: Any, node: Any) -> bool:
    return bool(person.household_id) and person.household.path.startswith(node.path)


def own_person(actor: Actor) -> Any:
    """The account's own person with the household in one query (the ballot API's hot path), or 404."""
    person_id = getattr(actor, "person_id", None)
    person = Person.objects.select_related("household").filter(pk=person_id).first() if person_id else None
    if person is None:
        raise Http404
    return person
