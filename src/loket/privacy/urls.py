from django.urls import path

from loket.privacy import views

app_name = "privacy"

urlpatterns = [
    path("console/hapus-data/", views.erasures, name="erasures"),
    path("console/hapus-data/<int:pk>/hapus/", views.confirm_erasure, name="confirm"),
    path("console/hapus-data/<int:pk>/tolak/", views.refuse_erasure, name="refuse"),
]
