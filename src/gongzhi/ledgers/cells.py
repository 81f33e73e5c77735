"""Turning one spreadsheet cell into a typed value, or a CellError whose message names the column
as the file wrote it and quotes what was there ("“单元”应为整数,实际是“二”")."""

import datetime
import math
import re
import unicodedata
from typing import Any

from django.utils.translation import gettext as _

from gongzhi.core.errors import BadInput


class CellError(BadInput, ValueError):
    """One cell's value cannot be used; the message (Chinese) becomes a row error."""


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def narrow(value: Any) -> str:
    """Text with full-width digits and letters folded (２单元 -> 2单元), as typed with a Chinese IME."""
    return unicodedata.normalize("NFKC", text(value))


def shown(value: Any) -> str:
    """The cell as quoted back to the user in a message (shortened)."""
    value = text(value)
    return value if len(value) <= 30 else value[:30] + "…"


def id_number_text(value: Any, header: str) -> str:
    # Excel stores an 18-digit number as a double: only 15 significant digits survive.
    if isinstance(value, float):
        raise CellError(
            _("“%(column)s”被Excel存成了数字,末几位已丢失;请把该列设为文本格式后重新填写")
            % {"column": header}
        )
    return narrow(value).replace(" ", "")


def integer(value: Any, header: str, *, suffix: str = "", low: int = 1, high: int = 99) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        raw = narrow(value)
        stripped = raw.removesuffix(suffix) if suffix else raw
        if not stripped.isascii() or not stripped.isdigit():
            raise CellError(
                _("“%(column)s”应为整数,实际是“%(value)s”") % {"column": header, "value": shown(value)}
            )
        number = int(stripped)
    if not low <= number <= high:
        raise CellError(
            _("“%(column)s”应在%(low)d到%(high)d之间,实际是%(value)d")
            % {"column": header, "low": low, "high": high, "value": number}
        )
    return number


def number(value: Any, header: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        result = float(value)
    else:
        try:
            result = float(narrow(value))
        except ValueError:
            result = math.nan
    if not math.isfinite(result):  # "abc", and also "nan" / "inf", which float() would accept
        raise CellError(
            _("“%(column)s”应为数字,实际是“%(value)s”") % {"column": header, "value": shown(value)}
        )
    return result


DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def date(value: Any, header: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        # A date cell read without its format (CSV from some tools) arrives as the Excel serial number.
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    raw = narrow(value)
    match = DATE_TEXT.match(raw)
    if raw.isdigit() and len(raw) == 8:
        match = re.match(r"^(\d{4})(\d{2})(\d{2})$", raw)
    if match:
        try:
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise CellError(
        _("“%(column)s”应为日期(如2001-07-01),实际是“%(value)s”") % {"column": header, "value": shown(value)}
    )


def choice(value: Any, header: str, choices: Any) -> str:
    """A label (在职党员) or the stored value (in_service) -> the stored value."""
    raw = text(value)
    for option in choices:
        if raw in (str(option.label), option.value):
            return str(option.value)
    allowed = "、".join(str(o.label) for o in choices)
    raise CellError(
        _("“%(column)s”应为以下之一:%(allowed)s,实际是“%(value)s”")
        % {"column": header, "allowed": allowed, "value": shown(value)}
    )


SEPARATORS = re.compile(r"[,,、;;/\s]+")


def choices_list(value: Any, header: str, choices: Any) -> list[str]:
    return [choice(part, header, choices) for part in SEPARATORS.split(text(value)) if part]
