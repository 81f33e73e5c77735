"""Finding the account of an owner (a Person, an Organisation, a community's issuing account, or a
generic (kind, key) owner such as a helper team) and the per-process ids of known accounts; opening
one is `actions_accounts.account_for`."""

import re
from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from gongzhi.orgs.models import Organisation
from gongzhi.people.models import Person
from gongzhi.points.models import Account, AccountKind
from gongzhi.territory.models import Level, TerritoryNode

RESERVED_KINDS = frozenset({AccountKind.PERSON, AccountKind.ORGANISATION, AccountKind.ISSUING})
_GENERIC_KIND = re.compile(r"^[a-z][a-z_]{1,15}$")


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


def find_account(owner: Any) -> Account | None:
    """The owner's account if it was ever opened (reads never open accounts)."""
    kind, key, _defaults = owner_identity(owner)
    return Account.objects.filter(kind=kind, owner_key=key).first()


def kind_key(owner: Any) -> tuple[str, str] | None:
    """(kind, owner_key) of a person, organisation or community without loading anything."""
    if isinstance(owner, Person) and owner.pk is not None:
        return AccountKind.PERSON, str(owner.pk)
    if isinstance(owner, Organisation) and owner.pk is not None:
        return AccountKind.ORGANISATION, str(owner.pk)
    if isinstance(owner, TerritoryNode) and owner.pk is not None and owner.level == Level.COMMUNITY:
        return AccountKind.ISSUING, str(owner.pk)
    return None


# Account ids by owner, per process, for posting: an owner's account never changes id and accounts
# are not deleted once they have entries (PROTECT), so the lookup before every award or redemption
# is kept (once committed). Bounded: cleared when full; cleared at once when an account is deleted in this process.
_ids: dict[tuple[str, str], int] = {}
MAX_CACHED_IDS = 200_000


def remember(owner_key: tuple[str, str], pk: int) -> None:
    if len(_ids) >= MAX_CACHED_IDS:
        _ids.clear()
    _ids[owner_key] = pk


def known_id(owner_key: tuple[str, str]) -> int | None:
    return _ids.get(owner_key)


def forget_account_ids() -> None:
    _ids.clear()


@receiver(post_delete, sender=Account, dispatch_uid="points_account_ids_deleted")
def _account_deleted(**kwargs: Any) -> None:
    forget_account_ids()
