from django.urls import path

from gongzhi.points import views_counter, views_resident, views_staff

app_name = "points"
urlpatterns = [
    path("", views_resident.index, name="index"),
    path("redeem/<int:item_id>/", views_resident.redeem, name="redeem"),
    path("redemptions/<int:redemption_id>/", views_resident.redemption_detail, name="redemption"),
    path(
        "redemptions/<int:redemption_id>/cancel/", views_resident.redemption_cancel, name="redemption_cancel"
    ),
    path("verify/", views_counter.verify, name="verify"),
    path("accounts/<int:account_id>/statement/", views_staff.statement, name="statement"),
    path("manage/rules/", views_staff.rules, name="rules"),
    path("manage/catalogue/", views_staff.catalogue, name="catalogue"),
    path("manage/items/<int:item_id>/", views_staff.item_restock, name="item_restock"),
    path("manage/flags/", views_staff.flags, name="flags"),
    path("manage/flags/<int:flag_id>/<str:decision>/", views_staff.flag_decide, name="flag_decide"),
    path("manage/award/", views_staff.award, name="award"),
    path("manage/accounts/", views_staff.accounts, name="accounts"),
]
