"""Who may edit which resource and see which area's coverage; misses are 404."""

from django.http import Http404

from gongzhi.circles.models import Resource
from gongzhi.core.actors import Actor
from gongzhi.core.scoping import get_scope
from gongzhi.territory.models import TerritoryNode

COVERAGE_LEVELS = ("district", "street", "community")


def access_resource_to_edit(actor: Actor, resource_id: int) -> Resource:
    return Resource.objects.select_related("territory", "owner").get_visible_or_404(actor, pk=resource_id)


def access_area(actor: Actor, node_id: int | str | None) -> TerritoryNode:
    """A district, street or community where the actor holds manage_places; without an id, the
    top such area."""
    scope = get_scope(actor)
    rows = TerritoryNode.objects.visible_to(actor, "manage_places").filter(level__in=COVERAGE_LEVELS)
    if node_id in (None, ""):
        # visible_to also lists the areas above one's own (navigation); start at one's own
        own = [n for n in rows.order_by("depth", "path")[:50] if scope.can("manage_places", n.path)]
        if not own:
            raise Http404
        return own[0]
    node = rows.filter(pk=int(node_id) if str(node_id).isdigit() else -1).first()
    if node is None or not scope.can("manage_places", node.path):
        raise Http404  # include_ancestors shows the areas above one's own; editing stops there
    return node


def editable_areas(actor: Actor) -> list[TerritoryNode]:
    scope = get_scope(actor)
    rows = TerritoryNode.objects.visible_to(actor, "manage_places").filter(
        level__in=("district", "street", "community", "grid")
    )
    return [n for n in rows.order_by("path") if scope.can("manage_places", n.path)]
