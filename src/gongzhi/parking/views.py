"""Shared-parking pages: residents (offers, apply, my applications and permits), parking staff
(offers, applications, the draw, revocation), a partner unit's page and the public draw result.
Thin: rules live in actions.py, reads in queries.py, access in access.py; a refusal goes to core's
page mapping unless the view re-renders a form with the user's input."""

import segno
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from gongzhi.core.scoping import get_scope
from gongzhi.parking import actions, queries
from gongzhi.parking.access import (
    access_draw_public,
    access_offer_public,
    access_offer_to_apply,
    access_offer_to_manage,
    access_own_application,
    access_permit,
    access_unit,
)
from gongzhi.parking.forms import ApplicationForm, OfferForm, RevokeForm
from gongzhi.parking.lottery import lottery_key, winners
from gongzhi.parking.models import ParkingOffer, ParkingPermit, seed_hash
from gongzhi.parking.plates import PlateError
from gongzhi.parking.workflow import ApplicationStatus, PermitStatus


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The resident's page; parking staff also get a link to their management list."""
    return render(
        request,
        "parking/index.html",
        {
            "offers": queries.offers_for_resident(request.user),
            "applications": queries.my_applications(request.user),
            "permits": queries.my_permits(request.user),
            "is_staff": get_scope(request.user).can("manage_parking"),
            "units": queries.my_units(request.user),
        },
    )


