"""Staff pages (manage_points, scoped to their territory): rules, catalogue and stock, review flags,
manual awards, accounts and monthly statements with CSV/XLSX export."""

import datetime
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core import months
from gongzhi.core.errors import Refusal
from gongzhi.core.spreadsheets import CsvWriter, append_row, new_workbook, workbook_bytes
from gongzhi.orgs.models import Organisation
from gongzhi.points import actions_admin, actions_review, manual, queries
from gongzhi.points.access import (
    access_account,
    access_area,
    access_flag,
    access_item,
    can_manage,
    managed_areas,
)
from gongzhi.points.accounts import find_account
from gongzhi.points.actions import PointsRefused
from gongzhi.points.models import FlagStatus, Locker
from gongzhi.points.models.rules import RuleCode
from gongzhi.points.policy import effective_rule
from gongzhi.territory.models import Level


def _require_manager(request: HttpRequest) -> None:
    if not can_manage(request.user):
        raise Http404


def _int_or_none(value: str | None) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


@require_http_methods(["GET", "POST"])
@login_required
def rules(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    areas = list(managed_areas(request.user))
    status = 200
    if request.method == "POST":
        try:
            area = access_area(request.user, int(request.POST.get("territory", "0")))
            actions_admin.rule_set(
                actor=request.user,
                territory=area,
                code=request.POST.get("code", ""),
                points_per_unit=int(request.POST.get("points_per_unit", "")),
                daily_cap=_int_or_none(request.POST.get("daily_cap")),
                monthly_cap=_int_or_none(request.POST.get("monthly_cap")),
                active=request.POST.get("active") == "on",
            )
            messages.success(request, gettext("积分规则已保存"))
            return redirect("points:rules")
        except ValueError:
            messages.error(request, gettext("积分和上限须为非负整数"))
            status = 400
        except PointsRefused as exc:
            messages.error(request, str(exc))
            status = 400
    communities = [a for a in areas if a.level == Level.COMMUNITY][:60]
    table = [(c, [effective_rule(c, code) for code in RuleCode.values]) for c in communities]
    return render(
        request,
        "points/rules.html",
        {"areas": areas, "codes": RuleCode.choices, "table": table},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    areas = [a for a in managed_areas(request.user) if a.level == Level.COMMUNITY]
    merchants = queries.merchants_for(request.user)
    lockers = queries.lockers_for(request.user)
    status = 200
    if request.method == "POST":
        try:
            community = access_area(request.user, int(request.POST.get("community", "0")))
            merchant_id = request.POST.get("merchant") or ""
            locker_id = request.POST.get("locker") or ""
            actions_admin.item_create(
                actor=request.user,
                community=community,
                name=request.POST.get("name", ""),
                points=int(request.POST.get("points", "")),
                stock=int(request.POST.get("stock", "0") or 0),
                merchant=merchants.get(pk=int(merchant_id)) if merchant_id else None,
                locker=lockers.get(pk=int(locker_id)) if locker_id else None,
                description=request.POST.get("description", ""),
            )
            messages.success(request, gettext("商品已上架"))
            return redirect("points:catalogue")
        except (ValueError, Organisation.DoesNotExist, Locker.DoesNotExist):
            messages.error(request, gettext("请检查积分、库存和提供方"))
            status = 400
        except PointsRefused as exc:
            messages.error(request, str(exc))
            status = 400
    items = queries.catalogue_items(request.user)[:300]
    return render(
        request,
        "points/catalogue.html",
        {"items": items, "areas": areas, "merchants": merchants[:200], "lockers": lockers[:200]},
        status=status,
    )


@require_POST
@login_required
def item_restock(request: HttpRequest, item_id: int) -> HttpResponse:
    item = access_item(request.user, item_id)
    try:
        if "active" in request.POST:
            actions_admin.item_set_active(actor=request.user, item=item, active=request.POST["active"] == "1")
        else:
            actions_admin.item_restock(
                actor=request.user, item=item, delta=int(request.POST.get("delta", "0"))
            )
        messages.success(request, gettext("库存已更新"))
    except ValueError:
        messages.error(request, gettext("数量须为整数"))
    except PointsRefused as exc:  # back to the catalogue whatever the outcome (not the page mapping's)
        messages.error(request, exc.message)
    return redirect("points:catalogue")


@require_GET
@login_required
def flags(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    show = request.GET.get("status", FlagStatus.OPEN)
    rows = queries.flag_list(request.user, show)
    return render(
        request, "points/flags.html", {"flags": rows[:200], "show": show, "statuses": FlagStatus.choices}
    )


@require_POST
@login_required
def flag_decide(request: HttpRequest, flag_id: int, decision: str) -> HttpResponse:
    flag = access_flag(request.user, flag_id)
    note = (request.POST.get("note") or "").strip()
    try:
        if decision == "clear":
            actions_review.flag_clear(flag=flag, actor=request.user, note=note)
        elif decision == "reverse":
            actions_review.flag_reverse(flag=flag, actor=request.user, note=note)
        else:
            raise Http404
        messages.success(request, gettext("复核已完成"))
    except Refusal as exc:  # FlagDecided or a ledger refusal: back to the list (not the page mapping's)
        messages.error(request, exc.message)
    return redirect("points:flags")


@require_http_methods(["GET", "POST"])
@login_required
def award(request: HttpRequest) -> HttpResponse:
    """人工奖励: find a resident of a community in scope, award points with a reason (decision 0033)."""
    communities = list(manual.award_communities(request.user)[:200])
    if not communities:
        raise Http404
    if request.method == "GET":
        chosen = request.GET.get("community")
        community = manual.access_community(request.user, chosen) if chosen else communities[0]
        return _award_form(request, communities, community, q=request.GET.get("q") or "")
    # Scope first: another community's id (or a person outside it) is a 404 before anything is read.
    community = manual.access_community(request.user, request.POST.get("community"))
    posted = request.POST
    try:
        recipient = manual.access_recipient(request.user, community, posted.get("person"))
        points = manual.parse_points(posted.get("points"))
        memo = manual.parse_memo(posted.get("memo"))
        key = manual.parse_key(posted.get("idempotency_key"))
        done = manual.award(
            actor=request.user, community=community, recipient=recipient, points=points, memo=memo, key=key
        )
    except PointsRefused as exc:
        messages.error(request, str(exc))
        return _award_form(
            request, communities, community, q=posted.get("q") or "", status=400 if exc.invalid else 409
        )
    account = find_account(recipient)
    return render(
        request,
        "points/award_done.html",
        {
            "award": done,
            "recipient": recipient,
            "community": community,
            "requested": points,
            "memo": memo,
            "account": account,
        },
    )


def _award_form(
    request: HttpRequest, communities: list, community: object, *, q: str, status: int = 200
) -> HttpResponse:
    posted = request.POST if request.method == "POST" else {}
    people = manual.search(request.user, community, q) if q.strip() else []
    return render(
        request,
        "points/award.html",
        {
            "communities": communities,
            "community": community,
            "q": q,
            "people": people,
            "chosen": str(posted.get("person", "")),
            "points": posted.get("points", ""),
            "memo": posted.get("memo", ""),
            "max_points": manual.MAX_POINTS,
            "max_memo": manual.MAX_MEMO,
            # A fresh key per rendered form: submitting it twice awards once. A form shown again
            # after a refusal keeps its key (nothing was written under it).
            "idempotency_key": posted.get("idempotency_key") or secrets.token_urlsafe(16),
        },
        status=status,
    )


@require_GET
@login_required
def accounts(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    q = (request.GET.get("q") or "").strip()[:60]
    rows = queries.account_list(request.user, q)
    return render(request, "points/accounts.html", {"accounts": rows[:100], "q": q})


def _page_number(value: str | None) -> int:
    """The page asked for in the address bar (the statement clamps it to the pages there are); ASCII
    digits only: "²".isdigit() is true and int("²") raises, and int() of 5,000 digits raises too."""
    text = value or ""
    if not (text.isascii() and text.isdigit()):
        return 1
    return int(text) if len(text) <= 9 else 10**9


def _month(value: str | None) -> datetime.date:
    return months.parse_month(value) or timezone.localdate().replace(day=1)


@require_GET
@login_required
def statement(request: HttpRequest, account_id: int) -> HttpResponse:
    """Monthly statement of one's own account, or of an account in one's territory (manage_points)."""
    account = access_account(request.user, account_id)
    month = _month(request.GET.get("month"))
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        s = queries.statement(account, month)  # exports carry the whole month
    else:
        page = _page_number(request.GET.get("page"))
        s = queries.statement(account, month, page=page)
    if fmt == "csv":
        return _csv(s)
    if fmt == "xlsx":
        return _xlsx(s)
    return render(request, "points/statement.html", {"s": s, "month": f"{month:%Y-%m}"})


def header() -> list[str]:
    return [
        gettext("时间"),
        gettext("交易号"),
        gettext("类别"),
        gettext("规则"),
        gettext("备注"),
        gettext("金额"),
        gettext("余额"),
    ]


def _rows(s: queries.Statement) -> list[list]:
    rows: list[list] = [[f"{s.month:%Y-%m} " + gettext("期初"), "", "", "", "", "", s.opening]]
    for line in s.lines:
        at = timezone.localtime(line.at).strftime("%Y-%m-%d %H:%M:%S")
        rows.append(
            [at, line.transaction_id, line.kind_label, line.rule, line.memo, line.amount, line.balance]
        )
    rows.append(
        [
            f"{s.month:%Y-%m} " + gettext("期末"),
            "",
            "",
            "",
            gettext("收入%(c)d 支出%(d)d") % {"c": s.credits, "d": s.debits},
            "",
            s.closing,
        ]
    )
    return rows


def _filename(s: queries.Statement, ext: str) -> str:
    return f"points-statement-{s.account.pk}-{s.month:%Y-%m}.{ext}"


def _csv(s: queries.Statement) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(s, "csv")}"'
    writer = CsvWriter(response)  # BOM first: spreadsheet programs read the Chinese as UTF-8
    writer.writerow(header())
    writer.writerows(_rows(s))  # a memo starting with = + - @ tab CR is quoted, not run as a formula
    return response


def _xlsx(s: queries.Statement) -> HttpResponse:
    wb = new_workbook()
    ws = wb.active
    ws.title = f"{s.month:%Y-%m}"
    append_row(ws, [s.account.label])
    append_row(ws, header())
    for row in _rows(s):
        append_row(ws, row)
    response = HttpResponse(
        workbook_bytes(wb), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(s, "xlsx")}"'
    return response
