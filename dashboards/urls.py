from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("dasbor/", views.dashboard, name="home"),
    path("dasbor/perbarui/", views.refresh, name="refresh"),
    path("dasbor/ekspor.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("dasbor/ekspor.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("dasbor/wilayah/<str:code>/", views.dashboard, name="area"),
]
