"""Report-in (双报到): the member's page (register, pick posts), their service record (纪实台账)
with its XLSX export, and for staff: posts, the reported-in members and the quarterly ranking."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.service import actions_reportin, queries, queries_pages
from gongzhi.service.access import is_staff
from gongzhi.service.actions import ServiceError
from gongzhi.service.models.reportin import PostKind
from gongzhi.service.views_common import form_post, message_page, person_of


def _member(request: HttpRequest) -> Any:
    person = person_of(request)
    return getattr(person, "party_member", None) if person is not None else None


def _report_page(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    year = timezone.localdate().year
    report = queries.own_report(member, year)
    posts = queries.report_posts(report)
    claimed = set(report.claims.values_list("post_id", flat=True)) if report else set()
    hours = (
        sum((r.hours for r in queries.service_record(member.person_id, year=year)), queries.ZERO)
        if member
        else 0
    )
    return render(
        request,
        "service/reportin.html",
        {
            "member": member,
            "report": report,
            "posts": posts,
            "claimed": claimed,
            "hours": hours,
            "year": year,
        },
    )


@login_required
def reportin(request: HttpRequest) -> HttpResponse:
    if _member(request) is None:
        return message_page(request, _("双报到"), _("双报到面向党员,您的账号没有关联党员信息"), 404)
    if request.method != "POST":
        return _report_page(request)
    actions_reportin.report_in(
        actor=request.user, member=_member(request), hours_target=request.POST.get("hours_target", "24")
    )
    return redirect("service:reportin")


@login_required
@require_POST
def post_claim(request: HttpRequest, post_id: int) -> HttpResponse:
    member = _member(request)
    report = queries.own_report(member, timezone.localdate().year)
    post = queries.post_to_claim(post_id)
    if report is None or post is None:
        raise Http404
    actions_reportin.post_claim(actor=request.user, report=report, post=post)
    return redirect("service:reportin")


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    """纪实台账: generated from orders, wishes and visits — nothing to fill in."""
    person = person_of(request)
    if person is None:
        raise Http404
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() else timezone.localdate().year
    rows = queries.service_record(person.pk, year=year)
    member = getattr(person, "party_member", None)
    report = queries.own_report(member, year) if member else None
    target = report.hours_target if report else None
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            actions_reportin.record_export(
                actor=request.user, person=person, year=year, rows=rows, target=target
            ),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="service-record-{year}.xlsx"'
        return response
    total = sum((r.hours for r in rows), queries.ZERO)
    return render(
        request, "service/record.html", {"rows": rows, "year": year, "total": total, "target": target}
    )


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    """Quarterly ranking (最亮星) of reported-in members by service hours."""
    if not is_staff(request.user):
        raise Http404
    communities = queries_pages.managed_communities(request.user)
    community = communities.filter(pk=request.GET.get("community") or 0).first() or communities.first()
    year, quarter = queries.current_quarter()
    raw_year, raw_q = request.GET.get("year", ""), request.GET.get("quarter", "")
    year = int(raw_year) if raw_year.isdigit() else year
    quarter = int(raw_q) if raw_q in {"1", "2", "3", "4"} else quarter
    rows = queries.quarterly_ranking(community, year, quarter) if community else []
    return render(
        request,
        "service/ranking.html",
        {
            "rows": rows,
            "communities": communities,
            "community": community,
            "year": year,
            "quarter": quarter,
            "quarters": [1, 2, 3, 4],
        },
    )


@login_required
def posts(request: HttpRequest) -> HttpResponse:
    if not is_staff(request.user):
        raise Http404
    communities = queries_pages.managed_communities(request.user)
    rows, reports = queries_pages.posts_and_reports(request.user)
    context = {"posts": rows, "communities": communities, "kinds": PostKind.choices, "reports": reports}

    def work() -> Any:
        community = communities.filter(pk=request.POST.get("community") or 0).first()
        if community is None:
            raise ServiceError(_("请选择社区"), "community")
        raw = request.POST.get("capacity", "10")
        return actions_reportin.post_create(
            actor=request.user,
            community=community,
            kind=request.POST.get("kind", ""),
            name=request.POST.get("name", ""),
            description=request.POST.get("description", ""),
            capacity=int(raw) if raw.isdigit() else 10,
        )

    return form_post(request, "service/posts.html", context, work, lambda _p: redirect("service:posts"))
