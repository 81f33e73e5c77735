"""The owner's phone pages: the ballot (for oneself and for principals who gave a written proxy) and
the yearly rating of the property company. Residents hold no capability: these pages check the
signed-in person against the frozen snapshot and their household."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.assemblies import actions, queries
from gongzhi.assemblies.access import ballot_assembly, may_rate_as_branch
from gongzhi.assemblies.errors import AssemblyError
from gongzhi.assemblies.forms import RatingForm
from gongzhi.assemblies.models import AssemblyStatus, RaterKind
from gongzhi.assemblies.views_forms import post_form


def _ballot_page(request: HttpRequest, assembly, error: str = "", status: int = 200) -> HttpResponse:  # type: ignore[no-untyped-def]
    person = request.user.person
    context = {
        "assembly": assembly,
        "voters": queries.voters_for(person.pk, assembly),
        "matters": list(assembly.matters.all()),
        "elections": list(assembly.elections.prefetch_related("candidates")),
        "results": queries.matter_results(assembly) if assembly.status == AssemblyStatus.CLOSED else [],
        "error": error,
        "now": timezone.now(),
    }
    return render(request, "assemblies/ballot.html", context, status=status)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
def ballot(request: HttpRequest, assembly_id: int) -> HttpResponse:
    assembly = ballot_assembly(request.user, assembly_id)
    if request.method != "POST":
        return _ballot_page(request, assembly)
    voter_id = _int(request.POST.get("voter"))
    choices: dict[int, str] = {}
    for matter in assembly.matters.all():
        choice = request.POST.get(f"matter-{matter.pk}")
        if choice:
            choices[matter.pk] = choice
    picks: dict[int, list[int]] = {}
    for election in assembly.elections.all():
        picks[election.pk] = [int(v) for v in request.POST.getlist(f"election-{election.pk}") if v.isdigit()]
    try:
        if voter_id is None:
            raise AssemblyError(_("请选择以哪位业主的身份投票"))
        actions.ballot_cast(
            actor=request.user,
            person=request.user.person,
            assembly=assembly,
            voter_id=voter_id,
            version=request.POST.get("version", ""),
            choices=choices,
            picks=picks,
        )
    except AssemblyError as exc:  # the ballot again, with the reason beside it
        return _ballot_page(request, assembly, error=exc.message, status=exc.status)
    messages.success(request, _("投票成功,感谢您参与业主共同决定"))
    return redirect("assemblies:ballot", assembly.pk)


@login_required
def rate(request: HttpRequest) -> HttpResponse:
    """A resident rates the property company of their own compound, once a year (rating again replaces it)."""
    person = getattr(request.user, "person", None)
    household = getattr(person, "household", None)
    compound = next((n for n in household.ancestors() if n.level == "compound"), None) if household else None
    if compound is None:
        raise Http404
    return _rating_page(request, compound, RaterKind.RESIDENT)


@login_required
def rate_branch(request: HttpRequest, compound_id: int) -> HttpResponse:
    """The party branch's rating, entered by a community organiser over the compound."""
    compound = queries.compound_for_branch(request.user, compound_id)
    if compound is None or not may_rate_as_branch(request.user, compound):
        raise Http404
    return _rating_page(request, compound, RaterKind.BRANCH)


def _rating_page(request: HttpRequest, compound, kind: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    companies = queries.property_companies(compound)
    year = timezone.localdate().year
    form = RatingForm(request.POST or None)
    form.fields["company"].choices = [(c.pk, c.name) for c in companies]

    def call(data: dict[str, Any]) -> None:
        actions.rating_submit(
            actor=request.user,
            rater=request.user.person,
            company=next(c for c in companies if c.pk == data["company"]),
            compound=compound,
            year=year,
            kind=kind,
            score=data["score"],
            comment=data["comment"],
        )

    done, status = post_form(request, form, call, done=request.path, success=_("评价已提交,谢谢"))
    if done:
        return done
    context = {
        "compound": compound,
        "form": form,
        "kind": kind,
        "year": year,
        "summary": queries.rating_summary([c.pk for c in companies], compound.pk),
        "companies": companies,
    }
    return render(request, "assemblies/rate.html", context, status=status)
