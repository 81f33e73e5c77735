"""秒拨 training time on 100,000 synthetic appeals (target < 2 minutes).

    .venv/bin/python bench/dispatch_train.py [--rows 100000]

The texts come from the demo's templates (src/gongzhi/demo/appeal_texts.py): each category's
(title, text) templates with their slots filled at random, labelled with the category; training is
training.fit as `gongzhi dispatch train` runs it on a large set (no inner C search above 20,000
rows). The last line is one JSON object.
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
    args = parser.parse_args()
    random.seed(7)
    flat = [(label, title, text) for label, items in TEMPLATES.items() for title, text in items]
    examples = []
    for _ in range(args.rows):
        label, title, text = random.choice(flat)  # noqa: S311
        examples.append(training.Example(title.format_map(_Slots()), text.format_map(_Slots()), label))
    start = time.perf_counter()
    training.fit(examples, tune=True)
    seconds = time.perf_counter() - start
    print(json.dumps({"bench": "dispatch_train", "rows": len(examples), "seconds": round(seconds, 1),
                      "classes": len({e.label for e in examples})}, ensure_ascii=False))


if __name__ == "__main__":
    main()
