"""API intake throughput: POST /api/v1/appeals/ against gunicorn, from a load generator on loopback.

    DATABASE_URL=postgres://… .venv/bin/python bench/appeal_intake.py [--seconds 60] [--rate 250]
        [--workers N] [--threads N] [--clients 10]

Prepares the database (demo territory with routing rules if district 440311 is missing; an
integration account holding report_appeals with a fresh token), starts gunicorn on a free
127.0.0.1 port with the deployed settings (gongzhi.config.gunicorn: 3 processes × 2 threads,
keep-alive; GONGZHI_ENV stays development; DEBUG off, as deployed), then `--clients` threads
with one keep-alive http.client connection each send pinned hotline appeals at `--rate` per second
in total for `--seconds` (bounded in count and time, loopback only). Every request is a new appeal
with its own Idempotency-Key, routed and dispatched in the request. The last line is one JSON object.

Ten open-loop clients are enough for 250/s (each is due every 40 ms); 32 Python client threads made
the generator itself contend for its GIL and inflated the measured p95 from ~40 ms to ~180 ms on this
2-core machine, while the server's CPU per appeal was the same.
"""

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.config.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from gongzhi.accounts.actions import token_create  # noqa: E402
from gongzhi.accounts.models import RoleAssignment, User  # noqa: E402
from gongzhi.accounts.roles import Role  # noqa: E402
from gongzhi.appeals.models import Category, RoutingRuleSet  # noqa: E402
from gongzhi.config import gunicorn as deployed  # noqa: E402
from gongzhi.people.models import Person  # noqa: E402
from gongzhi.territory.geo_index import get_index  # noqa: E402
from gongzhi.territory.models import Level, TerritoryNode  # noqa: E402

TARGET_PER_S = 200
TARGET_P95_MS = 100
HOST = "127.0.0.1"


