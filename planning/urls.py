from django.urls import path

from planning import views

app_name = "planning"

urlpatterns = [
    path("musrenbang/", views.proposal_list, name="proposal_list"),
    path("musrenbang/baru/", views.proposal_new, name="proposal_new"),
    path("musrenbang/lanjutkan/", views.carry_over, name="carry_over"),
    path("musrenbang/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("musrenbang/<int:pk>/ubah/", views.proposal_edit, name="proposal_edit"),
    path("musrenbang/<int:pk>/<slug:action>/", views.proposal_action, name="proposal_action"),
    path("musrenbang/foto/<int:pk>/", views.photo, name="photo"),
    path("musrenbang/rapat/", views.meeting_list, name="meeting_list"),
    path("musrenbang/rapat/<int:pk>/", views.meeting_detail, name="meeting_detail"),
]
