"""Free-text Chinese addresses → compound and building, for appeals without a pin.

Residents and hotline seats write the same place many ways: "碧水龙庭三栋", "碧水龙庭小区3幢",
"碧水龙庭 3号楼", "碧水龙庭３#". Both sides (the text and our node names) are normalised the same
way, then the longest compound name found in the text wins and the building is matched by its
*number*, so "13栋" never matches building "3栋"."""

import re
import unicodedata
from collections.abc import Iterable
from typing import Protocol

from gongzhi.core.cache import pure

DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
NUMBERED_UNITS = "栋幢座号楼单元层室"
CHINESE_NUMBER = re.compile(r"([零〇一二两三四五六七八九十百]+)(?=[" + NUMBERED_UNITS + r"#])")
BUILDING_WORDS = re.compile(r"(\d+)\s*(?:号楼|幢|座|栋|#楼|#)")
BUILDING_NUMBER = re.compile(r"(\d+)栋")
NOISE = re.compile(r"[\s,，。、;；:：()（）\[\]【】\"'“”‘’·•\-—_/]+")
COMPOUND_SUFFIXES = ("小区",)


def chinese_to_int(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23, 一百零五 → 105."""
    total, current = 0, 0
    for char in text:
        if char in DIGITS:
            current = DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
    return total + current


def normalise(text: str) -> str:
    """Full-width → half-width, no spaces or punctuation, Chinese numerals before 栋/单元/号… as
    digits, and 幢 / 座 / 号楼 / # all written 栋."""
    value = unicodedata.normalize("NFKC", text or "")
    value = CHINESE_NUMBER.sub(lambda m: str(chinese_to_int(m.group(1))), value)
    value = BUILDING_WORDS.sub(lambda m: f"{int(m.group(1))}栋", value)
    return NOISE.sub("", value)


def building_number(text: str) -> int | None:
    found = BUILDING_NUMBER.search(normalise(text))
    return int(found.group(1)) if found else None


class Named(Protocol):
    @property
    def name(self) -> str: ...


# Cached by name: matching one address walks every compound of the district, and a hotline import
# matches thousands of addresses — normalising the same few hundred names again for each was most
# of the import's CPU (bench/hotline_import.py).
@pure(maxsize=65536)
def compound_keys(name: str) -> tuple[str, ...]:
    key = normalise(name)
    keys = [key]
    for suffix in COMPOUND_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            keys.append(key.removesuffix(suffix))
    return tuple(keys)


def best_compound[N: Named](compounds: Iterable[N], text: str) -> N | None:
    """The compound whose (normalised) name is the longest found in the text; first wins on ties."""
    norm = normalise(text)
    best: N | None = None
    best_len = 0
    for compound in compounds:
        for key in compound_keys(compound.name):
            if key and key in norm and len(key) > best_len:
                best, best_len = compound, len(key)
    return best


@pure(maxsize=65536)
def _name_number(name: str) -> int | None:
    return building_number(name)


def best_building[N: Named](buildings: Iterable[N], text: str) -> N | None:
    """The building whose number the text names after the compound ("…3栋…"), else None."""
    wanted = building_number(text)
    if wanted is None:
        return None
    return next((b for b in buildings if _name_number(b.name) == wanted), None)
