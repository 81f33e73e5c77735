"""A phone number's format (not a person): mainland mobiles are 11 digits starting with 1[3-9]; landlines are
allowed with an area code. Used by accounts, people, appeals, service and ledgers alike, so it lives in core."""

import re

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


class InvalidPhone(ValueError):
    pass


def normalise_phone(raw: str) -> str:
    value = re.sub(r"[\s()]", "", raw or "")
    if value.startswith("+86"):
        value = value[3:]
    if MOBILE.match(value) or LANDLINE.match(value):
        return value.replace("-", "")
    raise InvalidPhone("手机号应为11位数字,以1开头(座机请带区号)")
