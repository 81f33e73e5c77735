"""Ballots through the JSON API: POST /api/v1/projects/votes/{id}/ballot against gunicorn.

    DATABASE_URL=postgres://… .venv/bin/python bench/ballots.py [--ballots 100000] [--clients 8]
        [--workers 3] [--threads 2]

Migrations must have run. Prepares (idempotently) its own territory (district code 990000 with one
community of 200 households), `--ballots` residents each with an account and a bearer token
(deterministic raw tokens, so reruns reuse them), and a fresh open approval vote on eight proposals.
Starts gunicorn on a free 127.0.0.1 port (DEBUG off), then `--clients` closed-loop threads with one
keep-alive connection each cast one ballot per resident, every resident exactly once. Then checks
the database: one roll row and one ballot per resident. The last line is one JSON object with
`ballots_per_s` (target ≥ 300 on PostgreSQL).
"""

import argparse
import datetime
import http.client
import json
import os
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.config.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from appeal_intake import HOST, cpu_seconds, free_port, server_pids, start_server  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from gongzhi.accounts.api_auth import hash_token  # noqa: E402
from gongzhi.accounts.models import ApiToken, User  # noqa: E402
from gongzhi.people.models import Person  # noqa: E402
from gongzhi.projects import actions_vote  # noqa: E402
from gongzhi.projects.models import Proposal, Round, Vote  # noqa: E402
from gongzhi.projects.workflow import Phase  # noqa: E402
from gongzhi.territory.actions import build_node  # noqa: E402
from gongzhi.territory.models import TerritoryNode  # noqa: E402

TARGET_PER_S = 300
HOUSEHOLDS = 200


def node(level: str, code: str, name: str, parent: TerritoryNode | None) -> TerritoryNode:
    found = TerritoryNode.objects.filter(code=code).first()
    if found:
        return found
    n = build_node(level=level, code=code, name=name, parent=parent, geometry=None)
    n.save()
    return n


def raw_token(i: int) -> str:
    return f"gz_bench_ballot_{i:07d}"


def prepare(n: int) -> tuple[int, list[int], list[str]]:
    """(vote id, candidate ids, raw tokens) for n residents."""
    district = node("district", "990000", "压测区", None)
    street = node("street", "990000001", "压测街道", district)
    community = node("community", "990000001001", "压测社区", street)
    grid = node("grid", "990000001001001", "压测网格", community)
    compound = node("compound", "99000000100100101", "压测小区", grid)
    building = node("building", "99000000100100101001", "1栋", compound)
    unit = node("unit", "9900000010010010100101", "1单元", building)
    households = [node("household", f"{unit.code}{h:04d}", f"{h}", unit) for h in range(HOUSEHOLDS)]
    have = User.objects.filter(username__startswith="bench_voter_").count()
    if have < n:
        print(f"creating residents {have}..{n}", file=sys.stderr)
        batch = 5000
        for lo in range(have, n, batch):
            hi = min(n, lo + batch)
            persons = Person.objects.bulk_create(
                [Person(name=f"投票人{i}", household=households[i % HOUSEHOLDS]) for i in range(lo, hi)]
            )
            users = User.objects.bulk_create(
                [
                    User(username=f"bench_voter_{i:07d}", password="!", person=p)
                    for i, p in zip(range(lo, hi), persons, strict=True)
                ]
            )
            ApiToken.objects.bulk_create(
                [
                    ApiToken(
                        user=u,
                        name="bench ballots",
                        prefix=raw_token(i)[:10],
                        key_hash=hash_token(raw_token(i)),
                    )
                    for i, u in zip(range(lo, hi), users, strict=True)
                ]
            )
    today = timezone.localdate()
    rnd = Round.objects.filter(community=community, year=today.year).first() or Round.objects.create(
        community=community,
        year=today.year,
        title="压测微实事",
        budget=2_000_000,
        collect_from=today,
        collect_until=today,
        review_until=today,
        deliberate_until=today,
    )
    props = [
        Proposal.objects.create(
            round=rnd,
            title=f"压测项目{k}",
            description="压测",
            phase=Phase.DELIBERATION,
            cost_estimate=100_000 * (k + 1),
            responsible_unit="压测",
        )
        for k in range(8)
    ]
    now = timezone.now()
    vote = actions_vote.vote_create(
        actor=None,
        round=rnd,
        title=f"压测投票 {now:%H:%M:%S}",
        area=community,
        ballot_type="approval",
        rule="mes",
        opens_at=now - datetime.timedelta(minutes=1),
        closes_at=now + datetime.timedelta(hours=6),
    )
    actions_vote.vote_open(actor=None, vote=vote, proposal_ids=[p.pk for p in props])
    return vote.pk, [p.pk for p in props], [raw_token(i) for i in range(n)]


