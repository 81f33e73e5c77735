"""Find a centre, a centre's page (evaluation first for its staff), activities, the calendar, ICS."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.places import actions, calendars, queries, tickets
from gongzhi.places.access import access_activity, access_centre, may_manage, series_organisations
from gongzhi.places.forms import BookingForm, FeedbackForm, FindForm, SeriesForm

# 光明街道 when nothing is chosen yet: the map opens on the demo area
DEFAULT_CENTRE = (113.93, 22.75)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Find a centre: from a pin / the phone's location, or an address; optionally by need."""
    form = FindForm(request.GET or None)
    results: list = []
    resources: list = []
    origin = None
    error = ""
    if form.is_bound and form.is_valid():
        lon, lat = form.cleaned_data.get("lon"), form.cleaned_data.get("lat")
        if (lon is None or lat is None) and form.cleaned_data.get("address"):
            found = queries.locate_address(form.cleaned_data["address"])
            if found is None:
                error = _("没有找到这个地址,请换一种写法或在地图上点选位置")
            else:
                lon, lat, label = found
                origin = {"lon": lon, "lat": lat, "label": label}
        elif lon is not None and lat is not None:
            origin = {"lon": lon, "lat": lat, "label": _("所选位置")}
        elif form.is_bound:
            error = _("请在地图上点选位置、使用当前位置或填写地址")
        if origin:
            need = form.need_text()
            results = [
                {"centre": c, **queries.walking(m)}
                for c, m in queries.nearest_centres(origin["lon"], origin["lat"], 10, need)
            ]
            resources = [
                {"resource": r, **queries.walking(m)}
                for r, m in queries.nearest_resources(origin["lon"], origin["lat"], 5, need)
            ]
            if not results:
                error = _("附近没有提供该服务的中心")
    status = 400 if (form.is_bound and (error and not results)) else 200
    # staff get the centres they manage on top (their evaluation is the first thing on each page)
    managed = queries.managed_centres(request.user)
    return render(
        request,
        "places/index.html",
        {
            "managed": managed,
            "form": form,
            "results": results,
            "resources": resources,
            "origin": origin,
            "error": error,
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "default_lon": DEFAULT_CENTRE[0],
            "default_lat": DEFAULT_CENTRE[1],
        },
        status=status,
    )


@login_required
def centre_detail(request: HttpRequest, centre_id: int) -> HttpResponse:
    centre = access_centre(centre_id, actor=request.user)
    manage = may_manage(request.user, centre)
    context = {"centre": centre, "manage": manage}
    context |= queries.centre_page(centre, manage=manage, now=timezone.now())
    return render(request, "places/centre.html", context)


@login_required
def venue_detail(  # noqa: PLR0913 - re-rendered with either form's errors
    request: HttpRequest,
    venue_id: int,
    form: BookingForm | None = None,
    error: str = "",
    status: int = 200,
    series_form: SeriesForm | None = None,
    series_error: str = "",
    series_details: list[str] | None = None,
) -> HttpResponse:
    from gongzhi.places.access import access_venue

    venue = access_venue(venue_id)
    taken = queries.taken_slots(venue, timezone.now())
    form = form or BookingForm(
        initial={
            "day": (timezone.localdate() + timedelta(days=1)).isoformat(),
            "start": "10:00",
            "minutes": 60,
        }
    )
    orgs = series_organisations(request.user, venue)
    if series_form is None and orgs:
        series_form = SeriesForm(
            organisations=orgs,
            initial={"first_day": (timezone.localdate() + timedelta(days=1)).isoformat(), "start": "19:00"},
        )
    return render(
        request,
        "places/venue.html",
        {
            "venue": venue,
            "centre": venue.centre,
            "form": form,
            "taken": taken,
            "error": error,
            "hours": calendars_hours(venue),
            "series_form": series_form,
            "series_error": series_error,
            "series_details": series_details or [],
        },
        status=status,
    )


def calendars_hours(venue):  # type: ignore[no-untyped-def]
    from gongzhi.places.hours import hours_table

    return hours_table(venue.effective_hours())


@login_required
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = access_activity(activity_id, actor=request.user)
    person_id = getattr(request.user, "person_id", None)
    mine = queries.my_signup(activity, person_id)
    ticket = actions.ticket_for(mine) if mine else None
    rated = queries.has_rated(activity, person_id)
    return render(
        request,
        "places/activity.html",
        {
            "activity": activity,
            "mine": mine,
            "ticket": ticket,
            "open": activity.starts_at > timezone.now(),
            "qr": tickets.qr_svg(request.build_absolute_uri(tickets.checkin_path(ticket))) if ticket else "",
            "waiting_ahead": queries.waiting_ahead(mine),
            "feedback_form": FeedbackForm() if mine and mine.status == "attended" and not rated else None,
            "manage": may_manage(request.user, activity.centre),
        },
    )


@login_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    month = calendars.parse_month(request.GET.get("month"), today)
    start, end = calendars.month_bounds(month)
    centre = None
    if request.GET.get("centre", "").isdigit():
        centre = access_centre(int(request.GET["centre"]), actor=request.user)
    prev_month = (month - timedelta(days=1)).replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    return render(
        request,
        "places/calendar.html",
        {
            "month": month,
            "weeks": calendars.month_grid(month, queries.month_activities(start, end, centre)),
            "centre": centre,
            "prev": prev_month.strftime("%Y-%m"),
            "next": next_month.strftime("%Y-%m"),
            "today": today,
        },
    )


@login_required
def activity_ics(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = access_activity(activity_id, actor=request.user)
    body = calendars.ics([activity], activity.title, request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="activity-{activity.pk}.ics"'
    return response


@login_required
def activity_new(request: HttpRequest, centre_id: int) -> HttpResponse:
    """Staff of the centre's area publish an activity (optionally booking one of its venues)."""
    from gongzhi.places.errors import PlacesError
    from gongzhi.places.forms import ActivityForm

    centre = access_centre(centre_id, actor=request.user, manage=True)
    venues = list(centre.venues.filter(active=True))
    form = ActivityForm(
        request.POST or None, venues=venues, initial={"organiser": f"{centre.territory.name}党委"}
    )
    error, status = "", 200
    if request.method == "POST":
        if form.is_valid():
            start, end = form.span()
            venue = next((v for v in venues if v.pk == form.cleaned_data["venue"]), None)
            try:
                made = actions.activity_publish(
                    centre=centre,
                    actor_person_id=request.user.person_id,
                    venue=venue,
                    starts_at=start,
                    ends_at=end,
                    actor=request.user,
                    **{
                        k: form.cleaned_data[k]
                        for k in (
                            "title",
                            "kind",
                            "audience",
                            "organiser",
                            "capacity",
                            "points",
                            "description",
                        )
                    },
                )
            except PlacesError as exc:  # re-renders the form with the user's input
                error, status = exc.message, exc.status_code
            else:
                from django.shortcuts import redirect

                return redirect("places:activity", made.pk)
        else:
            error, status = _("请检查填写的内容"), 400
    return render(
        request, "places/activity_new.html", {"centre": centre, "form": form, "error": error}, status=status
    )
