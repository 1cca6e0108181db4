"""Open data downloads: tidy CSV (streamed), JSON (streamed), XLSX, a Frictionless data
package, and SDMX (SDMX-CSV, SDMX-JSON and the SDMX-ML structure). What the reader may see:
the public data for everyone not signed in. Every file carries an ETag and a Last-Modified from
the observations' data version and answers 304 when nothing changed; the observation files take
`updated_since`. Each names the framework version in force: the JSON as a key, the XLSX in its
document properties, the CSV through the data package it links to, SDMX as the dataflow's version."""

import csv
import datetime
import io
import json

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.middleware.http import ConditionalGetMiddleware
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import decorator_from_middleware
from django.utils.http import http_date
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny

from carec_prf.api.feeds import conditional, updated_since_from
from reports import opendata
from workflow.permissions import observations_feed_version

# The files made of observations: their version is the observations' (one query, before the
# body is built, so that a 304 builds nothing and a streamed file has its ETag up front).
_observations_feed = conditional(lambda request, *args, **kwargs: observations_feed_version(request))
# The files that describe the data rather than hold it: an ETag from the body (Django's
# ConditionalGetMiddleware), with the observations' Last-Modified.
_body_etag = decorator_from_middleware(ConditionalGetMiddleware)


def _observations_changed(request):
    return observations_feed_version(request).changed or datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def _with_last_modified(response, changed: datetime.datetime):
    response["Last-Modified"] = http_date(changed.timestamp())
    return response


class _Echo:
    def write(self, value):
        return value


def _attachment(response, name: str):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _tidy(request):
    """The lookups and the tidy rows, read lazily; a bad updated_since is a 400 before any of the
    body is sent."""
    since = updated_since_from(request)
    lookups = opendata.Lookups(request.user)
    return lookups, opendata.tidy_rows(
        lookups, opendata.observation_values(get_language() or "en", request.user, since)
    )


