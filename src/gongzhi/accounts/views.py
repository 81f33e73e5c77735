from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from gongzhi.accounts import actions
from gongzhi.accounts.forms import CodeForm, PhoneForm, StaffSignInForm


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/"


@require_http_methods(["GET", "POST"])
def staff_login(request: HttpRequest) -> HttpResponse:
    form = StaffSignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.staff_sign_in(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
            )
        except actions.SignInError as exc:
            form.add_error(None, str(exc))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
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
            try:
                sent = actions.otp_request(phone=form.cleaned_data["phone"], ip=client_ip(request))
            except actions.SignInError as exc:
                form.add_error("phone", str(exc))
            else:
                code_form = CodeForm(initial={"phone": form.cleaned_data["phone"]})
                return render(request, "accounts/resident_login.html", {"code_form": code_form, "sent": sent})
        return render(request, "accounts/resident_login.html", {"phone_form": form}, status=400)
    if request.method == "POST" and step == "code":
        code_form = CodeForm(request.POST)
        if code_form.is_valid():
            try:
                user = actions.otp_verify(
                    phone=code_form.cleaned_data["phone"],
                    code=code_form.cleaned_data["code"],
                    ip=client_ip(request),
                )
            except actions.SignInError as exc:
                code_form.add_error("code", str(exc))
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect(_next(request))
        return render(request, "accounts/resident_login.html", {"code_form": code_form}, status=400)
    return render(request, "accounts/resident_login.html", {"phone_form": PhoneForm()})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")
