"""A resident's writes (book, sign up, cancel, rate), "my activities" with QR tickets and the ICS
feed, and the staff's check-in and booking decisions. Every write calls one action; a refusal goes
to core's page mapping (a flash message on the page the form was on) unless the view re-renders a
form or page with it, with the refusal's HTTP status."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.places import actions, calendars, queries, tickets
from gongzhi.places.access import (
    access_activity,
    access_booking,
    access_own_signup,
    access_venue,
    may_manage,
    person_id_of,
)
from gongzhi.places.errors import PlacesError
from gongzhi.places.forms import BookingForm, FeedbackForm
from gongzhi.places.models import Booking
from gongzhi.places.views_public import venue_detail
from gongzhi.places.workflow import BookingStatus

FEED_SALT = "gongzhi.places.feed"


def resident_post(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A write from a signed-in user's form: POST only (every write view below)."""
    return login_required(require_POST(view))


@resident_post
def book(request: HttpRequest, venue_id: int) -> HttpResponse:
    venue = access_venue(venue_id)
    person_id = person_id_of(request.user)
    form = BookingForm(request.POST)
    if not form.is_valid():
        return venue_detail(request, venue_id, form=form, error=_("请检查填写的内容"), status=400)
    start, end = form.span()
    try:
        booking = actions.booking_request(
            venue=venue,
            person_id=person_id,
            starts_at=start,
            ends_at=end,
            purpose=form.cleaned_data["purpose"],
            attendees=form.cleaned_data["attendees"],
        )
    except PlacesError as exc:  # re-renders the form with the user's input
        return venue_detail(request, venue_id, form=form, error=exc.message, status=exc.status_code)
    if booking.status == BookingStatus.REQUESTED:
        messages.success(request, _("预约已提交,等待中心审核"))
    else:
        messages.success(request, _("预约成功"))
    return redirect("places:mine")


@resident_post
def book_series(request: HttpRequest, venue_id: int) -> HttpResponse:
    """A recurring booking for an organisation; a clash refuses it and lists the clashing dates."""
    from gongzhi.places.access import series_organisations
    from gongzhi.places.forms import SeriesForm

    venue = access_venue(venue_id)
    orgs = series_organisations(request.user, venue)
    if not orgs:
        raise Http404
    form = SeriesForm(request.POST, organisations=orgs)
    if not form.is_valid():
        return venue_detail(
            request, venue_id, series_form=form, series_error=_("请检查填写的内容"), status=400
        )
    try:
        made = actions.booking_series_request(
            venue=venue,
            person_id=person_id_of(request.user),
            organisation_id=form.cleaned_data["organisation"],
            first_start=form.first_start(),
            minutes=form.cleaned_data["minutes"],
            every_days=form.cleaned_data["every_days"],
            count=form.cleaned_data["count"],
            purpose=form.cleaned_data["purpose"],
        )
    except PlacesError as exc:  # re-renders the form with the user's input and the clashing dates
        return venue_detail(
            request,
            venue_id,
            series_form=form,
            series_error=exc.message,
            series_details=exc.details,
            status=exc.status_code,
        )
    messages.success(request, _("周期预约成功,共%(n)d次") % {"n": made.count})
    return redirect("places:mine")


@resident_post
def booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = access_booking(request.user, booking_id)
    actions.booking_cancel(booking=booking, actor_person_id=request.user.person_id)
    messages.success(request, _("预约已取消"))
    return redirect("places:mine")


@resident_post
def booking_decide(request: HttpRequest, booking_id: int) -> HttpResponse:
    """Staff: confirm or deny a requested booking, or mark a confirmed one as a no-show."""
    booking = access_booking(request.user, booking_id, manage=True)
    to = request.POST.get("to", "")
    if to not in {BookingStatus.CONFIRMED, BookingStatus.DENIED, BookingStatus.NO_SHOW}:
        return HttpResponse(_("无效的操作"), status=400)
    actions.booking_transition(
        booking=booking,
        to=to,
        actor_person_id=request.user.person_id,
        note=request.POST.get("note", "")[:300],
        actor=request.user,
    )
    return redirect("places:centre", booking.venue.centre_id)


