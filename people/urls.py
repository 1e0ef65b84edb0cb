from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("penduduk/", views.resident_list, name="resident_list"),
    path("penduduk/ekspor.csv", views.resident_export, name="resident_export"),
    path("penduduk/ekspor-xlsx/", views.resident_export_xlsx, name="resident_export_xlsx"),
    path("penduduk/ekspor-xlsx/<int:pk>/", views.resident_export_file, name="resident_export_file"),
    path("penduduk/<int:pk>/", views.resident_detail, name="resident_detail"),
    path("data-saya/", views.my_data, name="my_data"),
]
