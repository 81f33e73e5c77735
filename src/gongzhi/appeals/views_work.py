"""Workbench pages: the appeal page with its actions, the department queue, the community triage
queue, the resident's own appeals, the inbox and the public board (公示).

Every action is a small POST form → one call into appeals.actions → redirect back (PRG). The
action's refusal is shown on the appeal page: InvalidTransition 409, PermissionError 403,
AppealError 400; outsiders never get that far (access_appeal → 404)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.accounts.access import signed_in
from gongzhi.appeals import actions, queries
from gongzhi.appeals.access import access_appeal
from gongzhi.appeals.actions import AppealError
from gongzhi.appeals.forms import (
    CONTACT_CHOICES,
    BoardSwitchForm,
    ContactForm,
    DecideForm,
    DispatchForm,
    ExtensionForm,
    MergeForm,
    NoteForm,
    QueueFilterForm,
    RateForm,
    ReasonForm,
    ReplyForm,
    first_error,
)
from gongzhi.appeals.models import Appeal
from gongzhi.appeals.workflow import Action, InvalidTransition
from gongzhi.core.actors import Actor
from gongzhi.core.errors import Refusal

PER_PAGE = 30
# Panels shown unfolded: the step a person most likely came to take.
OPEN_PANELS = {
    Action.ACCEPT,
    Action.DISPATCH,
    Action.SIGN,
    Action.START,
    Action.REPLY,
    Action.RATE,
    Action.EXTEND_DECIDE,
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """/appeals/: each person's own workbench."""
    return redirect(queries.workbench(request.user))


# ---- one appeal ----


def _action_forms(request: HttpRequest, appeal: Appeal, available: list[str]) -> dict[str, forms.Form]:
    built: dict[str, forms.Form] = {}
    for action in available:
        form_class, extra = FORMS[action]
        built[action] = form_class(**extra(request.user)) if extra else form_class()
    if Action.DISPATCH in built:  # prefilled with the 秒拨 top suggestion, if there is one
        built[Action.DISPATCH].initial = queries.suggested_dispatch(appeal)
    return built


