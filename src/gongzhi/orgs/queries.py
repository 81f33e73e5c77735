"""Reads for the org chart: the visible party organisations in one query, built into a tree in
Python; secretaries in a second query; other organisations grouped by kind."""

from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet

from gongzhi.core.actors import Actor
from gongzhi.orgs.models import Organisation, OrgKind, PartyLevel, PartyOrg, Post, PostTitle

LEVEL_RANK = {level.value: i for i, level in enumerate(PartyLevel)}


@dataclass
class OrgTreeNode:
    org: PartyOrg
    secretaries: list[str] = field(default_factory=list)
    member_count: int = 0  # members whose branch is this organisation
    total_members: int = 0  # including the organisations below it (visible ones)
    children: list["OrgTreeNode"] = field(default_factory=list)


def current_secretaries(actor: Actor, orgs: QuerySet[PartyOrg] | None = None) -> dict[int, list[str]]:
    """party_org id -> names of its current secretaries, for the visible organisations."""
    visible = (orgs if orgs is not None else PartyOrg.objects.visible_to(actor)).values("pk")
    rows = (
        Post.objects.current()
        .filter(title=PostTitle.SECRETARY, party_org__in=visible)
        .order_by("starts_on")
        .values_list("party_org_id", "person__name")
    )
    names: dict[int, list[str]] = {}
    for org_id, name in rows:
        names.setdefault(org_id, []).append(name)
    return names


def party_tree(actor: Actor) -> list[OrgTreeNode]:
    """Street committee → community committees → branches → groups → member households, as far
    as the actor may see. Organisations whose parent is not visible become roots."""
    orgs = list(
        PartyOrg.objects.visible_to(actor)
        .select_related("territory")
        .annotate(member_count=Count("members"))
        .order_by("territory__path", "name")
    )
    secretaries = current_secretaries(actor)
    nodes = {
        o.pk: OrgTreeNode(org=o, secretaries=secretaries.get(o.pk, []), member_count=o.member_count)  # type: ignore[attr-defined]
        for o in orgs
    }
    roots: list[OrgTreeNode] = []
    for o in orgs:
        parent = nodes.get(o.parent_id) if o.parent_id else None
        (parent.children if parent else roots).append(nodes[o.pk])

    def finish(node: OrgTreeNode) -> int:
        node.children.sort(key=lambda n: (LEVEL_RANK.get(n.org.level, 99), n.org.territory.path, n.org.name))
        node.total_members = node.member_count + sum(finish(c) for c in node.children)
        return node.total_members

    for root in roots:
        finish(root)
    roots.sort(key=lambda n: (LEVEL_RANK.get(n.org.level, 99), n.org.territory.path, n.org.name))
    return roots


def organisation_kinds(actor: Actor) -> list[tuple[str, str, int]]:
    """(kind, label, count) of the visible organisations, in the order of OrgKind."""
    counts = dict(
        Organisation.objects.visible_to(actor).order_by().values_list("kind").annotate(n=Count("pk"))
    )
    return [(k.value, str(k.label), counts[k.value]) for k in OrgKind if counts.get(k.value)]


def organisation_search(actor: Actor, *, kind: str = "") -> QuerySet[Organisation]:
    rows = Organisation.objects.visible_to(actor).select_related("territory")
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("kind", "territory__path", "name")


def party_org_relatives(actor: Actor, org: PartyOrg) -> tuple[PartyOrg | None, list[PartyOrg]]:
    """The visible parent and the visible children of a party organisation (one query)."""
    wanted = Q(parent=org) | Q(pk=org.parent_id) if org.parent_id else Q(parent=org)
    rows = list(PartyOrg.objects.visible_to(actor).filter(wanted))
    parent = next((r for r in rows if r.pk == org.parent_id), None)
    children = sorted((r for r in rows if r.pk != org.parent_id), key=lambda r: r.name)
    return parent, children


def org_posts(*, party_org: PartyOrg | None = None, organisation: Organisation | None = None) -> list[Post]:
    """All posts, current and ended (the record of who held what when), newest first."""
    rows = Post.objects.select_related("person")
    rows = (
        rows.filter(party_org=party_org) if party_org is not None else rows.filter(organisation=organisation)
    )
    return list(rows.order_by(F("ends_on").asc(nulls_first=True), "-starts_on", "title"))