@login_required
def apply(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = access_offer_to_apply(request.user, offer_id)
    form = ApplicationForm(
        request.POST or None,
        initial={
            "weekdays": list(offer.weekdays),
            "starts_at": offer.starts_at,
            "ends_at": offer.ends_at,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.application_submit(
                    actor=request.user,
                    offer=offer,
                    plate=data["plate"],
                    weekdays="".join(data["weekdays"]),
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    has_own_space=data["has_own_space"],
                )
            except (PlateError, actions.ParkingError) as exc:  # re-renders the form with the user's input
                if exc.status_code == 404:
                    raise Http404 from exc
                form.add_error("plate" if isinstance(exc, PlateError) else None, exc.message)
                status = exc.status_code
            else:
                return redirect("parking:index")
        else:
            status = 400
    return render(request, "parking/apply.html", {"offer": offer, "form": form}, status=status)


@require_POST
@login_required
def withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_own_application(request.user, application_id)
    actions.application_withdraw(actor=request.user, application=application)
    return redirect("parking:index")


def _qr_svg(permit: ParkingPermit, request: HttpRequest) -> str:
    url = request.build_absolute_uri(reverse("parking:check", args=[permit.code]))
    return segno.make(url, error="m").svg_inline(scale=4, omitsize=True)


@login_required
def permit_detail(request: HttpRequest, permit_id: int) -> HttpResponse:
    permit = access_permit(request.user, permit_id)
    own = permit.holder_id == getattr(request.user, "person_id", None)
    return render(
        request,
        "parking/permit.html",
        {
            "permit": permit,
            "plate": permit.plate
            if own or get_scope(request.user).can("manage_parking")
            else permit.plate_masked,
            "qr": mark_safe(_qr_svg(permit, request)) if permit.status == PermitStatus.ACTIVE else "",  # noqa: S308 - segno output
        },
    )


def check(request: HttpRequest, code: str) -> HttpResponse:
    """What the unit's guard sees after scanning a permit: valid or not, masked plate, window."""
    permit = queries.permit_by_code(code)
    if permit is None:
        return render(request, "parking/check.html", {"permit": None}, status=404)
    now = timezone.localtime()
    return render(
        request,
        "parking/check.html",
        {
            "permit": permit,
            "valid": permit.valid_on(now.date()),
            "in_window": permit.in_window_at(now),
        },
    )


def draw_detail(request: HttpRequest, draw_id: int) -> HttpResponse:
    """The published draw: the commitment and the revealed seed, each number's hash and outcome in
    number order. No tier and no rank: ranks in order would show where one tier ends (decision 0042);
    each applicant sees their own tier and rank on their page, staff see the full list."""
    draw = access_draw_public(draw_id)
    won = set(winners(draw.seed, [(n, t) for n, t in draw.entries], draw.free_spaces))
    rows = [{"number": n, "key": lottery_key(draw.seed, n), "won": n in won} for n, _t in draw.entries]
    return render(
        request,
        "parking/draw.html",
        {"draw": draw, "rows": rows, "seed_matches": seed_hash(draw.seed) == draw.seed_hash},
    )


def offer_public(request: HttpRequest, offer_id: int) -> HttpResponse:
    """Public: the SHA-256 of the seed the next draw will use, published before the draw."""
    offer = access_offer_public(offer_id)
    return render(request, "parking/offer_public.html", {"offer": offer, "draws": offer.draws.all()})


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    if not get_scope(request.user).can("manage_parking"):
        raise Http404
    return render(request, "parking/manage.html", {"offers": queries.managed_offers(request.user)})


def _offer_form(request: HttpRequest, offer: ParkingOffer | None) -> HttpResponse:
    """New or edited offer: the form, re-rendered with the refusal beside the user's input."""
    initial = None
    if offer is not None:
        initial = {f: getattr(offer, f) for f in OfferForm.base_fields if f != "weekdays"}
        initial["weekdays"] = list(offer.weekdays)
    form = OfferForm(request.POST or None, units=queries.manageable_units(request.user), initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data | {"weekdays": "".join(form.cleaned_data["weekdays"])}
            try:
                offer = actions.offer_save(actor=request.user, offer=offer, **data)
            except actions.ParkingError as exc:  # re-renders the form with the user's input
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                return redirect("parking:offer", offer.pk)
        else:
            status = 400
    return render(request, "parking/offer_form.html", {"form": form, "offer": offer}, status=status)


@login_required
def offer_new(request: HttpRequest) -> HttpResponse:
    if not get_scope(request.user).can("manage_parking"):
        raise Http404
    return _offer_form(request, None)


@login_required
def offer_edit(request: HttpRequest, offer_id: int) -> HttpResponse:
    return _offer_form(request, access_offer_to_manage(request.user, offer_id))


@login_required
def offer_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = access_offer_to_manage(request.user, offer_id)
    if request.method == "POST":  # the draw uses the committed seed: there is nothing to type
        draw = actions.draw_run(actor=request.user, offer=offer)
        return redirect("parking:draw", draw.pk)
    return render(
        request,
        "parking/offer.html",
        {
            "offer": offer,
            "applications": offer.applications.select_related("applicant", "draw").order_by(
                "status", "number"
            ),
            "permits": offer.permits.select_related("holder").order_by("status", "space_no"),
            "draws": offer.draws.all(),
            "revoke_form": RevokeForm(),
            "pending": offer.applications.filter(status=ApplicationStatus.PENDING).count(),
        },
    )


@require_POST
@login_required
def revoke(request: HttpRequest, permit_id: int) -> HttpResponse:
    permit = access_permit(request.user, permit_id)
    if not get_scope(request.user).can("manage_parking", permit.offer.organisation.territory.path):
        raise Http404  # holders see their permit but cannot revoke it
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return HttpResponse(str(form.errors["reason"][0]), status=400)
    actions.permit_revoke(actor=request.user, permit=permit, reason=form.cleaned_data["reason"])
    return redirect("parking:offer", permit.offer_id)


@login_required
def unit(request: HttpRequest, org_id: int) -> HttpResponse:
    org, is_staff = access_unit(request.user, org_id)
    return render(
        request,
        "parking/unit.html",
        {
            "org": org,
            "is_staff": is_staff,
            "offers": queries.unit_offers(org.pk),
            "parked": queries.parked_now(org.pk),
        },
    )
