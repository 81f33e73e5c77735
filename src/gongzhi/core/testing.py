"""Helpers for the PostgreSQL concurrency tests of every app (not imported by production code)."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def run_together(
    count: int, work: Callable[[int], Any], *, wait_s: float = 10, join_s: float = 30
) -> list[Any]:
    """Run work(0..count-1) in `count` threads released at once by a barrier, each on its own
    database connection; return what each returned or raised (the test inspects both). Many
    threads need longer: `wait_s` for all of them to reach the barrier, `join_s` for each to end."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=wait_s)
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=join_s)
    return results
