"""Whistles and report-ins, the daily close-out ledger, the three rates, the holiday calendar."""

from django.urls import path

from gongzhi.appeals import views_rates, views_whistle

urlpatterns = [
    path("whistles/", views_whistle.whistle_list, name="whistles"),
    path("whistles/new/", views_whistle.whistle_blow, name="whistle_blow"),
    path("whistles/<int:whistle_id>/", views_whistle.whistle_detail, name="whistle"),
    path("whistles/<int:whistle_id>/close/", views_whistle.whistle_close, name="whistle_close"),
    path("whistles/report-in/<int:report_in_id>/", views_whistle.whistle_report_in, name="whistle_report_in"),
    path("closeout/", views_whistle.closeout_index, name="closeout_index"),
    path("closeout/<int:street_id>/<str:day>/", views_whistle.closeout, name="closeout"),
    path("closeout/<int:street_id>/<str:day>/xlsx/", views_whistle.closeout_xlsx, name="closeout_xlsx"),
    path("calendar/<int:year>/", views_whistle.calendar, name="calendar"),
    path("rates/", views_rates.rates_page, name="rates"),
    path("rates/exclusions/", views_rates.exclusions, name="rates_exclusions"),
    path(
        "rates/exclusions/request/<int:rating_id>/",
        views_rates.exclusion_request,
        name="rates_exclusion_request",
    ),
    path("rates/exclusions/<int:exclusion_id>/", views_rates.exclusion_decide, name="rates_exclusion_decide"),
]
