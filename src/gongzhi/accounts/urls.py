from django.urls import path

from gongzhi.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.staff_login, name="login"),
    path("resident-login/", views.resident_login, name="resident_login"),
    path("logout/", views.sign_out, name="logout"),
]
