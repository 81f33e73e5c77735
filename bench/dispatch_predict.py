"""秒拨 prediction speed: batch predictions per second on one core, and p95 of single predictions.

    .venv/bin/python bench/dispatch_predict.py [--rows 5000] [--singles 500]

Trains the default model (training.fit, C fixed) on labeled_messages.csv from the shared data
($GONGZHI_SHARED_DATA or ../shared/data next to the repository), then predicts the file's texts
(repeated to --rows) in one batch, and --singles texts one at a time as the intake path does.
Pin to one core with `taskset -c 0`. The last line is one JSON object.
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
    args = parser.parse_args()
    examples = training.read_examples(Path(os.environ["GONGZHI_SHARED_DATA"]) / "appeals/labeled_messages.csv")
    pipeline, _ = training.fit(examples, tune=False)
    model = Loaded(1, "level1", pipeline, [str(c) for c in pipeline.classes_])
    texts = [training.compose(e.subject, e.detail) for e in examples]
    batch = (texts * (args.rows // len(texts) + 1))[: args.rows]
    predict_loaded(model, batch[:50])  # warm up (jieba's dictionary)
    start = time.perf_counter()
    predict_loaded(model, batch)
    per_s = len(batch) / (time.perf_counter() - start)
    timings = []
    for text in (texts * (args.singles // len(texts) + 1))[: args.singles]:
        t0 = time.perf_counter()
        predict_loaded(model, [text])
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(json.dumps({"bench": "dispatch_predict", "per_s": round(per_s), "p95_ms": round(p95, 2),
                      "rows": len(batch), "singles": len(timings)}))


if __name__ == "__main__":
    main()
