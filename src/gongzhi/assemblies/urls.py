from django.urls import path

from gongzhi.assemblies import views_owner, views_staff

app_name = "assemblies"
urlpatterns = [
    path("", views_staff.index, name="index"),
    path("<int:assembly_id>/", views_staff.detail, name="detail"),
    path("<int:assembly_id>/matters/", views_staff.add_matter, name="add_matter"),
    path("<int:assembly_id>/elections/", views_staff.add_election, name="add_election"),
    path("<int:assembly_id>/proxies/", views_staff.add_proxy, name="add_proxy"),
    path("<int:assembly_id>/transition/", views_staff.transition, name="transition"),
    path("<int:assembly_id>/ballot/", views_owner.ballot, name="ballot"),
    path("compound/<int:compound_id>/register/", views_staff.register, name="register"),
    path("compound/<int:compound_id>/register/import/", views_staff.register_import, name="register_import"),
    path("compound/<int:compound_id>/rate/", views_owner.rate_branch, name="rate_branch"),
    path("rate/", views_owner.rate, name="rate"),
]
