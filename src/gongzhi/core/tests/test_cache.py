"""core.cache (decision 0046): a version per namespace in Django's cache, memo dicts per process,
and transactions — a value computed after a change in a transaction that rolls back (every test)
is never seen by the next one, with no fixture resetting anything."""

import time

import pytest
from django.core.cache import cache as shared_cache
from django.db import transaction

from gongzhi.core import cache
from gongzhi.core.cache import MISSING, Namespace, pure
from gongzhi.territory.actions import build_node
from gongzhi.territory.models import TerritoryNode
from gongzhi.territory.tests.factories import make_node

NODES = Namespace("core.tests.node_count")
NODES.watch(TerritoryNode)
MANUAL = Namespace("core.tests.manual")


def node_count() -> int:
    return NODES.get("count", TerritoryNode.objects.count)


@pytest.mark.django_db
def test_1_a_row_saved_in_one_test_is_counted_there() -> None:
    assert node_count() == 0
    make_node("district", "440311", "光明区", None)
    assert node_count() == 1


@pytest.mark.django_db
def test_2_and_not_seen_by_the_next_after_its_rollback() -> None:
    assert node_count() == 0
    assert node_count() == 0


@pytest.mark.django_db
def test_a_save_moves_the_version_and_the_value() -> None:
    before = NODES.version()
    assert node_count() == 0
    make_node("district", "440311", "光明区", None)
    assert NODES.version() > before
    assert node_count() == 1


@pytest.mark.django_db
def test_a_rolled_back_savepoint_takes_its_values_with_it() -> None:
    assert node_count() == 0

    def add_count_and_roll_back() -> None:
        with transaction.atomic():
            make_node("district", "440311", "光明区", None)
            assert node_count() == 1
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        add_count_and_roll_back()
    assert node_count() == 0


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_change_without_signal_needs_a_bump() -> None:
    make_node("district", "440311", "光明区", None)
    assert node_count() == 1
    TerritoryNode.objects.all().delete()  # QuerySet.delete sends post_delete per row: a bump
    assert node_count() == 0
    TerritoryNode.objects.bulk_create([build_node(level="district", code="440312", name="公明", parent=None)])
    assert node_count() == 0  # bulk_create sends no signal: stale until someone bumps
    NODES.bump()
    assert node_count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_commit_bumps_again_for_other_processes() -> None:
    with transaction.atomic():
        MANUAL.bump()
        inside = MANUAL.version()
    assert MANUAL.version() == inside + 1


def test_a_bump_in_another_process_is_seen_on_the_next_read() -> None:
    calls: list[int] = []
    assert MANUAL.get("k", lambda: calls.append(1) or len(calls)) == 1
    assert MANUAL.get("k", lambda: calls.append(1) or len(calls)) == 1
    shared_cache.incr(MANUAL.cache_key)  # what another process's bump looks like from here
    assert MANUAL.get("k", lambda: calls.append(1) or len(calls)) == 2


def test_a_recently_read_version_is_trusted_for_recheck_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    trusting = Namespace("core.tests.trusting", recheck_seconds=60)
    first = trusting.get("k", object)
    shared_cache.incr(trusting.cache_key)
    assert trusting.get("k", object) is first  # not re-read within the minute
    later = time.monotonic() + 61
    monkeypatch.setattr(cache.time, "monotonic", lambda: later)
    assert trusting.get("k", object) is not first
    trusting.bump()  # this process's own bump is seen at once
    assert trusting.peek("k") is MISSING


def test_max_age_drops_an_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    ageing = Namespace("core.tests.ageing", max_age=lambda: 10)
    first = ageing.get("k", object)
    assert ageing.get("k", object) is first
    later = time.monotonic() + 11
    monkeypatch.setattr(cache.time, "monotonic", lambda: later)
    assert ageing.get("k", object) is not first


def test_an_evicted_version_restarts_above_every_earlier_one() -> None:
    MANUAL.bump()
    before = MANUAL.version()
    shared_cache.delete(MANUAL.cache_key)
    MANUAL.forget_local()
    assert MANUAL.version() > before


def test_a_namespace_name_is_unique() -> None:
    with pytest.raises(ValueError, match="defined twice"):
        Namespace("core.tests.manual")


def test_pure_memoises_by_argument() -> None:
    calls: list[int] = []

    @pure(maxsize=4)
    def double(n: int) -> int:
        calls.append(n)
        return 2 * n

    assert (double(2), double(2), double(3)) == (4, 4, 6)
    assert calls == [2, 3]


def test_the_memo_keeps_at_most_maxsize_entries_dropping_the_oldest() -> None:
    small = Namespace("core.tests.small", maxsize=2)
    for key in ("a", "b", "c"):
        small.get(key, lambda key=key: key.upper())
    assert small.peek("a") is MISSING
    assert (small.peek("b"), small.peek("c")) == ("B", "C")
