"""Hot issues: group a period's appeals by text similarity within place, rank by hotness.

Text: TF-IDF over character 2-3-grams plus jieba words, cosine >= THRESHOLD links two appeals when
they are also in the same community or within LINK_KM; clusters are the connected components.
Hotness is written down in docs/appeals.md ("Hot issues")."""

import datetime
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

THRESHOLD = 0.45
LINK_KM = 1.0
HALF_LIFE_DAYS = 14.0


@dataclass
class Item:
    id: int
    text: str
    title: str
    at: datetime.datetime
    person: int | None = None
    community: int | None = None
    lon: float | None = None
    lat: float | None = None
    supports: int = 0


@dataclass
class HotIssue:
    title: str
    members: list[Item]
    score: float = 0.0
    residents: int = 0
    supports: int = 0
    first: datetime.datetime | None = None
    last: datetime.datetime | None = None
    this_week: int = 0
    last_week: int = 0
    terms: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.members)

    @property
    def trend(self) -> str:
        if self.this_week > self.last_week:
            return "up"
        return "down" if self.this_week < self.last_week else "flat"


def _words(text: str) -> list[str]:
    import jieba

    return [w for w in jieba.lcut(text) if len(w) > 1 and not w.isspace()]


def _vectors(texts: list[str]) -> Any:
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    chars = TfidfVectorizer(
        analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=2, max_features=50000
    )
    words = TfidfVectorizer(analyzer=_words, sublinear_tf=True, min_df=2, max_features=30000)
    try:
        a = chars.fit_transform(texts)
    except ValueError:  # too few documents for min_df
        chars.min_df = 1
        a = chars.fit_transform(texts)
    try:
        b = words.fit_transform(texts)
        return normalize(hstack([a, b]).tocsr()), words
    except ValueError:
        return normalize(a), None


def _near(x: Item, y: Item) -> bool:
    if x.community is not None and x.community == y.community:
        return True
    if None in (x.lon, x.lat, y.lon, y.lat):
        return x.community is None and y.community is None  # no place known: text only
    dx = math.radians(y.lon - x.lon) * math.cos(math.radians((x.lat + y.lat) / 2))  # type: ignore[operator]
    dy = math.radians(y.lat - x.lat)  # type: ignore[operator]
    return 6371.0 * math.hypot(dx, dy) <= LINK_KM


def hotness(issue: HotIssue, now: datetime.datetime) -> float:
    """H = (n + 2·residents + 0.5·supports) · 0.5^(days since last / 14) · (1 + growth),
    growth = clamp((this_week - last_week) / max(last_week, 1), 0, 1)."""
    age = max((now - issue.last).total_seconds() / 86400, 0) if issue.last else 0
    growth = min(max((issue.this_week - issue.last_week) / max(issue.last_week, 1), 0.0), 1.0)
    base = issue.count + 2 * issue.residents + 0.5 * issue.supports
    return round(base * 0.5 ** (age / HALF_LIFE_DAYS) * (1 + growth), 2)


def cluster(
    items: list[Item], *, now: datetime.datetime, threshold: float = THRESHOLD, min_size: int = 2
) -> list[HotIssue]:
    if not items:
        return []
    texts = [f"{it.title} {it.text}"[:600] for it in items]
    x, words = _vectors(texts)
    n = len(items)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    xt = x.T.tocsc()
    chunk = 2000
    for start in range(0, n, chunk):
        sims = (x[start : start + chunk] @ xt).tocoo()
        for i, j, v in zip(sims.row, sims.col, sims.data, strict=True):
            i = int(i) + start
            j = int(j)
            if j <= i or v < threshold:
                continue
            if _near(items[i], items[j]):
                ri, rj = find(i), find(j)
                if ri != rj:
                    parent[ri] = rj
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    week = datetime.timedelta(days=7)
    out: list[HotIssue] = []
    for idx in groups.values():
        if len(idx) < min_size:
            continue
        sub = x[idx]
        centre = np.asarray(sub.mean(axis=0)).ravel()
        central = idx[int(np.argmax(sub @ centre))]
        members = [items[i] for i in idx]
        members.sort(key=lambda it: it.at)
        issue = HotIssue(title=items[central].title[:40], members=members)
        issue.residents = len({m.person for m in members if m.person is not None}) or len(members)
        issue.supports = sum(m.supports for m in members)
        issue.first, issue.last = members[0].at, members[-1].at
        issue.this_week = sum(1 for m in members if now - week < m.at <= now)
        issue.last_week = sum(1 for m in members if now - 2 * week < m.at <= now - week)
        if words is not None:
            vocab = words.get_feature_names_out()
            issue.terms = [
                str(t)
                for t, _ in Counter(
                    {
                        vocab[k - sub.shape[1] + len(vocab)]: centre[k]
                        for k in np.argsort(centre)[-40:]
                        if k >= sub.shape[1] - len(vocab)
                    }
                ).most_common(5)
            ]
        issue.score = hotness(issue, now)
        out.append(issue)
    out.sort(key=lambda h: (-h.score, -h.count))
    return out
