"""64 concurrent clients awarding and redeeming against shared accounts and one scarce item.

    DATABASE_URL=postgres://... .venv/bin/python bench/ledger_race.py [--clients 64] [--ops 200] [--processes 4]

Against the configured database (migrations must have run; PostgreSQL is the point — SQLite
serialises write transactions, so there is nothing to race). It builds (idempotently) a bench
community 990700001001 with 32 resident accounts funded with points, one merchant with a scarce item
(stock 100) and a plentiful one, and earning rules without caps. Then --clients clients — threads
spread over --processes worker processes (the GIL would otherwise make Python, not the database, the
bottleneck), each with its own database connection — make --ops calls each through the actions
layer (`award_points`, `redemption.redeem`): ~50 % awards to shared recipients (one in five a retry
of an already-posted source, which must be a no-op), ~45 % redemptions of the plentiful item, ~5 % of
the scarce one. Every call is a full ledger operation in its own transaction, with real row locks.

Figures: ops_per_s (all calls, including idempotent no-ops and refusals, / wall time),
committed_per_s (calls that wrote a transaction), negative_balances, negative_stock, ledger_sum
(sum of every entry: 0), duplicate_awards ((rule, recipient, source) posted more than once),
retries_created (retries that wrote anything: 0), rollup_mismatches (accounts whose running balance,
entry sum and monthly rollups disagree). The last line of output is one JSON object.
"""

import argparse
import json
import multiprocessing
import os
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, connections  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402

from gongzhi.orgs.models import Organisation, OrgKind  # noqa: E402
from gongzhi.people.models import Person  # noqa: E402
from gongzhi.points import actions_redemption  # noqa: E402
from gongzhi.points.actions import PointsRefused, account_for, award_points  # noqa: E402
from gongzhi.points.models import Account, CatalogueItem, EarningRule, Entry, Transaction  # noqa: E402
from gongzhi.points.models.rules import RuleCode  # noqa: E402
from gongzhi.points.queries import recount  # noqa: E402
from gongzhi.territory.actions import build_node  # noqa: E402
from gongzhi.territory.models import TerritoryNode  # noqa: E402

DISTRICT, STREET, COMMUNITY = "990700", "990700001", "990700001001"
PEOPLE = 32
FUNDING = 20_000


def node(level: str, code: str, name: str, parent: TerritoryNode | None) -> TerritoryNode:
    existing = TerritoryNode.objects.filter(code=code).first()
    if existing:
        return existing
    built = build_node(level=level, code=code, name=name, parent=parent, geometry=None)
    built.save()
    return built


def world() -> dict:
    district = node("district", DISTRICT, "压测区", None)
    street = node("street", STREET, "压测街道", district)
    community = node("community", COMMUNITY, "压测社区", street)
    for code in (RuleCode.ACTIVITY_CHECKIN, RuleCode.MANUAL):
        EarningRule.objects.update_or_create(
            territory=community,
            code=code,
            defaults={"points_per_unit": 2, "daily_cap": None, "monthly_cap": None},
        )
    merchant, _ = Organisation.objects.get_or_create(
        name="压测超市", kind=OrgKind.MERCHANT, territory=community
    )
    scarce, _ = CatalogueItem.objects.get_or_create(
        community=community, merchant=merchant, name="限量大米", defaults={"points": 5, "stock": 100}
    )
    CatalogueItem.objects.filter(pk=scarce.pk).update(stock=100)  # scarce again on every run
    plenty, _ = CatalogueItem.objects.get_or_create(
        community=community, merchant=merchant, name="环保袋", defaults={"points": 1, "stock": 10_000_000}
    )
    people = list(Person.objects.filter(name__startswith="压测居民").order_by("pk")[:PEOPLE])
    for i in range(len(people), PEOPLE):
        people.append(Person.objects.create(name=f"压测居民{i:02d}"))
    run = f"{time.time():.0f}"
    for p in people:  # top up so redemptions mostly succeed
        account = account_for(p, community=community)
        if account.balance < FUNDING // 2:
            _fund(p, community, run)
    return {
        "community": community.pk,
        "people": [p.pk for p in people],
        "scarce": scarce.pk,
        "plenty": plenty.pk,
        "run": run,
    }


def _fund(person: Person, community: TerritoryNode, run: str) -> None:
    award_points(
        rule="activity_checkin",
        recipient=person,
        source=f"bench.fund:{run}:{person.pk}",
        community=community,
        points=FUNDING,
    )


