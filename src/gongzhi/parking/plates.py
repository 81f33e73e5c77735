"""Chinese vehicle plates (GA 36-2018): province abbreviation, issuing-office letter, then five
characters (ordinary plates, 7 in all) or six (new-energy plates, 8 in all: D/F and other energy
letters first for small cars, last for large ones). I and O never appear after the province."""

import re

from django.utils.translation import gettext as _

from gongzhi.core.errors import RuleBroken

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_SERIAL = "[A-HJ-NP-Z0-9]"
ORDINARY = re.compile(rf"^[{PROVINCES}][A-HJ-NP-Z]{_SERIAL}{{4}}[A-HJ-NP-Z0-9挂学警港澳]$")
# small new-energy: energy letter (D pure electric, F hybrid; A-K since 2021) + letter/digit + 4 digits;
# large new-energy: 5 digits + D/F
NEW_ENERGY = re.compile(rf"^[{PROVINCES}][A-HJ-NP-Z](?:[A-HJK]{_SERIAL}[0-9]{{4}}|[0-9]{{5}}[DF])$")


class PlateError(RuleBroken):
    """422: the plate is not one a Chinese vehicle carries; the message says what is wrong."""


def normalise_plate(raw: str) -> str:
    """Upper case, without the spaces and the middle dot people type (粤B·12345 → 粤B12345)."""
    return re.sub(r"[\s·•・.\-]", "", raw or "").upper()


def validate_plate(raw: str) -> str:
    """The normalised plate, or PlateError with a message saying what is wrong."""
    plate = normalise_plate(raw)
    if not plate:
        raise PlateError(_("请填写车牌号"))
    if plate[0] not in PROVINCES:
        raise PlateError(_("车牌号须以省份简称开头(如“粤”),您填写的是“%(first)s”") % {"first": plate[0]})
    if len(plate) not in (7, 8):
        raise PlateError(
            _("车牌号应为7位(普通车牌,如 粤B12345)或8位(新能源车牌,如 粤BD12345),您填写了%(n)d位")
            % {"n": len(plate)}
        )
    if "I" in plate[1:] or "O" in plate[1:]:
        raise PlateError(_("车牌号中不使用字母 I 和 O,请检查是否为数字 1 或 0"))
    pattern = ORDINARY if len(plate) == 7 else NEW_ENERGY
    if not pattern.match(plate):
        if len(plate) == 8:
            raise PlateError(
                _(
                    "新能源车牌格式不正确:小型车为 粤B + D/F等字母 + 5位(如 粤BD12345),大型车为 粤B + 5位数字 + D/F(如 粤B12345D)"
                )
            )
        raise PlateError(_("车牌号格式不正确:省份简称 + 字母 + 5位字母或数字,如 粤B12345"))
    return plate
