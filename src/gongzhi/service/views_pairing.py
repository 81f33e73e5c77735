"""Pairing: the staff list and form, a pairing's visit log (member or staff), the member's own
pairings, and the alert list for branch and community staff."""

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.service import actions_pairing, queries, queries_pages
from gongzhi.service.access import access_pairing, is_staff, may_manage
from gongzhi.service.actions import ServiceError
from gongzhi.service.models import Pairing
from gongzhi.service.views_common import form_post, paginate, person_of
from gongzhi.service.views_teams import find_person


@login_required
def pairings(request: HttpRequest) -> HttpResponse:
    if not is_staff(request.user):
        raise Http404
    rows = queries_pages.open_pairings(request.user)
    context: dict[str, Any] = {
        "page": paginate(request, rows, 30),
        "today": timezone.localdate(),
        "values": request.POST,
    }

    def work() -> Pairing:
        member_person = find_person(request.user, request.POST.get("member", ""))
        member = queries_pages.party_member(request.user, member_person)
        if member is None:
            raise ServiceError("此人不是登记在册的党员", "member")
        raw = request.POST.get("interval_days", "7")
        return actions_pairing.pairing_create(
            actor=request.user,
            member=member,
            elder=find_person(request.user, request.POST.get("elder", "")),
            interval_days=int(raw) if raw.isdigit() else 0,
        )

    return form_post(
        request, "service/pairings.html", context, work, lambda p: redirect("service:pairing_detail", p.pk)
    )


@login_required
def pairing_detail(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = access_pairing(request.user, pairing_id)
    return render(
        request,
        "service/pairing_detail.html",
        {
            "pairing": pairing,
            "visits": pairing.visits.all()[:50],
            "today": timezone.localdate(),
            "staff_view": may_manage(request.user, pairing.path),
            "alerts": pairing.alerts.filter(resolved_at=None),
        },
    )


@login_required
@require_POST
def visit_log(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = access_pairing(request.user, pairing_id)

    try:
        day = date.fromisoformat(request.POST.get("visited_on", ""))
    except ValueError as exc:
        raise ServiceError("请填写探访日期", "visited_on") from exc
    actions_pairing.visit_log(
        actor=request.user,
        pairing=pairing,
        visited_on=day,
        note=request.POST.get("note", ""),
        hours=request.POST.get("hours", ""),
    )
    return redirect("service:pairing_detail", pairing.pk)


@login_required
@require_POST
def pairing_end(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = access_pairing(request.user, pairing_id)
    actions_pairing.pairing_end(actor=request.user, pairing=pairing)
    return redirect("service:pairings")


@login_required
def pairing_mine(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    rows = queries.own_pairings(person)
    return render(request, "service/pairing_mine.html", {"pairings": rows, "today": timezone.localdate()})


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    rows = queries.alerts_for(request.user)
    if not is_staff(request.user) and not rows.exists():
        raise Http404
    return render(request, "service/alerts.html", {"alerts": rows[:200], "title": _("结对探访预警")})
