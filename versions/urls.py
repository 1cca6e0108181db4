from django.urls import path

from versions import views

app_name = "versions"

urlpatterns = [
    path("", views.changes_page, name="changes"),
]
