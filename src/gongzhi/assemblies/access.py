"""Who reaches an assembly: staff with manage_assemblies on its compound (owners' committee members
through their committee, whose territory is the compound; secretary, street, district above it).
Owners reach only the ballot page of an assembly whose snapshot names them or their principal."""

from typing import Any

from django.http import Http404

from gongzhi.assemblies.models import Assembly
from gongzhi.assemblies.queries import voters_for
from gongzhi.core.actors import Actor
from gongzhi.core.scoping import get_scope


def access_assembly(actor: Actor, assembly_id: int) -> Assembly:
    """The assembly for its staff, or Http404 — the same for 'missing' and 'not yours'."""
    return Assembly.objects.select_related("compound").get_visible_or_404(actor, pk=assembly_id)


def can_manage_compound(actor: Actor, compound: Any) -> bool:
    return get_scope(actor).can("manage_assemblies", compound.path)


def may_rate_as_branch(actor: Actor, compound: Any) -> bool:
    """The party side rates for the branch: community organisers (manage_councils) over the compound."""
    return get_scope(actor).can("manage_councils", compound.path)


def ballot_assembly(actor: Actor, assembly_id: int) -> Assembly:
    """An assembly as seen from the ballot page: in voting or closed, for a signed-in person who is
    either in its snapshot, holds a proxy in it, or lives in its compound (a tenant is told plainly
    why they cannot vote); anyone else gets 404."""
    person = getattr(actor, "person", None)
    assembly = (
        Assembly.objects.select_related("compound").filter(pk=assembly_id).exclude(status="draft").first()
    )
    if person is None or assembly is None:
        raise Http404
    lives_there = bool(person.household_id) and person.household.path.startswith(assembly.compound.path)
    if not lives_there and not voters_for(person.pk, assembly):
        raise Http404
    return assembly
