"""Intake pages, workbenches, the appeal page, the inbox and the public board."""

from django.urls import path

from gongzhi.appeals import views_intake, views_work

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
    path("<int:appeal_id>/", views_work.detail, name="detail"),
    path("<int:appeal_id>/submitted/", views_intake.submitted, name="submitted"),
    path("<int:appeal_id>/photos/<int:photo_id>/", views_intake.photo, name="photo"),
    path(
        "<int:appeal_id>/suggestion/<int:rank>/dispatch/",
        views_work.dispatch_suggestion,
        name="dispatch_suggestion",
    ),
    path("<int:appeal_id>/<slug:action>/", views_work.act, name="act"),
]
