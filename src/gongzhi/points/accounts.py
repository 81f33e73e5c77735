"""Finding the account of an owner (a Person, an Organisation, a community's issuing account, or a
generic (kind, key) owner such as a helper team) and the per-process ids of known accounts; opening
one is `actions_accounts.account_for`."""

import re
from typing import Any

from django.db.models.signals import post_delete

from gongzhi.core.cache import Namespace
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


# Account ids by owner, for posting: an owner's account never changes id and accounts are not
# deleted once they have entries (PROTECT), so the lookup before every award or redemption is kept.
# core.cache (decision 0046): an id is kept once the transaction that read it commits (an account
# opened in a transaction that rolls back must not be remembered: SQLite reuses the pk), and deleting
# an account bumps the namespace, so every process forgets. Opening one bumps nothing (an award
# opening a new recipient's account must not make every process re-read every id).
# Outside a transaction a process trusts its last reading of the version for ID_RECHECK_SECONDS (no
# shared-cache read on the posting hot path; only an empty account can be deleted, PROTECT).
ID_RECHECK_SECONDS = 5.0
ACCOUNT_IDS = Namespace("points.account_ids", recheck_seconds=ID_RECHECK_SECONDS, maxsize=200_000)
post_delete.connect(
    lambda **kwargs: ACCOUNT_IDS.bump(), sender=Account, weak=False, dispatch_uid="points.account_ids.deleted"
)
