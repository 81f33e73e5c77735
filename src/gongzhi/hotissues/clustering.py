"""Hot issues: group a period's appeals by text similarity within place, rank by hotness.

Text: TF-IDF over character 2-3-grams plus jieba words, cosine >= THRESHOLD links two appeals when
they are also in the same community or within LINK_KM; the connected components of that graph are
the candidates. Connected components chain topics (A~B, B~C, yet A and C unrelated: "single
linkage"), so a component with more than two members is kept only when it is *cohesive* (every
pair of members has cosine >= PAIR_MIN: no two are unrelated); otherwise it is re-clustered with
average linkage (a group's mean pairwise similarity must reach AVERAGE_MIN), and components too
large for that are first cut at a stricter link threshold. Hotness is written down in
docs/appeals.md ("Hot issues")."""

import datetime
from dataclasses import dataclass, field
from typing import Any

import numpy as np

THRESHOLD = 0.45
PAIR_MIN = 0.15  # a kept component has no pair of members less similar than this
AVERAGE_MIN = 0.30  # mean pairwise cosine inside a re-clustered group
AVERAGE_MAX_N = 1500  # average linkage is O(n²) memory: larger components are cut first
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

    # n-grams in more than 30% of a large month ("A市", "小区") say nothing about the topic
    max_df = 0.3 if len(texts) >= 100 else 1.0
    chars = TfidfVectorizer(
        analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=2, max_df=max_df, max_features=50000
    )
    words = TfidfVectorizer(analyzer=_words, sublinear_tf=True, min_df=2, max_df=max_df, max_features=30000)
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


def _near_mask(i: Any, j: Any, community: Any, lon: Any, lat: Any) -> Any:
    """Pairs in the same community, or within LINK_KM of each other; with no place known on
    either side, text alone decides."""
    same = (community[i] == community[j]) & (community[i] >= 0)
    dx = np.radians(lon[j] - lon[i]) * np.cos(np.radians((lat[i] + lat[j]) / 2))
    dy = np.radians(lat[j] - lat[i])
    with np.errstate(invalid="ignore"):
        close = 6371.0 * np.hypot(dx, dy) <= LINK_KM
    unplaced = (community[i] < 0) & (community[j] < 0) & np.isnan(lon[i]) & np.isnan(lon[j])
    return same | close | unplaced


def _cohesive(idx: list[int], x: Any) -> bool:
    """No two members unrelated: every pair's cosine >= PAIR_MIN (a chain's ends fail this)."""
    sub = x[idx]
    return bool(np.asarray((sub @ sub.T).todense()).min() >= PAIR_MIN)


def _split(
    idx: list[int], x: Any, place: tuple[Any, Any, Any], edges: tuple[Any, Any, Any], threshold: float
) -> list[list[int]]:
    """A connected component as groups a person would agree belong together (see the module doc).
    Members left alone by a split are dropped (a hot issue needs company)."""
    if len(idx) <= 2 or (len(idx) <= AVERAGE_MAX_N and _cohesive(idx, x)):
        return [idx]
    if len(idx) > AVERAGE_MAX_N:  # too large for average linkage: cut its own edges at a stricter link first
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        ei, ej, ew = edges  # this component's edges only (global node numbers)
        stricter = min(threshold + 0.1, 0.95)
        local = {node: k for k, node in enumerate(idx)}
        li = np.fromiter((local[v] for v in ei), dtype=np.int64, count=len(ei))
        lj = np.fromiter((local[v] for v in ej), dtype=np.int64, count=len(ej))
        keep = ew >= stricter
        graph = coo_matrix(
            (np.ones(int(keep.sum()), dtype=np.int8), (li[keep], lj[keep])), shape=(len(idx), len(idx))
        )
        _, labels = connected_components(graph, directed=False)
        if labels.max() == 0:
            return (
                [idx] if stricter >= 0.95 else _split(idx, x, place, (ei[keep], ej[keep], ew[keep]), stricter)
            )
        out: list[list[int]] = []
        edge_label = labels[li]
        for label in np.unique(labels):
            part = [idx[k] for k in np.flatnonzero(labels == label)]
            if len(part) >= 2:
                mine = keep & (edge_label == label)
                out += _split(part, x, place, (ei[mine], ej[mine], ew[mine]), stricter)
        return out
    from scipy.cluster.hierarchy import fcluster, linkage

    ia = np.asarray(idx)
    sims = np.asarray((x[ia] @ x[ia].T).todense())
    rows, cols = np.triu_indices(len(ia), k=1)
    far = ~_near_mask(ia[rows], ia[cols], *place)
    distance = np.clip(1.0 - sims[rows, cols], 0.0, 1.0)
    distance[far] = 1.0  # different places never make one hot issue together
    labels = fcluster(linkage(distance, method="average"), t=1.0 - AVERAGE_MIN, criterion="distance")
    parts: dict[int, list[int]] = {}
    for k, label in enumerate(labels):
        parts.setdefault(int(label), []).append(idx[k])
    return [part for part in parts.values() if len(part) >= 2]


