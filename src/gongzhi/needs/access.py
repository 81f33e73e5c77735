"""Who reaches the project library: staff with manage_projects over the community; a resident sees
the needs they submitted. Anyone else: 404."""

from django.http import Http404

from gongzhi.core.actors import Actor
from gongzhi.needs.models import Need, Pairing, Resource


def access_need(actor: Actor, need_id: int) -> Need:
    return Need.objects.select_related("community").get_visible_or_404(actor, pk=need_id)


def access_resource(actor: Actor, resource_id: int) -> Resource:
    return Resource.objects.select_related("organisation", "community").get_visible_or_404(
        actor, pk=resource_id
    )


def access_pairing(actor: Actor, pairing_id: int) -> Pairing:
    found = Pairing.objects.select_related("need", "resource").visible_to(actor).filter(pk=pairing_id).first()
    if found is None:
        raise Http404
    return found
