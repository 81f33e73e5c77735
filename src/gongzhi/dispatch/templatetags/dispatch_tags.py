"""秒拨 suggestions on the triage and appeal pages: read in one query per page."""

from typing import Any

from django import template

from gongzhi.dispatch.models import Suggestion

register = template.Library()


def _by_appeal(ids: list[int]) -> dict[int, list[Suggestion]]:
    found: dict[int, list[Suggestion]] = {}
    rows = (
        Suggestion.objects.filter(appeal_id__in=ids)
        .select_related("department")
        .order_by("appeal_id", "rank")
    )
    for s in rows:
        found.setdefault(s.appeal_id, []).append(s)
    return found


@register.simple_tag
def dispatch_suggestion_map(appeals: Any) -> dict[int, list[Suggestion]]:
    """{appeal id: its top-3} for a page of appeals (triage)."""
    return _by_appeal([a.pk for a in appeals])


@register.inclusion_tag("dispatch/_suggestions.html")
def dispatch_suggestions(appeal: Any, found: dict[int, list[Suggestion]] | None = None) -> dict[str, Any]:
    """The top-3 of an appeal still waiting for a department; nothing once dispatched."""
    if appeal.department_id is not None:
        return {"suggestions": []}
    suggestions = (
        found.get(appeal.pk, []) if found is not None else _by_appeal([appeal.pk]).get(appeal.pk, [])
    )
    return {"suggestions": suggestions}
