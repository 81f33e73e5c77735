"""Small wishes: the public wall (no sign-in, never the person), the staff list with statistics
and the form to record a wish, the staff page of a wish (claim for a team or unit, fulfil), a
member's claim from the wall and their claimed wishes."""

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gongzhi.service import actions_wishes, queries, queries_pages
from gongzhi.service.access import access_wish, is_staff, may_manage
from gongzhi.service.actions import ServiceError
from gongzhi.service.models import Wish
from gongzhi.service.models.wishes import ClaimantKind, NeedGroup, Urgency
from gongzhi.service.queries_pages import PARTNER_KINDS
from gongzhi.service.views_common import form_post, paginate, person_of, uploads
from gongzhi.service.views_teams import find_person
from gongzhi.service.workflow import WishStatus


def wall(request: HttpRequest) -> HttpResponse:
    """心愿墙: public. Only fields that identify nobody reach the template (queries.wall_rows)."""
    rows = queries.wall_rows(request.GET.get("community", ""))
    return render(
        request,
        "service/wall.html",
        {
            "page": paginate(request, rows, 24),
            "communities": queries.wall_communities(),
            "community": request.GET.get("community", ""),
        },
    )


@login_required
@require_POST
def wish_claim(request: HttpRequest, wish_id: int) -> HttpResponse:
    """A member claims a wish from the wall for themself."""
    wish = queries.wall_rows("").filter(pk=wish_id).first()
    if wish is None:
        raise Http404
    actions_wishes.wish_claim(
        wish=wish, actor=request.user, kind=ClaimantKind.MEMBER, person=person_of(request)
    )
    return redirect("service:wish_mine")


@login_required
def wish_mine(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    rows = queries.own_claimed_wishes(person)
    return render(request, "service/wish_mine.html", {"wishes": rows})


@login_required
def wishes(request: HttpRequest) -> HttpResponse:
    if not is_staff(request.user):
        raise Http404
    status = request.GET.get("status", "")
    rows = queries_pages.wish_list(request.user, status)
    context: dict[str, Any] = {
        "page": paginate(request, rows, 30),
        "stats": queries.wish_stats(request.user),
        "groups": NeedGroup.choices,
        "urgencies": Urgency.choices,
        "statuses": WishStatus.choices,
        "status": status,
        "values": request.POST,
    }

    def work() -> Wish:
        try:
            due_on = date.fromisoformat(request.POST.get("due_on", ""))
        except ValueError as exc:
            raise ServiceError("请填写完成时限(日期)", "due_on") from exc
        return actions_wishes.wish_create(
            actor=request.user,
            beneficiary=find_person(request.user, request.POST.get("beneficiary", "")),
            group=request.POST.get("group", ""),
            title=request.POST.get("title", ""),
            story=request.POST.get("story", ""),
            urgency=request.POST.get("urgency", ""),
            due_on=due_on,
            budget=request.POST.get("budget", "0"),
        )

    return form_post(
        request, "service/wishes.html", context, work, lambda w: redirect("service:wish_detail", w.pk)
    )


def _wish_or_own(request: HttpRequest, wish_id: int) -> Wish:
    """Staff of the area, or the member who claimed it."""
    own = queries.own_claimed_wish(person_of(request), wish_id)
    return own if own is not None else access_wish(request.user, wish_id)


@login_required
def wish_detail(request: HttpRequest, wish_id: int) -> HttpResponse:
    wish = _wish_or_own(request, wish_id)
    staff = may_manage(request.user, wish.path)
    context = {
        "wish": wish,
        "staff_view": staff,
        "events": wish.events.all(),
        "teams": queries_pages.teams_of(request.user, community=wish.community) if staff else [],
        "units": queries_pages.units_under(request.user, wish.path, (*PARTNER_KINDS, "merchant"))
        if staff
        else [],
        "may_fulfil": actions_wishes.may_fulfil(request.user, wish),
    }
    return render(request, "service/wish_detail.html", context)


@login_required
@require_POST
def wish_staff_claim(request: HttpRequest, wish_id: int) -> HttpResponse:
    wish = access_wish(request.user, wish_id)
    kind = request.POST.get("kind", "")
    team = queries_pages.teams_of(request.user, pk=request.POST.get("team") or 0).first()
    unit = queries_pages.unit_by_id(request.user, request.POST.get("organisation"))
    actions_wishes.wish_claim(wish=wish, actor=request.user, kind=kind, team=team, organisation=unit)
    return redirect("service:wish_detail", wish.pk)


@login_required
@require_POST
def wish_fulfil(request: HttpRequest, wish_id: int) -> HttpResponse:
    wish = _wish_or_own(request, wish_id)

    files = uploads(request, "photo")
    actions_wishes.wish_fulfil(
        wish=wish,
        actor=request.user,
        note=request.POST.get("note", ""),
        photo=files[0] if files else None,
        hours=request.POST.get("hours", ""),
    )
    return redirect("service:wish_detail", wish.pk)


@login_required
@require_POST
def wish_release(request: HttpRequest, wish_id: int) -> HttpResponse:
    wish = _wish_or_own(request, wish_id)
    actions_wishes.wish_release(wish=wish, actor=request.user, reason=request.POST.get("reason", ""))
    return redirect("service:wish_detail", wish.pk)


@login_required
def wish_photo(request: HttpRequest, wish_id: int) -> FileResponse:
    wish = _wish_or_own(request, wish_id)
    if not wish.evidence:
        raise Http404
    return FileResponse(wish.evidence.open("rb"))
