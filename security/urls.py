from django.urls import path

from security import views

app_name = "security"

urlpatterns = [
    path("masuk/kode/", views.verify, name="verify"),
    path("akun/dua-langkah/", views.enrol, name="enrol"),
    path("data-saya/riwayat-akses/", views.access_history, name="access_history"),
]
