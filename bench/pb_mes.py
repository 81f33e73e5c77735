"""Method of Equal Shares (add-one completion): ours against pabutools, side by side, same run.

    .venv/bin/python bench/pb_mes.py [--voters 100000] [--projects 160] [--pabutools-cap 600]
        [--skip-synthetic-pabutools]

Needs no database. Instances: every shared real instance ($GONGZHI_SHARED_DATA/pabulib or
../shared/data/pabulib) and a synthetic approval election (seeded; 160 projects costing 50k–500k
yuan, budget 4 million, 100,000 voters approving 1–8 projects with popularity skewed by a Zipf-like
weight). Both implementations get the same file; outcomes are compared as sorted id lists.
pabutools runs in a child process killed after `--pabutools-cap` seconds per instance; a capped
run reports `pabutools_capped: true` and no ratio. Last line: one JSON object.
"""

import argparse
import json
import multiprocessing as mp
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from gongzhi.projects.counting import SatisfactionTable, mes  # noqa: E402
from gongzhi.projects.counting.pabulib import read_pb  # noqa: E402


def shared_dir() -> Path | None:
    for c in (
        Path(os.environ.get("GONGZHI_SHARED_DATA", "/nonexistent")) / "pabulib",
        ROOT.parent / "shared" / "data" / "pabulib",
    ):
        if c.is_dir():
            return c
    return None


def synthetic(path: Path, voters: int, projects: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    costs = [rng.randrange(50_000, 500_001, 1000) for _ in range(projects)]
    weights = [1 / (k + 3) ** 0.8 for k in range(projects)]
    ids = [f"p{k:03d}" for k in range(projects)]
    lines = [
        "META",
        "key;value",
        "description;synthetic approval election",
        "budget;4000000",
        "vote_type;approval",
        f"num_projects;{projects}",
        f"num_votes;{voters}",
        "PROJECTS",
        "project_id;cost;name",
    ]
    lines += [f"{pid};{c};{pid}" for pid, c in zip(ids, costs, strict=True)]
    lines += ["VOTES", "voter_id;vote"]
    for v in range(voters):
        k = rng.randint(1, 8)
        chosen = set(rng.choices(ids, weights=weights, k=k))
        lines.append(f"{v};{','.join(sorted(chosen))}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _pabutools(path: str, queue: mp.Queue) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from gongzhi.projects.tests.pabutools_ref import reference_outcome

    t = time.perf_counter()
    out = reference_outcome(path, "mes")
    queue.put((time.perf_counter() - t, out))


def run_pabutools(path: Path, cap: float) -> tuple[float | None, list[str] | None]:
    queue: mp.Queue = mp.Queue()
    proc = mp.get_context("fork").Process(target=_pabutools, args=(str(path), queue))
    proc.start()
    proc.join(cap)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None, None
    return queue.get()


def ours(path: Path) -> tuple[float, list[str]]:
    t = time.perf_counter()
    e = read_pb(path)
    out = mes(e, SatisfactionTable.build(e)).selected
    return time.perf_counter() - t, out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--voters", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=160)
    parser.add_argument("--pabutools-cap", type=float, default=600)
    parser.add_argument("--skip-synthetic-pabutools", action="store_true")
    args = parser.parse_args()
    rows = []
    files = sorted(shared_dir().glob("*.pb")) if shared_dir() else []
    with tempfile.TemporaryDirectory() as tmp:
        synth = Path(tmp) / f"synthetic_{args.projects}p_{args.voters}v.pb"
        synthetic(synth, args.voters, args.projects)
        for path in [*files, synth]:
            our_s, our_out = ours(path)
            skip = path == synth and args.skip_synthetic_pabutools
            their_s, their_out = (None, None) if skip else run_pabutools(path, args.pabutools_cap)
            row = {
                "instance": path.stem,
                "ours_s": round(our_s, 3),
                "pabutools_s": None if their_s is None else round(their_s, 2),
                "ratio": None if their_s is None else round(their_s / our_s, 1),
                "same_outcome": None if their_out is None else their_out == our_out,
                "pabutools_capped": their_s is None and not skip,
                "selected": len(our_out),
            }
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    real = [r for r in rows if not r["instance"].startswith("synthetic") and r["pabutools_s"] is not None]
    ours_total = sum(r["ours_s"] for r in real)
    theirs_total = sum(r["pabutools_s"] for r in real)
    summary = {
        "bench": "pb_mes",
        "ours_s": round(ours_total, 3),
        "pabutools_s": round(theirs_total, 2),
        "ratio": round(theirs_total / ours_total, 1) if ours_total else None,
        "same_outcome": all(r["same_outcome"] for r in rows if r["same_outcome"] is not None),
        "pabutools_cap_s": args.pabutools_cap,
        "instances": rows,
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
