from django.urls import path

from gongzhi.parking import views

app_name = "parking"
urlpatterns = [
    path("", views.index, name="index"),
    path("offers/<int:offer_id>/apply/", views.apply, name="apply"),
    path("applications/<int:application_id>/withdraw/", views.withdraw, name="withdraw"),
    path("permits/<int:permit_id>/", views.permit_detail, name="permit"),
    path("permits/<int:permit_id>/revoke/", views.revoke, name="revoke"),
    path("check/<str:code>/", views.check, name="check"),
    path("draws/<int:draw_id>/", views.draw_detail, name="draw"),
    path("offers/<int:offer_id>/", views.offer_public, name="offer_public"),
    path("manage/", views.manage, name="manage"),
    path("manage/offers/new/", views.offer_new, name="offer_new"),
    path("manage/offers/<int:offer_id>/", views.offer_detail, name="offer"),
    path("manage/offers/<int:offer_id>/edit/", views.offer_edit, name="offer_edit"),
    path("units/<int:org_id>/", views.unit, name="unit"),
]
