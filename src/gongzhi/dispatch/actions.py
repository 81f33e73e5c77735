"""Every write of the 秒拨 app: storing and switching models, and recording human corrections."""

import csv
import io
from pathlib import Path
from typing import Any

import joblib
from django.db import transaction
from django.db.models import Max

from gongzhi.appeals.models import Appeal, Category
from gongzhi.core.actors import Actor
from gongzhi.core.audit import actor_label
from gongzhi.core.errors import Conflict
from gongzhi.dispatch import training
from gongzhi.dispatch.models import DispatchModel, LabelSource, Suggestion, TrainingLabel
from gongzhi.dispatch.predict import categories_for, models_changed, routed
from gongzhi.dispatch.training import Example, TrainingError


class DispatchError(Conflict):
    """A request we refuse (409; 404 for a version that does not exist); the message is Chinese."""


def allowed_labels() -> tuple[set[str], set[str]]:
    """(level-1 names, category paths) a training label may use: the Category rows, and the level-1
    names of the board's taxonomy.csv (the classes a city hotline's labelled file uses, also when
    this deployment's own tree names its classes differently; decision 0037). Anything else is a
    typo or another scheme, and is refused."""
    level1 = set(Category.objects.filter(level=1, active=True).values_list("name", flat=True))
    paths = set(Category.objects.filter(active=True).values_list("path", flat=True))
    return level1 | board_classes(), paths


def board_classes() -> set[str]:
    taxonomy = training.shared_data_dir() / "appeals/taxonomy.csv"
    if not taxonomy.exists():
        return set()
    with taxonomy.open(encoding="utf-8-sig") as fh:
        return {row["level1"].strip() for row in csv.DictReader(fh) if (row.get("level1") or "").strip()}


def unrouted_labels(labels: set[str], label_kind: str) -> list[str]:
    """Labels no Category answers to: appeals predicted as these wait in triage for a person."""
    return sorted(labels - set(categories_for(sorted(labels), label_kind)))


def label_kind_of(labels: set[str], paths: set[str]) -> str:
    return "category" if labels and labels <= paths and any("/" in label for label in labels) else "level1"


def history_examples() -> list[Example]:
    """Appeals whose category is known, and human corrections that name a category."""
    examples = [
        Example(title, text, path)
        for title, text, path in Appeal.objects.filter(category__isnull=False)
        .values_list("title", "text", "category__path")
        .iterator(chunk_size=5000)
    ]
    examples += [
        Example("", text, path)
        for text, path in TrainingLabel.objects.filter(category__isnull=False).values_list(
            "text", "category__path"
        )
    ]
    return examples


def model_train(*, actor: Actor | None, file: str | Path | None = None, tune: bool = True) -> DispatchModel:
    """Fit on a labelled file (or the database's history), store as a new version and activate it.
    Refusals raise TrainingError before anything is written: the active model stays."""
    if file is not None:
        examples = training.read_examples(file)
        source = f"file:{Path(file).name}"
    else:
        examples = history_examples()
        source = "history"
        if not examples:
            raise TrainingError("数据库中没有已分类的诉求可供训练,请指定标注文件")
    level1, paths = allowed_labels()
    training.validate(examples, allowed=level1 | paths)
    kind = label_kind_of({e.label for e in examples}, paths)
    pipeline, info = training.fit(examples, tune=tune)
    info["unrouted_labels"] = unrouted_labels({e.label for e in examples}, kind)
    return model_store(pipeline=pipeline, actor=actor, source=source, label_kind=kind, metrics=info)


def _dump(pipeline: Any) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(pipeline, buffer, compress=3)
    return buffer.getvalue()


@transaction.atomic
def model_store(
    *,
    pipeline: Any,
    actor: Actor | None,
    source: str,
    label_kind: str,
    metrics: dict[str, Any],
    activate: bool = True,
) -> DispatchModel:
    """A new version of the fitted pipeline; activated unless told otherwise."""
    blob = _dump(pipeline)
    latest = DispatchModel.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
    model = DispatchModel.objects.create(
        version=latest + 1,
        created_by=actor_label(actor) if actor is not None else "system",
        source=source[:300],
        label_kind=label_kind,
        labels=[str(c) for c in pipeline.classes_],
        metrics=metrics,
        blob=blob,
    )
    if activate:
        model_activate(version=model.version, actor=actor)
        model.is_active = True
    return model


@transaction.atomic
def model_activate(*, version: int, actor: Actor | None) -> DispatchModel:
    """Make `version` the active model (the others are switched off first: one active row)."""
    target = DispatchModel.objects.select_for_update().filter(version=version).first()
    if target is None:
        raise DispatchError(f"没有版本为v{version}的分拨模型", status=404)
    DispatchModel.objects.filter(is_active=True).exclude(pk=target.pk).update(is_active=False)
    if not target.is_active:
        DispatchModel.objects.filter(pk=target.pk).update(is_active=True)
        target.is_active = True
    models_changed()  # this process sees the switch at once; others within 10 s
    return target


@transaction.atomic
def model_rollback(*, actor: Actor | None) -> DispatchModel:
    """Activate the newest version older than the active one."""
    active = DispatchModel.objects.select_for_update().filter(is_active=True).first()
    if active is None:
        raise DispatchError("当前没有启用的分拨模型,无法回滚")
    previous = DispatchModel.objects.filter(version__lt=active.version).order_by("-version").first()
    if previous is None:
        raise DispatchError(f"v{active.version}之前没有更早的模型版本,无法回滚")
    return model_activate(version=previous.version, actor=actor)


def record_correction(*, appeal: Any, department: Any = None, category: Any = None) -> TrainingLabel | None:
    """A human dispatch or category choice that differs from the top suggestion becomes a training
    label (source=correction). No suggestion stored, or the same choice: nothing is written."""
    top = Suggestion.objects.filter(appeal_id=appeal.pk, rank=1).first()
    if top is None:
        return None
    category = category if category is not None else getattr(appeal, "category", None)
    differs = (department is not None and top.department_id != department.pk) or (
        category is not None and top.category_id is not None and top.category_id != category.pk
    )
    if not differs:
        return None
    label = ""
    if category is not None:
        label = category.path.split("/")[0]
    return TrainingLabel.objects.create(
        text=training.compose(appeal.title, appeal.text),
        category=category,
        label=label,
        department=department,
        source=LabelSource.CORRECTION,
        appeal=appeal,
    )


def suggestions_store(*, appeal: Any, ranked: list[tuple[str, float]], version: int, label_kind: str) -> None:
    """A new appeal's top suggestions, each with the department the routing rules would pick for its
    category (intake's hook stores them in the appeal's own transaction)."""
    Suggestion.objects.bulk_create(
        [
            Suggestion(appeal=appeal, model_version=version, **row)
            for row in routed(ranked, label_kind, appeal.path)
        ]
    )
