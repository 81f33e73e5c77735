"""The only ways views and the API reach one party organisation or organisation: scoped, 404 for
outsiders. Organisations above the actor's territory are visible (OrgQuerySet.include_ancestors)."""

from gongzhi.core.actors import Actor
from gongzhi.orgs.models import Organisation, PartyOrg


def access_party_org(actor: Actor, party_org_id: int | str) -> PartyOrg:
    """The party organisation, or Http404 — the same answer for 'missing' and 'not yours'."""
    return PartyOrg.objects.select_related("territory", "parent").get_visible_or_404(actor, pk=party_org_id)


def access_organisation(actor: Actor, organisation_id: int | str) -> Organisation:
    """The organisation, or Http404 — the same answer for 'missing' and 'not yours'."""
    return Organisation.objects.select_related("territory").get_visible_or_404(actor, pk=organisation_id)
