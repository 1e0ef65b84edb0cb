from django.urls import path

from economy import views

app_name = "economy"

urlpatterns = [
    path("umkm/", views.business_list, name="business_list"),
    path("umkm/baru/", views.business_new, name="business_new"),
    path("umkm/<int:pk>/", views.business_detail, name="business_detail"),
    path("umkm/<int:pk>/<slug:action>/", views.business_action, name="business_action"),
    path("umkm/pelatihan/", views.training_list, name="training_list"),
    path("umkm/pelatihan/<int:pk>/", views.training_detail, name="training_detail"),
    path("umkm/sembako/", views.grocery_list, name="grocery_list"),
    path("umkm/sembako/<int:pk>/", views.grocery_detail, name="grocery_detail"),
    path("umkm/sembako/laporan/", views.grocery_report, name="grocery_report"),
]
