from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.edition_list, name="edition_list"),
    path("jobs/<int:pk>/", views.render_job_status, name="render_job_status"),
    path("jobs/<int:pk>/file/", views.render_job_file, name="render_job_file"),
    path("<slug:code>/", views.edition_detail, name="edition_detail"),
    path("<slug:code>/submit/", views.edition_submit, name="edition_submit"),
    path("<slug:code>/return/", views.edition_return, name="edition_return"),
    path("<slug:code>/publish/", views.edition_publish, name="edition_publish"),
    path("<slug:code>/render/", views.edition_render, name="edition_render"),
    path("<slug:code>/render/status/", views.edition_render_status, name="edition_render_status"),
]
