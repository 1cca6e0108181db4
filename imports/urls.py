from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.upload_page, name="upload"),
    path("template/", views.template_download, name="template"),
    path("<int:pk>/", views.upload_detail, name="detail"),
    path("<int:pk>/progress/", views.upload_progress, name="progress"),
    path("<int:pk>/problems/", views.upload_errors, name="errors"),
]