def client(index: int, setup: dict, ops: int, out: list) -> None:
    rng = random.Random(index)
    community = TerritoryNode.objects.get(pk=setup["community"])
    people = list(Person.objects.filter(pk__in=setup["people"]).order_by("pk"))
    scarce = CatalogueItem.objects.get(pk=setup["scarce"])
    plenty = CatalogueItem.objects.get(pk=setup["plenty"])
    posted: list[tuple[Person, str]] = []
    stats = {"calls": 0, "committed": 0, "refused": 0, "retries": 0, "retries_created": 0, "errors": 0}
    for n in range(ops):
        roll = rng.random()
        try:
            if roll < 0.5:
                if posted and rng.random() < 0.2:  # a client retrying an award it already posted
                    person, source = rng.choice(posted)
                    stats["retries"] += 1
                    award = award_points(
                        rule="activity_checkin", recipient=person, source=source, community=community
                    )
                    stats["retries_created"] += int(award.created)
                else:
                    person = rng.choice(people)
                    # sources shared by pairs of clients: both post it, one wins
                    source = f"bench.checkin:{setup['run']}:{index // 2}:{n}"
                    award = award_points(
                        rule="activity_checkin", recipient=person, source=source, community=community
                    )
                    posted.append((person, source))
                    stats["committed"] += int(award.created)
            else:
                item = scarce if roll > 0.95 else plenty
                actions_redemption.redeem(person=rng.choice(people), item=item)
                stats["committed"] += 1
        except PointsRefused:
            stats["refused"] += 1
        except Exception:  # noqa: BLE001 - counted and reported; the bench must finish
            stats["errors"] += 1
        stats["calls"] += 1
    stats["db_cpu"] = _backend_cpu()
    connection.close()
    out.append(stats)


def _backend_cpu() -> float:
    """CPU seconds of this thread's PostgreSQL backend (same machine; 0 on SQLite)."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_main(first: int, count: int, setup: dict, ops: int, queue) -> None:  # type: ignore[no-untyped-def]
    connections.close_all()
    out: list = []
    threads = [threading.Thread(target=client, args=(first + i, setup, ops, out)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out[0]["py_cpu"] = time.process_time()  # the whole process: its threads are the clients
    queue.put(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--ops", type=int, default=200)
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args()
    setup = world()
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    per = [
        args.clients // args.processes + (1 if i < args.clients % args.processes else 0)
        for i in range(args.processes)
    ]
    started = time.perf_counter()
    procs, first = [], 0
    for count in per:
        procs.append(ctx.Process(target=process_main, args=(first, count, setup, args.ops, queue)))
        first += count
    for p in procs:
        p.start()
    results = [s for _ in procs for s in queue.get()]
    for p in procs:
        p.join()
    seconds = time.perf_counter() - started
    for r in results:
        r.setdefault("py_cpu", 0.0)
    total = {k: sum(r[k] for r in results) for k in results[0]}
    community_accounts = Account.objects.filter(
        path__startswith=TerritoryNode.objects.get(pk=setup["community"]).path
    )
    duplicates = (
        Transaction.objects.exclude(source="")
        .values("rule", "recipient", "source")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    figures = {
        "bench": "ledger_race",
        "database": connection.vendor,
        "clients": args.clients,
        "processes": args.processes,
        "path": "actions layer (award_points / redemption.redeem), threads in worker processes, one DB connection each",
        "calls": total["calls"],
        "seconds": round(seconds, 2),
        "ops_per_s": round(total["calls"] / seconds, 1),
        "committed_per_s": round(total["committed"] / seconds, 1),
        "refused": total["refused"],
        # CPU per call, robust to other load on the machine: the client processes (which run the
        # actions layer, i.e. the application code) and their PostgreSQL backends
        "app_cpu_ms_per_op": round(1000 * total["py_cpu"] / total["calls"], 2),
        "db_cpu_ms_per_op": round(1000 * total["db_cpu"] / total["calls"], 2),
        "errors": total["errors"],
        "retries": total["retries"],
        "retries_created": total["retries_created"],
        "negative_balances": Account.objects.filter(balance__lt=0).exclude(kind="issuing").count(),
        "negative_stock": CatalogueItem.objects.filter(stock__lt=0).count(),
        "scarce_stock_left": CatalogueItem.objects.get(pk=setup["scarce"]).stock,
        "ledger_sum": int(Entry.objects.aggregate(s=Sum("amount", default=0))["s"]),
        "duplicate_awards": duplicates,
        "rollup_mismatches": sum(0 if recount(a).consistent else 1 for a in community_accounts),
    }
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
