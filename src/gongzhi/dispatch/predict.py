"""Predictions of the active 秒拨 model, and the intake hook (decision 0011).

The fitted pipeline is cached per process, keyed by the active version: each call costs one cheap
read (the active version), and a newly activated or rolled-back model is picked up at once."""

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import joblib
import numpy as np

from gongzhi.appeals.models import Category
from gongzhi.dispatch.embedding import EmbedderMissing
from gongzhi.dispatch.models import DEFAULT_THRESHOLD, AutoDispatchThreshold, DispatchModel
from gongzhi.dispatch.training import compose

TOP_K = 3
# Texts with fewer meaningful characters than this say nothing: never auto-dispatch them.
MIN_CHARS = 4

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    version: int
    label_kind: str
    pipeline: Any
    classes: list[str]


_lock = threading.Lock()
_cache: dict[int, Loaded] = {}


ACTIVE_VERSION_TTL_S = 10.0
_active: tuple[float, int | None] | None = None


def active_version() -> int | None:
    """The active model's version, re-read at most every 10 s per process: intake asks on every
    appeal, and switching models is rare (activate/rollback in this process clear it at once)."""
    global _active
    now = time.monotonic()
    cached = _active
    if cached is not None and cached[0] > now:
        return cached[1]
    version = DispatchModel.objects.filter(is_active=True).values_list("version", flat=True).first()
    _active = (now + ACTIVE_VERSION_TTL_S, version)
    return version


def load(version: int) -> Loaded:
    hit = _cache.get(version)
    if hit is not None:
        return hit
    with _lock:
        row = DispatchModel.objects.only("version", "label_kind", "blob").get(version=version)
        import io

        # our own database only: the blob was written by actions.model_store (decision 0011)
        pipeline = joblib.load(io.BytesIO(bytes(row.blob)))  # noqa: S301
        loaded = Loaded(row.version, row.label_kind, pipeline, [str(c) for c in pipeline.classes_])
        _cache.clear()  # one model per process is enough
        _cache[version] = loaded
    return loaded


def active_model() -> Loaded | None:
    version = active_version()
    return load(version) if version is not None else None


def reset_cache() -> None:
    global _active
    _cache.clear()
    _active = None


def _meaningful(text: str) -> int:
    return sum(1 for ch in text if ch.isalnum())


def predict_loaded(model: Loaded, texts: list[str], k: int = TOP_K) -> list[list[tuple[str, float]]]:
    if not texts:
        return []
    probabilities = model.pipeline.predict_proba(texts)
    top = np.argsort(-probabilities, axis=1)[:, :k]
    results = []
    for text, row, order in zip(texts, probabilities, top, strict=True):
        ranked = [(model.classes[j], float(row[j])) for j in order]
        if _meaningful(text) < MIN_CHARS:
            # nothing to go on: keep the order, but never claim confidence
            ranked = [(label, min(p, 1.0 / len(model.classes))) for label, p in ranked]
        results.append(ranked)
    return results


def predict(texts: list[str], k: int = TOP_K) -> list[list[tuple[str, float]]]:
    """Top-k (label, probability) per text by the active model; [] per text when none is active."""
    model = active_model()
    if model is None:
        return [[] for _ in texts]
    return predict_loaded(model, texts, k)


def threshold_for(territory: Any) -> float:
    """The nearest ancestor's (or own) AutoDispatchThreshold, else DEFAULT_THRESHOLD (0.8)."""
    if territory is None:
        return DEFAULT_THRESHOLD
    codes = [*getattr(territory, "ancestor_codes", []), territory.code]
    rows = dict(
        AutoDispatchThreshold.objects.filter(territory__code__in=codes).values_list(
            "territory__code", "threshold"
        )
    )
    for code in reversed(codes):
        if code in rows:
            return float(rows[code])
    return DEFAULT_THRESHOLD


def category_for(label: str, label_kind: str) -> Any:
    return categories_for([label], label_kind).get(label)


def categories_for(labels: list[str], label_kind: str) -> dict[str, Any]:
    """The active Category of each label in one query (by path, or the level-1 of that name; the
    first by path when several match, as `.first()` would pick)."""
    if label_kind == "category":
        rows = Category.objects.filter(path__in=labels, active=True)
    else:
        rows = Category.objects.filter(level=1, name__in=labels, active=True)
    found: dict[str, Any] = {}
    for category in rows:
        found.setdefault(category.path if label_kind == "category" else category.name, category)
    return found


@dataclass
class IntakePrediction:
    """What intake gets back: a category when the model is confident enough, and the ranked
    suggestions to store once the appeal exists."""

    category: Any
    ranked: list[tuple[str, float]]
    version: int | None
    label_kind: str = "level1"

    @property
    def hold(self) -> bool:
        """A model answered but not confidently: the appeal waits in triage, whatever the routing
        rules would do with an uncategorised appeal."""
        return self.version is not None and self.category is None

    def store(self, appeal: Any) -> None:
        """Store the top-3 suggestions (with the department the routing rules would pick)."""
        if not self.ranked or self.version is None or appeal is None:
            return
        # function-level: actions reads the active model through this module
        from gongzhi.dispatch.actions import suggestions_store

        suggestions_store(appeal=appeal, ranked=self.ranked, version=self.version, label_kind=self.label_kind)


NOTHING = IntakePrediction(None, [], None)


def for_intake(*, title: str, text: str, territory: Any) -> IntakePrediction:
    """Intake's hook: with no active model, nothing (intake behaves as before). Otherwise the top-3,
    and the top label's Category if its probability reaches the territory's threshold."""
    model = active_model()
    if model is None:
        return NOTHING
    try:
        ranked = predict_loaded(model, [compose(title, text)])[0]
    except EmbedderMissing:
        # the model's sentence-embedding directory is gone from this host: the appeal is taken
        # all the same and waits in triage without suggestions (the operator sees the log)
        logger.exception("秒拨: active model v%s cannot load its embedding model", model.version)
        return NOTHING
    category = None
    threshold = threshold_for(territory)
    if ranked and threshold < 1 and ranked[0][1] >= threshold:  # 1 (100%) means: never automatically
        category = category_for(ranked[0][0], model.label_kind)
    return IntakePrediction(category, ranked, model.version, model.label_kind)
