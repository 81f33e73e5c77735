"""Staff pages of owners' assemblies: list and call, the assembly (matters, elections, proxies, open,
close, results by both measures), the compound's register and the property-company ratings."""

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import ModelChoiceField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.assemblies import actions, queries
from gongzhi.assemblies import register_import as importer
from gongzhi.assemblies.access import access_assembly, can_manage_compound
from gongzhi.assemblies.errors import AssemblyError
from gongzhi.assemblies.forms import AssemblyForm, ElectionForm, MatterForm, PartForm, ProxyForm
from gongzhi.assemblies.models import Assembly, AssemblyStatus
from gongzhi.assemblies.views_forms import post_form
from gongzhi.core.scoping import get_scope


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Staff: assemblies in their compounds and a form to call one; residents: where they may vote."""
    scope = get_scope(request.user)
    person = getattr(request.user, "person", None)
    mine = queries.open_assemblies_for(person.pk) if person else []
    if not (scope.is_global or scope.paths_for("manage_assemblies")):
        return render(request, "assemblies/owner_index.html", {"assemblies": mine})
    compounds = list(queries.compounds_managed(request.user).order_by("path")[:500])
    form = AssemblyForm(request.POST or None)
    form.fields["compound"].choices = [(c.pk, c.name) for c in compounds]

    def call(data: dict[str, Any]) -> Assembly:
        compound = next(c for c in compounds if c.pk == data["compound"])
        return actions.assembly_create(
            actor=request.user, compound=compound, title=data["title"], closes_at=data["closes_at"]
        )

    done, status = post_form(
        request, form, call, done=lambda made: reverse("assemblies:detail", args=[made.pk])
    )
    if done:
        return done
    assemblies = queries.assemblies_managed(request.user)[:200]
    return render(
        request,
        "assemblies/index.html",
        {"assemblies": assemblies, "form": form, "mine": mine, "compounds": compounds},
        status=status,
    )


def _detail(request: HttpRequest, assembly: Assembly, status: int = 200, **forms: Any) -> HttpResponse:
    proxy_form = forms.get("proxy_form") or ProxyForm()
    # offered: the frozen voters who have not given a proxy yet (none before voting opens)
    principal = cast(ModelChoiceField, proxy_form.fields["principal"])  # type: ignore[type-arg]
    principal.queryset = assembly.voters.filter(proxy__isnull=True)
    context = {
        "assembly": assembly,
        "matters": queries.matter_results(assembly) if assembly.status != "draft" else [],
        "draft_matters": assembly.matters.all(),
        "elections": [
            (e, *queries.election_results(e)) for e in assembly.elections.prefetch_related("candidates")
        ],
        "participation": queries.participation(assembly) if assembly.status != "draft" else None,
        # distinct ids: several forms on one page share field names
        "matter_form": forms.get("matter_form") or MatterForm(),
        "election_form": forms.get("election_form") or ElectionForm(),
        "proxy_form": proxy_form,
        "proxies": assembly.proxies.select_related("principal"),
        "totals": queries.register_totals(assembly.compound) if assembly.status == "draft" else None,
    }
    return render(request, "assemblies/detail.html", context, status=status)


@login_required
def detail(request: HttpRequest, assembly_id: int) -> HttpResponse:
    return _detail(request, access_assembly(request.user, assembly_id))


@require_POST
@login_required
def transition(request: HttpRequest, assembly_id: int) -> HttpResponse:
    """Open voting (freeze the snapshot), re-freeze before any ballot, or close."""
    assembly = access_assembly(request.user, assembly_id)
    step = request.POST.get("step")
    if step == "open":
        actions.assembly_open(actor=request.user, assembly=assembly)
    elif step == "resnapshot":
        reason = request.POST.get("reason", "")[:200]
        actions.assembly_resnapshot(actor=request.user, assembly=assembly, reason=reason)
    elif step == "close":
        actions.assembly_close(actor=request.user, assembly=assembly)
    else:
        raise AssemblyError(_("未知操作"), status=400)
    return redirect("assemblies:detail", assembly.pk)


def _detail_form_view(
    form_class: type[Any], form_name: str, action: Callable[..., Any], success: Any = ""
) -> Callable[..., HttpResponse]:
    """A view for a form posted from the assembly page: `action(actor=…, assembly=…, **cleaned_data)`,
    then back to the page, or the page again with the user's input (post_form)."""

    @require_POST
    @login_required
    def view(request: HttpRequest, assembly_id: int) -> HttpResponse:
        assembly = access_assembly(request.user, assembly_id)
        form = form_class(request.POST, request.FILES, on=assembly)

        def act(data: dict[str, Any]) -> Any:
            return action(actor=request.user, assembly=assembly, **data)

        back = reverse("assemblies:detail", args=[assembly.pk])
        done, status = post_form(request, form, act, done=back, success=success)
        return done or _detail(request, assembly, status=status, **{form_name: form})

    return view


add_matter = _detail_form_view(MatterForm, "matter_form", actions.matter_add)
add_election = _detail_form_view(ElectionForm, "election_form", actions.election_add)
add_proxy = _detail_form_view(
    ProxyForm, "proxy_form", actions.proxy_record_by_phone, gettext_lazy("书面委托已登记")
)


@require_POST
@login_required
def register_import(request: HttpRequest, compound_id: int) -> HttpResponse:
    """Upload the compound's register as CSV: all rows or none (register_import.py)."""
    compound = queries.compounds_managed(request.user).filter(pk=compound_id).first()
    if compound is None:
        raise Http404
    upload = request.FILES.get("file")
    if upload is None or upload.size > 2 * 1024 * 1024:
        messages.error(request, _("请选择2MB以内的CSV文件"))
        return redirect("assemblies:register", compound.pk)
    rows, errors = importer.parse(compound, upload.read(), actor=request.user)
    if errors:
        return _register_page(request, compound, PartForm(), status=422, import_errors=errors)
    count = actions.register_apply(actor=request.user, rows=rows, on=timezone.localdate())
    messages.success(request, _("已导入%(n)d套房屋的产权登记") % {"n": count})
    return redirect("assemblies:register", compound.pk)


def _register_page(
    request: HttpRequest, compound: Any, form: Any, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {
        "compound": compound,
        "rows": queries.register_rows(compound),
        "totals": queries.register_totals(compound),
        "form": form,
        "may_edit": can_manage_compound(request.user, compound),
        "open_assemblies": queries.assemblies_managed(request.user).filter(
            compound=compound, status=AssemblyStatus.VOTING
        ),
        **extra,
    }
    return render(request, "assemblies/register.html", context, status=status)


@login_required
def register(request: HttpRequest, compound_id: int) -> HttpResponse:
    """The compound's owners' register: parts, areas and how many current owners (no names)."""
    compound = queries.compounds_managed(request.user).filter(pk=compound_id).first()
    if compound is None:
        raise Http404
    households = queries.households_of(compound)
    form = PartForm(request.POST or None)
    form.fields["household"].choices = [
        (h.pk, f"{h.parent.name if h.parent else ''}{h.name}") for h in households
    ]

    def call(data: dict[str, Any]) -> None:
        actions.part_register_by_phones(
            actor=request.user,
            household=next(h for h in households if h.pk == data["household"]),
            area=data["area"],
            phones=data["owner_phones"],
            on=timezone.localdate(),
        )

    done = reverse("assemblies:register", args=[compound.pk])
    saved, status = post_form(request, form, call, done=done, success=_("产权登记已保存"))
    if saved:
        return saved
    return _register_page(request, compound, form, status=status)
