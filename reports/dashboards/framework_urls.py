from django.urls import path, re_path

from reports.dashboards import framework_views as views
from reports.dashboards import takeaway_views

urlpatterns = [
    path("", views.home, name="home"),
    path("clusters/<str:code>/", views.cluster_detail, name="cluster_detail"),
    path("sectors/<str:code>/", views.sector_detail, name="sector_detail"),
    path("countries/", views.country_index, name="country_index"),
    path("countries/<str:code>/", views.country_detail, name="country_detail"),
    re_path(
        r"^countries/(?P<code>[^/]+)/(?P<slug>[^/]+)/(?P<part_code>[A-Z0-9_]+)\.(?P<fmt>svg|png)$",
        takeaway_views.country_chart,
        name="country_chart",
    ),
    re_path(r"^ratings\.(?P<fmt>svg|png)$", takeaway_views.rating_chart, {"of": "prf"}, name="prf_rating_chart"),
    re_path(
        r"^clusters/(?P<code>[^/]+)/ratings\.(?P<fmt>svg|png)$",
        takeaway_views.rating_chart,
        {"of": "cluster"},
        name="cluster_rating_chart",
    ),
    re_path(
        r"^sectors/(?P<code>[^/]+)/ratings\.(?P<fmt>svg|png)$",
        takeaway_views.rating_chart,
        {"of": "sector"},
        name="sector_rating_chart",
    ),
    path("status/", views.reporting_status, name="reporting_status"),
    path("translations/", views.translation_status, name="translation_status"),
]
