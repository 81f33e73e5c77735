"""Helpers shared by the demo tests."""

from collections.abc import Callable
from typing import Any

from django.db import transaction


def loaded_twice[T](load: Callable[[], Any], look: Callable[[], T]) -> list[T]:
    """Load twice, each time rolled back afterwards; what `look` saw after each load."""
    seen = []
    for _ in range(2):
        with transaction.atomic():
            load()
            seen.append(look())
            transaction.set_rollback(True)
    return seen
