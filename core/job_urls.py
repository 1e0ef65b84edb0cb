from django.urls import path

from core import job_views

app_name = "jobs"

urlpatterns = [
    path("tugas/<int:pk>/", job_views.job_detail, name="job_detail"),
]
