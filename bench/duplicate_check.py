"""Duplicate check at intake: p95 of `similar_appeals` with N appeals stored.

    GONGZHI_VAR_DIR=/tmp/h12var .venv/bin/python bench/duplicate_check.py [--appeals 1000000] [--queries 500]

Tops the database up to N benchmark appeals (numbers start with "BDUP", channel import, no
submitter) with their fingerprints, by bulk inserts: pins spread over a 0.2°×0.2° area (~20×22 km,
the size of a district), created over the last 60 days, texts from a small phrase grammar so that
near neighbours share words. Generation time is not part of the figure. Then times `--queries`
checks as a resident makes them (random pin in the area, a text from the same grammar, default
200 m radius and 30-day window). Remove the rows with `--drop`. The last line is one JSON object.
"""

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from gongzhi.appeals.models import Appeal  # noqa: E402
from gongzhi.hotissues.duplicates import cell_of, similar_appeals  # noqa: E402
from gongzhi.hotissues.models import AppealFingerprint  # noqa: E402
from gongzhi.hotissues.similarity import normalise  # noqa: E402

TAG = "BDUP"
LON0, LAT0, SPAN = 113.80, 22.60, 0.2
from synthetic_text import PLACES, PROBLEMS, THINGS  # noqa: E402


def phrase(rng: random.Random) -> str:
    return f"{rng.choice(PLACES)}{rng.randint(1, 200)}号附近{rng.choice(THINGS)}{rng.choice(PROBLEMS)}"


def generate(n: int, seed: int = 7) -> int:
    have = Appeal.objects.filter(number__startswith=TAG).count()
    rng = random.Random(seed + have)
    now = timezone.now()
    batch = 5000
    for start in range(have, n, batch):
        rows, prints = [], []
        for i in range(start, min(start + batch, n)):
            text = phrase(rng)
            rows.append(
                Appeal(
                    number=f"{TAG}{i:010d}",
                    channel="import",
                    title=text[:60],
                    text=text,
                    lon=LON0 + rng.random() * SPAN,
                    lat=LAT0 + rng.random() * SPAN,
                )
            )
        with transaction.atomic():
            Appeal.objects.bulk_create(rows, batch_size=batch)
            created = {a.number: a for a in Appeal.objects.filter(number__in=[r.number for r in rows])}
            for r in rows:
                a = created[r.number]
                prints.append(
                    AppealFingerprint(
                        appeal_id=a.pk,
                        cell=cell_of(a.lon, a.lat),
                        lon=a.lon,
                        lat=a.lat,
                        category_id=None,
                        created_at=now - datetime.timedelta(seconds=rng.random() * 60 * 86400),
                        text=normalise(f"{a.title} {a.text}"),
                    )
                )
            AppealFingerprint.objects.bulk_create(prints, batch_size=batch)
        print(f"generated {min(start + batch, n)}/{n}", file=sys.stderr, flush=True)
    return Appeal.objects.filter(number__startswith=TAG).count()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--appeals", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--drop", action="store_true", help="delete the benchmark appeals and stop")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if args.drop:
        AppealFingerprint.objects.filter(appeal__number__startswith=TAG).delete()
        Appeal.objects.filter(number__startswith=TAG).delete()
        return
    stored = generate(args.appeals)
    with connection.cursor() as cursor:  # fresh planner statistics, as a live database has them
        cursor.execute("ANALYZE")
    rng = random.Random(11)
    times, hits = [], []
    for _ in range(args.queries + 20):
        lon, lat = LON0 + rng.random() * SPAN, LAT0 + rng.random() * SPAN
        text = phrase(rng)
        t0 = time.perf_counter()
        found = similar_appeals(actor=None, text=text, lon=lon, lat=lat)
        times.append((time.perf_counter() - t0) * 1000)
        hits.append(bool(found))
    times = sorted(times[20:])  # the first few warm caches
    p95 = times[int(0.95 * (len(times) - 1))]
    print(
        json.dumps(
            {
                "bench": "duplicate_check",
                "appeals": Appeal.objects.count(),
                "bench_appeals": stored,
                "queries": len(times),
                "with_suggestions": sum(hits[20:]),
                "p50_ms": round(times[len(times) // 2], 2),
                "p95_ms": round(p95, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
