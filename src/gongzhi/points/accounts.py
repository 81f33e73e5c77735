"""Finding (or opening) the account of an owner: a Person, an Organisation, a community's issuing
account, or a generic (kind, key) owner such as a helper team."""

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from django.db import transaction
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


def _kind_key(owner: Any) -> tuple[str, str] | None:
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


class AccountRef(NamedTuple):
    """An account's id and kind: what a posting needs (no model instance to build per call)."""

    pk: int
    kind: str


def cached_account(
    kind: str,
    key: str,
    owner: Callable[[], Any],
    community: Callable[[], TerritoryNode | None] = lambda: None,
) -> AccountRef:
    """The id and kind of the account of (kind, key); `owner()` and `community()` are called only to
    open the account on first use (no query for a known one)."""
    pk = _ids.get((kind, key))
    if pk is not None:
        return AccountRef(pk, kind)
    account = account_for(owner(), community=community())
    # Kept only once the transaction that saw it commits: an account opened in a transaction that
    # rolls back must not be remembered.
    transaction.on_commit(lambda: _remember((kind, key), account.pk))
    return AccountRef(account.pk, account.kind)


def _remember(kind_key: tuple[str, str], pk: int) -> None:
    if len(_ids) >= MAX_CACHED_IDS:
        _ids.clear()
    _ids[kind_key] = pk


def account_ref(owner: Any, *, community: TerritoryNode | None = None) -> AccountRef:
    """`cached_account` for a person, organisation or community's issuing account."""
    kind_key = _kind_key(owner)
    if kind_key is None:
        account = account_for(owner, community=community)
        return AccountRef(account.pk, account.kind)
    return cached_account(*kind_key, lambda: owner, lambda: community)


def forget_account_ids() -> None:
    _ids.clear()


@receiver(post_delete, sender=Account, dispatch_uid="points_account_ids_deleted")
def _account_deleted(**kwargs: Any) -> None:
    forget_account_ids()
