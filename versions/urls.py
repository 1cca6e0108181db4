from django.urls import path

from versions import views

app_name = "versions"

urlpatterns = [
    path("changes/", views.changes_page, name="changes"),
    path("revisions/", views.revision_list, name="revisions"),
    path("revisions/<str:label>/", views.revision_detail, name="revision"),
    path("revisions/<str:label>/preview/", views.revision_preview, name="preview"),
]
