"""Pages of the resource library (public list and map; staff editing and CSV import) and of
service-circle coverage (shares, gap map, suggested sites)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongzhi.circles import actions, queries
from gongzhi.circles.access import access_area, access_resource_to_edit, editable_areas
from gongzhi.circles.forms import CoverageForm, ImportForm, ResourceForm
from gongzhi.circles.models import Resource, ResourceKind
from gongzhi.core.scoping import get_scope


def index(request: HttpRequest) -> HttpResponse:
    """The public resource library: list and map, filtered by kind or by need."""
    kind = request.GET.get("kind", "")
    if kind and kind not in ResourceKind.values:
        kind = ""
    need = (request.GET.get("need") or "")[:40]
    rows = list(queries.public_resources(kind=kind, need=need))
    return render(
        request,
        "circles/index.html",
        {
            "resources": rows,
            "kinds": ResourceKind.choices,
            "kind": kind,
            "need": need,
            "map_data": {"resources": [[r.lon, r.lat, r.name, r.get_kind_display()] for r in rows]},
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "can_edit": get_scope(request.user).can("manage_places"),
        },
    )


def _form(request: HttpRequest, **kwargs):  # type: ignore[no-untyped-def]
    areas, owners = queries.form_choices(request.user)
    return ResourceForm(request.POST or None, areas=areas, owners=owners, **kwargs)


def _resource_page(request: HttpRequest, resource: Resource | None) -> HttpResponse:
    """New or edited resource: the form, re-rendered with the refusal beside the user's input."""
    initial = {f: getattr(resource, f) for f in actions.FIELDS} if resource is not None else None
    form = _form(request, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.resource_save(actor=request.user, resource=resource, **form.cleaned_data)
            except actions.ResourceError as exc:  # re-renders the form with the user's input
                if exc.status_code == 404:
                    raise Http404 from exc
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                return redirect("circles:manage")
    return render(request, "circles/resource_form.html", {"form": form, "resource": resource}, status=status)


def _manage_page(
    request: HttpRequest, import_form: ImportForm, status: int = 200, **extra: object
) -> HttpResponse:
    if not get_scope(request.user).can("manage_places"):
        raise Http404
    rows = queries.managed_resources(request.user)
    context = {"resources": rows, "import_form": import_form, **extra}
    return render(request, "circles/manage.html", context, status=status)


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    return _manage_page(request, ImportForm())


@login_required
def resource_new(request: HttpRequest) -> HttpResponse:
    if not get_scope(request.user).can("manage_places"):
        raise Http404
    return _resource_page(request, None)


@login_required
def resource_edit(request: HttpRequest, resource_id: int) -> HttpResponse:
    return _resource_page(request, access_resource_to_edit(request.user, resource_id))


@login_required
def resource_import(request: HttpRequest) -> HttpResponse:
    if request.method != "POST" or not get_scope(request.user).can("manage_places"):
        raise Http404
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _manage_page(request, form, 400)
    try:
        text = form.cleaned_data["file"].read().decode("utf-8")
    except UnicodeDecodeError:
        form.add_error("file", _("CSV 须为 UTF-8 编码"))
        return _manage_page(request, form, 400)
    try:
        result = actions.resource_import_csv(actor=request.user, text=text)
    except actions.ResourceError as exc:  # re-renders the upload form with the line that failed
        form.add_error("file", exc.message)
        return _manage_page(request, form, 422)
    return _manage_page(request, ImportForm(), imported=result)


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """Coverage of one area: shares, per-part table, gap map and suggested station sites."""
    node = access_area(request.user, request.GET.get("node"))
    form = CoverageForm(request.GET if "minutes" in request.GET else None)
    minutes, kinds = 15, []
    if form.is_bound:
        if not form.is_valid():
            return render(request, "circles/coverage.html", {"node": node, "form": form}, status=400)
        minutes, kinds = form.cleaned_data["minutes"], form.cleaned_data["kinds"]
    area = queries.area_coverage(node, minutes=minutes, kinds=kinds)
    return render(
        request,
        "circles/coverage.html",
        {
            "node": node,
            "form": form,
            "area": area,
            "result": area.result,
            "parts": area.by_part(),
            "suggestions": area.suggestion_points(),
            "map_data": area.map_payload(),
            "areas": [
                n for n in editable_areas(request.user) if n.level in ("district", "street", "community")
            ],
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )
