import datetime

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from gongzhi.core.pagination import PageNumberPagination
from gongzhi.core.queries import audit_search
from gongzhi.core.schemas import AuditEntryOut
from gongzhi.core.scoping import get_scope

router = Router(tags=["审计 audit"])


class AuditFilter(Schema):
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    kind: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None


@router.get("/", response=list[AuditEntryOut])
@paginate(PageNumberPagination, page_size=50)
def audit_list(request: HttpRequest, filters: Query[AuditFilter]):  # type: ignore[no-untyped-def]
    scope = get_scope(request.user)
    if not (scope.is_global or scope.paths_for("view_audit")):
        raise Http404
    return audit_search(
        request.user,
        actor_label=filters.actor,
        object_type=filters.object_type,
        object_id=filters.object_id,
        kind=filters.kind,
        since=filters.since,
        until=filters.until,
    )
