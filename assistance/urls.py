from django.urls import path, register_converter

from assistance import views


class ExportFormat:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormat, "exportformat")

app_name = "assistance"

urlpatterns = [
    path("bantuan/", views.programme_list, name="programme_list"),
    path("bantuan/program/<str:code>/", views.programme_detail, name="programme_detail"),
    path("bantuan/program/<str:code>/tambah/", views.add_member, name="add_member"),
    path(
        "bantuan/program/<str:code>/<str:period>/penerima.<exportformat:fmt>",
        views.final_list,
        name="final_list",
    ),
    path("bantuan/impor/", views.import_start, name="import_start"),
    path("bantuan/daftar/<int:pk>/", views.list_detail, name="list_detail"),
    path("bantuan/daftar/<int:pk>/impor/", views.list_commit, name="list_commit"),
    path("bantuan/temuan/", views.flag_list, name="flag_list"),
    path("bantuan/temuan/<int:pk>/", views.flag_detail, name="flag_detail"),
    path("bantuan/tidak-terjangkau/", views.missed, name="missed"),
    path("bantuan/kesejahteraan/", views.welfare, name="welfare"),
    path("bantuan/penerimaan/", views.receipts, name="receipts"),
    path("bantuan/saya/", views.my_receipts, name="my_receipts"),
]
