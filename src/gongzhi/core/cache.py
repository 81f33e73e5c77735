"""The one way to cache and to invalidate (decision 0046).

Two kinds of cached things, and nothing else:

- **Pure functions of their arguments** (`pure`): statement text per model shape, parsed proxy
  networks, key objects built from configured keys. Nothing to invalidate: whatever they depend
  on is an argument (pass the setting's value, not read it inside), so a changed setting is a new
  key. `functools.lru_cache` by another name, so it is greppable and bounded.

- **Anything derived from database rows** (`Namespace`): a version number per namespace lives in
  Django's cache (Redis in production, LocMem in tests and development), and each process keeps
  memo dicts keyed by (namespace, version, key). A change bumps the version, so every process
  misses on its next read, whichever process made the change. Bump from the action that writes
  (`namespace.bump()`) or from signals (`namespace.watch(Model, ...)`); writes that send no signal
  (QuerySet.update, bulk_create, raw SQL) must call `bump()` themselves.

Transactions, the part a plain version number gets wrong:

- A bump inside a transaction happens at once (this transaction sees its own writes) and again
  when it commits (another process may have cached the old rows under the first new version).
  Further bumps in the same transaction cost nothing shared (an import saving 5,000 rows bumps
  the shared number twice, not 10,000 times).
- Values computed after a bump in a transaction that has not committed are kept with that
  transaction only (on the marker its `on_commit` holds), never in the process-wide memo: if it
  rolls back — every test does — the values go with it, and the next transaction (the next test)
  cannot see rows that no longer exist, even though the version number does not roll back.
- `migrate` and `flush` (transactional tests end with one) bump every namespace (post_migrate).
- Manual savepoints (`transaction.savepoint()`) are not seen, as by `on_commit` itself: use `atomic`.

So tests need no fixture that resets caches: a change made in one test is not seen by the next.

Options per namespace: `recheck_seconds` trusts the last version this process read for so long
outside a transaction (saves a cache read per use where a few seconds' delay for changes made by
*other* processes is acceptable; this process's own bumps are seen at once), `max_age` drops an
entry after so many seconds (the backstop for a change made without a bump), and `one_at_a_time`
lets one thread compute a missing value while the others wait (expensive builds). Both durations
may be zero-argument callables (read from settings at use).
"""

import contextlib
import functools
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from django.core.cache import cache as shared_cache
from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_migrate, post_save

T = TypeVar("T")
Seconds = float | Callable[[], float]
_MISSING: Any = object()

_namespaces: dict[str, "Namespace"] = {}


