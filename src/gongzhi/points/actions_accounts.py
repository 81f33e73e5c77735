"""Opening the account of an owner on first use (the one write of accounts.py's owners): a Person,
an Organisation, a community's issuing account, or a generic (kind, key) owner such as a helper team."""

import functools
from collections.abc import Callable
from typing import Any, NamedTuple

from django.db import transaction

from gongzhi.core.cache import MISSING
from gongzhi.points.accounts import ACCOUNT_IDS, kind_key, owner_identity
from gongzhi.points.models import Account
from gongzhi.territory.models import TerritoryNode


def account_for(owner: Any, *, community: TerritoryNode | None = None, label: str = "") -> Account:
    """The owner's account, opened on first use (safe under concurrency: the (kind, owner_key) unique
    constraint makes a racing second open find the first). `community` places a generic owner (a
    helper team) in the territory so that community's staff see it; `label` names it."""
    kind, key, defaults = owner_identity(owner, community)
    if label:
        defaults["label"] = label[:120]
    account, _created = Account.objects.get_or_create(kind=kind, owner_key=key, defaults=defaults)
    return account


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
    version = ACCOUNT_IDS.version()
    pk = ACCOUNT_IDS.peek((kind, key), version)
    if pk is MISSING:
        pk = account_for(owner(), community=community()).pk
        # kept once the transaction that saw it commits (at once outside one)
        transaction.on_commit(functools.partial(ACCOUNT_IDS.put, (kind, key), pk, version))
    return AccountRef(pk, kind)


def account_ref(owner: Any, *, community: TerritoryNode | None = None) -> AccountRef:
    """`cached_account` for a person, organisation or community's issuing account."""
    found = kind_key(owner)
    if found is None:
        account = account_for(owner, community=community)
        return AccountRef(account.pk, account.kind)
    return cached_account(*found, lambda: owner, lambda: community)
