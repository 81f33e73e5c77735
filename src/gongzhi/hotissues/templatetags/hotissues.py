from typing import Any

from django import template

from gongzhi.appeals.workflow import Action
from gongzhi.hotissues.duplicates import suggested_merges

register = template.Library()


@register.inclusion_tag("hotissues/_merge_suggestions.html", takes_context=True)
def merge_suggestions(context: Any, appeal: Any) -> dict[str, Any]:
    """Shown only to those who may merge this appeal (the merge panel is on the page)."""
    request = context.get("request")
    panels = context.get("panels") or []
    may_merge = any(p.get("action") == Action.MERGE for p in panels)
    found = suggested_merges(actor=request.user, appeal=appeal) if (request and may_merge) else []
    return {
        "suggestions": found,
        "appeal": appeal,
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
