from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from core import health, views

urlpatterns = [
    path("healthz", health.alive, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says; send them to the static icon.
    path("favicon.ico", views.favicon),
    path("readyz", health.ready, name="readyz"),
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("", include("accounts.urls")),
    path("", include("people.urls")),
    path("", include("core.urls")),
    path("", include("core.job_urls")),
    path("", include("documents.urls")),
    path("", include("services.urls")),
    path("", include("portal.urls")),
    path("", include("complaints.urls")),
    path("", include("assistance.urls")),
    path("", include("health.urls")),
    path("", include("economy.urls")),
    path("", include("planning.urls")),
    path("", include("rollout.urls")),
    path("", include("queues.urls")),
    path("", include("dashboards.urls")),
    path("", include("security.urls")),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
