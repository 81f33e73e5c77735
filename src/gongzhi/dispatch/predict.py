"""Predictions of the active 秒拨 model, and the intake hook (decision 0011).

The fitted pipeline is cached per process, keyed by the active version (core.cache namespaces,
decision 0046): a newly activated or rolled-back model is picked up at once in this process and
within 10 s in the others."""

import io
import logging
from dataclasses import dataclass
from typing import Any

import joblib
import numpy as np

from gongzhi.appeals import routing
from gongzhi.appeals.models import Category
from gongzhi.core.cache import Namespace
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


ACTIVE_VERSION_TTL_S = 10.0
# The active version (intake asks on every appeal; switching is rare): a process re-reads the
# namespace's version at most every 10 s outside a transaction and the row at least every 10 s
# (a switch made without a bump); this process's own activate or rollback is seen at once.
ACTIVE = Namespace(
    "dispatch.active_version", recheck_seconds=ACTIVE_VERSION_TTL_S, max_age=ACTIVE_VERSION_TTL_S
)
# A version's fitted pipeline: one per process, loaded by one thread while the others wait.
LOADED = Namespace("dispatch.loaded_model", maxsize=1, one_at_a_time=True)
ACTIVE.watch(DispatchModel)
LOADED.watch(DispatchModel)


def active_version() -> int | None:
    """The active model's version (see ACTIVE)."""
    return ACTIVE.get(
        "active",
        lambda: DispatchModel.objects.filter(is_active=True).values_list("version", flat=True).first(),
    )


def _load(version: int) -> Loaded:
    row = DispatchModel.objects.only("version", "label_kind", "blob").get(version=version)
    # our own database only: the blob was written by actions.model_store (decision 0011)
    pipeline = joblib.load(io.BytesIO(bytes(row.blob)))  # noqa: S301
    return Loaded(row.version, row.label_kind, pipeline, [str(c) for c in pipeline.classes_])


def load(version: int) -> Loaded:
    return LOADED.get(version, lambda: _load(version))


def active_model() -> Loaded | None:
    version = active_version()
    return load(version) if version is not None else None


def models_changed() -> None:
    """A model was activated or rolled back (an update() that sends no signal): every process
    reads the active version and loads the pipeline again."""
    ACTIVE.bump()
    LOADED.bump()


def reset_cache() -> None:
    """Forget this process's copies, as a new process starts without them."""
    ACTIVE.forget_local()
    LOADED.forget_local()


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


def routed(ranked: list[tuple[str, float]], label_kind: str, path: str) -> list[dict[str, Any]]:
    """Each ranked label with its rank, its active Category (one query for all) and the department
    the routing rules would pick for that category at `path` (None without a category)."""
    categories = categories_for([label for label, _p in ranked], label_kind)
    rows = []
    for rank, (label, probability) in enumerate(ranked, start=1):
        category = categories.get(label)
        department_id = None
        if category is not None:
            department_id, _version = routing.route_department(category=category, path=path)
        rows.append(
            {
                "rank": rank,
                "label": label,
                "probability": probability,
                "category": category,
                "department_id": department_id,
            }
        )
    return rows


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
