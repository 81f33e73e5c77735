"""People pages: search, the person page (masked), and reveal (permission + reason + audit row)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.accounts.views import client_ip
from gongzhi.people.access import access_person, can_reveal
from gongzhi.people.actions import Revealed, person_reveal
from gongzhi.people.forms import PersonSearchForm, RevealForm
from gongzhi.people.models import Person
from gongzhi.people.queries import decorate_people, person_card, person_search
from gongzhi.territory.access import access_node

PER_PAGE = 50


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    node = access_node(request.user, data["node"]) if data.get("node") else None
    rows = person_search(request.user, q=data.get("q", ""), node=node)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = decorate_people(list(page.object_list))
    return render(request, "people/list.html", {"form": form, "page": page, "node": node})


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
    if not can_reveal(request.user, person):
        return _reveal_answer(request, person, form, error=_("无权查看此人的完整个人信息"), status=403)
    if not form.is_valid():
        return _reveal_answer(request, person, form, error=form.first_error(), status=400)
    try:
        revealed = person_reveal(
            actor=request.user,
            person=person,
            fields=form.cleaned_data["field"],
            reason=form.cleaned_data["reason"],
            ip=client_ip(request),
        )
    except PermissionError as exc:
        return _reveal_answer(request, person, form, error=str(exc), status=403)
    except ValueError as exc:
        return _reveal_answer(request, person, form, error=str(exc), status=400)
    return _reveal_answer(request, person, RevealForm(), revealed=revealed)


def _reveal_answer(
    request: HttpRequest,
    person: Person,
    form: RevealForm,
    *,
    revealed: Revealed | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {"person": person, "revealed": revealed, "error": error}
    if request.headers.get("HX-Request") == "true":
        return render(request, "people/_reveal_result.html", context, status=status)
    return _detail(request, person, form, revealed=revealed, error=error, status=status)


def _detail(
    request: HttpRequest,
    person: Person,
    form: RevealForm,
    *,
    revealed: Revealed | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "card": person_card(person),
        "person": person,
        "can_reveal": can_reveal(request.user, person),
        "form": form,
        "revealed": revealed,
        "error": error,
    }
    return render(request, "people/detail.html", context, status=status)
