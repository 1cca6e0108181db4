"""The open-data files under /api/v1/data/. Each answers with or without a trailing slash and never
redirects: Power BI and Excel's web connector fail on a 301 or 302."""

from django.urls import re_path

from reports.api import downloads

urlpatterns = [
    re_path(r"^observations\.csv/?$", downloads.observations_csv, name="opendata-csv"),
    re_path(r"^observations\.json/?$", downloads.observations_json, name="opendata-json"),
    re_path(r"^observations\.xlsx/?$", downloads.observations_xlsx, name="opendata-xlsx"),
    re_path(r"^datapackage\.json/?$", downloads.datapackage, name="opendata-datapackage"),
    re_path(r"^ratings\.csv/?$", downloads.ratings_csv, name="opendata-ratings-csv"),
    re_path(r"^sdmx/data\.csv/?$", downloads.sdmx_csv, name="opendata-sdmx-csv"),
    re_path(r"^sdmx/data\.json/?$", downloads.sdmx_json, name="opendata-sdmx-json"),
    re_path(r"^sdmx/structure\.xml/?$", downloads.sdmx_structure, name="opendata-sdmx-structure"),
]