@resident_post
def signup(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = access_activity(activity_id, actor=request.user)
    made = actions.signup_create(activity=activity, person_id=person_id_of(request.user))
    if made.status == "waitlisted":
        messages.info(request, _("名额已满,您已进入候补名单;有人取消时将自动为您递补"))
    else:
        messages.success(request, _("报名成功"))
    return redirect("places:activity", activity.pk)


@resident_post
def signup_cancel(request: HttpRequest, signup_id: int) -> HttpResponse:
    mine = access_own_signup(request.user, signup_id)
    actions.signup_cancel(signup=mine, actor_person_id=request.user.person_id)
    messages.success(request, _("已取消报名"))
    return redirect("places:activity", mine.activity_id)


@resident_post
def feedback(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = access_activity(activity_id, actor=request.user)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择1到5分"))
        return redirect("places:activity", activity.pk)
    actions.feedback_give(
        activity=activity,
        person_id=person_id_of(request.user),
        rating=form.cleaned_data["rating"],
        comment=form.cleaned_data["comment"],
    )
    messages.success(request, _("感谢您的评价"))
    return redirect("places:activity", activity.pk)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    person_id = person_id_of(request.user)
    now = timezone.now()
    signups, bookings = queries.my_signups_and_bookings(person_id)
    for row in [*signups, *bookings]:
        token = actions.ticket_for(row)
        row.qr = tickets.qr_svg(request.build_absolute_uri(tickets.checkin_path(token))) if token else ""
    feed = signing.dumps(person_id, salt=FEED_SALT)
    return render(
        request,
        "places/mine.html",
        {
            "signups": signups,
            "bookings": bookings,
            "now": now,
            "feed_url": request.build_absolute_uri(reverse("places:feed", args=[feed])),
        },
    )


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """ "My activities" as an ICS subscription: the URL itself is the (signed) credential, because
    calendar apps cannot sign in."""
    try:
        person_id = int(signing.loads(token, salt=FEED_SALT))
    except (signing.BadSignature, ValueError, TypeError):
        raise Http404 from None
    body = calendars.ics(
        queries.feed_activities(person_id), _("我的活动"), request.build_absolute_uri("/").rstrip("/")
    )
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@login_required
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    """Staff scan a resident's ticket (the QR opens this URL); GET shows whose ticket, POST redeems."""
    parsed = tickets.read_token(token)
    row = queries.ticket_row(parsed[0], parsed[1]) if parsed is not None else None
    centre = (
        (row.venue.centre if isinstance(row, Booking) else row.activity.centre) if row is not None else None
    )
    staff = centre is not None and may_manage(request.user, centre)
    if request.method == "POST":
        if not staff:
            return render(request, "places/checkin.html", {"error": _("签到码无效")}, status=404)
        try:
            result = actions.check_in(
                token=token,
                staff_person_id=request.user.person_id,
                may_check=lambda c: may_manage(request.user, c),
                actor=request.user,
            )
        except PlacesError as exc:  # re-renders the ticket page with whose ticket it is
            return render(
                request,
                "places/checkin.html",
                {"row": row, "error": exc.message, "staff": True},
                status=exc.status_code,
            )
        return render(
            request, "places/checkin.html", {"row": result.row, "done": True, "result": result, "staff": True}
        )
    if not staff:
        # a resident opening their own ticket sees a hint; anyone else the same as a forged code
        own = row is not None and row.person_id == request.user.person_id
        return render(
            request,
            "places/checkin.html",
            {"row": row if own else None, "own": own, "error": "" if own else _("签到码无效")},
            status=200 if own else 404,
        )
    return render(request, "places/checkin.html", {"row": row, "staff": True, "token": token})
