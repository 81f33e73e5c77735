"""The service hub (服务) and the person's reminders (我的提醒)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gongzhi.service import actions, queries, queries_pages
from gongzhi.service.access import is_staff
from gongzhi.service.views_common import person_of


def index(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    return render(
        request,
        "service/index.html",
        {
            "staff": is_staff(request.user) if request.user.is_authenticated else False,
            "helper": bool(queries.my_helper_ids(person)),
            "member": person is not None and hasattr(person, "party_member"),
            "unread": queries.unread_notices(person),
            "alerts": queries.alerts_for(request.user).count() if request.user.is_authenticated else 0,
        },
    )


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    rows = queries_pages.notices_of(person)
    return render(request, "service/notices.html", {"notices": rows})


@login_required
@require_POST
def notices_read(request: HttpRequest) -> HttpResponse:
    actions.notices_mark_read(person_of(request))
    return redirect("service:notices")