def _detail(
    request: HttpRequest,
    appeal: Appeal,
    *,
    error: str = "",
    failed: str = "",
    bound: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    available = queries.available_actions(request.user, appeal)
    action_forms = _action_forms(request, appeal, available)
    if bound is not None and failed in action_forms:
        action_forms[failed] = bound
    panels = [
        {
            "action": action,
            "label": Action(action).label,
            "form": form,
            "url": reverse("appeals:act", args=[appeal.pk, action]),
            "open": action in OPEN_PANELS or action == failed,
        }
        for action, form in action_forms.items()
    ]
    now = timezone.now()
    context = {
        "appeal": appeal,
        "events": queries.timeline(request.user, appeal),
        "photos": list(appeal.photos.all()),
        "staff_view": queries.sees_internal_events(request.user, appeal),
        "can_dispatch": queries.may_dispatch_by_suggestion(request.user, appeal, available),
        "panels": panels,
        "templates": queries.reply_templates(appeal) if Action.REPLY in available else [],
        "extension": queries.pending_extension(appeal) if Action.EXTEND_DECIDE in available else None,
        "ratings": list(appeal.ratings.all()),
        "contact_preference": dict(CONTACT_CHOICES).get(appeal.contact_preference, appeal.contact_preference),
        "now": now,
        "overdue": appeal.is_open and appeal.resolve_due_at is not None and appeal.resolve_due_at < now,
        "sign_overdue": appeal.signed_at is None
        and appeal.sign_due_at is not None
        and appeal.sign_due_at < now,
        "error": error,
        "failed": failed,
    }
    return render(request, "appeals/detail.html", context, status=status)


@login_required
def detail(request: HttpRequest, appeal_id: int) -> HttpResponse:
    return _detail(request, access_appeal(request.user, appeal_id))


def _dispatch_kwargs(actor: Actor) -> dict[str, Any]:
    return {"departments": queries.dispatch_departments(actor)}


def _do_dispatch(request: HttpRequest, appeal: Appeal, data: dict[str, Any]) -> Any:
    return actions.appeal_dispatch(
        appeal=appeal,
        actor=request.user,
        department=data["department"],
        note=data["note"],
        category=data.get("category"),
    )


def _do_merge(request: HttpRequest, appeal: Appeal, data: dict[str, Any]) -> Any:
    into = queries.in_scope(request.user).filter(number=data["into"].strip()).first()
    if into is None:
        raise AppealError(_("找不到该编号的诉求"))
    return actions.appeal_merge(appeal=appeal, into=into, actor=request.user)


def _do_reply(request: HttpRequest, appeal: Appeal, data: dict[str, Any]) -> Any:
    text = data["text"]
    if not text.strip() and data["template"]:  # without JavaScript the chosen template is the text
        text = next((t.text for t in queries.reply_templates(appeal) if t.pk == data["template"]), "")
    return actions.appeal_reply(appeal=appeal, actor=request.user, text=text)


def _do_decide(request: HttpRequest, appeal: Appeal, data: dict[str, Any]) -> Any:
    pending = queries.pending_extension(appeal)
    if pending is None:
        raise InvalidTransition(appeal.status, Action.EXTEND_DECIDE)
    return actions.extension_decide(request=pending, actor=signed_in(request), approve=data["approve"])


Handler = Callable[[HttpRequest, Appeal, dict[str, Any]], Any]

# action -> (form, form kwargs from the actor, the one action call)
FORMS: dict[str, tuple[type[forms.Form], Callable[[Any], dict[str, Any]] | None]] = {
    Action.ACCEPT: (NoteForm, None),
    Action.REJECT: (ReasonForm, None),
    Action.DISPATCH: (DispatchForm, _dispatch_kwargs),
    Action.MERGE: (MergeForm, None),
    Action.SIGN: (forms.Form, None),
    Action.RETURN: (ReasonForm, None),
    Action.START: (forms.Form, None),
    Action.CONTACT: (ContactForm, None),
    Action.REPLY: (ReplyForm, None),
    Action.EXTEND_REQUEST: (ExtensionForm, None),
    Action.EXTEND_DECIDE: (DecideForm, None),
    Action.RATE: (RateForm, None),
}
HANDLERS: dict[str, Handler] = {
    Action.ACCEPT: lambda r, a, d: actions.appeal_accept(appeal=a, actor=r.user, note=d["note"]),
    Action.REJECT: lambda r, a, d: actions.appeal_reject(appeal=a, actor=r.user, reason=d["reason"]),
    Action.DISPATCH: _do_dispatch,
    Action.MERGE: _do_merge,
    Action.SIGN: lambda r, a, d: actions.appeal_sign(appeal=a, actor=r.user),
    Action.RETURN: lambda r, a, d: actions.appeal_return(appeal=a, actor=r.user, reason=d["reason"]),
    Action.START: lambda r, a, d: actions.appeal_start(appeal=a, actor=r.user),
    Action.CONTACT: lambda r, a, d: actions.appeal_contact(appeal=a, actor=r.user, note=d["note"]),
    Action.REPLY: _do_reply,
    Action.EXTEND_REQUEST: lambda r, a, d: actions.extension_request(
        appeal=a, actor=signed_in(r), workdays=d["workdays"], reason=d["reason"]
    ),
    Action.EXTEND_DECIDE: _do_decide,
    Action.RATE: lambda r, a, d: actions.appeal_rate(
        appeal=a, actor=r.user, satisfaction=d["satisfaction"], solved=d["solved"], comment=d["comment"]
    ),
}
DONE: dict[str, Any] = {
    Action.ACCEPT: gettext_lazy("已受理"),
    Action.REJECT: gettext_lazy("已不予受理"),
    Action.DISPATCH: gettext_lazy("已派单"),
    Action.MERGE: gettext_lazy("已合并"),
    Action.SIGN: gettext_lazy("已签收"),
    Action.RETURN: gettext_lazy("已退单"),
    Action.START: gettext_lazy("已开始办理"),
    Action.CONTACT: gettext_lazy("已记录联系情况"),
    Action.REPLY: gettext_lazy("已答复"),
    Action.EXTEND_REQUEST: gettext_lazy("已提交延期申请"),
    Action.EXTEND_DECIDE: gettext_lazy("已审批延期"),
    Action.RATE: gettext_lazy("感谢您的评价"),
}


def _back(request: HttpRequest, appeal: Appeal) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("appeals:detail", args=[appeal.pk])


def _refused(
    request: HttpRequest,
    appeal: Appeal,
    failed: str,
    call: Callable[[], Any],
    bound: forms.Form | None = None,
) -> tuple[Any, HttpResponse | None]:
    """Run one action call; a refusal becomes the appeal page again, with its message beside the form
    the user filled in (kept, not the core page mapping): InvalidTransition 409 (the page shows the
    appeal as it now is), PermissionError 403, AppealError 400 and any other refusal its status."""
    try:
        return call(), None
    except InvalidTransition as exc:
        fresh = access_appeal(request.user, appeal.pk)
        return None, _detail(request, fresh, error=str(exc), failed=failed, status=409)
    except PermissionError as exc:
        return None, _detail(request, appeal, error=str(exc), failed=failed, status=403)
    except Refusal as exc:
        return None, _detail(
            request, appeal, error=exc.message, failed=failed, bound=bound, status=exc.status_code
        )


@require_POST
@login_required
def dispatch_suggestion(request: HttpRequest, appeal_id: int, rank: int) -> HttpResponse:
    """One tap on a 秒拨 suggestion (triage and appeal page): accept if needed, then dispatch to its
    department with its category. Refusals as for the other actions: 409, 403, 400."""
    appeal = access_appeal(request.user, appeal_id)
    done, refusal = _refused(
        request,
        appeal,
        Action.DISPATCH,
        lambda: actions.appeal_dispatch_as_suggested(
            appeal=appeal,
            actor=request.user,
            rank=rank,
            departments=queries.dispatch_departments(request.user),
        ),
    )
    if refusal is not None:
        return refusal
    name = done.department.name if done.department is not None else ""
    messages.success(request, _("已派单至%(department)s") % {"department": name})
    return redirect(_back(request, appeal))


@require_POST
@login_required
def act(request: HttpRequest, appeal_id: int, action: str) -> HttpResponse:
    appeal = access_appeal(request.user, appeal_id)
    if action not in HANDLERS:
        raise Http404
    form_class, extra = FORMS[action]
    form = form_class(request.POST, **(extra(request.user) if extra else {}))
    if not form.is_valid():
        return _detail(request, appeal, error=first_error(form), failed=action, bound=form, status=400)
    _done, refusal = _refused(
        request, appeal, action, lambda: HANDLERS[action](request, appeal, form.cleaned_data), bound=form
    )
    if refusal is not None:
        return refusal
    messages.success(request, DONE[action])
    return redirect(_back(request, appeal))


# ---- lists ----


def _paged(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """部门待办."""
    form = QueueFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    rows = queries.department_queue(
        request.user,
        status=data.get("status", ""),
        overdue_only=data.get("overdue", False),
        q=data.get("q", ""),
    )
    context = {
        "form": form,
        "page": _paged(request, rows),
        "counts": queries.department_counts(request.user),
        "now": timezone.now(),
    }
    return render(request, "appeals/queue.html", context)


@login_required
def triage(request: HttpRequest) -> HttpResponse:
    """社区分拨: accept and dispatch inline."""
    q = request.GET.get("q", "")[:60]
    page = _paged(request, queries.triage_queue(request.user, q=q))
    context = {
        "page": page,
        "q": q,
        "dispatch_form": DispatchForm(departments=queries.dispatch_departments(request.user)),
        "next": request.get_full_path(),
    }
    return render(request, "appeals/triage.html", context)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的诉求."""
    return render(request, "appeals/mine.html", {"page": _paged(request, queries.my_appeals(request.user))})


@login_required
def appeal_list(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    rows = queries.in_scope(request.user, status=data.get("status", ""), q=data.get("q", ""))
    return render(
        request, "appeals/list.html", {"form": form, "page": _paged(request, rows), "now": timezone.now()}
    )


# ---- inbox ----


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """消息."""
    context = {
        "page": _paged(request, queries.inbox(request.user)),
        "unread": queries.unread_count(request.user),
    }
    return render(request, "appeals/inbox.html", context)


@require_POST
@login_required
def inbox_read(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("id", "")
    if raw and not raw.isdigit():
        return redirect("appeals:inbox")
    actions.notifications_mark_read(actor=request.user, notification_id=int(raw) if raw else None)
    return redirect("appeals:inbox")


# ---- public board ----


def board(request: HttpRequest) -> HttpResponse:
    """公示: open to everyone; anonymised (no names, phones or addresses below the community)."""
    community = request.GET.get("community", "")
    rows = queries.board(community_id=int(community) if community.isdigit() else None)
    page = _paged(request, rows)
    page.object_list = queries.board_items(list(page.object_list))
    switchable = list(queries.board_switchable(request.user)) if request.user.is_authenticated else []
    states = queries.board_states(switchable)
    context = {"page": page, "switchable": [(n, states.get(n.pk, False)) for n in switchable]}
    return render(request, "appeals/board.html", context)


@require_POST
@login_required
def board_switch(request: HttpRequest) -> HttpResponse:
    form = BoardSwitchForm(request.POST)
    if not form.is_valid():
        return redirect("appeals:board")
    node = queries.board_switchable(request.user).filter(pk=form.cleaned_data["territory"]).first()
    if node is None:
        raise PermissionDenied
    enabled = form.cleaned_data["enabled"]
    actions.board_switch(actor=request.user, territory=node, enabled=enabled)
    messages.success(request, _("已开启公示") if enabled else _("已关闭公示"))
    return redirect("appeals:board")
