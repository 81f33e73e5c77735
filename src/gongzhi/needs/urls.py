from django.urls import path

from gongzhi.needs import views

app_name = "needs"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.resident, name="resident"),
    path("promote/", views.promote, name="promote"),
    path("<int:need_id>/", views.need, name="need"),
    path("<int:need_id>/pair/", views.pair, name="pair"),
    path("pairings/<int:pairing_id>/", views.pairing_step, name="pairing_step"),
]
