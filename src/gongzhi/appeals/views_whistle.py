"""Whistle and report-in pages, the daily close-out ledger (日销账) and the holiday calendar.
Thin: reads in whistles.py / rates.py / queries.py, writes through the actions there and in
actions_calendar.py."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gongzhi.accounts.access import signed_in
from gongzhi.appeals import actions_calendar, actions_whistles, holidays, queries, rates, whistles
from gongzhi.appeals.access import access_appeal, may_manage_calendar
from gongzhi.appeals.models import Whistle
from gongzhi.appeals.views_common import act_and_tell, act_on_form
from gongzhi.orgs.models import Organisation
from gongzhi.territory.models import TerritoryNode

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BlowForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("哨类"), choices=Whistle.Kind.choices)
    territory: forms.ModelChoiceField[TerritoryNode] = forms.ModelChoiceField(
        label=gettext_lazy("吹哨区域"), queryset=None
    )
    reason = forms.CharField(
        label=gettext_lazy("事由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead_department: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=gettext_lazy("牵头部门"), queryset=None
    )
    co_departments: forms.ModelMultipleChoiceField[Organisation] = forms.ModelMultipleChoiceField(
        label=gettext_lazy("协办单位"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    report_in_minutes = forms.IntegerField(
        label=gettext_lazy("报到时限(分钟)"),
        min_value=whistles.MIN_REPORT_IN_MINUTES,
        max_value=whistles.MAX_REPORT_IN_MINUTES,
        initial=30,
    )

    def __init__(self, *args, actor, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        departments = whistles.handling_departments(actor)
        for name, queryset in (
            ("territory", whistles.blowable_territories(actor)),
            ("lead_department", departments),
            ("co_departments", departments),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset


class PartForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("承担工作"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"),
        choices=[("consult", gettext_lazy("会商")), ("feedback", gettext_lazy("反馈"))],
    )
    text = forms.CharField(
        label=gettext_lazy("内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label=gettext_lazy("安排"),
        choices=[("0", gettext_lazy("放假")), ("1", gettext_lazy("调休上班"))],
        coerce=lambda v: v == "1",
    )
    name = forms.CharField(label=gettext_lazy("说明"), max_length=40, required=False)


# --- whistles -----------------------------------------------------------------------------------


@login_required
@require_GET
def whistle_list(request: HttpRequest) -> HttpResponse:
    context = {
        "whistles": whistles.whistle_list(request.user)[:200],
        "duties": whistles.my_report_ins(request.user),
        "may_blow": whistles.blowable_territories(request.user).exists(),
        "now": timezone.now(),
    }
    return render(request, "appeals/whistle_list.html", context)


@login_required
def whistle_blow(request: HttpRequest) -> HttpResponse:
    appeal = access_appeal(request.user, request.GET["appeal"]) if request.GET.get("appeal") else None
    if not whistles.blowable_territories(request.user).exists():
        raise PermissionDenied
    initial = {
        "reason": appeal.title if appeal else "",
        "territory": appeal.community_id or appeal.street_id if appeal else None,
    }
    form = BlowForm(request.POST or None, actor=request.user, initial=initial)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        whistle, status = act_on_form(
            form,
            lambda: actions_whistles.whistle_blow(
                actor=signed_in(request), appeals=[appeal] if appeal else [], **data
            ),
        )
        if whistle is not None:
            messages.success(request, _("已吹哨,被点名部门须在时限内报到"))
            return redirect("appeals:whistle", whistle_id=whistle.pk)
    return render(request, "appeals/whistle_form.html", {"form": form, "appeal": appeal}, status=status)


@login_required
@require_GET
def whistle_detail(request: HttpRequest, whistle_id: int) -> HttpResponse:
    whistle = whistles.access_whistle(request.user, whistle_id)
    now = timezone.now()
    rows = [
        (r, whistles.report_in_status(r, now))
        for r in whistle.report_ins.select_related("department").order_by("-is_lead", "pk")
    ]
    context = {
        "whistle": whistle,
        "rows": rows,
        "mine": whistles.my_report_ins(request.user).filter(whistle=whistle),
        "appeals": whistle.appeals.visible_to(request.user),
        "may_close": whistle.state == Whistle.State.OPEN and whistles.may_blow(request.user, whistle.path),
        "part_form": PartForm(),
    }
    return render(request, "appeals/whistle_detail.html", context)


@login_required
@require_POST
def whistle_report_in(request: HttpRequest, report_in_id: int) -> HttpResponse:
    row = whistles.access_report_in(request.user, report_in_id)
    form = PartForm(request.POST)
    if request.POST.get("step") == "part":

        def record_part() -> object:
            if not form.is_valid():
                raise whistles.WhistleError(_("请填写承担的工作"))
            return actions_whistles.record_part(
                actor=signed_in(request), report_in_row=row, text=form.cleaned_data["text"]
            )

        act_and_tell(request, record_part, _("已记录承担的工作"))
    else:
        act_and_tell(
            request,
            lambda: actions_whistles.report_in(actor=signed_in(request), report_in_row=row),
            lambda done: _("已报到(迟到)") if whistles.report_in_status(done) == "late" else _("已报到"),
        )
    return redirect("appeals:whistle", whistle_id=row.whistle_id)


@login_required
@require_POST
def whistle_close(request: HttpRequest, whistle_id: int) -> HttpResponse:
    whistle = whistles.access_whistle(request.user, whistle_id)
    act_and_tell(
        request,
        lambda: actions_whistles.whistle_close(actor=signed_in(request), whistle=whistle),
        _("已销号"),
    )
    return redirect("appeals:whistle", whistle_id=whistle.pk)


# --- daily close-out ledger ---------------------------------------------------------------------


def _day(value: str | None) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return timezone.localdate()


@login_required
@require_GET
def closeout_index(request: HttpRequest) -> HttpResponse:
    streets = list(whistles.ledger_streets(request.user))
    if len(streets) == 1:
        return redirect("appeals:closeout", street_id=streets[0].pk, day=timezone.localdate().isoformat())
    return render(request, "appeals/closeout_index.html", {"streets": streets, "today": timezone.localdate()})


@login_required
def closeout(request: HttpRequest, street_id: int, day: str) -> HttpResponse:
    street = whistles.access_ledger_street(request.user, street_id)
    the_day = _day(day)
    form = NoteForm(request.POST or None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        _note, status = act_on_form(
            form,
            lambda: actions_whistles.consult_note_add(
                actor=signed_in(request), street=street, day=the_day, **data
            ),
        )
        if status == 200:
            return redirect("appeals:closeout", street_id=street.pk, day=the_day.isoformat())
    context = {
        "ledger": rates.daily_ledger(street, the_day),
        "form": form,
        "may_note": whistles.may_blow(request.user, street.path),
        "prev": (the_day - datetime.timedelta(days=1)).isoformat(),
        "next": (the_day + datetime.timedelta(days=1)).isoformat(),
    }
    return render(request, "appeals/closeout.html", context, status=status)


@login_required
@require_GET
def closeout_xlsx(request: HttpRequest, street_id: int, day: str) -> HttpResponse:
    street = whistles.access_ledger_street(request.user, street_id)
    the_day = _day(day)
    response = HttpResponse(rates.ledger_xlsx(rates.daily_ledger(street, the_day)), content_type=XLSX)
    filename = f"{street.name}日销账-{the_day.isoformat()}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --- holiday calendar ---------------------------------------------------------------------------


@login_required
def calendar(request: HttpRequest, year: int) -> HttpResponse:
    if not may_manage_calendar(request.user):
        raise PermissionDenied
    form = CalendarDayForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if request.POST.get("remove"):
            actions_calendar.calendar_remove_day(actor=request.user, day=_day(request.POST["remove"]))
            messages.success(request, _("已删除"))
            return redirect("appeals:calendar", year=year)
        if form.is_valid():
            actions_calendar.calendar_set_day(
                actor=request.user,
                day=form.cleaned_data["date"],
                is_workday=form.cleaned_data["is_workday"],
                name=form.cleaned_data["name"],
            )
            messages.success(request, _("已保存"))
            return redirect("appeals:calendar", year=year)
        status = 400
    context = {
        "year": year,
        "days": queries.calendar_year(year),
        "form": form,
        "official": year in holidays.HOLIDAYS,
        "provisional": year in holidays.PROVISIONAL_YEARS,
    }
    return render(request, "appeals/whistle_calendar.html", context, status=status)
