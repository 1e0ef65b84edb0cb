from django.urls import path

from health import views

app_name = "health"

urlpatterns = [
    path("kesehatan/", views.dashboard, name="dashboard"),
    path("kesehatan/vaksinasi/impor/", views.import_upload, name="import_upload"),
    path("kesehatan/vaksinasi/impor/<int:pk>/", views.import_detail, name="import_detail"),
    path("kesehatan/vaksinasi/ekspor/fhir/", views.export_fhir, name="export_fhir"),
    path("kesehatan/vaksinasi/ekspor/csv/", views.export_csv, name="export_csv"),
    path("kesehatan/vaksinasi/desa/<int:village_id>/sasaran/", views.outreach, name="outreach"),
    path("kesehatan/isolasi/", views.places, name="places"),
    path("kesehatan/isolasi/baru/", views.house_edit, name="house_create"),
    path("kesehatan/isolasi/<int:pk>/", views.house_detail, name="house_detail"),
    path("kesehatan/isolasi/<int:pk>/ubah/", views.house_edit, name="house_edit"),
    path("kesehatan/terdampak/", views.affected_list, name="affected_list"),
    path("kesehatan/terdampak/lapor/", views.affected_report, name="affected_report"),
    path("kesehatan/terdampak/prioritas/", views.priority, name="priority"),
    path("kesehatan/terdampak/<int:pk>/", views.affected_detail, name="affected_detail"),
    path("lapor-terdampak/", views.self_report, name="self_report"),
]
