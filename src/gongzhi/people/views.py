"""People pages: search, exact search (permission + reason + audit row + limit), the person page
(masked), and reveal (permission + reason + audit row)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from gongzhi.core.client import client_ip
from gongzhi.core.errors import Refusal
from gongzhi.core.scoping import get_scope
from gongzhi.people.access import access_person, can_reveal
from gongzhi.people.actions import Revealed, person_exact_search, person_reveal
from gongzhi.people.forms import ExactSearchForm, PersonSearchForm, RevealForm
from gongzhi.people.models import Person
from gongzhi.people.queries import NumberInSearch, decorate_people, person_card, person_search
from gongzhi.territory.access import access_node

PER_PAGE = 50


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    node = access_node(request.user, data["node"]) if data.get("node") else None
    try:
        rows = person_search(request.user, q=data.get("q", ""), node=node)
    except NumberInSearch as exc:
        # Never filtered by: the answer must not depend on the number (issue 13).
        return _list(request, form, None, node=node, error=str(exc), status=400)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = decorate_people(list(page.object_list))
    return _list(request, form, page, node=node)


@require_POST
@login_required
def exact_search(request: HttpRequest) -> HttpResponse:
    """精确查找 by a full ID number or phone: a POST, so the value never sits in a URL or access log."""
    exact = ExactSearchForm(request.POST)
    if not exact.is_valid():
        return _list(request, PersonSearchForm(), None, exact=exact, error=exact.first_error(), status=400)
    try:
        people = person_exact_search(
            actor=request.user,
            value=exact.cleaned_data["value"],
            reason_code=exact.cleaned_data["reason_code"],
            reason=exact.cleaned_data["reason"],
            ip=client_ip(request),
        )
    except Refusal as exc:  # the search page again, with the form as filled in and the reason
        return _list(
            request, PersonSearchForm(), None, exact=exact, error=exc.message, status=exc.status_code
        )
    # A fresh form: the number is not echoed back into the page.
    return _list(request, PersonSearchForm(), None, exact=ExactSearchForm(), found=decorate_people(people))


def _list(
    request: HttpRequest,
    form: PersonSearchForm,
    page: object,
    *,
    node: object = None,
    exact: ExactSearchForm | None = None,
    found: list[Person] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "page": page,
        "node": node,
        "can_exact_search": get_scope(request.user).can("reveal_personal_data"),
        "exact": exact or ExactSearchForm(),
        "found": found,
        "error": error,
    }
    return render(request, "people/list.html", context, status=status)


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access_person(request.user, person_id)
    return _detail(request, person, RevealForm())


@require_POST
@login_required
def reveal(request: HttpRequest, person_id: int) -> HttpResponse:
    """htmx posts here and gets a fragment; without JavaScript the whole page comes back."""
    person = access_person(request.user, person_id)
    form = RevealForm(request.POST)
    if not form.is_valid() and can_reveal(request.user, person):
        return _reveal_answer(request, person, form, error=form.first_error(), status=400)
    data = form.cleaned_data
    try:
        # Without the capability the action refuses first, and audits the refusal.
        revealed = person_reveal(
            actor=request.user,
            person=person,
            fields=data.get("field", []),
            reason_code=data.get("reason_code", ""),
            reason=data.get("reason", ""),
            ip=client_ip(request),
        )
    except Refusal as exc:  # the person's page again, with the form as filled in and the reason
        return _reveal_answer(request, person, form, error=exc.message, status=exc.status_code)
    return _reveal_answer(request, person, RevealForm(), revealed=revealed)


def _reveal_answer(request: HttpRequest, person: Person, form: RevealForm, **answer: Any) -> HttpResponse:
    """A reveal's answer: htmx gets the fragment, a plain form post the whole page."""
    return _detail(request, person, form, fragment=request.headers.get("HX-Request") == "true", **answer)


def _detail(
    request: HttpRequest,
    person: Person,
    form: RevealForm,
    *,
    revealed: Revealed | None = None,
    error: str = "",
    status: int = 200,
    fragment: bool = False,
) -> HttpResponse:
    if fragment:
        context = {"person": person, "revealed": revealed, "error": error}
        return render(request, "people/_reveal_result.html", context, status=status)
    context = {
        "card": person_card(person),
        "person": person,
        "can_reveal": can_reveal(request.user, person),
        "form": form,
        "revealed": revealed,
        "error": error,
    }
    return render(request, "people/detail.html", context, status=status)
