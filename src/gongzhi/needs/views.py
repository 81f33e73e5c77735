"""Project library pages: staff see needs and resources of their communities, add them, promote an
appeal, see matching suggestions with their score and record pairings; residents submit needs."""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.appeals.access import access_appeal
from gongzhi.core.scoping import get_scope
from gongzhi.needs import actions, matching, queries
from gongzhi.needs.access import access_need, access_pairing, access_resource
from gongzhi.needs.actions import LibraryError
from gongzhi.needs.forms import NeedForm, PairingStepForm, PromoteForm, ResourceForm, StaffNeedForm
from gongzhi.needs.models import Need
from gongzhi.service.access import access_wish


def _staff(request: HttpRequest) -> bool:
    scope = get_scope(request.user)
    return scope.is_global or bool(scope.paths_for("manage_projects"))


def _need_form(communities: list[Any], data: Any = None) -> StaffNeedForm:
    form = StaffNeedForm(data, prefix="need")
    cast(forms.ChoiceField, form.fields["community"]).choices = [(c.pk, c.name) for c in communities]
    return form


def _resource_form(orgs: list[Any], data: Any = None) -> ResourceForm:
    form = ResourceForm(data, prefix="res")
    cast(forms.ChoiceField, form.fields["organisation"]).choices = [
        (o.pk, f"{o.name}({o.get_kind_display()})") for o in orgs
    ]
    return form


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not _staff(request):
        return resident(request)
    communities, orgs = queries.managed_communities(request.user), queries.offering_orgs(request.user)
    need_form, resource_form = _need_form(communities), _resource_form(orgs)
    status = 200
    if request.method == "POST":
        try:
            if "need-title" in request.POST:
                need_form = _need_form(communities, request.POST)
                if need_form.is_valid():
                    data = need_form.cleaned_data
                    community_id = data.pop("community")
                    community = next(c for c in communities if c.pk == community_id)
                    need = actions.need_create(actor=request.user, community=community, **_clean(data))
                    return redirect("needs:need", need.pk)
            else:
                resource_form = _resource_form(orgs, request.POST)
                if resource_form.is_valid():
                    data = resource_form.cleaned_data
                    org_id = data.pop("organisation")
                    org = next(o for o in orgs if o.pk == org_id)
                    actions.resource_add(actor=request.user, organisation=org, **_clean(data))
                    messages.success(request, _("资源已登记"))
                    return redirect("needs:index")
            status = 400
        except LibraryError as exc:  # the forms again, with what the staff member typed
            messages.error(request, exc.message)
            status = exc.status_code
    status_filter = request.GET.get("status", "")
    context = {
        **queries.library(request.user, status_filter),
        "need_form": need_form,
        "resource_form": resource_form,
        "promote_form": PromoteForm(),
        "status_filter": status_filter,
    }
    return render(request, "needs/index.html", context, status=status)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    data["measure"] = data.get("measure") or ""
    return data


@login_required
def resident(request: HttpRequest) -> HttpResponse:
    """A resident tells the community what is needed (a phone page)."""
    person = getattr(request.user, "person", None)
    household = getattr(person, "household", None)
    form = NeedForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if household is None:
            messages.error(request, _("请先在社区登记住址后再提出需求"))
            status = 422
        elif form.is_valid():
            try:
                actions.need_create(
                    actor=request.user, community=household, submitted_by=person, **_clean(form.cleaned_data)
                )
            except LibraryError as exc:  # the form again, with what the resident typed
                messages.error(request, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("需求已提交,社区将对接资源"))
                return redirect("needs:index")
        else:
            status = 400
    mine = queries.own_needs(request.user)
    return render(request, "needs/resident.html", {"form": form, "mine": mine}, status=status)


@require_POST
@login_required
def promote(request: HttpRequest) -> HttpResponse:
    """Promote an appeal or a small wish into a need (the same source twice gives the same need)."""
    form = PromoteForm(request.POST)
    if not form.is_valid() or not _staff(request):
        messages.error(request, _("请选择来源并填写编号和类别"))
        return redirect("needs:index")
    data = form.cleaned_data
    scope = get_scope(request.user)
    if data["source"] == "appeal":
        appeal = access_appeal(request.user, data["number"])
        # the appeal's community must be one where the actor runs the library: else the same 404
        if appeal.community is None or not scope.can("manage_projects", appeal.community.path):
            raise Http404
        need = actions.need_from_appeal(
            actor=request.user, appeal=appeal, category=data["category"] or "other"
        )
    else:
        wish = access_wish(request.user, data["number"])
        if not scope.can("manage_projects", wish.path):
            raise Http404
        need = actions.need_from_wish(actor=request.user, wish=wish, category=data["category"])
    return redirect("needs:need", need.pk)


def _need_page(request: HttpRequest, need: Need) -> HttpResponse:
    candidates = queries.candidate_resources(request.user, need)
    context = {
        "need": need,
        "suggestions": matching.suggest(need, candidates),
        "pairings": need.pairings.select_related("resource__organisation"),
        "step_form": PairingStepForm(),
    }
    return render(request, "needs/need.html", context)


@login_required
def need(request: HttpRequest, need_id: int) -> HttpResponse:
    return _need_page(request, access_need(request.user, need_id))


@require_POST
@login_required
def pair(request: HttpRequest, need_id: int) -> HttpResponse:
    found = access_need(request.user, need_id)
    resource_id = request.POST.get("resource", "")
    if not resource_id.isdigit():
        raise LibraryError(_("请选择资源"))
    resource = access_resource(request.user, int(resource_id))
    actions.pairing_create(actor=request.user, need=found, resource=resource)
    return redirect("needs:need", found.pk)


@require_POST
@login_required
def pairing_step(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = access_pairing(request.user, pairing_id)
    form = PairingStepForm(request.POST)
    if not form.is_valid():
        raise LibraryError(_("请选择状态"))
    actions.pairing_transition(
        actor=request.user, pairing=pairing, to=form.cleaned_data["to"], outcome=form.cleaned_data["outcome"]
    )
    return redirect("needs:need", pairing.need_id)
