"""Helper teams: list, create, members (add, edit, their own profile), and the per-building
contact poster (print page, SVG, PDF) with its "contact a helper" QR target."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core.actors import Actor
from gongzhi.people.actions import TooManyLookups, person_match
from gongzhi.people.queries import NumberInSearch, person_search
from gongzhi.service import actions_teams, poster, queries_pages
from gongzhi.service.access import access_helper, access_team, is_staff, may_manage
from gongzhi.service.actions import ServiceError
from gongzhi.service.models import Helper, HelperTeam, MemberKind, Skill
from gongzhi.service.views_common import form_post, message_page, person_of, uploads
from gongzhi.territory.models import Level, TerritoryNode


def find_person(actor: Actor, query: str) -> Any:
    """Exactly one visible person by phone, ID number or name, else ServiceError."""
    if not (query or "").strip():
        raise ServiceError("请输入姓名、手机号或身份证号", "person")
    try:
        found = list(person_search(actor, q=query)[:2])
    except NumberInSearch:
        # A phone or ID number: matched exactly, audited and limited (people.actions.person_match).
        try:
            found = person_match(actor=actor, value=query, purpose="service.find_person")[:2]
        except (TooManyLookups, ValueError) as exc:
            raise ServiceError(str(exc), "person") from None
    if not found:
        raise ServiceError("在您的辖区内找不到此人", "person")
    if len(found) > 1:
        raise ServiceError("找到多人同名,请输入手机号或身份证号", "person")
    return found[0]


@login_required
def teams(request: HttpRequest) -> HttpResponse:
    if not is_staff(request.user):
        raise Http404
    rows = queries_pages.teams_of(request.user)
    communities = queries_pages.managed_communities(request.user)
    context: dict[str, Any] = {"teams": rows, "communities": communities, "skills": Skill.choices}

    def work() -> HelperTeam:
        community = communities.filter(pk=request.POST.get("community") or 0).first()
        if community is None:
            raise ServiceError(_("请选择社区"), "community")
        parent = rows.filter(pk=request.POST.get("parent") or 0, community=community).first()
        leader = (
            find_person(request.user, request.POST.get("leader", "")) if request.POST.get("leader") else None
        )
        return actions_teams.team_create(
            actor=request.user,
            community=community,
            name=request.POST.get("name", ""),
            leader=leader,
            parent=parent,
            specialty=request.POST.get("specialty", ""),
        )

    return form_post(
        request, "service/teams.html", context, work, lambda t: redirect("service:team_detail", t.pk)
    )


@login_required
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    team = access_team(request.user, team_id)
    members = queries_pages.team_members(request.user, team)
    areas = queries_pages.team_areas(request.user, team)
    units = queries_pages.units_under(request.user, team.path)
    context: dict[str, Any] = {
        "team": team,
        "members": members,
        "areas": areas,
        "buildings": [a for a in areas if a.level == Level.BUILDING],
        "units": units,
        "kinds": MemberKind.choices,
        "skills": Skill.choices,
        "subteams": queries_pages.teams_of(request.user, parent=team),
        "values": request.POST,
    }

    def work() -> Helper:
        person = find_person(request.user, request.POST.get("person", ""))
        chosen = list(areas.filter(pk__in=[int(x) for x in request.POST.getlist("areas") if x.isdigit()]))
        unit = units.filter(pk=request.POST.get("organisation") or 0).first()
        return actions_teams.helper_add(
            actor=request.user,
            team=team,
            person=person,
            kind=request.POST.get("kind", ""),
            skills=request.POST.getlist("skills"),
            slots=actions_teams.parse_slots(request.POST.get("slots", "")),
            areas=chosen,
            organisation=unit,
            public_on_poster=request.POST.get("public_on_poster") == "on",
            poster_phone=request.POST.get("poster_phone", ""),
        )

    return form_post(
        request,
        "service/team_detail.html",
        context,
        work,
        lambda _h: redirect("service:team_detail", team.pk),
    )


def _helper_form(request: HttpRequest, helper: Helper, *, own: bool) -> HttpResponse:
    areas = (
        queries_pages.team_areas(request.user, helper.team)
        if not own
        else queries_pages.no_areas(request.user)
    )
    context: dict[str, Any] = {
        "helper": helper,
        "own": own,
        "skills": Skill.choices,
        "areas": areas,
        "slots_text": actions_teams.format_slots(helper.slots),
    }

    def work() -> Helper:
        files = uploads(request, "photo")
        chosen = (
            None
            if own
            else list(areas.filter(pk__in=[int(x) for x in request.POST.getlist("areas") if x.isdigit()]))
        )
        return actions_teams.helper_update(
            actor=request.user,
            helper=helper,
            skills=request.POST.getlist("skills"),
            slots=actions_teams.parse_slots(request.POST.get("slots", "")),
            areas=chosen,
            public_on_poster=request.POST.get("public_on_poster") == "on",
            poster_phone=request.POST.get("poster_phone", ""),
            active=request.POST.get("active") == "on" if "active_present" in request.POST else True,
            photo=files[0] if files else None,
        )

    return form_post(
        request,
        "service/helper_edit.html",
        context,
        work,
        lambda _h: redirect("service:helper_me") if own else redirect("service:team_detail", helper.team_id),
    )


@login_required
def helper_edit(request: HttpRequest, helper_id: int) -> HttpResponse:
    helper = access_helper(request.user, helper_id)

    if not may_manage(request.user, helper.path):
        raise Http404
    return _helper_form(request, helper, own=False)


@login_required
def helper_me(request: HttpRequest) -> HttpResponse:
    """A member edits their own skills, weekly slots, poster consent and photo."""
    person = person_of(request)
    helper = queries_pages.own_helper(request.user, person)
    if helper is None:
        return message_page(request, _("我的服务队信息"), _("您还不是红小二服务队队员,请联系社区报名"), 404)
    return _helper_form(request, helper, own=True)


def _building(request: HttpRequest, building_id: int) -> TerritoryNode:
    if not is_staff(request.user):
        raise Http404
    node = queries_pages.managed_building(request.user, building_id)
    if node is None:
        raise Http404
    return node


def _labels() -> dict[str, str]:
    return {
        "heading": _("有困难 找红小二"),
        "grid": _("所属网格"),
        "branch": _("网格党支部"),
        "team": _("红小二服务队"),
        "leader": _("队长"),
        "no_phone": _("请扫码联系"),
        "private": _("另有{n}名队员未公开联系方式,扫码即可通过平台联系"),
        "scan": _("扫码联系红小二(平台转达,不公开个人电话)"),
    }


def _poster(request: HttpRequest, building_id: int) -> poster.Poster:
    building = _building(request, building_id)
    url = request.build_absolute_uri(reverse("service:contact", args=[building.pk]))
    return poster.build(building, url)


@login_required
def poster_page(request: HttpRequest, building_id: int) -> HttpResponse:
    data = _poster(request, building_id)
    return render(
        request,
        "service/poster.html",
        {
            "poster": data,
            "svg": poster.svg(data, _labels()),
            "pdf_available": poster.cjk_font() is not None,
        },
    )


@login_required
def poster_svg(request: HttpRequest, building_id: int) -> HttpResponse:
    data = _poster(request, building_id)
    response = HttpResponse(poster.svg(data, _labels()), content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="poster-{data.building.code}.svg"'
    return response


@login_required
def poster_pdf(request: HttpRequest, building_id: int) -> HttpResponse:
    data = _poster(request, building_id)
    font = poster.cjk_font()
    if font is None:
        return message_page(
            request,
            _("无法生成PDF"),
            _(
                "服务器上没有中文字体,PDF无法正确显示中文。请使用“打印”或下载SVG;"
                "管理员可运行 make assets 安装自带字体,或设置环境变量 GONGZHI_CJK_FONT "
                "指向一个中文TTF/OTF字体文件,然后再生成PDF。"
            ),
            503,
        )
    response = HttpResponse(poster.pdf(data, _labels(), font), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="poster-{data.building.code}.pdf"'
    return response


@login_required
def contact(request: HttpRequest, building_id: int) -> HttpResponse:
    """The poster's QR target: order a service for this building, relayed through the platform."""
    return redirect(f"{reverse('service:order_new')}?building={int(building_id)}")
