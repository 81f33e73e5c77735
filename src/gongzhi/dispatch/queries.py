"""Reads of the 秒拨 app for the API: a prediction with the departments the rules would pick, and
the model versions (never their blobs)."""

from typing import Any, cast

from gongzhi.core.actors import Actor
from gongzhi.core.scoping import get_scope
from gongzhi.dispatch import predict
from gongzhi.dispatch.models import DispatchModel, Suggestion
from gongzhi.dispatch.training import compose
from gongzhi.orgs.models import Organisation
from gongzhi.territory.models import Level, TerritoryNode


def territory_for(actor: Actor, code: str) -> TerritoryNode | None:
    """The node a prediction is routed for: the given code, or the caller's first view_appeals
    territory (the district for platform-wide accounts). None when unknown or outside the scope."""
    scope = get_scope(actor)
    if code:
        node = TerritoryNode.objects.filter(code=code).first()
    else:
        paths = scope.paths_for("view_appeals")
        nodes = (
            TerritoryNode.objects.filter(path=paths[0])
            if paths
            else TerritoryNode.objects.filter(level=Level.DISTRICT)
        )
        node = nodes.order_by("path").first()
    if node is None or not scope.can("view_appeals", node.path):
        return None
    return cast(TerritoryNode, node)


def predict_for(*, subject: str, text: str, node: TerritoryNode) -> dict[str, Any] | None:
    """Top-3 of the active model with category and routed department; None with no active model."""
    model = predict.active_model()
    if model is None:
        return None
    ranked = predict.predict_loaded(model, [compose(subject, text)])[0]
    threshold = predict.threshold_for(node)
    rows: list[dict[str, Any]] = [
        {
            "rank": r["rank"],
            "label": r["label"],
            "probability": round(r["probability"], 4),
            "category_id": r["category"].pk if r["category"] else None,
            "category_path": r["category"].path if r["category"] else None,
            "department_id": r["department_id"],
        }
        for r in predict.routed(ranked, model.label_kind, node.path)
    ]
    names = dict(
        Organisation.objects.filter(
            pk__in=[r["department_id"] for r in rows if r["department_id"]]
        ).values_list("pk", "name")
    )
    for row in rows:
        row["department_name"] = names.get(row["department_id"])
    auto = bool(ranked) and threshold < 1 and ranked[0][1] >= threshold and rows[0]["category_id"] is not None
    return {
        "model_version": model.version,
        "threshold": threshold,
        "auto_dispatch": auto,
        "suggestions": rows,
    }


FIELDS = ("version", "is_active", "created_at", "created_by", "source", "label_kind", "labels", "metrics")


def _out(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "created_at": row["created_at"].isoformat()}


def model_list(limit: int = 100) -> list[dict[str, Any]]:
    return [_out(row) for row in DispatchModel.objects.order_by("-version").values(*FIELDS)[:limit]]


def model_out(version: int) -> dict[str, Any]:
    return _out(DispatchModel.objects.values(*FIELDS).get(version=version))


def suggestion(appeal_id: int, rank: int) -> Suggestion | None:
    """An appeal's stored 秒拨 suggestion of a rank, with its category (appeals' hook, decision 0043)."""
    return Suggestion.objects.filter(appeal_id=appeal_id, rank=rank).select_related("category").first()
