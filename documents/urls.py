from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("verifikasi/<str:token>/", views.verify, name="verify"),
    path("dokumen/<int:pk>/unduh/", views.download, name="download"),
    path("dokumen/<int:pk>/cabut/", views.revoke, name="revoke"),
    path("dokumen/templat/", views.template_list, name="template_list"),
    path("dokumen/templat/<slug:code>/", views.template_edit, name="template_edit"),
]
