from django.urls import path

from imports.api import views

urlpatterns = [
    path("uploads/", views.UploadListView.as_view(), name="api-uploads"),
    path("uploads/<int:pk>/", views.UploadDetailView.as_view(), name="api-upload"),
    path("uploads/<int:pk>/problems/", views.UploadProblemsView.as_view(), name="api-upload-problems"),
]
