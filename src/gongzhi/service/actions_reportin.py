"""Report-in (双报到): an in-service party member registers with their home community for a year,
picks posts (认岗) and claims service-list items (认领)."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from gongzhi.core.actors import Actor
from gongzhi.core.audit import record, record_write
from gongzhi.core.models import AuditEntry
from gongzhi.people.models import MemberKind
from gongzhi.service.access import ServiceForbidden, may_manage
from gongzhi.service.actions import ServiceError, insert_once
from gongzhi.service.models import PostClaim, ReportIn, ServicePost
from gongzhi.service.models.reportin import PostKind
from gongzhi.service.queries import RecordRow, record_xlsx
from gongzhi.territory.models import Level


@transaction.atomic
def report_in(*, actor: Actor, member: Any, hours_target: Any = 24, year: int | None = None) -> ReportIn:
    """The member themself registers with the community where they live."""
    if getattr(getattr(actor, "person", None), "pk", None) != member.person_id:
        raise ServiceForbidden("只能为自己办理报到")
    if member.kind != MemberKind.IN_SERVICE:
        raise ServiceError("双报到面向在职党员", "member")
    community = member.home_community or (
        member.person.household.community() if member.person.household_id else None
    )
    if community is None or community.level != Level.COMMUNITY:
        raise ServiceError("请先登记居住地址,再向居住社区报到", "member")
    try:
        target = Decimal(str(hours_target)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as exc:
        raise ServiceError("年度服务时长目标应为数字", "hours_target") from exc
    if not Decimal("1") <= target <= Decimal("500"):
        raise ServiceError("年度服务时长目标应在1到500小时之间", "hours_target")
    year = year or timezone.localdate().year
    row = insert_once(
        ReportIn(member=member, community=community, path=community.path, year=year, hours_target=target),
        ServiceError(f"您{year}年已向社区报到", "member"),
    )
    record_write(actor=actor, action="service.report_in", obj=row, scope_path=row.path)
    return row


@transaction.atomic
def post_create(
    *, actor: Actor, community: Any, kind: str, name: str, description: str = "", capacity: int = 10
) -> ServicePost:
    if not may_manage(actor, community.path):
        raise ServiceForbidden("您无权管理该社区的服务岗位")
    if kind not in PostKind.values:
        raise ServiceError("请选择类别", "kind")
    if not (name or "").strip():
        raise ServiceError("请填写名称", "name")
    post = insert_once(
        ServicePost(
            community=community,
            path=community.path,
            kind=kind,
            name=name.strip()[:60],
            description=(description or "")[:300],
            capacity=max(1, int(capacity)),
        ),
        ServiceError("已有同名岗位", "name"),
    )
    record_write(actor=actor, action="service.post_create", obj=post, scope_path=post.path)
    return post


@transaction.atomic
def post_claim(*, actor: Actor, report: ReportIn, post: ServicePost) -> PostClaim:
    """认岗/认领: the post row is locked so the capacity holds when many claim at once."""
    if getattr(getattr(actor, "person", None), "pk", None) != report.member.person_id:
        raise ServiceForbidden("只能为自己认岗")
    if report.withdrawn_at is not None:
        raise ServiceError("报到已撤回", "report")
    locked = ServicePost.objects.select_for_update().get(pk=post.pk)
    if locked.community_id != report.community_id:
        raise ServiceError("只能认领报到社区的岗位", "post")
    taken = PostClaim.objects.filter(post=locked, report_in__year=report.year).aggregate(n=Count("pk"))["n"]
    if taken >= locked.capacity:
        raise ServiceError("该岗位人数已满", "post")
    claim = insert_once(PostClaim(report_in=report, post=locked), ServiceError("您已认领该岗位", "post"))
    record_write(actor=actor, action="service.post_claim", obj=locked, scope_path=locked.path)
    return claim


def record_export(
    *, actor: Actor, person: Any, year: int, rows: list[RecordRow], target: Decimal | None
) -> bytes:
    """The person's 纪实台账 for `year` as a workbook; taking it out is audited (an export row)."""
    record(
        actor=actor,
        kind=AuditEntry.Kind.EXPORT,
        action="service.record_export",
        object_label=f"{person.name} {year}",
    )
    return record_xlsx(person.name, rows, target)
