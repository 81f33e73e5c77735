"""Fitting and evaluating the 秒拨 text classifier (decisions 0011, 0029). Pure scikit-learn and
numpy: no database here, so the benches and cross-validation run without Django models.

The default model needs nothing downloaded: TF-IDF over character 1–2-grams of the subject and of
the whole text (features.CharGrams), the taxonomy's keyword → class prior, and a class-balanced
linear SVM with calibrated probabilities whose C is picked by an inner stratified CV on the
training rows only. `fit` returns the fitted pipeline reduced to a compact.CompactModel."""

import csv
import os
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import accuracy_score, classification_report, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from gongzhi.core.errors import BadInput
from gongzhi.core.spreadsheets import Limits, SpreadsheetRefused, read_spreadsheet
from gongzhi.dispatch.compact import CompactModel
from gongzhi.dispatch.embedding import configured as configured_embedding
from gongzhi.dispatch.features import SEPARATOR, CharGrams

MIN_ROWS = 10  # fewer rows than this cannot say anything about a model
MIN_PER_CLASS = 3  # the probability calibration needs three of each class
MAX_CHARS = 1000  # bounds the cost of a pasted essay (decision 0029: 400, 1000 and 3000 score alike in CV)
PRIOR_CHARS = 600  # the taxonomy prior reads the opening only: the complaint comes first
WORD_CHARS = 300  # models stored before decision 0029 used jieba words (jieba_tokens) of this much text
C_GRID = (0.3, 1.0, 3.0)
LARGE = 20_000  # above this: no inner C search, calibration on a held-out tenth
PRIOR_WEIGHT = 0.5
SGD_EPOCHS = 6  # passes over a large set (see _fit_large)


class TrainingError(BadInput):
    """A training file or set we refuse; the message is Chinese and shown as is."""


@dataclass(frozen=True)
class Example:
    subject: str
    detail: str
    label: str


def compose(subject: str, detail: str) -> str:
    """The text the model sees: subject, a separator, the detail (cut to MAX_CHARS)."""
    subject = (subject or "").strip().replace(SEPARATOR, " ")[:200]
    detail = (detail or "").strip().replace(SEPARATOR, " ")[:MAX_CHARS]
    return f"{subject}{SEPARATOR}{detail}"


# --- jieba, with the taxonomy's terms as a user dictionary ------------------------------------

_jieba_lock = threading.Lock()
_jieba_ready = False
_SPLIT = re.compile(r"[、/,，\s]+")


def taxonomy_terms() -> list[str]:
    """Terms of the board's taxonomy (shared data, read at run time) and of the Category rows."""
    terms: set[str] = set()
    path = shared_data_dir() / "appeals/taxonomy.csv"
    if path.exists():
        with path.open(encoding="utf-8-sig") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    terms.update(t for t in _SPLIT.split(cell) if 2 <= len(t) <= 12)
    try:
        # function-level: the benches import training without Django set up (no models to load)
        from gongzhi.appeals.models import Category

        for name in Category.objects.values_list("name", flat=True)[:5000]:
            terms.update(t for t in _SPLIT.split(name) if 2 <= len(t) <= 12)
    except Exception:  # noqa: S110, BLE001 - no database (benches): the file's terms suffice
        pass
    terms.discard("level1")
    terms.discard("level2")
    terms.discard("level3")
    return sorted(terms)


def _ensure_jieba() -> Any:
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        with _jieba_lock:
            if not _jieba_ready:
                jieba.setLogLevel(60)
                for term in taxonomy_terms():
                    jieba.add_word(term, freq=2000)
                _jieba_ready = True
    return jieba


def jieba_tokens(text: str) -> list[str]:
    """jieba words without whitespace and punctuation (module-level so pipelines pickle)."""
    jieba = _ensure_jieba()
    return [w for w in jieba.lcut(text[:WORD_CHARS], HMM=False) if w.strip() and not _PUNCT.fullmatch(w)]


_PUNCT = re.compile(r"[\W_]+")


def shared_data_dir() -> Path:
    if os.environ.get("GONGZHI_SHARED_DATA"):
        return Path(os.environ["GONGZHI_SHARED_DATA"])
    from django.conf import settings

    return Path(settings.BASE_DIR).parents[1].parent / "shared/data"


# --- the taxonomy as a keyword → class prior ---------------------------------------------------


