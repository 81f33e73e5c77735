from django.urls import path

from gongzhi.territory import views

app_name = "territory"
urlpatterns = [
    path("", views.root, name="root"),
    path("map/", views.map_view, name="map"),
    path("node/<int:node_id>/", views.node_detail, name="node"),
]
