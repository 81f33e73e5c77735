"""The only way views and the API reach one territory node: scoped, 404 for outsiders."""

from gongzhi.core.actors import Actor
from gongzhi.territory.models import TerritoryNode


def access_node(actor: Actor, node_id: int | str, *, capability: str | None = None) -> TerritoryNode:
    """The node, or Http404 — the same answer for 'missing' and 'not yours'. Ancestors of the
    actor's own territory count as visible (for navigation), as TerritoryQuerySet says."""
    return TerritoryNode.objects.get_visible_or_404(actor, capability, pk=node_id)
