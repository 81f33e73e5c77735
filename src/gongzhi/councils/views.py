"""Council pages: the list with "decided but not done" counters, a council (seats, meetings), a
meeting (agenda, attendance, minutes, decisions — a public summary for anyone), a decision's
follow-through, overdue decisions per community, and the public decisions page.

The forms posted from a council, meeting or decision page are one table (`_Page.form_view`): reach
the object for writing, parse the form, call one action, back to the page."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
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
    context = {
        "council": council,
        "manage": manage,
        "seats": council.active_seats().select_related("person", "organisation"),
        "meetings": council.meetings.all()[:100],
        "counters": queries.council_counters(council),
        "seat_form": forms.get("seat_form") or SeatForm(on=council),
        "meeting_form": forms.get("meeting_form") or MeetingForm(),
        "overdue": queries.overdue_decisions(queries.council_decisions(council)),
    }
    return render(request, "councils/council.html", context, status=status)


@login_required
def council(request: HttpRequest, council_id: int) -> HttpResponse:
    return _council_page(request, access_council(request.user, council_id))


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
    attendance = {a.seat_id: a.present for a in meeting.attendance.all()}
    seats = list(council.active_seats().select_related("person", "organisation"))
    context = {
        "meeting": meeting,
        "council": council,
        "manage": manage,
        "agenda": list(meeting.agenda.all()),
        "seats": [(s, attendance.get(s.pk)) for s in seats],
        "present": sum(1 for p in attendance.values() if p),
        "members": len(attendance),
        "decisions": meeting.decisions.select_related("owner_org"),
        # distinct ids: three forms on one page each have a text field
        "agenda_form": forms.get("agenda_form") or AgendaForm(),
        "minutes_form": forms.get("minutes_form") or MinutesForm(initial={"minutes": meeting.minutes}),
        "decision_form": forms.get("decision_form") or DecisionForm(on=meeting),
    }
    return render(request, "councils/meeting.html", context, status=status)


def meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Public: anyone may read the summary; staff and members see attendance and minutes."""
    found = queries.public_meeting(meeting_id)
    if found is None:
        raise Http404
    return _meeting_page(request, found)


def _decision_page(request: HttpRequest, decision: Decision, status: int = 200, **forms: Any) -> HttpResponse:
    context = {
        "decision": decision,
        "meeting": decision.meeting,
        "manage": can_manage(request.user, decision.meeting.council),
        "events": decision.events.all(),
        "evidence": decision.evidence.all(),
        "transition_form": forms.get("transition_form") or TransitionForm(),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
        "overdue": decision.is_overdue(),
    }
    return render(request, "councils/decision.html", context, status=status)


@login_required
def decision(request: HttpRequest, decision_id: int) -> HttpResponse:
    return _decision_page(request, access_decision(request.user, decision_id))


@dataclass(frozen=True)
class _Page:
    """The page of one council, meeting or decision, and the forms posted from it."""

    access: Callable[..., Any]  # reaches the object, for writing when a form is posted
    render: Callable[..., HttpResponse]  # (request, object, status, **forms)
    keyword: str  # how the actions and the URL (<keyword>_id) name the object
    url_name: str

    def form_view(
        self,
        form_name: str,
        form_class: Callable[..., Any],
        action: Callable[..., Any],
        *,
        to_made: bool = False,
    ) -> Callable[..., HttpResponse]:
        """A view for a form posted from this page: `action(actor=…, <keyword>=object, **cleaned_data)`,
        then back to the page (`to_made`: to the page of what the action made). When the form does not
        parse (400) or the action refuses, this page again with the user's input."""

        @require_POST
        @login_required
        def view(request: HttpRequest, **url: int) -> HttpResponse:
            target = self.access(request.user, url[f"{self.keyword}_id"], write=True)
            form = form_class(request.POST, request.FILES, on=target)
            if not form.is_valid():
                return self.render(request, target, status=400, **{form_name: form})
            try:
                made = action(actor=request.user, **{self.keyword: target}, **form.cleaned_data)
            except CouncilError as exc:  # re-rendered with the user's input beside the message
                messages.error(request, exc.message)
                return self.render(request, target, status=exc.status, **{form_name: form})
            return redirect(made) if to_made else redirect(self.url_name, target.pk)

        return view


COUNCIL = _Page(access_council, _council_page, "council", "councils:council")
MEETING = _Page(access_meeting, _meeting_page, "meeting", "councils:meeting")
DECISION = _Page(access_decision, _decision_page, "decision", "councils:decision")

seat_add = COUNCIL.form_view("seat_form", SeatForm, actions.seat_add_by_phone)
meeting_add = COUNCIL.form_view("meeting_form", MeetingForm, actions.meeting_schedule, to_made=True)
agenda_add = MEETING.form_view("agenda_form", AgendaForm, actions.agenda_add)
minutes = MEETING.form_view("minutes_form", MinutesForm, actions.minutes_save)
decision_add = MEETING.form_view("decision_form", DecisionForm, actions.decision_record)
decision_transition = DECISION.form_view("transition_form", TransitionForm, actions.decision_transition)
evidence_add = DECISION.form_view("evidence_form", EvidenceForm, actions.evidence_add)


@require_POST
@login_required
def attendance(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id, write=True)
    present = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
    actions.attendance_record(actor=request.user, meeting=meeting, present_seat_ids=present)
    return redirect("councils:meeting", meeting.pk)


@login_required
def evidence_file(request: HttpRequest, decision_id: int, evidence_id: int) -> FileResponse:
    item = get_object_or_404(access_decision(request.user, decision_id).evidence, pk=evidence_id)
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
    rows = queries.overdue_visible_to(request.user, community)
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
