"""Reads of the project library that are not reached through `access_*`: the staff member's lists
and choices, a need's candidate resources, the resident's own submissions."""

from typing import Any

from django.db.models import Q

from gongzhi.core.actors import Actor
from gongzhi.needs.models import OFFERING_KINDS, Need, Resource
from gongzhi.orgs.models import Organisation
from gongzhi.territory.models import TerritoryNode

CAPABILITY = "manage_projects"


def managed_communities(actor: Actor) -> list[Any]:
    """The communities where the actor runs the library (the need form's choices)."""
    return list(
        TerritoryNode.objects.visible_to(actor, CAPABILITY).filter(level="community").order_by("path")[:200]
    )


def offering_orgs(actor: Actor) -> list[Any]:
    """Units in those communities that may offer resources (the resource form's choices)."""
    return list(
        Organisation.objects.visible_to(actor, CAPABILITY)
        .filter(kind__in=OFFERING_KINDS)
        .exclude(territory__level__in=["district", "street"])
        .order_by("kind", "name")[:500]
    )


def library(actor: Actor, status: str = "") -> dict[str, Any]:
    """The staff index: needs (of one status, if given) and resources in the actor's communities."""
    needs = Need.objects.visible_to(actor).select_related("community")
    if status:
        needs = needs.filter(status=status)
    resources = Resource.objects.visible_to(actor).select_related("organisation", "community")
    return {"needs": needs[:200], "resources": resources[:200]}


def candidate_resources(actor: Actor, need: Need) -> Any:
    """Resources the actor sees that may suit the need: in its community or of its category."""
    return Resource.objects.visible_to(actor).filter(Q(community=need.community) | Q(category=need.category))


def own_needs(actor: Actor) -> Any:
    """The needs the actor's person submitted (none for an account without a person): a resident
    sees their own rows, whatever the community's scope says."""
    person = getattr(actor, "person", None)
    return Need.objects.filter(submitted_by=person) if person is not None else Need.objects.none()
