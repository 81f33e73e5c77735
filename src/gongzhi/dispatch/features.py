"""Character n-gram TF-IDF for the 秒拨 model, computed with numpy instead of per-n-gram Python
strings (decision 0029).

`CharGrams(n=2)` gives the same matrix as scikit-learn's
`TfidfVectorizer(analyzer="char", ngram_range=(1, n))` (lower-cased, runs of whitespace collapsed,
smooth idf, rows scaled to unit length): every character is its Unicode code point (< 2**21), so an
n-gram of up to three characters is one 63-bit integer (c1 << 21 | c2 ...), and a whole batch of
texts becomes one array of integers looked up in the sorted vocabulary with `np.searchsorted`.
scikit-learn builds a Python string and a dict lookup per n-gram; that was ~75 % of prediction time
and most of training time. With no leading NUL (mapped to a space) the keys of different lengths
never collide: a unigram is < 2**21, a bigram >= 2**21, a trigram >= 2**42."""

import re
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import normalize

SEPARATOR = "\u241e"  # ␞, as training.SEPARATOR (between subject and detail)
BITS = 21  # Unicode code points are < 0x110000 < 2**21
_WHITE_SPACES = re.compile(r"\s\s+")  # as scikit-learn's char analyzer: runs of 2+ become one space


def _normalise(text: str) -> str:
    return _WHITE_SPACES.sub(" ", text.lower().replace("\x00", " "))


def select_part(text: str, part: str) -> str:
    """`subject`: the text before the separator; `all`: subject and detail joined by a space."""
    if part == "subject":
        return text.split(SEPARATOR, 1)[0]
    return text.replace(SEPARATOR, " ")


def gram_keys(texts: list[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """(row of each n-gram, its integer key) for all 1..n-grams of all texts, as two arrays."""
    if not texts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    codes = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(
        np.uint64
    )
    rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    all_rows, all_keys = [rows], [codes]
    for size in range(2, n + 1):
        if len(codes) < size:
            break
        # an n-gram starting at i stays inside its text when the row of its last character is the same
        valid = rows[: len(rows) - size + 1] == rows[size - 1 :]
        key = codes[: len(codes) - size + 1].copy()
        for offset in range(1, size):
            key <<= np.uint64(BITS)
            key |= codes[offset : len(codes) - size + 1 + offset]
        all_rows.append(rows[: len(rows) - size + 1][valid])
        all_keys.append(key[valid])
    return np.concatenate(all_rows), np.concatenate(all_keys)


class CharGrams(BaseEstimator, TransformerMixin):  # type: ignore[misc]
    """TF-IDF of character 1..n-grams of one part of the composed text (see the module's docstring).
    `max_features` keeps the n-grams found in most texts (ties: the smaller key)."""

    def __init__(self, n: int = 2, part: str = "all", max_features: int | None = None) -> None:
        self.n = n
        self.part = part
        self.max_features = max_features

    def _keys(self, texts: Any) -> tuple[int, np.ndarray, np.ndarray]:
        prepared = [_normalise(select_part(t, self.part)) for t in texts]
        rows, keys = gram_keys(prepared, self.n)
        return len(prepared), rows, keys

    def fit(self, texts: Any, y: Any = None) -> "CharGrams":
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts: Any, y: Any = None, **_: Any) -> Any:
        n_texts, rows, keys = self._keys(texts)
        vocabulary = np.unique(keys)  # a plain sort; return_inverse would need a slower stable argsort
        counts = self._counts(n_texts, rows, np.searchsorted(vocabulary, keys), len(vocabulary))
        df = np.bincount(counts.indices, minlength=len(vocabulary))
        if self.max_features is not None and len(vocabulary) > self.max_features:
            keep = np.sort(np.argsort(-df, kind="stable")[: self.max_features])
            vocabulary, df, counts = vocabulary[keep], df[keep], counts[:, keep]
        self.vocabulary_ = vocabulary
        self.idf_ = np.log((1 + n_texts) / (1 + df)) + 1.0
        return self._weigh(counts)

    def transform(self, texts: Any) -> Any:
        n_texts, rows, keys = self._keys(texts)
        if len(self.vocabulary_) == 0:
            return sparse.csr_matrix((n_texts, 0))
        columns = np.searchsorted(self.vocabulary_, keys)
        columns[columns == len(self.vocabulary_)] = 0
        known = self.vocabulary_[columns] == keys
        return self._weigh(self._counts(n_texts, rows[known], columns[known], len(self.vocabulary_)))

    @staticmethod
    def _counts(n_texts: int, rows: np.ndarray, columns: np.ndarray, width: int) -> sparse.csr_matrix:
        ones = np.ones(len(rows), dtype=np.float64)
        counts = sparse.csr_matrix((ones, (rows, columns)), shape=(n_texts, width))
        counts.sum_duplicates()
        return counts

    def _weigh(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        counts.data *= self.idf_[counts.indices]
        return normalize(counts, copy=False)
