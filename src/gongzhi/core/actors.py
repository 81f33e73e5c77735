"""`Actor`: the one type of every `actor` parameter (issue 14 step 5).

Who acts is an `accounts.User` (a person at a screen or a token caller) or, for requests nobody
signed in to, Django's `AnonymousUser`; system jobs (imports, sweeps, the demo) pass `None`, and such
parameters say `Actor | None`.

Why a Protocol and not the User class: core sits below accounts (import-linter's layers contract,
decision 0043), and import-linter counts imports under `if TYPE_CHECKING:` too, so core cannot
name `accounts.User` even for the type checker. The protocol lists what core and the actions read
from an actor themselves — the primary key and whether anyone signed in; everything else
(`person`, `username`, the scope cached on the request's user) is read through `getattr` by the few
helpers that need it (core.audit.actor_label, core.scoping.get_scope), so both `User` and
`AnonymousUser` satisfy it as they are. An app above accounts that needs the user's own fields
takes `accounts.models.User` instead.
"""

from typing import Any, Protocol


class Actor(Protocol):
    """Someone acting: a signed-in user, or the anonymous visitor."""

    @property
    def pk(self) -> Any: ...

    @property
    def is_authenticated(self) -> bool: ...
