from django.urls import path

from reports.api import downloads

urlpatterns = [
    path("observations.csv", downloads.observations_csv, name="opendata-csv"),
    path("observations.json", downloads.observations_json, name="opendata-json"),
    path("observations.xlsx", downloads.observations_xlsx, name="opendata-xlsx"),
    path("datapackage.json", downloads.datapackage, name="opendata-datapackage"),
    path("sdmx/data.csv", downloads.sdmx_csv, name="opendata-sdmx-csv"),
    path("sdmx/data.json", downloads.sdmx_json, name="opendata-sdmx-json"),
    path("sdmx/structure.xml", downloads.sdmx_structure, name="opendata-sdmx-structure"),
]
