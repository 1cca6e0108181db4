"""Open data downloads: tidy CSV (streamed), JSON (streamed), XLSX, a Frictionless data
package, and SDMX (SDMX-CSV, SDMX-JSON and the SDMX-ML structure). What the reader may see:
the public data for everyone not signed in."""

import csv
import io
import json

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny

from reports import opendata


class _Echo:
    def write(self, value):
        return value


def _attachment(response, name: str):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _tidy(request):
    lookups = opendata.Lookups()
    return opendata.tidy_rows(lookups, opendata.observation_values(get_language() or "en", request.user))


@extend_schema(summary="All public observations as tidy CSV (streamed)", responses={(200, "text/csv"): str})
@api_view(["GET"])
@permission_classes([AllowAny])
def observations_csv(request):
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(opendata.COLUMNS)
        for row in _tidy(request):
            yield writer.writerow([opendata.csv_cell(row[c]) for c in opendata.COLUMNS])

    return _attachment(
        StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8"), "carec-prf-observations.csv"
    )


@extend_schema(summary="All public observations as JSON (streamed)", responses={200: dict})
@api_view(["GET"])
@permission_classes([AllowAny])
def observations_json(request):
    def chunks():
        yield '{"observations": ['
        for i, row in enumerate(_tidy(request)):
            yield ("," if i else "") + json.dumps(row, ensure_ascii=False)
        yield "]}"

    return StreamingHttpResponse(chunks(), content_type="application/json")


@extend_schema(
    summary="All public observations as XLSX",
    responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def observations_xlsx(request):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("observations")
    sheet.append(opendata.COLUMNS)
    for row in _tidy(request):
        sheet.append(
            [
                value if isinstance(value, int | float | bool) or value is None else opendata.neutralise(str(value))
                for value in (row[c] for c in opendata.COLUMNS)
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return _attachment(
        HttpResponse(out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "carec-prf-observations.xlsx",
    )


@extend_schema(summary="Frictionless data package describing the downloads", responses={200: dict})
@api_view(["GET"])
@permission_classes([AllowAny])
def datapackage(request):
    base = request.build_absolute_uri(reverse("opendata-datapackage")).rsplit("datapackage.json", 1)[0]
    return JsonResponse(opendata.datapackage(base))


@extend_schema(
    summary="Observations as SDMX-CSV 2.0", responses={(200, "application/vnd.sdmx.data+csv;version=2.0.0"): str}
)
@api_view(["GET"])
@permission_classes([AllowAny])
def sdmx_csv(request):
    writer = csv.writer(_Echo())
    records = opendata.sdmx_csv_records(opendata.sdmx_rows(_tidy(request)))
    return _attachment(
        StreamingHttpResponse(
            (writer.writerow(r) for r in records), content_type="application/vnd.sdmx.data+csv;version=2.0.0"
        ),
        "carec-prf-sdmx.csv",
    )


@extend_schema(
    summary="Observations as SDMX-JSON 1.0", responses={(200, "application/vnd.sdmx.data+json;version=1.0.0"): dict}
)
@api_view(["GET"])
@permission_classes([AllowAny])
def sdmx_json(request):
    body = opendata.sdmx_json(list(opendata.sdmx_rows(_tidy(request))))
    return HttpResponse(json.dumps(body), content_type="application/vnd.sdmx.data+json;version=1.0.0")


@extend_schema(
    summary="SDMX-ML data structure definition of the observations",
    responses={(200, "application/vnd.sdmx.structure+xml;version=2.1"): str},
)
@api_view(["GET"])
@permission_classes([AllowAny])
@throttle_classes([])
def sdmx_structure(request):
    return HttpResponse(opendata.sdmx_structure_xml(), content_type="application/vnd.sdmx.structure+xml;version=2.1")


def downloads_page(request):
    return render(request, "indicators/downloads.html")
