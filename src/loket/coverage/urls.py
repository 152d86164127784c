from django.urls import path
from django.views.generic import RedirectView

from loket.coverage import planner_views, views

app_name = "coverage"

urlpatterns = [
    path("console/dashboard/", RedirectView.as_view(url="/console/coverage/"), name="dashboard_alias"),
    path("console/coverage/", views.dashboard, name="dashboard"),
    path("console/coverage/trend/", views.trend, name="trend"),
    path("console/coverage/priorities/", views.priorities, name="priorities"),
    path("console/coverage/service/", views.service_quality, name="service"),
    path("console/coverage/rencana/", planner_views.plan_page, name="plan"),
    path("console/coverage/imports/", views.imports, name="imports"),
    path("console/coverage/imports/confirm/", views.import_confirm, name="import_confirm"),
    path("console/coverage/imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("console/coverage/review/<str:kind>/<int:pk>/", views.review_figure, name="review"),
    path("console/coverage/export/<str:name>.<str:fmt>", views.export, name="export"),
    path("console/coverage/report.pdf", views.monthly_pdf, name="monthly_pdf"),
    path("console/coverage/kecamatan.geojson", views.kecamatan_geojson, name="geojson"),
]
