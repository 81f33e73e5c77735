from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongzhi.accounts import actions
from gongzhi.accounts.forms import CodeForm, PasswordChangeForm, PhoneForm, StaffSignInForm
from gongzhi.accounts.middleware import mark_staff_session
from gongzhi.accounts.queries import visible_tokens
from gongzhi.core.client import client_ip


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/"


def _attempt[T](form: forms.Form, field: str | None, step: Callable[[], T]) -> T | None:
    """Run one sign-in step; its refusal (SignInError) goes beside the form's field and the page
    shows the form again with what was typed (None)."""
    try:
        return step()
    except actions.SignInError as exc:
        form.add_error(field, str(exc))
        return None


@require_http_methods(["GET", "POST"])
def staff_login(request: HttpRequest) -> HttpResponse:
    form = StaffSignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = _attempt(
            form,
            None,
            lambda: actions.staff_sign_in(
                username=data["username"], password=data["password"], ip=client_ip(request)
            ),
        )
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            mark_staff_session(request)  # password sessions end after STAFF_IDLE_MINUTES idle
            return redirect(_next(request))
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/login.html", {"form": form, "next": _next(request)}, status=status)


@require_http_methods(["GET", "POST"])
def resident_login(request: HttpRequest) -> HttpResponse:
    """Two steps on one page: phone → code. Works without JavaScript."""
    step = request.POST.get("step", "phone")
    if request.method == "POST" and step == "phone":
        form = PhoneForm(request.POST)
        if form.is_valid():
            phone = form.cleaned_data["phone"]
            sent = _attempt(form, "phone", lambda: actions.otp_request(phone=phone, ip=client_ip(request)))
            if sent is not None:
                code_form = CodeForm(initial={"phone": form.cleaned_data["phone"]})
                return render(request, "accounts/resident_login.html", {"code_form": code_form, "sent": sent})
        return render(request, "accounts/resident_login.html", {"phone_form": form}, status=400)
    if request.method == "POST" and step == "code":
        code_form = CodeForm(request.POST)
        if code_form.is_valid():
            data = code_form.cleaned_data
            user = _attempt(
                code_form,
                "code",
                lambda: actions.otp_verify(phone=data["phone"], code=data["code"], ip=client_ip(request)),
            )
            if user is not None:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect(_next(request))
        return render(request, "accounts/resident_login.html", {"code_form": code_form}, status=400)
    return render(request, "accounts/resident_login.html", {"phone_form": PhoneForm()})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Staff change their own password; the session stays signed in."""
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.password_change(
                actor=request.user,  # type: ignore[arg-type]
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
                ip=client_ip(request),
            )
        except actions.SignInError as exc:  # the form again, with the message beside the field
            form.add_error("old_password", str(exc))
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
            messages.success(request, _("密码已修改"))
            return redirect("accounts:password_change")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/password_change.html", {"form": form}, status=status)


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The caller's API tokens; a platform admin sees everyone's."""
    tokens = visible_tokens(request.user).order_by("revoked_at", "-created_at")  # type: ignore[arg-type]
    return render(request, "accounts/tokens.html", {"tokens": tokens})


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(visible_tokens(request.user), pk=token_id, revoked_at__isnull=True)  # type: ignore[arg-type]
    actions.token_revoke(actor=request.user, token=token, ip=client_ip(request))  # type: ignore[arg-type]
    messages.success(request, _("令牌已撤销"))
    return redirect("accounts:tokens")
