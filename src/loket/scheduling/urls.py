from django.urls import path

from loket.scheduling import views

app_name = "scheduling"

urlpatterns = [
    path("v/<str:token>", views.verify_receipt, name="verify"),
]
