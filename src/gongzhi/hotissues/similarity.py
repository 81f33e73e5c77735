"""Text normalisation and character-bigram similarity for short Chinese appeals."""

import re

_KEEP = re.compile(r"[\u4e00-\u9fff0-9a-zA-Z]+")
_DIGITS = re.compile(r"\d{5,}")


def normalise(text: str, limit: int = 400) -> str:
    """Han characters, letters and digits only, lower-cased; long digit runs (phones, ids) dropped."""
    text = _DIGITS.sub("", text or "")
    return "".join(_KEEP.findall(text)).lower()[:limit]


def bigrams(normalised: str) -> frozenset[str]:
    if len(normalised) < 2:
        return frozenset({normalised}) if normalised else frozenset()
    return frozenset(normalised[i : i + 2] for i in range(len(normalised) - 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def containment(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the shorter text's bigrams found in the other: a short report of a long one scores high."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def mask_title(title: str) -> str:
    """What a resident may see of someone else's appeal: the title with digit runs masked."""
    return re.sub(r"\d{3,}", lambda m: "*" * len(m.group()), title)[:40]
