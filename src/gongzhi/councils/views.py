"""Council pages: the list with "decided but not done" counters, a council (seats, meetings), a
meeting (agenda, attendance, minutes, decisions — a public summary for anyone), a decision's
follow-through, overdue decisions per community, and the public decisions page."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gongzhi.core.scoping import get_scope
from gongzhi.councils import actions, queries
from gongzhi.councils.access import (
    access_council,
    access_decision,
    access_meeting,
    can_manage,
    may_see_meeting_detail,
    visible_councils,
)
from gongzhi.councils.forms import (
    AgendaForm,
    CouncilForm,
    DecisionForm,
    EvidenceForm,
    MeetingForm,
    MinutesForm,
    SeatForm,
    TransitionForm,
)
from gongzhi.councils.models import Decision, DecisionStatus, Meeting
from gongzhi.councils.workflow import CouncilError


@login_required
def index(request: HttpRequest) -> HttpResponse:
    territories = list(queries.territories_for_councils(request.user).order_by("path")[:500])
    form = CouncilForm(request.POST or None)
    form.fields["territory"].choices = [(t.pk, t.name) for t in territories]
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            territory = next(t for t in territories if t.pk == data["territory"])
            council = actions.council_create(
                actor=request.user,
                name=data["name"],
                kind=data["kind"],
                territory=territory,
                quorum=data["quorum"],
                description=data["description"],
            )
            return redirect("councils:council", council.pk)
        status = 400
    councils = queries.with_counters(visible_councils(request.user).select_related("community", "territory"))
    communities = [t for t in territories if t.level == "community"]
    return render(
        request,
        "councils/index.html",
        {
            "councils": councils,
            "form": form,
            "may_create": bool(territories),
            "communities": communities,
            "home_public": _home_public(request),
        },
        status=status,
    )


def _home_public(request: HttpRequest) -> Any:
    """The resident's own community, when its councils have a public page."""
    household = getattr(getattr(request.user, "person", None), "household", None)
    return queries.home_community_with_council(household)


def _council_page(request: HttpRequest, council: Any, status: int = 200, **forms: Any) -> HttpResponse:
    manage = can_manage(request.user, council)
    orgs = list(queries.organisations_near(council)) if manage else []
    seat_form = forms.get("seat_form") or SeatForm(auto_id="seat_%s")
    seat_form.fields["organisation"].choices = _options(orgs)
    counters = queries.with_counters(type(council).objects.filter(pk=council.pk)).get()
    context = {
        "council": council,
        "manage": manage,
        "seats": council.active_seats().select_related("person", "organisation"),
        "meetings": council.meetings.all()[:100],
        "counters": counters,
        "seat_form": seat_form,
        "meeting_form": forms.get("meeting_form") or MeetingForm(auto_id="meeting_%s"),
        "overdue": queries.overdue_decisions(queries.council_decisions(council)),
    }
    return render(request, "councils/council.html", context, status=status)


@login_required
def council(request: HttpRequest, council_id: int) -> HttpResponse:
    return _council_page(request, access_council(request.user, council_id))


def _form_post(
    request: HttpRequest, form: Any, page: Any, target: Any, form_name: str, act: Any, done: Any
) -> HttpResponse:
    """A form posted from a page: `act(cleaned_data)`, then redirect to `done`; when the form does not
    parse (400) or the action refuses, the page again with the user's input and the reason."""
    if not form.is_valid():
        return page(request, target, status=400, **{form_name: form})
    try:
        act(form.cleaned_data)
    except CouncilError as exc:  # re-rendered with the user's input beside the message
        messages.error(request, exc.message)
        return page(request, target, status=exc.status, **{form_name: form})
    return redirect(*done)


def _options(items: Any, label: str = "name") -> list[tuple[Any, str]]:
    """Choices of an optional select: a blank, then each item's primary key and `label`."""
    return [("", "—")] + [(o.pk, getattr(o, label)) for o in items]


