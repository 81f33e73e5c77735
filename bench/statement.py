"""Balance and monthly statement of an account with 100,000 entries.

    DATABASE_URL=postgres://... .venv/bin/python bench/statement.py [--entries 100000] [--repeat 5]

Against the configured database (migrations must have run). If the bench account (a team account
("bench", "statement") in bench community 990700001001) has fewer than --entries entries, history
is generated: transactions of two legs each (the bench account and the community's issuing account),
spread evenly over the 24 months before the current one, written in batches with bulk inserts
(the deferred balance check still runs at each COMMIT on PostgreSQL); then the running balance and
monthly rollups are rebuilt from the entries (`maintenance.rebuild_account`). Generation is not timed.

Timed ("ms", median of --repeat runs): `queries.balance(account)` plus `queries.statement(account,
month, page=2)` for the busiest month (~4,400 lines): a page of 200 lines with its running balance,
which is what the statement page and the API return; "full_month_ms" is the whole month at once
(the CSV/XLSX export). "recount_ok" checks that the
running balance, the sum of all 100,000 entries and the rollups agree (timed separately:
"recount_ms"). The last line of output is one JSON object.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from gongzhi.points import queries  # noqa: E402
from gongzhi.points.actions import account_for  # noqa: E402
from gongzhi.points.actions_maintenance import rebuild_account  # noqa: E402
from gongzhi.points.models import Entry, Transaction, TxnKind  # noqa: E402
from gongzhi.territory.actions import build_node  # noqa: E402
from gongzhi.territory.models import TerritoryNode  # noqa: E402

DISTRICT, STREET, COMMUNITY = "990700", "990700001", "990700001001"
BATCH = 5_000
MONTHS = 24
TARGET_MS = 100


def node(level: str, code: str, name: str, parent: TerritoryNode | None) -> TerritoryNode:
    existing = TerritoryNode.objects.filter(code=code).first()
    if existing:
        return existing
    built = build_node(level=level, code=code, name=name, parent=parent, geometry=None)
    built.save()
    return built


def month_start(months_back: int) -> datetime.datetime:
    today = timezone.localdate().replace(day=1)
    year, month = today.year, today.month - months_back
    while month < 1:
        month += 12
        year -= 1
    return datetime.datetime(year, month, 1, tzinfo=timezone.get_current_timezone())


def generate(account, other, community, missing: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(11)
    start = month_start(MONTHS)
    span = (month_start(0) - start).total_seconds()
    done = 0
    while done < missing:
        n = min(BATCH, missing - done)
        with transaction.atomic():
            moments = sorted(start + datetime.timedelta(seconds=rng.uniform(0, span)) for _ in range(n))
            txns = Transaction.objects.bulk_create(
                [
                    Transaction(
                        kind=TxnKind.TRANSFER,
                        community=community,
                        points=1 + i % 20,
                        memo="bench",
                        created_at=at,
                    )
                    for i, at in enumerate(moments)
                ]
            )
            entries = []
            for t in txns:
                sign = 1 if rng.random() < 0.6 else -1  # the account earns more than it spends
                entries.append(
                    Entry(transaction=t, account=account, amount=sign * t.points, created_at=t.created_at)
                )
                entries.append(
                    Entry(transaction=t, account=other, amount=-sign * t.points, created_at=t.created_at)
                )
            Entry.objects.bulk_create(entries, batch_size=2_000)
        done += n
        print(f"  generated {done}/{missing}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    district = node("district", DISTRICT, "压测区", None)
    street = node("street", STREET, "压测街道", district)
    community = node("community", COMMUNITY, "压测社区", street)
    # the counterparty is the community's issuing account, the one account allowed below zero
    account = account_for(("bench", "statement"), community=community, label="压测账户")
    other = account_for(community)
    have = Entry.objects.filter(account=account).count()
    if have < args.entries:
        generate(account, other, community, args.entries - have)
        rebuild_account(account)
        rebuild_account(other)
    account.refresh_from_db()
    months = queries.AccountMonth.objects.filter(account=account).order_by("-entry_count")
    busiest = months.first().month
    timings, full, lines, month_lines = [], [], 0, 0
    for _ in range(args.repeat):
        started = time.perf_counter()
        bal = queries.balance(account)
        s = queries.statement(account, busiest, page=2)  # what the page and the API return
        timings.append((time.perf_counter() - started) * 1000)
        lines = len(s.lines)
        started = time.perf_counter()
        whole = queries.statement(account, busiest)  # the export: every line of the month
        full.append((time.perf_counter() - started) * 1000)
        month_lines = len(whole.lines)
    started = time.perf_counter()
    check = queries.recount(account)
    recount_ms = (time.perf_counter() - started) * 1000
    print(
        json.dumps(
            {
                "bench": "statement",
                "database": connection.vendor,
                "entries": Entry.objects.filter(account=account).count(),
                "month": f"{busiest:%Y-%m}",
                "statement_lines": lines,
                "month_lines": month_lines,
                "full_month_ms": round(statistics.median(full), 1),
                "balance": bal,
                "ms": round(statistics.median(timings), 1),
                "first_ms": round(timings[0], 1),
                "target_ms": TARGET_MS,
                "recount_ok": check.consistent,
                "recount_ms": round(recount_ms, 1),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
