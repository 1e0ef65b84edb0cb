from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("status-permohonan/", views.status, name="status"),
    path("verifikasi/", views.verify, name="verify"),
    path("aktivasi/", views.activate, name="activate"),
    path("aktivasi/kode/", views.activate_code, name="activate_code"),
    path("aktivasi/pin/", views.activate_pin, name="activate_pin"),
    path("warga/", views.dashboard, name="dashboard"),
    path("warga/nilai/<str:tracking_code>/", views.rate, name="rate"),
    path("anjungan/", views.kiosk_start, name="kiosk_start"),
    path("anjungan/perangkat/", views.kiosk_setup, name="kiosk_setup"),
    path("anjungan/lepas/", views.kiosk_exit, name="kiosk_exit"),
    path("anjungan/menu/", views.kiosk_menu, name="kiosk_menu"),
    path("anjungan/layanan/", views.kiosk_services, name="kiosk_services"),
    path("anjungan/layanan/<slug:code>/", views.kiosk_apply, name="kiosk_apply"),
    path("anjungan/dokumen/", views.kiosk_documents, name="kiosk_documents"),
    path("anjungan/dokumen/<int:pk>/", views.kiosk_print, name="kiosk_print"),
    path("anjungan/dokumen/<int:pk>/pdf/", views.kiosk_pdf, name="kiosk_pdf"),
    path("anjungan/selesai/", views.kiosk_finish, name="kiosk_finish"),
    path("anjungan/aktif/", views.kiosk_ping, name="kiosk_ping"),
]
