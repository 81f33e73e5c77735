"""Labelled files go through the one spreadsheet reader (decision 0040): XLSX and CSV give the same
examples, GB18030 is tolerated, and a hostile file is a TrainingError, not a crash."""

import io

import pytest
from openpyxl import Workbook

from gongzhi.dispatch.training import Example, TrainingError, read_examples

ROWS = [
    ["Subject", "detail", "label", "extra"],
    ["路灯", "幸福路路灯坏了", "城市管理", 1],
    [None, "楼道漏水", "住房物业", None],
]
EXPECTED = [Example("路灯", "幸福路路灯坏了", "城市管理"), Example("", "楼道漏水", "住房物业")]


def test_xlsx_and_gb18030_csv_give_the_same_examples(tmp_path):
    book = Workbook()
    for row in ROWS:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    (tmp_path / "l.xlsx").write_bytes(buffer.getvalue())
    text = "\n".join(",".join("" if v is None else str(v) for v in row) for row in ROWS) + "\n\n"
    (tmp_path / "l.csv").write_bytes(text.encode("gb18030"))
    assert read_examples(tmp_path / "l.xlsx") == EXPECTED
    assert read_examples(tmp_path / "l.csv") == EXPECTED


def test_a_file_without_the_columns_or_with_nul_bytes_is_refused(tmp_path):
    (tmp_path / "a.csv").write_bytes("subject,text\n路灯,坏了\n".encode())
    with pytest.raises(TrainingError, match="label"):
        read_examples(tmp_path / "a.csv")
    (tmp_path / "b.csv").write_bytes(b"subject,detail,label\n\x00\n")
    with pytest.raises(TrainingError, match="不是文本表格"):
        read_examples(tmp_path / "b.csv")
