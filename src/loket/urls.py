"""URL map. Each capability owns its paths in its own urls module."""

from django.contrib import admin
from django.urls import include, path

from loket.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", core_views.metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("", include("loket.api.urls")),
    path("", include("loket.channels.whatsapp.urls")),
    path("", include("loket.scheduling.urls")),
    path("", include("loket.console.urls")),
    path("", include("loket.privacy.urls")),
    path("", include("loket.hooks.urls")),
    path("", include("loket.coverage.urls")),
    path("", include("loket.survey.urls")),
    path("", include("loket.outreach.urls")),
    path("", include("loket.cases.urls")),
    path("", include("loket.regions.urls")),
    path("", include("loket.jobs.urls")),
]
