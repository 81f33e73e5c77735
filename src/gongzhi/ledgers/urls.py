from django.urls import path

from gongzhi.ledgers import views

app_name = "ledgers"
urlpatterns = [
    path("", views.index, name="index"),
    path("preview/", views.preview, name="preview"),
    path("batches/<int:batch_id>/", views.batch, name="batch"),
    path("batches/<int:batch_id>/confirm/", views.confirm, name="confirm"),
    path("batches/<int:batch_id>/cancel/", views.cancel, name="cancel"),
    path("<slug:kind>/export/", views.export, name="export"),
    path("<slug:kind>/template/", views.template, name="template"),
]
