"""The merchant's counter: enter (or scan with a handheld scanner, which types the digits, or the
phone camera where the browser has BarcodeDetector) a pickup code and hand the goods over once."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from gongzhi.core.scoping import get_scope
from gongzhi.points import actions_redemption


@require_http_methods(["GET", "POST"])
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    scope = get_scope(request.user)
    if not (scope.is_global or scope.can("verify_redemptions") or scope.can("manage_points")):
        raise Http404
    context: dict = {"code": ""}
    status = 200
    if request.method == "POST":
        code = (request.POST.get("code") or "").strip()[:40]
        context["code"] = code
        try:
            context["verified"] = actions_redemption.verify(code=code, actor=request.user)
            context["result"] = "ok"
        except Http404:
            context.update(result="not_found", error=gettext("取货码无效或不属于本店"))
            status = 404
        except actions_redemption.AlreadyDecided as exc:
            context.update(result="already", error=exc.message)
            status = 409
    return render(request, "points/verify.html", context, status=status)
