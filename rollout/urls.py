from django.urls import path

from rollout import views

app_name = "rollout"

urlpatterns = [
    path("penerapan/", views.overview, name="overview"),
    path("penerapan/layanan/", views.service_stages, name="service_stages"),
    path("penerapan/desa/<str:code>/", views.village_checklist, name="village_checklist"),
    path("kuesioner/", views.questionnaire_list, name="questionnaire_list"),
    path("kuesioner/baru/", views.questionnaire_new, name="questionnaire_new"),
    path("kuesioner/<int:pk>/", views.questionnaire_detail, name="questionnaire_detail"),
    path("kuesioner/putaran/<int:pk>/", views.round_results, name="round_results"),
    path("kuesioner/putaran/<int:pk>/jawab/", views.round_answer, name="round_answer"),
]
