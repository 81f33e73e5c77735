"""The point index trusts a recently confirmed version for a few seconds outside transactions, and
never inside one; a boundary change in this process drops it at once."""

import pytest
from django.core.cache import cache
from django.db import transaction

from gongzhi.territory import geo_index

pytestmark = pytest.mark.django_db(transaction=True)


def _bump_elsewhere() -> None:
    """What another process's boundary change looks like from here: only the shared version moves."""
    cache.incr(geo_index.GEO_INDEX.cache_key)


def test_a_change_elsewhere_is_seen_after_the_recheck_interval(net, monkeypatch):
    first = geo_index.get_index()
    _bump_elsewhere()
    monkeypatch.setattr(geo_index, "RECHECK_SECONDS", 3600.0)
    assert geo_index.get_index() is first  # trusted: no version read
    monkeypatch.setattr(geo_index, "RECHECK_SECONDS", 0.0)
    assert geo_index.get_index() is not first  # version read, index rebuilt


def test_inside_a_transaction_the_version_is_always_read(net, monkeypatch):
    first = geo_index.get_index()
    monkeypatch.setattr(geo_index, "RECHECK_SECONDS", 3600.0)
    with transaction.atomic():
        _bump_elsewhere()
        assert geo_index.get_index() is not first


def test_a_change_in_this_process_drops_the_index_at_once(net, monkeypatch):
    first = geo_index.get_index()
    monkeypatch.setattr(geo_index, "RECHECK_SECONDS", 3600.0)
    geo_index.bump_version()
    assert geo_index.get_index() is not first
