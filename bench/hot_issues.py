"""Hot issues: clustering time for one street-month, and clusters of real messages to judge by eye.

    .venv/bin/python bench/hot_issues.py [--appeals 20000]
    .venv/bin/python bench/hot_issues.py --file hot_messages.csv [--top 20]

Synthetic mode: `--appeals` items in one month over 12 communities of a street, texts from a
phrase grammar with ~300 underlying problems plus noise; times `clustering.cluster` (TF-IDF, the
similarity graph, components, titles, scores) — the in-memory part of the hot-issues page; the
database read of the month's rows is not included. File mode: reads the CSV (columns id, user,
subject, time, detail, likes) from `$GONGZHI_SHARED_DATA/appeals/` or ../shared/data/appeals/ at
run time (a path also works), clusters by text only (the messages have no place) with likes as
supports, and prints the top clusters: size and title and three member subjects. The last line
is one JSON object.
"""

import argparse
import csv
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from synthetic_text import PLACES, THINGS  # noqa: E402
from synthetic_text import PROBLEMS as _ALL_PROBLEMS  # noqa: E402

from gongzhi.hotissues.clustering import Item, cluster  # noqa: E402

PROBLEMS = _ALL_PROBLEMS[:9]  # this bench's clusters were measured with the first nine
NOISE = ["请尽快处理", "谢谢", "麻烦相关部门看一下", "已经反映过多次", "居民意见很大", ""]


def shared_csv(name: str) -> Path:
    if Path(name).is_file():
        return Path(name)
    base = (
        Path(os.environ["GONGZHI_SHARED_DATA"])
        if os.environ.get("GONGZHI_SHARED_DATA")
        else ROOT.parent / "shared/data"
    )
    return base / "appeals" / name


def synthetic(n: int) -> tuple[list[Item], datetime.datetime]:
    rng = random.Random(5)
    start = datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
    problems = [
        (rng.choice(PLACES), rng.choice(THINGS), rng.choice(PROBLEMS), rng.randrange(12)) for _ in range(300)
    ]
    items = []
    for i in range(n):
        place, thing, problem, community = (
            problems[min(int(rng.paretovariate(1.2)) - 1, 299)]
            if rng.random() < 0.6
            else rng.choice(problems)
        )
        text = f"{place}{rng.randint(1, 40)}栋{thing}{problem},{rng.choice(NOISE)}"
        items.append(
            Item(
                id=i,
                title=text[:20],
                text=text,
                at=start + datetime.timedelta(seconds=rng.random() * 29 * 86400),
                person=rng.randrange(n),
                community=community,
            )
        )
    return items, start + datetime.timedelta(days=30)


def from_file(path: Path) -> tuple[list[Item], datetime.datetime]:
    items = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            try:
                at = datetime.datetime.strptime(row["time"].strip(), "%Y/%m/%d %H:%M:%S").replace(
                    tzinfo=datetime.UTC
                )
            except ValueError:
                continue
            detail = " ".join((row.get("detail") or "").split())
            items.append(
                Item(
                    id=int(row["id"]),
                    title=(row.get("subject") or "").strip(),
                    text=detail[:300],
                    at=at,
                    person=hash(row.get("user")),
                    supports=int(row.get("likes") or 0),
                )
            )
    return items, max(it.at for it in items)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--appeals", type=int, default=20000)
    parser.add_argument("--file", default="")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument(
        "--members",
        type=int,
        default=0,
        help="file mode: list up to N member subjects of the largest clusters",
    )
    args = parser.parse_args()
    items, now = from_file(shared_csv(args.file)) if args.file else synthetic(args.appeals)
    kw = {"threshold": args.threshold} if args.threshold else {}
    t0, c0 = time.perf_counter(), time.process_time()
    issues = cluster(items, now=now, **kw)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    for rank, h in enumerate(issues[: args.top], 1):
        print(
            f"{rank:>2}. [{h.count}] {h.title}  (score {h.score}, likes {h.supports}, {h.first:%Y-%m-%d}..{h.last:%Y-%m-%d})"
        )
        if args.file:
            for m in h.members[:3]:
                print(f"      - {m.title[:40]}")
    if args.file:  # a year of messages: the hotness favours the last weeks, so also show the largest
        print("largest:")
        for h in sorted(issues, key=lambda h: -h.count)[: args.top]:
            print(f"  [{h.count}] {h.title}  (likes {h.supports}, {h.first:%Y-%m-%d}..{h.last:%Y-%m-%d})")
            for m in h.members[: args.members]:
                print(f"      - {m.title[:50]}")
    clustered = sum(h.count for h in issues)
    print(
        json.dumps(
            {
                "bench": "hot_issues",
                "mode": "file" if args.file else "synthetic",
                "appeals": len(items),
                "seconds": round(seconds, 2),
                "cpu_seconds": round(
                    cpu, 2
                ),  # this process's CPU: the figure that does not depend on other load
                "clusters": len(issues),
                "clustered_appeals": clustered,
            }
        )
    )


if __name__ == "__main__":
    main()
