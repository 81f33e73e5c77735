"""/open311/v2/: GeoReport v2 (JSON only)."""

from django.urls import path

from gongzhi.appeals import open311

app_name = "open311"
urlpatterns = [
    path("discovery.json", open311.discovery, name="discovery"),
    path("services.json", open311.services, name="services"),
    path("services/<str:code>.json", open311.service_definition, name="service"),
    path("requests.json", open311.requests, name="requests"),
    path("requests/<str:request_id>.json", open311.request_detail, name="request"),
]
