from django.urls import path

from loket.survey import views

app_name = "survey"

urlpatterns = [
    path("console/skm/", views.report_page, name="report"),
    path("console/skm/ikm.xlsx", views.export, {"fmt": "xlsx"}, name="xlsx"),
    path("console/skm/ikm.pdf", views.export, {"fmt": "pdf"}, name="pdf"),
]
