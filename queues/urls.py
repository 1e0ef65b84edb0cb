from django.urls import path

from queues import views

app_name = "queues"

urlpatterns = [
    path("antrean/", views.point_list, name="point_list"),
    path("antrean/ambil/", views.take_ticket, name="take_ticket"),
    path("antrean/tiket/<str:token>/", views.ticket_detail, name="ticket_detail"),
    path("antrean/loket/<int:pk>/", views.counter_screen, name="counter_screen"),
    path("antrean/<slug:code>/layar/", views.display_board, name="display_board"),
    path("antrean/<slug:code>/layar/data/", views.board_data, name="board_data"),
]
