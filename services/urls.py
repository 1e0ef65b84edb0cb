from django.urls import path

from services import views

app_name = "services"

urlpatterns = [
    path("layanan/", views.catalogue, name="catalogue"),
    path("layanan/<slug:code>/", views.service_detail, name="service_detail"),
    path("layanan/<slug:code>/ajukan/", views.apply, name="apply"),
    path("permohonan/", views.application_list, name="application_list"),
    path("permohonan/ekspor.csv", views.application_export, name="application_export"),
    path("permohonan/ekspor-xlsx/", views.application_export_xlsx, name="application_export_xlsx"),
    path(
        "permohonan/ekspor-xlsx/<int:pk>/",
        views.application_export_file,
        name="application_export_file",
    ),
    path("permohonan/verifikasi-massal/", views.bulk_verify, name="bulk_verify"),
    path("permohonan/<str:tracking_code>/", views.application_detail, name="application_detail"),
    path("permohonan/<str:tracking_code>/ubah/", views.application_edit, name="application_edit"),
    path(
        "permohonan/<str:tracking_code>/tindakan/",
        views.application_action,
        name="application_action",
    ),
    path("permohonan/<str:tracking_code>/catatan/", views.note_add, name="note_add"),
    path("permohonan/<str:tracking_code>/pratinjau/", views.preview, name="preview"),
    path(
        "permohonan/<str:tracking_code>/lampiran/",
        views.attachment_upload,
        name="attachment_upload",
    ),
    path(
        "permohonan/<str:tracking_code>/lampiran/<int:pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "permohonan/<str:tracking_code>/lampiran/<int:pk>/hapus/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("kelola-layanan/", views.manage_list, name="manage_list"),
    path("kelola-layanan/<slug:code>/", views.manage_edit, name="manage_edit"),
]
