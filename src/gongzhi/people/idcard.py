"""Resident identity card numbers (GB 11643-1999): 6-digit region, 8-digit birth date,
3-digit sequence (odd = male), ISO 7064 MOD 11-2 check character."""

import datetime
from dataclasses import dataclass

from gongzhi.core.errors import BadInput

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


class InvalidIdNumber(BadInput, ValueError):
    """Carries a message in Chinese for the user (400)."""


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: datetime.date
    gender: str  # "male" / "female"


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def parse_id_number(raw: str, *, today: datetime.date | None = None) -> IdNumber:
    value = (raw or "").strip().upper().replace(" ", "")
    if len(value) != 18:
        raise InvalidIdNumber(f"身份证号应为18位,实际为{len(value)}位")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise InvalidIdNumber("身份证号前17位必须是数字,最后一位是数字或X")
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise InvalidIdNumber("身份证号中的出生日期无效") from exc
    if birth.year < 1880 or birth > (today or datetime.date.today()):  # noqa: DTZ011
        raise InvalidIdNumber("身份证号中的出生日期超出合理范围")
    if check_char(value[:17]) != value[17]:
        raise InvalidIdNumber("身份证号校验码错误")
    gender = "male" if int(value[16]) % 2 == 1 else "female"
    return IdNumber(value=value, birth_date=birth, gender=gender)


def make_id_number(region: str, birth: datetime.date, sequence: int) -> str:
    """A valid number for demo and tests (region 6 digits, sequence 0-999; odd = male)."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