def pure(maxsize: int | None = 256) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Memoise a pure function of its (hashable) arguments, per process."""
    return functools.lru_cache(maxsize=maxsize)


class _Pending:
    """The on_commit callback of a bump inside a transaction; holds the values computed after it."""

    def __init__(self, namespace: "Namespace") -> None:
        self.namespace = namespace
        self.values: dict[Hashable, tuple[int, float, Any]] = {}

    def __call__(self) -> None:
        self.namespace._incr()


def _seconds(value: Seconds) -> float:
    return float(value() if callable(value) else value)


class Namespace:
    """A family of cached values that one version number invalidates together."""

    def __init__(
        self,
        name: str,
        *,
        recheck_seconds: Seconds = 0.0,
        max_age: Seconds | None = None,
        maxsize: int = 1024,
        one_at_a_time: bool = False,
    ) -> None:
        if name in _namespaces:
            raise ValueError(f"cache namespace {name!r} is defined twice")
        _namespaces[name] = self
        self.name = name
        self.recheck_seconds = recheck_seconds
        self.max_age = max_age
        self.maxsize = maxsize
        self.cache_key = f"gongzhi:cache-version:{name}"  # in Django's cache
        self._values: dict[Hashable, tuple[int, float, Any]] = {}
        self._known: int | None = None  # the version this process read last
        self._checked_at = 0.0
        self._lock = threading.Lock() if one_at_a_time else None
        self._writing = threading.Lock()  # threads of one process share the memo

    # --- the version -------------------------------------------------------------------------------

    def version(self) -> int:
        """The current version: this process's last reading if recent enough and outside a transaction."""
        known = self._known
        fresh = time.monotonic() - self._checked_at < _seconds(self.recheck_seconds)
        if known is not None and fresh and not connection.in_atomic_block:
            return known
        found = shared_cache.get(self.cache_key)
        if found is None:
            # First use, or evicted: start from the clock in microseconds, above any number this
            # namespace had before (a bump adds one), so an old memo entry never matches again.
            shared_cache.add(self.cache_key, time.time_ns() // 1000, timeout=None)
            found = shared_cache.get(self.cache_key)
        self._known, self._checked_at = int(found), time.monotonic()
        return self._known

    def _incr(self) -> None:
        try:
            found = shared_cache.incr(self.cache_key)
        except ValueError:  # not there yet (or evicted)
            self.version()
            found = shared_cache.incr(self.cache_key)
        self._known, self._checked_at = int(found), time.monotonic()

    def bump(self) -> None:
        """The data changed. Outside a transaction: a new version at once. Inside one: a new version
        at once (this transaction's reads miss) and again at commit (other processes may have cached
        the old rows under the first one); a second bump at the same savepoint level only drops what
        this transaction computed since the first (no other process can see its rows yet)."""
        if not connection.in_atomic_block:
            self._incr()
            return
        newest = self._pending()
        if newest is not None and newest[0] == set(connection.savepoint_ids):
            newest[1].values.clear()
            return
        self._incr()
        transaction.on_commit(_Pending(self))

    def _pending(self) -> tuple[set[str], _Pending] | None:
        """This namespace's newest bump in the current transaction that has not committed."""
        if connection.in_atomic_block:
            for entry in reversed(connection.run_on_commit):  # (savepoint ids, callback, robust)
                sids, func = entry[0], entry[1]
                if isinstance(func, _Pending) and func.namespace is self:
                    return sids, func
        return None

    def watch(self, *watched: type[models.Model], when: Callable[[Any], bool] | None = None) -> None:
        """Bump on every save and delete of these models (signals: not for update() or bulk_create),
        or only of the rows for which `when(instance)` is true."""

        def changed(instance: Any = None, **kwargs: Any) -> None:
            if when is None or when(instance):
                self.bump()

        for model in watched:
            for signal in (post_save, post_delete):
                signal.connect(
                    changed, sender=model, weak=False, dispatch_uid=f"{self.cache_key}:{model._meta.label}"
                )

    # --- the values --------------------------------------------------------------------------------

    def _store(self) -> dict[Hashable, tuple[int, float, Any]]:
        """Where values computed now may be kept: with the newest uncommitted bump, else process-wide."""
        newest = self._pending()
        return newest[1].values if newest is not None else self._values

    def peek(self, key: Hashable, version: int | None = None) -> Any:
        """The value kept for key at the current version, or `MISSING`."""
        version = self.version() if version is None else version
        hit = self._store().get(key)
        if hit is None or hit[0] != version:
            return _MISSING
        max_age = None if self.max_age is None else _seconds(self.max_age)
        if max_age is not None and time.monotonic() - hit[1] >= max_age:
            return _MISSING
        return hit[2]

    def put(self, key: Hashable, value: Any, version: int) -> None:
        """Keep value for key, computed from the rows as they were at `version` (read it first)."""
        if self.max_age is not None and _seconds(self.max_age) <= 0:
            return
        store = self._store()
        with self._writing:
            if len(store) >= self.maxsize and key not in store:
                store.pop(next(iter(store)))  # the oldest entry
            store[key] = (version, time.monotonic(), value)

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value for key, computed (and kept) if missing or out of date."""
        version = self.version()
        found = self.peek(key, version)
        if found is _MISSING:
            with self._lock or contextlib.nullcontext():
                found = self.peek(key, version)  # another thread may have computed it meanwhile
                if found is _MISSING:
                    found = compute()
                    self.put(key, found, version)
        return cast(T, found)

    def forget_local(self) -> None:
        """Drop this process's values and its reading of the version (not other processes')."""
        with self._writing:
            self._values.clear()
        self._known, self._checked_at = None, 0.0


MISSING = _MISSING


def bump_all(**kwargs: Any) -> None:
    """Every namespace: after migrate and flush (rows changed with no signal)."""
    for namespace in _namespaces.values():
        namespace._incr()


post_migrate.connect(bump_all, weak=False, dispatch_uid="gongzhi.core.cache.bump_all")