def taxonomy_rows() -> list[tuple[str, str]]:
    """(level-1 name, term) for every level-2/3 term: the board's taxonomy.csv (shared data) and the
    deployment's own Category tree (a category's level-1 is its path's first part)."""
    rows: list[tuple[str, str]] = []
    path = shared_data_dir() / "appeals/taxonomy.csv"
    if path.exists():
        with path.open(encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                for column in ("level2", "level3"):
                    rows += [(row["level1"].strip(), t) for t in _SPLIT.split(row.get(column) or "")]
    try:
        # function-level: the benches import training without Django set up (no models to load)
        from gongzhi.appeals.models import Category

        for category_path, name in Category.objects.filter(level__gte=2).values_list("path", "name")[:5000]:
            rows += [(category_path.split("/")[0], t) for t in _SPLIT.split(name)]
    except Exception:  # noqa: S110, BLE001 - no database (benches): the file's terms suffice
        pass
    return [(level1, term) for level1, term in rows if level1 and 2 <= len(term) <= 12 and term != "其他"]


def _trie_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """One regex for many words, factored by common prefixes (a trie), so matching costs about a
    character test per position instead of one per word; longer words win."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return re.compile(build(trie) or "(?!)")


class TaxonomyPrior(BaseEstimator, TransformerMixin):  # type: ignore[misc]
    """Per level-1 class of the taxonomy, how strongly the text's words point at it: each level-2/3
    term found in the text (with subwords=True also its jieba sub-words: 教育收费 → 教育, 收费)
    votes for the classes it is filed under,
    split evenly when it is under several; the text's feature is log(1 + votes) per class. The
    mapping comes from the taxonomy, not from the labelled rows, so it carries over to another
    deployment's data; the classifier learns how much to trust it. Fitted state (words → votes)
    is stored with the model: prediction needs neither the file nor jieba."""

    def __init__(self, subwords: bool = False) -> None:
        self.subwords = subwords

    def fit(self, texts: Any = None, y: Any = None) -> "TaxonomyPrior":
        votes: dict[str, dict[str, float]] = {}
        classes: set[str] = set()
        for level1, term in taxonomy_rows():
            classes.add(level1)
            parts = _ensure_jieba().lcut_for_search(term, HMM=False) if self.subwords else []
            for word in {term, *(w for w in parts if len(w) >= 2)}:
                votes.setdefault(word, {}).setdefault(level1, 0.0)
                votes[word][level1] = 1.0
        self.classes_ = sorted(classes)
        index = {c: i for i, c in enumerate(self.classes_)}
        self.votes_ = {}
        for word, by_class in votes.items():
            row = np.zeros(len(self.classes_))
            for level1 in by_class:
                row[index[level1]] = 1.0 / len(by_class)
            self.votes_[word] = row
        self.pattern_ = _trie_pattern(self.votes_)
        self._build_table()
        return self

    def _build_table(self) -> None:
        """votes_ as a (terms × classes) array and a term → row index."""
        words = list(self.votes_)
        width = max(len(self.classes_), 1)
        self.index_ = {w: i for i, w in enumerate(words)}
        self.table_ = np.array([self.votes_[w] for w in words]).reshape(-1, width)

    def transform(self, texts: Any) -> Any:
        """Counts of each term per text (one findall per text), times the term → votes table."""
        if getattr(self, "table_", None) is None:  # fitted before the table existed (a stored model)
            self._build_table()
        table, index = self.table_, self.index_
        rows, columns = [], []
        for i, text in enumerate(texts):
            found = self.pattern_.findall(text[:PRIOR_CHARS])
            rows += [i] * len(found)
            columns += [index[w] for w in found]
        counts = sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(texts), len(table)))
        return sparse.csr_matrix(np.log1p(counts @ table))


# --- the pipeline ------------------------------------------------------------------------------


def subject_part(text: str) -> str:
    return text.split(SEPARATOR, 1)[0]


def detail_part(text: str) -> str:
    parts = text.split(SEPARATOR, 1)
    return parts[1] if len(parts) > 1 else parts[0]


def build_pipeline(c: float = 1.0, calibration_folds: int = 3) -> Pipeline:
    """TF-IDF of character 1–2-grams of the subject (a word in the title is its own evidence) and of
    the whole text (subject and detail), computed by features.CharGrams; the taxonomy's keyword →
    class prior (TaxonomyPrior, weight 0.5); a class-balanced linear SVM with sigmoid-calibrated
    probabilities (the threshold compares probabilities; ensemble=False: one SVM at prediction
    time). Decision 0029 has the cross-validated comparison: 1–2-grams beat 1–3-grams, the whole
    text beat a separate detail vocabulary, and jieba words neither helped nor were cheap (~0.2 ms
    an appeal)."""
    blocks: list[tuple[str, Any]] = [
        ("subject", CharGrams(n=2, part="subject", max_features=100_000)),
        ("text", CharGrams(n=2, part="all", max_features=400_000)),
        ("taxonomy", TaxonomyPrior()),
    ]
    embedding = configured_embedding()  # optional, from a model on local disk (embedding.py)
    if embedding is not None:
        blocks.append(("embedding", embedding))
    features = FeatureUnion(
        blocks,
        transformer_weights={name: PRIOR_WEIGHT if name == "taxonomy" else 1.0 for name, _t in blocks},
    )
    classifier = CalibratedClassifierCV(
        LinearSVC(C=c, class_weight="balanced"), method="sigmoid", cv=calibration_folds, ensemble=False
    )
    return Pipeline([("features", features), ("clf", classifier)])


def validate(examples: Sequence[Example], allowed: Iterable[str] | None = None) -> None:
    """Refuse sets a model should not be trained on; the caller keeps its active model."""
    empty = sum(1 for e in examples if not e.label.strip())
    if empty:
        raise TrainingError(f"有{empty}行没有标签(label为空),请补全后再训练")
    if allowed is not None:
        allowed = set(allowed)
        unknown = sorted({e.label for e in examples} - allowed)
        if unknown:
            shown = "、".join(unknown[:5]) + ("等" if len(unknown) > 5 else "")
            raise TrainingError(f"标签不在分类目录中:{shown}。请使用诉求分类的名称")
    if len(examples) < MIN_ROWS:
        raise TrainingError(f"训练数据只有{len(examples)}行,至少需要{MIN_ROWS}行")
    counts: dict[str, int] = {}
    for e in examples:
        counts[e.label] = counts.get(e.label, 0) + 1
    if len(counts) < 2:
        raise TrainingError("训练数据只有一个类别,至少需要两个类别")
    thin = sorted(label for label, n in counts.items() if n < MIN_PER_CLASS)
    if thin:
        raise TrainingError(f"以下类别样本少于{MIN_PER_CLASS}条:{'、'.join(thin[:5])}")


def _choose_c(texts: list[str], labels: list[str], seed: int = 0) -> float:
    """C by an inner 3-fold stratified CV on the training rows only (never on a test fold)."""
    y = np.asarray(labels)
    smallest = min(np.unique(y, return_counts=True)[1])
    folds = min(3, int(smallest))
    if folds < 2 or len(texts) > LARGE:  # large sets: the default is fine and CV costs minutes
        return 1.0
    # features fitted once per fold, then only the classifier varies with C
    best_c, best = 1.0, -1.0
    scores: dict[float, list[float]] = {c: [] for c in C_GRID}
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, y):
        features = build_pipeline().named_steps["features"]
        x_train = features.fit_transform([texts[i] for i in train])
        x_test = features.transform([texts[i] for i in test])
        for c in C_GRID:
            clf = LinearSVC(C=c, class_weight="balanced").fit(x_train, y[train])
            scores[c].append(f1_score(y[test], clf.predict(x_test), average="macro"))
    for c in C_GRID:
        mean = float(np.mean(scores[c]))
        if mean > best:
            best_c, best = c, mean
    return best_c


def fit(examples: Sequence[Example], *, tune: bool = True) -> tuple[CompactModel, dict[str, Any]]:
    texts = [compose(e.subject, e.detail) for e in examples]
    labels = [e.label for e in examples]
    c = _choose_c(texts, labels) if tune else 1.0
    smallest = int(min(np.unique(np.asarray(labels), return_counts=True)[1]))
    pipeline = build_pipeline(c, calibration_folds=max(2, min(3, smallest)))
    if len(texts) > LARGE and smallest >= 100:  # the held-out tenth needs 5+ of each class
        _fit_large(pipeline, texts, labels, c)
    else:
        pipeline.fit(texts, labels)
    return CompactModel(pipeline), {"C": c, "n_train": len(texts), "labels": sorted(set(labels))}


def _fit_large(pipeline: Pipeline, texts: list[str], labels: list[str], c: float) -> None:
    """Large sets: a linear SVM fitted by averaged SGD (a fixed number of passes: liblinear's exact
    solver took ~250 s on 100,000 rows and 42 classes, SGD a tenth of that for the same accuracy
    on a large set) on 90 % of the rows, its probabilities calibrated on the other 10 % (instead
    of three cross-fitted SVMs plus a final one). alpha = 1/(C·n) is the SVM's own regularisation."""
    from sklearn.linear_model import SGDClassifier

    x = pipeline.named_steps["features"].fit_transform(texts)
    y = np.asarray(labels)
    train, held = train_test_split(np.arange(len(y)), test_size=0.1, stratify=y, random_state=0)
    svm = SGDClassifier(
        loss="hinge",
        alpha=1.0 / (c * len(train)),
        max_iter=SGD_EPOCHS,
        tol=None,
        average=True,
        class_weight="balanced",
        random_state=0,
    ).fit(x[train], y[train])
    calibrated = CalibratedClassifierCV(FrozenEstimator(svm), method="sigmoid").fit(x[held], y[held])
    pipeline.steps[-1] = ("clf", calibrated)


@dataclass
class Evaluation:
    accuracy: float
    macro_f1: float
    n: int
    report: str
    matrix: str

    def summary(self) -> dict[str, Any]:
        return {"accuracy": round(self.accuracy, 4), "macro_f1": round(self.macro_f1, 4), "n": self.n}


def score(truth: Sequence[str], predicted: Sequence[str]) -> Evaluation:
    labels = sorted(set(truth) | set(predicted))
    matrix = confusion_matrix(truth, predicted, labels=labels)
    width = max(len(label) for label in labels) + 2
    lines = ["真实\\预测 " + " ".join(f"{i:>5}" for i in range(len(labels)))]
    for i, (label, row) in enumerate(zip(labels, matrix, strict=True)):
        lines.append(f"{i:>2} {label:<{width}}" + " ".join(f"{v:>5}" for v in row))
    return Evaluation(
        accuracy=float(accuracy_score(truth, predicted)),
        macro_f1=float(f1_score(truth, predicted, average="macro", labels=sorted(set(truth)))),
        n=len(truth),
        report=classification_report(truth, predicted, labels=labels, zero_division=0, digits=3),
        matrix="\n".join(lines),
    )


def cross_validate(
    examples: Sequence[Example], folds: int = 5, *, tune: bool = True, seed: int = 42
) -> Evaluation:
    """Stratified K-fold: a fresh model (with its own inner C choice) per fold."""
    validate(examples)
    y = np.asarray([e.label for e in examples])
    smallest = int(min(np.unique(y, return_counts=True)[1]))
    if smallest < folds:
        raise TrainingError(f"最少的类别只有{smallest}条,无法做{folds}折交叉验证")
    predicted = np.empty(len(examples), dtype=object)
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(np.zeros(len(y)), y):
        model, _ = fit([examples[i] for i in train], tune=tune)
        predicted[test] = model.predict([compose(examples[i].subject, examples[i].detail) for i in test])
    return score(list(y), list(predicted))


# --- reading labelled files --------------------------------------------------------------------


# Labelled files come from the command line (`gongzhi dispatch train FILE`) and may hold a city's
# history; the reader's caps still apply, sized for that.
LIMITS = Limits(
    max_bytes=256 * 1024 * 1024,
    max_rows=1_000_000,
    max_columns=64,
    max_cells=20_000_000,
    max_uncompressed=1024 * 1024 * 1024,
    max_shared_strings=5_000_000,
)


def read_examples(path: str | Path) -> list[Example]:
    """CSV (UTF-8, with or without BOM; GB18030 tolerated) or XLSX with columns subject, detail,
    label (labeled_messages.csv's extra columns are ignored). `text` is accepted for detail. Read
    through the one spreadsheet reader (its caps, decision 0040); the first worksheet of a workbook."""
    path = Path(path)
    if not path.exists():
        raise TrainingError(f"找不到文件:{path}")
    try:
        table = read_spreadsheet(path.read_bytes(), limits=LIMITS)
    except SpreadsheetRefused as exc:
        raise TrainingError(exc.message) from exc
    if not table.rows:
        raise TrainingError("文件中没有数据行")
    header = [str(h or "").strip().lower() for h in table.rows[0][1]]
    rows = [
        {h: "" if v is None else str(v) for h, v in zip(header, values, strict=False) if h}
        for _number, values in table.rows[1:]
    ]
    if not rows:
        raise TrainingError("文件中没有数据行")
    columns = set(header)
    if "label" not in columns or not ({"subject", "detail", "text"} & columns):
        raise TrainingError("文件需要包含 subject、detail、label 三列(或 text、label)")
    return [
        Example(
            row.get("subject", "").strip(),
            (row.get("detail") or row.get("text", "")).strip(),
            row.get("label", "").strip(),
        )
        for row in rows
    ]
