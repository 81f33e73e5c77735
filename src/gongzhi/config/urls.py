from django.contrib import admin
from django.urls import include, path

from gongzhi.appeals.urls import open311_patterns
from gongzhi.config.api import api

urlpatterns = [
    # First: integrations post here hundreds of times a minute, and Django tries the prefixes in
    # order (no other prefix can match api/v1/, so the order changes no answer — decision 0031).
    path("api/v1/", api.urls),
    path("", include("gongzhi.core.urls")),
    path("accounts/", include("gongzhi.accounts.urls")),
    path("territory/", include("gongzhi.territory.urls")),
    path("people/", include("gongzhi.people.urls")),
    path("orgs/", include("gongzhi.orgs.urls")),
    path("ledgers/", include("gongzhi.ledgers.urls")),
    path("appeals/", include("gongzhi.appeals.urls")),
    path("hot/", include("gongzhi.hotissues.urls")),
    path("points/", include("gongzhi.points.urls")),
    path("service/", include("gongzhi.service.urls")),
    path("places/", include("gongzhi.places.urls")),
    path("circles/", include("gongzhi.circles.urls")),
    path("parking/", include("gongzhi.parking.urls")),
    path("projects/", include("gongzhi.projects.urls")),
    path("councils/", include("gongzhi.councils.urls")),
    path("assemblies/", include("gongzhi.assemblies.urls")),
    path("needs/", include("gongzhi.needs.urls")),
    path("open311/v2/", include((open311_patterns, "open311"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