@_observations_feed
@extend_schema(summary="All public observations as tidy CSV (streamed)", responses={(200, "text/csv"): str})
@api_view(["GET", "HEAD"])
@permission_classes([AllowAny])
def observations_csv(request):
    writer = csv.writer(_Echo())
    lookups, rows = _tidy(request)
    columns = opendata.tidy_columns(lookups)

    def lines():
        yield "\ufeff" + writer.writerow(columns)
        for row in rows:
            yield writer.writerow([opendata.csv_cell(row[c]) for c in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    # a CSV has no room for metadata: its data package names the columns and the framework version
    response["Link"] = f'<{request.build_absolute_uri(reverse("opendata-datapackage"))}>; rel="describedby"'
    return _attachment(response, "carec-prf-observations.csv")


@_observations_feed
@extend_schema(summary="All public observations as JSON (streamed)", responses={200: dict})
@api_view(["GET", "HEAD"])
@permission_classes([AllowAny])
def observations_json(request):
    lookups, rows = _tidy(request)
    columns = opendata.tidy_columns(lookups)

    def chunks():
        yield '{"framework_version": ' + json.dumps(lookups.version_label) + ', "observations": ['
        for i, row in enumerate(rows):
            yield ("," if i else "") + json.dumps({c: row[c] for c in columns}, ensure_ascii=False)
        yield "]}"

    return StreamingHttpResponse(chunks(), content_type="application/json")


@_observations_feed
@extend_schema(
    summary="All public observations as XLSX",
    responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes},
)
@api_view(["GET", "HEAD"])
@permission_classes([AllowAny])
def observations_xlsx(request):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("observations")
    lookups, rows = _tidy(request)
    workbook.properties.title = "CAREC 2030 Program Results Framework: progress values"
    workbook.properties.version = lookups.version_label
    columns = opendata.tidy_columns(lookups)
    sheet.append(columns)
    for row in rows:
        sheet.append(
            [
                value if isinstance(value, int | float | bool) or value is None else opendata.neutralise(str(value))
                for value in (row[c] for c in columns)
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return _attachment(
        HttpResponse(out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "carec-prf-observations.xlsx",
    )


@_body_etag
@extend_schema(
    summary="Ratings of indicator parts with their change since the previous value, as CSV",
    responses={(200, "text/csv"): str},
)
@api_view(["GET", "HEAD"])
@permission_classes([AllowAny])
def ratings_csv(request):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(opendata.RATING_COLUMNS)
    for row in opendata.rating_rows():
        writer.writerow([opendata.csv_cell(row[c]) for c in opendata.RATING_COLUMNS])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    return _attachment(response, "carec-prf-ratings.csv")


@_body_etag
@extend_schema(summary="Frictionless data package describing the downloads", responses={200: dict})
@api_view(["GET", "HEAD"])
@permission_classes([AllowAny])
def datapackage(request):
    base = request.build_absolute_uri(reverse("opendata-datapackage")).rsplit("datapackage.json", 1)[0]
    in_use = opendata.dimensions_used(request.user, opendata.dimensions_with_categories())
    package = opendata.datapackage(base, in_use, opendata.framework_version_label())
    return _with_last_modified(JsonResponse(package), _observations_changed(request))


@_observations_feed
@extend_schema(
    summary="Observations as SDMX-CSV 2.0", responses={(200, "application/vnd.sdmx.data+csv;version=2.0.0"): str}
)
@api_view(["GET", "HEAD"])
@permission_classes([AllowAny])
def sdmx_csv(request):
    writer = csv.writer(_Echo())
    lookups, rows = _tidy(request)
    records = opendata.sdmx_csv_records(opendata.sdmx_rows(rows, lookups), lookups)
    return _attachment(
        StreamingHttpResponse(
            (writer.writerow(r) for r in records), content_type="application/vnd.sdmx.data+csv;version=2.0.0"
        ),
        "carec-prf-sdmx.csv",
    )


@_observations_feed
@extend_schema(
    summary="Observations as SDMX-JSON 1.0", responses={(200, "application/vnd.sdmx.data+json;version=1.0.0"): dict}
)
@api_view(["GET", "HEAD"])
@permission_classes([AllowAny])
def sdmx_json(request):
    lookups, rows = _tidy(request)
    body = opendata.sdmx_json(list(opendata.sdmx_rows(rows, lookups)), lookups)
    return HttpResponse(json.dumps(body), content_type="application/vnd.sdmx.data+json;version=1.0.0")


@_body_etag
@extend_schema(
    summary="SDMX-ML data structure definition of the observations",
    responses={(200, "application/vnd.sdmx.structure+xml;version=2.1"): str},
)
@api_view(["GET", "HEAD"])
@permission_classes([AllowAny])
@throttle_classes([])
def sdmx_structure(request):
    changed = _observations_changed(request)
    return _with_last_modified(
        HttpResponse(
            opendata.sdmx_structure_xml(prepared=changed), content_type="application/vnd.sdmx.structure+xml;version=2.1"
        ),
        changed,
    )


def _power_query(csv_url: str, language: str) -> str:
    """Power Query M (Power BI, Excel) reading the CSV; value stays text since it mixes numbers,
    yes/no and level codes."""
    return (
        "let\n"
        "    Source = Csv.Document(\n"
        f'        Web.Contents("{csv_url}", [Headers = [#"Accept-Language" = "{language}"]]),\n'
        '        [Delimiter = ",", Encoding = 65001, QuoteStyle = QuoteStyle.Csv]\n'
        "    ),\n"
        "    Promoted = Table.PromoteHeaders(Source, [PromoteAllScalars = true]),\n"
        '    Typed = Table.TransformColumnTypes(Promoted, {{"year", Int64.Type}})\n'
        "in\n"
        "    Typed"
    )


def downloads_page(request):
    """The open-data page: the files, their columns, and how to connect Excel, Power BI and
    pandas (with the absolute URL of this site's CSV)."""
    csv_url = request.build_absolute_uri(reverse("opendata-csv"))
    language = get_language() or "en"
    return render(
        request,
        "indicators/downloads.html",
        {
            "csv_url": csv_url,
            # the disaggregation columns too, where values the reader may see have categories
            "columns": opendata.tidy_column_specs(
                opendata.dimensions_used(request.user, opendata.dimensions_with_categories())
            ),
            "power_query": _power_query(csv_url, language),
            "pandas": f'df = pd.read_csv("{csv_url}", storage_options={{"Accept-Language": "{language}"}})',
            "since_example": f"{csv_url}?updated_since=2025-01-31",
        },
    )
