from django.urls import path

from gongzhi.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("exact/", views.exact_search, name="exact_search"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/reveal/", views.reveal, name="reveal"),
]
