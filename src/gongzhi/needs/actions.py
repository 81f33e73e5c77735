"""Every write of the project library: one transaction, lock what changes, an audit row."""

from typing import Any, Required, TypedDict, Unpack

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gongzhi.core.actors import Actor
from gongzhi.core.audit import actor_label, record_write
from gongzhi.core.errors import RuleBroken
from gongzhi.core.lifecycle import InvalidTransition, StatusTable
from gongzhi.needs import matching
from gongzhi.needs.models import (
    OFFERING_KINDS,
    Need,
    NeedSource,
    NeedStatus,
    Pairing,
    PairingStatus,
    Resource,
)

# proposed → agreed → done, or cancelled before done; a refusal is core's InvalidTransition (409).
PAIRING_TABLE = StatusTable.from_moves(
    {
        PairingStatus.PROPOSED: {PairingStatus.AGREED, PairingStatus.CANCELLED},
        PairingStatus.AGREED: {PairingStatus.DONE, PairingStatus.CANCELLED},
    },
    labels=(PairingStatus,),
)


class LibraryError(RuleBroken):
    """A refusal of the project library: 422 unless `status=` says otherwise (409: not now)."""


__all__ = ["InvalidTransition", "LibraryError"]


def _measured(described: "Described") -> None:
    if described.get("quantity") is not None and not described.get("measure"):
        raise LibraryError(_("填写数量时请选择单位"))


def _audit(actor: Actor | None, action: str, obj: Any, community: Any, **detail: Any) -> None:
    """The audit row of a library write, scoped to its community."""
    record_write(actor=actor, action=f"needs.{action}", obj=obj, scope_path=community.path, detail=detail)


def _community(node: Any) -> Any:
    if node is None:
        raise LibraryError(_("未找到所属社区"))
    found = node.community()
    if found is None:
        raise LibraryError(_("未找到所属社区"))
    return found


class Described(TypedDict, total=False):
    """What a need and a resource both say (the library forms' shared fields)."""

    title: Required[str]
    category: Required[str]
    text: str
    tags: str
    quantity: int | None
    measure: str


@transaction.atomic
def need_create(
    *,
    actor: Actor | None,
    community: Any,
    source: str = NeedSource.RESIDENT,
    source_id: int | None = None,
    submitted_by: Any = None,
    **described: Unpack[Described],
) -> Need:
    """A need in the library: from a resident, or promoted from an appeal, wish or hot issue
    (promoting the same source twice returns the need already made)."""
    community = _community(community)
    if source_id is not None:
        existing = Need.objects.filter(source=source, source_id=source_id).first()
        if existing is not None:
            return existing
    _measured(described)
    try:
        with transaction.atomic():
            need = Need.objects.create(
                community=community,
                source=source,
                source_id=source_id,
                submitted_by=submitted_by,
                **described,
            )
    except IntegrityError:  # a simultaneous promotion of the same source won
        return Need.objects.get(source=source, source_id=source_id)
    _audit(actor, "need_create", need, community, source=source)
    return need


def need_from_appeal(*, actor: Actor | None, appeal: Any, category: str) -> Need:
    """Promote an appeal (already access-checked by the caller) into a need."""
    community = appeal.community
    if community is None:
        raise LibraryError(_("该诉求尚未定位到社区"))
    return need_create(
        actor=actor,
        community=community,
        title=(appeal.title or appeal.text)[:120],
        text=appeal.text,
        category=category,
        source=NeedSource.APPEAL,
        source_id=appeal.pk,
    )


WISH_CATEGORY = {"elderly": "elderly", "child": "children"}


def need_from_wish(*, actor: Actor | None, wish: Any, category: str = "") -> Need:
    """Promote a small wish (already access-checked) into a need; the beneficiary is not copied."""
    return need_create(
        actor=actor,
        community=wish.community,
        title=wish.title[:120],
        text=wish.story,
        category=category or WISH_CATEGORY.get(wish.group, "other"),
        quantity=int(wish.budget) or None,
        measure="yuan" if int(wish.budget) else "",
        source=NeedSource.WISH,
        source_id=wish.pk,
    )


@transaction.atomic
def resource_add(
    *, actor: Actor | None, organisation: Any, kind: str, **described: Unpack[Described]
) -> Resource:
    """What a partner unit, resident unit, social organisation or merchant offers."""
    if organisation.kind not in OFFERING_KINDS:
        raise LibraryError(_("只有共建单位、驻区单位、社会组织和商户可以登记资源"))
    _measured(described)
    community = _community(organisation.territory) if organisation.territory.level != "street" else None
    if community is None:
        raise LibraryError(_("该单位不在社区内,请在单位所在社区登记"))
    resource = Resource.objects.create(organisation=organisation, community=community, kind=kind, **described)
    _audit(actor, "resource_add", resource, community)
    return resource


@transaction.atomic
def pairing_create(*, actor: Actor | None, need: Need, resource: Resource) -> Pairing:
    """Pair a need with a resource (the need row is locked so two staff cannot pair it twice)."""
    locked = Need.objects.select_for_update().select_related("community").get(pk=need.pk)
    if locked.status in (NeedStatus.MET, NeedStatus.CLOSED):
        raise LibraryError(_("该需求已满足或已关闭"), status=409)
    if not resource.available:
        raise LibraryError(_("该资源暂不可对接"), status=409)
    if locked.pairings.filter(resource=resource).exclude(status=PairingStatus.CANCELLED).exists():
        raise LibraryError(_("该需求已与此资源对接"), status=409)
    total, _parts = matching.score(locked, resource)
    pairing = Pairing.objects.create(
        need=locked, resource=resource, score=total, created_by=actor_label(actor)
    )
    if locked.status == NeedStatus.OPEN:
        locked.status = NeedStatus.PAIRED
        locked.save(update_fields=["status", "updated_at"])
    _audit(actor, "pairing_create", pairing, locked.community, score=total)
    return pairing


@transaction.atomic
def pairing_transition(*, actor: Actor | None, pairing: Pairing, to: str, outcome: str = "") -> Pairing:
    """Move a pairing along proposed → agreed → done (or cancel it); done records the outcome."""
    locked = Pairing.objects.select_for_update().select_related("need__community").get(pk=pairing.pk)
    target = PAIRING_TABLE.next(locked.status, to)
    if target == PairingStatus.DONE and not outcome.strip():
        raise LibraryError(_("完成对接时请填写成效"))
    locked.status = target
    if outcome.strip():
        locked.outcome = outcome.strip()
    locked.save(update_fields=["status", "outcome", "updated_at"])
    need = Need.objects.select_for_update().get(pk=locked.need_id)
    if to == PairingStatus.DONE:
        need.status = NeedStatus.MET
    elif to == PairingStatus.CANCELLED and not need.pairings.exclude(status=PairingStatus.CANCELLED).exists():
        need.status = NeedStatus.OPEN
    need.save(update_fields=["status", "updated_at"])
    _audit(actor, "pairing_transition", locked, locked.need.community, to=to)
    return locked
