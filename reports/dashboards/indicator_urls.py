from django.urls import path, re_path

from reports.dashboards import indicator_views as views

urlpatterns = [
    path("indicators/", views.indicator_index, name="indicator_index"),
    path("indicators/<str:slug>/", views.indicator_detail, name="indicator_detail"),
    re_path(
        r"^indicators/(?P<slug>[^/]+)/(?P<part_code>[A-Z0-9_]+)/(?P<table>series|countries)\.(?P<fmt>csv|xlsx)$",
        views.indicator_download,
        name="indicator_download",
    ),
]
