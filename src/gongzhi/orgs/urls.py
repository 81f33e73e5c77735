from django.urls import path

from gongzhi.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.chart, name="chart"),
    path("party/<int:party_org_id>/", views.party_org_detail, name="party_org"),
    path("organisation/<int:organisation_id>/", views.organisation_detail, name="organisation"),
]
