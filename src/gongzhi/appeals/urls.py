"""/appeals/…: the web pages of 接诉即办 — intake pages, workbenches, the appeal page, the inbox and
the public board; whistles and report-ins, the daily close-out ledger, the three rates and the
holiday calendar; and the Open311 endpoints (open311_patterns)."""

from django.urls import include, path

from gongzhi.appeals import open311, views_intake, views_rates, views_whistle, views_work

app_name = "appeals"

# /appeals/<id>/…: one appeal
appeal_patterns = [
    path("", views_work.detail, name="detail"),
    path("submitted/", views_intake.submitted, name="submitted"),
    path("photos/<int:photo_id>/", views_intake.photo, name="photo"),
    path("suggestion/<int:rank>/dispatch/", views_work.dispatch_suggestion, name="dispatch_suggestion"),
    path("<slug:action>/", views_work.act, name="act"),
]
whistle_patterns = [
    path("", views_whistle.whistle_list, name="whistles"),
    path("new/", views_whistle.whistle_blow, name="whistle_blow"),
    path("<int:whistle_id>/", views_whistle.whistle_detail, name="whistle"),
    path("<int:whistle_id>/close/", views_whistle.whistle_close, name="whistle_close"),
    path("report-in/<int:report_in_id>/", views_whistle.whistle_report_in, name="whistle_report_in"),
]
closeout_patterns = [
    path("", views_whistle.closeout_index, name="closeout_index"),
    path("<int:street_id>/<str:day>/", views_whistle.closeout, name="closeout"),
    path("<int:street_id>/<str:day>/xlsx/", views_whistle.closeout_xlsx, name="closeout_xlsx"),
]
rates_patterns = [
    path("", views_rates.rates_page, name="rates"),
    path("exclusions/", views_rates.exclusions, name="rates_exclusions"),
    path(
        "exclusions/request/<int:rating_id>/", views_rates.exclusion_request, name="rates_exclusion_request"
    ),
    path("exclusions/<int:exclusion_id>/", views_rates.exclusion_decide, name="rates_exclusion_decide"),
]
urlpatterns = [
    path("", views_work.home, name="home"),
    path("new/", views_intake.submit, name="submit"),
    path("hotline/", views_intake.hotline, name="hotline"),
    path("patrol/", views_intake.patrol, name="patrol"),
    path("mine/", views_work.mine, name="mine"),
    path("queue/", views_work.queue, name="queue"),
    path("triage/", views_work.triage, name="triage"),
    path("all/", views_work.appeal_list, name="list"),
    path("inbox/", views_work.inbox, name="inbox"),
    path("inbox/read/", views_work.inbox_read, name="inbox_read"),
    path("board/", views_work.board, name="board"),
    path("board/switch/", views_work.board_switch, name="board_switch"),
    path("<int:appeal_id>/", include(appeal_patterns)),
    path("whistles/", include(whistle_patterns)),
    path("closeout/", include(closeout_patterns)),
    path("calendar/<int:year>/", views_whistle.calendar, name="calendar"),
    path("rates/", include(rates_patterns)),
]

# /open311/v2/…: GeoReport v2 for machines (JSON; decision 0008), mounted by config/urls.py as the
# "open311" namespace
open311_patterns = [
    path("discovery.json", open311.discovery, name="discovery"),
    path("services.json", open311.services, name="services"),
    path("services/<str:code>.json", open311.service_definition, name="service"),
    path("requests.json", open311.requests, name="requests"),
    path("requests/<str:request_id>.json", open311.request_detail, name="request"),
]
