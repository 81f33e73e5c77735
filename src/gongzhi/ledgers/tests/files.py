"""Ledger files built in memory, as staff would upload them."""

import csv
import datetime
import io
from typing import Any

from openpyxl import Workbook

from gongzhi.people.idcard import make_id_number

RESIDENT_HEADERS = ["姓名", "身份证号", "手机号", "楼栋编码", "单元", "房号", "居住类型", "特殊群体"]


def xlsx(headers: list[str], rows: list[list[Any]], title: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers: list[str], rows: list[list[Any]], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def id_number(n: int, male: bool = True) -> str:
    """Distinct valid numbers: birth dates spread over days, sequence parity for gender."""
    birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=n % 20000)
    sequence = ((n // 20000) * 2 + (1 if male else 0)) % 1000
    return make_id_number("440311", birth, sequence)


def bad_checksum(number: str) -> str:
    last = number[-1]
    return number[:-1] + ("0" if last != "0" else "1")


def resident_rows(building_code: str, count: int, start: int = 0) -> list[list[Any]]:
    rows = []
    for i in range(start, start + count):
        unit = i % 3 + 1
        room = 100 * (i % 30 + 1) + i % 4 + 1
        tags = "独居老人、低保" if i % 10 == 0 else ""
        rows.append([f"住户{i}", id_number(i), f"139{i:08d}", building_code, unit, room, "户籍", tags])
    return rows
