from django.urls import path

from loket.outreach import views

app_name = "outreach"

urlpatterns = [
    path("console/kampanye/", views.campaign_list, name="campaigns"),
    path("console/kampanye/<int:pk>/", views.campaign_page, name="campaign"),
    path("console/kampanye/<int:pk>/poster/<str:kode>.pdf", views.poster_pdf, name="poster"),
]