def wait_ready(port: int, vote_id: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", f"/api/v1/projects/votes/{vote_id}")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not come up")


def run(port: int, vote_id: int, candidates: list[int], tokens: list[str], clients: int) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    next_i = iter(range(len(tokens)))
    take = threading.Lock()

    def client(c: int) -> None:
        rng = random.Random(c)
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        lat: list[float] = []
        err: list[str] = []
        while True:
            with take:
                i = next(next_i, None)
            if i is None:
                break
            choices = sorted(rng.sample(candidates, rng.randint(1, 4)))
            body = json.dumps({"choices": choices})
            sent = time.monotonic()
            try:
                conn.request(
                    "POST",
                    f"/api/v1/projects/votes/{vote_id}/ballot",
                    body=body,
                    headers={"Authorization": f"Bearer {tokens[i]}", "Content-Type": "application/json"},
                )
                r = conn.getresponse()
                payload = r.read()
                if r.status != 200:
                    err.append(f"{r.status} {payload[:160]!r}")
            except (OSError, http.client.HTTPException) as exc:
                err.append(repr(exc))
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
            lat.append(time.monotonic() - sent)
        conn.close()
        with lock:
            latencies.extend(lat)
            errors.extend(err)

    start = time.monotonic()
    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    ms = np.array(latencies) * 1000 if latencies else np.array([0.0])
    return {
        "sent": len(latencies),
        "ok": len(latencies) - len(errors),
        "errors": len(errors),
        "elapsed_s": round(elapsed, 2),
        "ballots_per_s": round((len(latencies) - len(errors)) / elapsed, 1),
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p95_ms": round(float(np.percentile(ms, 95)), 1),
        "sample_errors": errors[:3],
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if not 0 < args.ballots <= 200_000:
        parser.error("--ballots must be in (0, 200000]")
    vote_id, candidates, tokens = prepare(args.ballots)
    database = connection.vendor
    connection.close()
    port = free_port()
    server = start_server(port, args.workers, args.threads, debug=False)
    try:
        wait_ready(port, vote_id)
        group, backends = server_pids(server)
        cpu0 = cpu_seconds(group + backends)
        figures = run(port, vote_id, candidates, tokens, args.clients)
        group, backends = server_pids(server)
        cpu = cpu_seconds(group + backends) - cpu0
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    vote = Vote.objects.get(pk=vote_id)
    rolls, ballots = vote.roll.count(), vote.ballots.count()
    out = {
        "bench": "ballots",
        "database": database,
        "ballots": args.ballots,
        "clients": args.clients,
        "workers": args.workers,
        "threads": args.threads,
        **figures,
        "server_cpu_ms_per_ballot": round(cpu * 1000 / max(figures["ok"], 1), 2),
        "roll_rows": rolls,
        "ballot_rows": ballots,
        "one_per_voter": rolls == ballots == figures["ok"],
        "target_per_s": TARGET_PER_S,
        "meets_target": figures["ballots_per_s"] >= TARGET_PER_S,
    }
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
