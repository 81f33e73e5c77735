from django.urls import path

from gongzhi.projects import views_public, views_resident, views_staff

app_name = "projects"
urlpatterns = [
    path("", views_public.index, name="index"),
    path("round/<int:round_id>/", views_public.round_page, name="round"),
    path("round/<int:round_id>/propose/", views_resident.propose, name="propose"),
    path("p/<int:proposal_id>/", views_public.proposal_page, name="proposal"),
    path("p/<int:proposal_id>/comment/", views_resident.comment, name="comment"),
    path("p/<int:proposal_id>/rate/", views_resident.rate, name="rate"),
    path("vote/<int:vote_id>/", views_public.vote_page, name="vote"),
    path("vote/<int:vote_id>/ballot/", views_resident.ballot, name="ballot"),
    path("manage/", views_staff.manage, name="manage"),
    path("manage/round/<int:round_id>/", views_staff.manage_round, name="manage_round"),
    path("manage/p/<int:proposal_id>/", views_staff.manage_proposal, name="manage_proposal"),
    path("manage/vote/<int:vote_id>/", views_staff.manage_vote, name="manage_vote"),
]
