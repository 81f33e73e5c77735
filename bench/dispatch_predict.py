"""秒拨 prediction speed: batch predictions per second on one core, and p95 of single predictions.

    .venv/bin/python bench/dispatch_predict.py [--rows 5000] [--singles 500]

Trains the default model (training.fit, C fixed) on labeled_messages.csv from the shared data
($GONGZHI_SHARED_DATA or ../shared/data next to the repository), then predicts the file's texts
(repeated to --rows) in one batch, and --singles texts one at a time as the intake path does.
Pin to one core with `taskset -c 0`. With --api (the database must be migrated: `gongzhi migrate`
against DATABASE_URL or the SQLite default) the model is also stored and activated as a new version
(source "bench", the previously active one is switched off: run against a bench database) and
--singles predictions go through the API handler's own path, `dispatch.queries.predict_for`
(active-version read, cached pipeline, threshold lookup, category and routed department per
suggestion) — `api_p95_ms`; HTTP parsing and auth are not included. The last line is one JSON object.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("GONGZHI_SHARED_DATA", str(ROOT.parent / "shared/data"))
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")  # one core

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.config.settings")
import django  # noqa: E402

django.setup()  # predict imports the models; no database is touched

from gongzhi.dispatch import training  # noqa: E402
from gongzhi.dispatch.predict import Loaded, predict_loaded  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--singles", type=int, default=500)
    parser.add_argument(
        "--api", action="store_true", help="also time the API path (needs a migrated database)"
    )
    args = parser.parse_args()
    examples = training.read_examples(
        Path(os.environ["GONGZHI_SHARED_DATA"]) / "appeals/labeled_messages.csv"
    )
    pipeline, _ = training.fit(examples, tune=False)
    model = Loaded(1, "level1", pipeline, [str(c) for c in pipeline.classes_])
    texts = [training.compose(e.subject, e.detail) for e in examples]
    batch = (texts * (args.rows // len(texts) + 1))[: args.rows]
    predict_loaded(model, batch[:50])  # warm up (jieba's dictionary)
    start, cpu = time.perf_counter(), time.process_time()
    predict_loaded(model, batch)
    per_s = len(batch) / (time.perf_counter() - start)
    per_cpu_s = len(batch) / (time.process_time() - cpu)
    timings, cpu_timings = [], []
    for text in (texts * (args.singles // len(texts) + 1))[: args.singles]:
        t0, c0 = time.perf_counter(), time.process_time()
        predict_loaded(model, [text])
        timings.append((time.perf_counter() - t0) * 1000)
        cpu_timings.append((time.process_time() - c0) * 1000)
    # wall-clock figures, and the same in this process's CPU time (what they would be on an idle
    # core: the 2-core machine is shared, and waiting for a core is not the model's cost)
    figures = {
        "bench": "dispatch_predict",
        "per_s": round(per_s),
        "p95_ms": _p95(timings),
        "per_cpu_s": round(per_cpu_s),
        "cpu_p95_ms": _p95(cpu_timings),
        "rows": len(batch),
        "singles": len(timings),
    }
    if args.api:
        api, api_cpu = _api_timings(pipeline, texts, args.singles)
        figures |= {"api_p95_ms": _p95(api), "api_cpu_p95_ms": _p95(api_cpu)}
    print(json.dumps(figures))


def _p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return round(ordered[int(0.95 * (len(ordered) - 1))], 2)


def _api_timings(pipeline: object, texts: list[str], singles: int) -> tuple[list[float], list[float]]:
    from gongzhi.dispatch import actions, queries
    from gongzhi.territory.models import Level, TerritoryNode

    actions.model_store(pipeline=pipeline, actor=None, source="bench", label_kind="level1", metrics={})
    node = TerritoryNode.objects.filter(level=Level.COMMUNITY).first() or TerritoryNode(
        code="440311", path="440311/"
    )
    queries.predict_for(subject="", text=texts[0], node=node)  # warm up: load the stored model once
    timings, cpu_timings = [], []
    for text in (texts * (singles // len(texts) + 1))[:singles]:
        subject, _, detail = text.partition(training.SEPARATOR)
        t0, c0 = time.perf_counter(), time.process_time()
        queries.predict_for(subject=subject, text=detail, node=node)
        timings.append((time.perf_counter() - t0) * 1000)
        cpu_timings.append((time.process_time() - c0) * 1000)
    return timings, cpu_timings


if __name__ == "__main__":
    main()
