from django.urls import path, re_path

from reports.dashboards import indicator_views as views
from reports.dashboards import takeaway_views

urlpatterns = [
    path("indicators/", views.indicator_index, name="indicator_index"),
    path("indicators/<str:slug>/", views.indicator_detail, name="indicator_detail"),
    path("indicators/<str:slug>/factsheet.pdf", takeaway_views.indicator_factsheet, name="indicator_factsheet"),
    re_path(
        r"^indicators/(?P<slug>[^/]+)/(?P<part_code>[A-Z0-9_]+)/(?P<table>series|countries)\.(?P<fmt>csv|xlsx)$",
        views.indicator_download,
        name="indicator_download",
    ),
    re_path(
        r"^indicators/(?P<slug>[^/]+)/(?P<part_code>[A-Z0-9_]+)/(?P<chart>series|countries)\.(?P<fmt>svg|png)$",
        takeaway_views.indicator_chart,
        name="indicator_chart",
    ),
]
