"""Finding (or opening) the account of an owner: a Person, an Organisation, a community's issuing
account, or a generic (kind, key) owner such as a helper team."""

import re
from typing import Any

from gongzhi.orgs.models import Organisation
from gongzhi.people.models import Person
from gongzhi.points.models import Account, AccountKind
from gongzhi.territory.models import Level, TerritoryNode

RESERVED_KINDS = frozenset({AccountKind.PERSON, AccountKind.ORGANISATION, AccountKind.ISSUING})
_GENERIC_KIND = re.compile(r"^[a-z][a-z_]{1,15}$")


def community_path(path: str) -> str:
    """The community part ('district/street/community/') of a territory path, or ''."""
    parts = [p for p in path.split("/") if p]
    return "/".join(parts[:3]) + "/" if len(parts) >= 3 else ""


def owner_identity(owner: Any, community: TerritoryNode | None = None) -> tuple[str, str, dict[str, Any]]:
    """(kind, owner_key, defaults for a new account). ValueError for something that cannot hold points."""
    if isinstance(owner, Person):
        if owner.pk is None:
            raise ValueError("unsaved person")
        path = owner.household.path if owner.household_id else (community.path if community else "")
        return AccountKind.PERSON, str(owner.pk), {"person": owner, "label": owner.name, "path": path}
    if isinstance(owner, Organisation):
        if owner.pk is None:
            raise ValueError("unsaved organisation")
        return (
            AccountKind.ORGANISATION,
            str(owner.pk),
            {"organisation": owner, "label": owner.name, "path": owner.territory.path},
        )
    if isinstance(owner, TerritoryNode):
        if owner.level != Level.COMMUNITY:
            raise ValueError("issuing accounts belong to communities")
        return (
            AccountKind.ISSUING,
            str(owner.pk),
            {"community": owner, "label": f"{owner.name}·积分发行", "path": owner.path},
        )
    if isinstance(owner, tuple) and len(owner) == 2:
        kind, key = str(owner[0]), str(owner[1])
        if kind in RESERVED_KINDS or not _GENERIC_KIND.match(kind) or not key or len(key) > 64:
            raise ValueError(f"not an account owner: {owner!r}")
        return (
            kind,
            key,
            {"community": community, "label": f"{kind}:{key}", "path": community.path if community else ""},
        )
    raise ValueError(f"not an account owner: {owner!r}")


def account_for(owner: Any, *, community: TerritoryNode | None = None, label: str = "") -> Account:
    """The owner's account, opened on first use (safe under concurrency: the (kind, owner_key) unique
    constraint makes a racing second open find the first). `community` places a generic owner (a
    helper team) in the territory so that community's staff see it; `label` names it."""
    kind, key, defaults = owner_identity(owner, community)
    if label:
        defaults["label"] = label[:120]
    account, _created = Account.objects.get_or_create(kind=kind, owner_key=key, defaults=defaults)
    return account


def find_account(owner: Any) -> Account | None:
    """The owner's account if it was ever opened (reads never open accounts)."""
    kind, key, _defaults = owner_identity(owner)
    return Account.objects.filter(kind=kind, owner_key=key).first()
