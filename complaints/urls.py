from django.urls import path

from complaints import open311, views

app_name = "complaints"

urlpatterns = [
    path("pengaduan/", views.public_list, name="public_list"),
    path("pengaduan/baru/", views.create, name="create"),
    path("pengaduan/lacak/", views.track_lookup, name="track_lookup"),
    path("pengaduan/lacak/<str:code>/", views.track, name="track"),
    path("pengaduan/lacak/<str:code>/selesai/", views.track_confirm, name="track_confirm"),
    path("pengaduan/lacak/<str:code>/buka-kembali/", views.track_reopen, name="track_reopen"),
    path("pengaduan/call-center/", views.call_centre, name="call_centre"),
    path("pengaduan/kelola/", views.staff_list, name="staff_list"),
    path("pengaduan/kelola/<str:code>/", views.staff_detail, name="staff_detail"),
    path("pengaduan/kelola/<str:code>/status/", views.staff_transition, name="staff_transition"),
    path("pengaduan/kelola/<str:code>/balas/", views.staff_reply, name="staff_reply"),
    path("pengaduan/kelola/<str:code>/buka-kembali/", views.staff_reopen, name="staff_reopen"),
    path("pengaduan/kelola/<str:code>/duplikat/", views.staff_duplicate, name="staff_duplicate"),
    path("pengaduan/kelola/<str:code>/ubah/", views.staff_update, name="staff_update"),
    path("pengaduan/kelola/<str:code>/hapus/", views.staff_delete, name="staff_delete"),
    path("pengaduan/foto/<int:pk>/", views.photo, name="photo"),
    path("pengaduan/aturan/", views.routing, name="routing"),
    # Open311 GeoReport v2: every resource in XML (the spec's default) or JSON by extension.
    path("open311/v2/discovery.<str:fmt>", open311.discovery, name="open311_discovery"),
    path("open311/v2/services.<str:fmt>", open311.service_list, name="open311_services"),
    path(
        "open311/v2/services/<str:code>.<str:fmt>",
        open311.service_definition,
        name="open311_service",
    ),
    path("open311/v2/requests.<str:fmt>", open311.requests_view, name="open311_requests"),
    path(
        "open311/v2/requests/<str:request_id>.<str:fmt>",
        open311.request_detail,
        name="open311_request",
    ),
    path(
        "open311/v2/servicerequestupdates.<str:fmt>",
        open311.request_updates,
        name="open311_updates",
    ),
]
