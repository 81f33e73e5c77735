"""Open311 GeoReport v2 (stub; being written)."""

from django.http import HttpRequest, JsonResponse


def _todo(request: HttpRequest, **kwargs: str) -> JsonResponse:
    return JsonResponse([{"code": 501, "description": "尚未实现"}], status=501, safe=False)


discovery = services = service_definition = requests = request_detail = _todo
