from django.urls import path

from loket.scheduling import views

app_name = "scheduling"

urlpatterns = [
    path("v/<str:token>", views.verify_receipt, name="verify"),
    path("console/counter/", views.counter, name="counter"),
    path("console/printing/", views.printing_list, name="printing"),
    path("console/printing/export.<str:fmt>", views.printing_export, name="printing-export"),
    path("console/printing/mark", views.printing_mark, name="printing-mark"),
]
