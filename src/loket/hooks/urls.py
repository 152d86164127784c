from django.urls import path

from loket.hooks import views

app_name = "hooks"

urlpatterns = [
    path("console/webhooks/", views.page, name="page"),
    path("console/webhooks/baru/", views.create, name="create"),
    path("console/webhooks/<int:pk>/nonaktifkan/", views.deactivate, name="deactivate"),
    path("console/webhooks/<int:pk>/uji/", views.ping, name="ping"),
    path("console/webhooks/<int:pk>/ulang/", views.retry, name="retry"),
]
