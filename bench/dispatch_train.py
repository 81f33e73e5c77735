"""秒拨 training time on 100,000 synthetic appeals (target < 2 minutes).

    .venv/bin/python bench/dispatch_train.py [--rows 100000]

The texts come from the demo's templates (src/gongzhi/demo/appeal_texts.py): each category's
(title, text) templates with their slots filled at random, labelled with the category; training is
training.fit as `gongzhi dispatch train` runs it on a large set (no inner C search above 20,000
rows; SGD-fitted SVM calibrated on a held-out tenth). The 57 templates alone give only ~1,600
distinct texts in 100,000, which flatters any learner, so each text also gets a random place,
number and closing phrase (bench/synthetic_text.py's words): ~all texts are distinct, as in a real
history. `accuracy` is measured on --test further rows generated the same way (not trained on).
No database is needed. `cpu_seconds` is this process's CPU time for the same fit (the 2-core
machine is shared: waiting for a core is not the model's cost). The last line is one JSON object.
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("GONGZHI_SHARED_DATA", str(ROOT.parent / "shared/data"))

from synthetic_text import PLACES, PROBLEMS, THINGS  # noqa: E402

from gongzhi.demo.appeal_texts import TEMPLATES  # noqa: E402
from gongzhi.dispatch import training  # noqa: E402

SLOTS = {
    "compound": ["碧水龙庭", "光明花园", "翠湖山庄", "凤凰城", "新城市花园", "玉律新村"],
    "building": ["1栋", "3栋", "5座", "A座", "12号楼"],
    "road": ["光明大道", "华夏路", "东周路", "观光路", "公常路"],
    "days": ["三", "五", "十", "半个月"],
    "time": ["凌晨两点", "晚上十点", "早上六点", "中午"],
}


class _Slots(dict):
    def __missing__(self, key: str) -> str:
        return random.choice(SLOTS.get(key, ["某处"]))  # noqa: S311


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--test", type=int, default=5_000)
    args = parser.parse_args()
    random.seed(7)
    examples = [_example() for _ in range(args.rows)]
    held = [_example() for _ in range(args.test)]
    start, cpu = time.perf_counter(), time.process_time()
    pipeline, info = training.fit(examples, tune=True)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    predicted = pipeline.predict([training.compose(e.subject, e.detail) for e in held])
    accuracy = sum(p == e.label for p, e in zip(predicted, held, strict=True)) / max(len(held), 1)
    print(
        json.dumps(
            {
                "bench": "dispatch_train",
                "rows": len(examples),
                "seconds": round(seconds, 1),
                "cpu_seconds": round(cpu_seconds, 1),
                "classes": len({e.label for e in examples}),
                "distinct_texts": len({(e.subject, e.detail) for e in examples}),
                "held_out_accuracy": round(accuracy, 4),
            },
            ensure_ascii=False,
        )
    )


FLAT = [(label, title, text) for label, items in TEMPLATES.items() for title, text in items]


def _example() -> training.Example:
    label, title, text = random.choice(FLAT)  # noqa: S311
    r = random.random  # noqa: S311
    noise = f"{random.choice(PLACES)}附近{random.randint(1, 999)}号,{random.choice(THINGS)}{random.choice(PROBLEMS)}"  # noqa: S311
    detail = text.format_map(_Slots())
    detail = f"{noise}。{detail}" if r() < 0.5 else f"{detail}另外{noise}。"
    return training.Example(title.format_map(_Slots()), detail, label)


if __name__ == "__main__":
    main()