@require_POST
@login_required
def seat_add(request: HttpRequest, council_id: int) -> HttpResponse:
    council = access_council(request.user, council_id, write=True)
    orgs = {o.pk: o for o in queries.organisations_near(council)}
    form = SeatForm(request.POST, auto_id="seat_%s")
    form.fields["organisation"].choices = _options(orgs.values())

    def add(data: dict[str, Any]) -> None:
        actions.seat_add_by_phone(
            actor=request.user,
            council=council,
            kind=data["kind"],
            phone=data["phone"],
            organisation=orgs.get(data["organisation"]) if data["organisation"] else None,
        )

    return _form_post(
        request, form, _council_page, council, "seat_form", add, ("councils:council", council.pk)
    )


@require_POST
@login_required
def meeting_add(request: HttpRequest, council_id: int) -> HttpResponse:
    council = access_council(request.user, council_id, write=True)
    form = MeetingForm(request.POST, auto_id="meeting_%s")
    if not form.is_valid():
        return _council_page(request, council, status=400, meeting_form=form)
    meeting = actions.meeting_schedule(actor=request.user, council=council, **form.cleaned_data)
    return redirect("councils:meeting", meeting.pk)


def _meeting_page(request: HttpRequest, meeting: Meeting, status: int = 200, **forms: Any) -> HttpResponse:
    council = meeting.council
    if not may_see_meeting_detail(request.user, meeting):
        # the public summary: agenda, decisions and seats by kind/organisation, no persons
        context = {
            "meeting": meeting,
            "decisions": meeting.decisions.select_related("owner_org"),
            "agenda": meeting.agenda.all(),
        }
        return render(request, "councils/meeting_public.html", context, status=status)
    manage = can_manage(request.user, council)
    orgs = list(queries.organisations_near(council)) if manage else []
    agenda = list(meeting.agenda.all())
    decision_form = forms.get("decision_form") or DecisionForm()
    decision_form.fields["agenda_item"].choices = _options(agenda, "title")
    decision_form.fields["owner_org"].choices = _options(orgs)
    attendance = {a.seat_id: a.present for a in meeting.attendance.all()}
    seats = list(council.active_seats().select_related("person", "organisation"))
    context = {
        "meeting": meeting,
        "council": council,
        "manage": manage,
        "agenda": agenda,
        "seats": [(s, attendance.get(s.pk)) for s in seats],
        "present": sum(1 for p in attendance.values() if p),
        "members": len(attendance),
        "decisions": meeting.decisions.select_related("owner_org"),
        # distinct ids: three forms on one page each have a text field
        "agenda_form": forms.get("agenda_form") or AgendaForm(auto_id="agenda_%s"),
        "minutes_form": forms.get("minutes_form")
        or MinutesForm(auto_id="minutes_%s", initial={"minutes": meeting.minutes}),
        "decision_form": decision_form,
    }
    return render(request, "councils/meeting.html", context, status=status)


def meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Public: anyone may read the summary; staff and members see attendance and minutes."""
    found = queries.public_meeting(meeting_id)
    if found is None:
        raise Http404
    return _meeting_page(request, found)


@require_POST
@login_required
def agenda_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id, write=True)
    form = AgendaForm(request.POST, auto_id="agenda_%s")

    def add(data: dict[str, Any]) -> None:
        actions.agenda_add(actor=request.user, meeting=meeting, **data)

    return _form_post(
        request, form, _meeting_page, meeting, "agenda_form", add, ("councils:meeting", meeting.pk)
    )


@require_POST
@login_required
def attendance(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id, write=True)
    present = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
    actions.attendance_record(actor=request.user, meeting=meeting, present_seat_ids=present)
    return redirect("councils:meeting", meeting.pk)


@require_POST
@login_required
def minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id, write=True)
    form = MinutesForm(request.POST, auto_id="minutes_%s")

    def save(data: dict[str, Any]) -> None:
        actions.minutes_save(actor=request.user, meeting=meeting, minutes=data["minutes"])

    return _form_post(
        request, form, _meeting_page, meeting, "minutes_form", save, ("councils:meeting", meeting.pk)
    )


@require_POST
@login_required
def decision_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id, write=True)
    orgs = {o.pk: o for o in queries.organisations_near(meeting.council)}
    agenda = {a.pk: a for a in meeting.agenda.all()}
    form = DecisionForm(request.POST)
    form.fields["agenda_item"].choices = _options(agenda.values(), "title")
    form.fields["owner_org"].choices = _options(orgs.values())

    def record(data: dict[str, Any]) -> None:
        actions.decision_record(
            actor=request.user,
            meeting=meeting,
            text=data["text"],
            rule=data["rule"],
            yes=data["yes"],
            no=data["no"],
            abstain=data["abstain"],
            agenda_item=agenda.get(data["agenda_item"]) if data["agenda_item"] else None,
            owner_org=orgs.get(data["owner_org"]) if data["owner_org"] else None,
            owner_name=data["owner_name"],
            deadline=data["deadline"],
        )

    return _form_post(
        request, form, _meeting_page, meeting, "decision_form", record, ("councils:meeting", meeting.pk)
    )


def _decision_page(request: HttpRequest, decision: Decision, status: int = 200, **forms: Any) -> HttpResponse:
    context = {
        "decision": decision,
        "meeting": decision.meeting,
        "manage": can_manage(request.user, decision.meeting.council),
        "events": decision.events.all(),
        "evidence": decision.evidence.all(),
        "transition_form": forms.get("transition_form") or TransitionForm(auto_id="step_%s"),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(auto_id="evidence_%s"),
        "overdue": decision.is_overdue(),
    }
    return render(request, "councils/decision.html", context, status=status)


@login_required
def decision(request: HttpRequest, decision_id: int) -> HttpResponse:
    return _decision_page(request, access_decision(request.user, decision_id))


@require_POST
@login_required
def decision_transition(request: HttpRequest, decision_id: int) -> HttpResponse:
    found = access_decision(request.user, decision_id, write=True)
    form = TransitionForm(request.POST, auto_id="step_%s")

    def step(data: dict[str, Any]) -> None:
        actions.decision_transition(actor=request.user, decision=found, to=data["to"], note=data["note"])

    return _form_post(
        request, form, _decision_page, found, "transition_form", step, ("councils:decision", found.pk)
    )


@require_POST
@login_required
def evidence_add(request: HttpRequest, decision_id: int) -> HttpResponse:
    found = access_decision(request.user, decision_id, write=True)
    form = EvidenceForm(request.POST, request.FILES, auto_id="evidence_%s")

    def add(data: dict[str, Any]) -> None:
        actions.evidence_add(actor=request.user, decision=found, upload=data["file"], note=data["note"])

    return _form_post(
        request, form, _decision_page, found, "evidence_form", add, ("councils:decision", found.pk)
    )


@login_required
def evidence_file(request: HttpRequest, decision_id: int, evidence_id: int) -> FileResponse:
    found = access_decision(request.user, decision_id)
    item = found.evidence.filter(pk=evidence_id).first()
    if item is None:
        raise Http404
    return FileResponse(item.file.open("rb"), content_type=item.content_type)


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """Decided but not done: open decisions past their deadline, per community the actor manages."""
    communities = list(
        queries.territories_for_councils(request.user).filter(level="community").order_by("path")
    )
    if not communities and not get_scope(request.user).is_global:
        raise Http404
    chosen = request.GET.get("community")
    community = next((c for c in communities if str(c.pk) == chosen), None)
    if chosen and community is None:
        raise Http404
    rows = queries.overdue_decisions(Decision.objects.visible_to(request.user), community)
    return render(
        request, "councils/overdue.html", {"rows": rows, "communities": communities, "community": community}
    )


def public(request: HttpRequest, community_id: int) -> HttpResponse:
    """公示: every decision of a community's councils and where it stands; seats and units only."""
    found = queries.public_council_of(community_id)
    if found is None:
        raise Http404
    community = found.community
    context = {
        "community": community,
        "decisions": queries.public_decisions(community),
        "meetings": queries.public_meetings(community),
        "counts": queries.public_counts(community),
        "DONE": DecisionStatus.DONE,
    }
    return render(request, "councils/public.html", context)
