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


@register.inclusion_tag("dispatch/_suggestions.html", takes_context=True)
def dispatch_suggestions(
    context: Any, appeal: Any, found: dict[int, list[Suggestion]] | None = None, actionable: bool = False
) -> dict[str, Any]:
    """The top-3 of an appeal still waiting for a department; nothing once dispatched. With
    `actionable` (the viewer may accept and dispatch it), each suggestion that names a department
    is a one-tap button (appeals:dispatch_suggestion)."""
    if appeal.department_id is not None:
        return {"suggestions": []}
    suggestions = (
        found.get(appeal.pk, []) if found is not None else _by_appeal([appeal.pk]).get(appeal.pk, [])
    )
    return {
        "suggestions": suggestions,
        "appeal": appeal,
        "actionable": actionable,
        "csrf_token": context.get("csrf_token"),
        "next": context.get("next", ""),
    }


@register.filter
def top_department(found: dict[int, list[Suggestion]], appeal_id: int) -> int | None:
    """The department of an appeal's top suggestion (preselected in the triage page's select)."""
    suggestions = found.get(appeal_id) or []
    return suggestions[0].department_id if suggestions else None
