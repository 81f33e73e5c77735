from django.urls import path

from gongzhi.circles import views

app_name = "circles"
urlpatterns = [
    path("", views.index, name="index"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.resource_new, name="new"),
    path("manage/<int:resource_id>/", views.resource_edit, name="edit"),
    path("manage/import/", views.resource_import, name="import"),
    path("coverage/", views.coverage, name="coverage"),
]
