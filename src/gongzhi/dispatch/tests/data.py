"""A tiny labelled set (two level-1 classes) shared by the dispatch tests, and a resident's appeal."""

import csv
from pathlib import Path

ROWS = {
    "城乡建设": [
        ("小区门口占道经营", "晚上小摊贩占道经营,道路堵塞,噪音很大"),
        ("路灯不亮", "小区道路路灯坏了好几天,晚上很黑"),
        ("物业不管垃圾", "物业公司不清理垃圾,楼道堆满杂物"),
        ("违章搭建", "楼顶有人违章搭建,影响安全"),
        ("道路坑洼", "市政道路坑洼积水,车辆难行"),
        ("电梯故障", "小区电梯经常故障,物业不维修"),
    ],
    "教育文体": [
        ("学校乱收费", "学校向学生收取资料费,家长不满"),
        ("老师体罚学生", "班主任体罚学生,要求教育局调查"),
        ("幼儿园入学难", "孩子上幼儿园报名排不上,学位不够"),
        ("学生课业负担重", "学校补课到晚上,学生作业太多"),
        ("教师工资拖欠", "乡村教师工资拖欠三个月"),
        ("中考招生政策", "咨询中考招生和学籍政策"),
    ],
}


def _write(tmp_path: Path, rows: dict[str, list[tuple[str, str]]], name: str = "train.csv") -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "subject", "detail", "label"])
        for label, items in rows.items():
            for i, (subject, detail) in enumerate(items):
                writer.writerow([i, subject, detail, label])
    return path


def resident_appeal(actors, text: str, title: str = ""):  # type: ignore[no-untyped-def]
    """An appeal resident A reports in community A through the ordinary intake (秒拨 runs on it)."""
    from gongzhi.appeals.intake import appeal_submit
    from gongzhi.appeals.tests.helpers import IN_A

    return appeal_submit(
        actor=actors.resident_a,
        submitter=actors.resident_a.person,
        channel="resident_app",
        text=text,
        title=title,
        **IN_A,
    ).appeal