def hotness(issue: HotIssue, now: datetime.datetime) -> float:
    """H = (n + 2·residents + 0.5·supports) · 0.5^(days since last / 14) · (1 + growth),
    growth = clamp((this_week - last_week) / max(last_week, 1), 0, 1)."""
    age = max((now - issue.last).total_seconds() / 86400, 0) if issue.last else 0
    growth = min(max((issue.this_week - issue.last_week) / max(issue.last_week, 1), 0.0), 1.0)
    base = issue.count + 2 * issue.residents + 0.5 * issue.supports
    return float(round(base * 0.5 ** (age / HALF_LIFE_DAYS) * (1 + growth), 2))


def _distinct(items: list[Item]) -> tuple[list[Item], list[int]]:
    """Exact repeats at the same place (copy-pasted reports) are one node of the graph: the distinct
    items, and for each item the index of its node."""
    rep_of: list[int] = []
    reps: list[Item] = []
    seen: dict[tuple[Any, ...], int] = {}
    for it in items:
        text = f"{it.title} {it.text}"[:600]
        key = (
            text,
            it.community,
            None if it.lon is None else round(it.lon, 3),
            None if it.lat is None else round(it.lat, 3),
        )
        if key not in seen:
            seen[key] = len(reps)
            reps.append(it)
        rep_of.append(seen[key])
    return reps, rep_of


def _edges(x: Any, place: tuple[Any, Any, Any], threshold: float) -> tuple[Any, Any, Any]:
    """(i, j, cosine) of every pair i < j at least `threshold` alike and near each other, computed
    500 rows at a time."""
    n = x.shape[0]
    xt = x.T.tocsc()
    chunk = 500
    edges_i: list[np.ndarray] = []
    edges_j: list[np.ndarray] = []
    edges_w: list[np.ndarray] = []
    for lo in range(0, n, chunk):
        sims = (x[lo : lo + chunk] @ xt).tocoo()
        rows = sims.row.astype(np.int64) + lo
        cols = sims.col.astype(np.int64)
        keep = (sims.data >= threshold) & (cols > rows)
        i, j = rows[keep], cols[keep]
        near = _near_mask(i, j, *place)
        edges_i.append(i[near])
        edges_j.append(j[near])
        edges_w.append(sims.data[keep][near])
    return np.concatenate(edges_i), np.concatenate(edges_j), np.concatenate(edges_w)


def _node_groups(x: Any, place: tuple[Any, Any, Any], threshold: float) -> dict[int, int]:
    """node → the first node of its group: the linked graph's components, each split (_split) into
    groups a person would agree belong together. Nodes in no group are absent."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = x.shape[0]
    ei, ej, ew = _edges(x, place, threshold)
    graph = coo_matrix((np.ones(len(ei), dtype=np.int8), (ei, ej)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    components: dict[int, list[int]] = {}
    for rep in range(n):
        components.setdefault(int(labels[rep]), []).append(rep)
    # each component's own edges, so splitting a large one never scans the others'
    order = np.argsort(labels[ei], kind="stable")
    bounds = np.searchsorted(labels[ei][order], np.arange(labels.max() + 2))
    rep_group: dict[int, int] = {}
    for label, reps_in in components.items():
        mine = order[bounds[label] : bounds[label + 1]]
        for part in _split(reps_in, x, place, (ei[mine], ej[mine], ew[mine]), threshold):
            for rep in part:
                rep_group[rep] = part[0]
    return rep_group


def _issue(members: list[Item], title: str, centre: Any, words: Any, now: datetime.datetime) -> HotIssue:
    """One hot issue of its members (sorted by time here), its figures, terms and hotness."""
    week = datetime.timedelta(days=7)
    members.sort(key=lambda it: it.at)
    issue = HotIssue(title=title[:40], members=members)
    issue.residents = len({m.person for m in members if m.person is not None}) or len(members)
    issue.supports = sum(m.supports for m in members)
    issue.first, issue.last = members[0].at, members[-1].at
    issue.this_week = sum(1 for m in members if now - week < m.at <= now)
    issue.last_week = sum(1 for m in members if now - 2 * week < m.at <= now - week)
    if words is not None:
        vocab = words.get_feature_names_out()
        tail = centre[len(centre) - len(vocab) :]
        issue.terms = [str(vocab[k]) for k in np.argsort(tail)[::-1][:5] if tail[k] > 0]
    issue.score = hotness(issue, now)
    return issue


def cluster(
    items: list[Item], *, now: datetime.datetime, threshold: float = THRESHOLD, min_size: int = 2
) -> list[HotIssue]:
    if not items:
        return []
    reps, rep_of = _distinct(items)
    x, words = _vectors([f"{it.title} {it.text}"[:600] for it in reps])
    place = (
        np.array([-1 if it.community is None else it.community for it in reps], dtype=np.int64),
        np.array([np.nan if it.lon is None else it.lon for it in reps], dtype=np.float64),
        np.array([np.nan if it.lat is None else it.lat for it in reps], dtype=np.float64),
    )
    rep_group = _node_groups(x, place, threshold)
    groups: dict[int, list[int]] = {}
    for item, rep in enumerate(rep_of):
        if rep in rep_group:
            groups.setdefault(rep_group[rep], []).append(item)
    out: list[HotIssue] = []
    for idx in groups.values():
        if len(idx) < min_size:
            continue
        sub = x[[rep_of[i] for i in idx]]
        centre = np.asarray(sub.mean(axis=0)).ravel()
        central = idx[int(np.argmax(sub @ centre))]
        out.append(_issue([items[i] for i in idx], items[central].title, centre, words, now))
    out.sort(key=lambda h: (-h.score, -h.count))
    return out
