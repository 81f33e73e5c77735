from django.urls import path

from gongzhi.councils import views

app_name = "councils"
urlpatterns = [
    path("", views.index, name="index"),
    path("overdue/", views.overdue, name="overdue"),
    path("public/<int:community_id>/", views.public, name="public"),
    path("<int:council_id>/", views.council, name="council"),
    path("<int:council_id>/seats/", views.seat_add, name="seat_add"),
    path("<int:council_id>/meetings/", views.meeting_add, name="meeting_add"),
    path("meetings/<int:meeting_id>/", views.meeting, name="meeting"),
    path("meetings/<int:meeting_id>/agenda/", views.agenda_add, name="agenda_add"),
    path("meetings/<int:meeting_id>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:meeting_id>/minutes/", views.minutes, name="minutes"),
    path("meetings/<int:meeting_id>/decisions/", views.decision_add, name="decision_add"),
    path("decisions/<int:decision_id>/", views.decision, name="decision"),
    path("decisions/<int:decision_id>/status/", views.decision_transition, name="decision_transition"),
    path("decisions/<int:decision_id>/evidence/", views.evidence_add, name="evidence_add"),
    path(
        "decisions/<int:decision_id>/evidence/<int:evidence_id>/", views.evidence_file, name="evidence_file"
    ),
]
