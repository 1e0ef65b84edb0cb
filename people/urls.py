from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("penduduk/", views.resident_list, name="resident_list"),
    path("penduduk/<int:pk>/", views.resident_detail, name="resident_detail"),
    path("data-saya/", views.my_data, name="my_data"),
]
