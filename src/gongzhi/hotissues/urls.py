from django.urls import path

from gongzhi.hotissues import views

app_name = "hotissues"
urlpatterns = [
    path("", views.hot, name="hot"),
    path("similar/", views.similar, name="similar"),
    path("<int:appeal_id>/support/", views.support, name="support"),
]