def prepare() -> tuple[str, list[tuple[float, float]], list[int]]:
    """(raw token, points inside grids, level-3 category ids)."""
    if not TerritoryNode.objects.filter(code="440311").exists():
        print("no district 440311: loading the demo territory (gongzhi demo --residents 0)")
        call_command("demo", residents=0)
    if not RoutingRuleSet.objects.filter(is_active=True).exists():
        print("warning: no active routing ruleset; appeals will wait in triage", file=sys.stderr)
    district = TerritoryNode.objects.get(code="440311")
    user = User.objects.filter(username="bench_intake").first()
    if user is None:
        person = Person.objects.create(name="压测接口")
        user = User.objects.create_user(username="bench_intake", password=None, person=person)
        RoleAssignment.objects.create(person=person, role=Role.DISTRICT_ADMIN, territory=district)
    _token, raw = token_create(actor=user, name="bench appeal_intake")
    rng = np.random.default_rng(11)
    lons = rng.uniform(district.min_lon, district.max_lon, 20_000)
    lats = rng.uniform(district.min_lat, district.max_lat, 20_000)
    inside = get_index().lookup_many(lons, lats, Level.GRID) >= 0
    points = list(zip(lons[inside].tolist(), lats[inside].tolist(), strict=True))[:5000]
    categories = list(Category.objects.filter(level=3, active=True).values_list("pk", flat=True))
    return raw, points, categories


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int | None, threads: int | None, debug: bool) -> subprocess.Popen:
    """gunicorn with the deployed settings (gongzhi.config.gunicorn, docs/deploy.md) on `port`;
    `workers`/`threads` override them only when given."""
    env = {**os.environ, "DEBUG": "1" if debug else "0", "PYTHONPATH": str(ROOT / "src")}
    env.setdefault("GONGZHI_ENV", "development")
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    overrides = [
        *(["-w", str(workers)] if workers else []),
        *(["--threads", str(threads)] if threads else []),
    ]
    return subprocess.Popen(
        [
            gunicorn,
            "-c",
            "python:gongzhi.config.gunicorn",
            "gongzhi.config.wsgi",
            *overrides,
            "-b",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def wait_ready(port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            # a page that needs no database: the list would COUNT(*) the whole table while we measure
            conn.request("GET", "/open311/v2/discovery.json")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not come up")


def run_load(
    port: int, token: str, points: list, categories: list, rate: float, seconds: float, clients: int
) -> dict:
    """Open-loop pacing: request i of client c is due at start + (i * clients + c) / rate; a client
    that falls behind sends at once (so a slow server shows up as latency and a lower rate)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    limit = int(rate * seconds)  # bounded in count as well as time
    start = time.monotonic() + 0.5
    stop_at = start + seconds

    def client(c: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        mine_lat: list[float] = []
        mine_err: list[str] = []
        i = 0
        while True:
            n = i * clients + c
            if n >= limit:
                break
            due = start + n / rate
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            if time.monotonic() >= stop_at:
                break
            lon, lat = points[n % len(points)]
            body = json.dumps(
                {
                    "text": f"压测诉求{n}:路灯不亮,夜间出行不便",
                    "channel": "hotline",
                    "lon": lon,
                    "lat": lat,
                    "category_id": categories[n % len(categories)] if categories else None,
                    "contact_name": "市民",
                    "contact_phone": f"139{n % 100_000_000:08d}",
                }
            )
            headers = {
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Idempotency-Key": f"bench-{start:.0f}-{n}",
            }
            sent = time.monotonic()
            try:
                conn.request("POST", "/api/v1/appeals/", body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                if response.status != 201:
                    mine_err.append(f"{response.status} {payload[:200]!r}")
            except (OSError, http.client.HTTPException) as exc:
                mine_err.append(repr(exc))
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
            mine_lat.append(time.monotonic() - sent)
            i += 1
        conn.close()
        with lock:
            latencies.extend(mine_lat)
            errors.extend(mine_err)

    workers = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=seconds + 60)
    elapsed = max(time.monotonic() - start, 1e-9)
    done = len(latencies) - len(errors)
    ms = np.array(latencies) * 1000 if latencies else np.array([0.0])
    return {
        "sent": len(latencies),
        "ok": done,
        "errors": len(errors),
        "elapsed": elapsed,
        "appeals_per_s": done / min(elapsed, seconds + 10),
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "p99_ms": float(np.percentile(ms, 99)),
        "sample_errors": errors[:5],
    }


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of live processes, from /proc (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def server_pids(server: subprocess.Popen) -> tuple[list[int], list[int]]:
    """(gunicorn processes, PostgreSQL backends of this database) — to charge CPU per appeal."""
    group = [int(p) for p in os.listdir("/proc") if p.isdigit() and _pgid(int(p)) == server.pid]
    backends: list[int] = []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            backends = [row[0] for row in cursor.fetchall()]
        connection.close()
    return group, backends


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except OSError:
        return None


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=250, help="target requests per second (total)")
    parser.add_argument(
        "--workers", type=int, default=None, help="default: as deployed (gongzhi.config.gunicorn)"
    )
    parser.add_argument("--threads", type=int, default=None, help="default: as deployed")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--debug", action="store_true", help="run the server with DEBUG on")
    args = parser.parse_args()
    if not 0 < args.seconds <= 600:
        parser.error("--seconds must be in (0, 600]")
    args.workers = args.workers or deployed.workers
    args.threads = args.threads or deployed.threads
    token, points, categories = prepare()
    database = connection.vendor
    connection.close()
    port = free_port()
    server = start_server(port, args.workers, args.threads, args.debug)
    try:
        wait_ready(port)
        print(
            f"gunicorn -w {args.workers} --threads {args.threads} on {HOST}:{port}, {database}; "
            f"{args.clients} clients at {args.rate:.0f}/s for {args.seconds:.0f} s"
        )
        time.sleep(2)  # let every worker finish booting before the CPU snapshot
        gunicorn_pids, _ = server_pids(server)
        app_before, client_cpu = cpu_seconds(gunicorn_pids), time.process_time()
        result = run_load(port, token, points, categories, args.rate, args.seconds, args.clients)
        client_cpu = time.process_time() - client_cpu
        gunicorn_pids, backend_pids = server_pids(server)
        # workers: CPU during the run; database: the lifetime of their persistent connections
        # (CONN_MAX_AGE), which opened during the run
        app_cpu, db_cpu = cpu_seconds(gunicorn_pids) - app_before, cpu_seconds(backend_pids)
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # our own gunicorn's process group, nothing else
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    print(
        f"sent {result['sent']:,}, ok {result['ok']:,}, errors {result['errors']} in {result['elapsed']:.1f} s: "
        f"{result['appeals_per_s']:.1f}/s (target {TARGET_PER_S}), p50 {result['p50_ms']:.1f} ms, "
        f"p95 {result['p95_ms']:.1f} ms (target {TARGET_P95_MS}), p99 {result['p99_ms']:.1f} ms"
    )
    per_appeal = {
        name: 1000 * cpu / max(result["ok"], 1)
        for name, cpu in (("app", app_cpu), ("db", db_cpu), ("client", client_cpu))
    }
    print(
        f"CPU per appeal: gunicorn {per_appeal['app']:.1f} ms, PostgreSQL {per_appeal['db']:.1f} ms, "
        f"load generator {per_appeal['client']:.1f} ms; machine load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores (other work on the machine takes its share)"
    )
    for sample in result["sample_errors"]:
        print(f"  error: {sample}", file=sys.stderr)
    if result["appeals_per_s"] < TARGET_PER_S or result["p95_ms"] >= TARGET_P95_MS:
        print("BELOW TARGET", file=sys.stderr)
    print(
        json.dumps(
            {
                "bench": "appeal_intake",
                "appeals_per_s": round(result["appeals_per_s"], 1),
                "p95_ms": round(result["p95_ms"], 1),
                "errors": result["errors"],
                "seconds": round(result["elapsed"], 1),
                "database": database,
                "rate_target": args.rate,
                "workers": args.workers,
                "threads": args.threads,
                "cpu_ms_per_appeal": round(per_appeal["app"] + per_appeal["db"], 1),
            }
        )
    )
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
