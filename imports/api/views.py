"""Uploads through the API: POST a file (multipart, field "file"; "dry_run" optional), then GET
the upload to follow it. Token or session authentication; the same rights as the pages."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from carec_prf.api.common import Pagination
from imports.models import Upload
from imports.problems import kinds_described
from imports.selectors import LISTED, uploads_list, uploads_visible
from imports.services import upload_create
from imports.views import problems_file_response, queue
from workflow.permissions import Access


@extend_schema_field({"type": "string", "enum": Upload.Status.values})  # one enum component, the detail's
class _StatusField(serializers.ChoiceField):
    pass


class UploadListSerializer(serializers.ModelSerializer):
    """An upload in a list: its counts, never its lists of problems, notes or changes."""

    status = _StatusField(choices=Upload.Status.choices, read_only=True)

    class Meta:
        model = Upload
        fields = [name for name in LISTED if name not in ("uploaded_by", "language", "finished_at")]


class UploadSerializer(serializers.ModelSerializer):
    errors = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()

    class Meta:
        model = Upload
        fields = [
            "id",
            "original_name",
            "size",
            "sha256",
            "uploaded_at",
            "dry_run",
            "status",
            "rows_total",
            "rows_validated",
            "rows_imported",
            "created",
            "changed",
            "unchanged",
            "message",
            "notes",
            "problems_total",
            "problems",
            "errors",
            "changes",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "description": "How many problems the file has, how many are listed in errors, and the counts by kind "
            "(null when no row had a problem).",
            "properties": {
                "total": {"type": "integer"},
                "listed": {"type": "integer"},
                "summary": {"type": "string"},
                "kinds": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "column": {"type": "string"},
                            "example": {"type": "string"},
                            "count": {"type": "integer"},
                            "not_listed": {"type": "integer"},
                            "count_text": {"type": "string"},
                            "not_listed_text": {"type": "string"},
                        },
                    },
                },
                "other_kinds": {"type": "integer"},
                "other_kinds_text": {"type": "string"},
            },
        }
    )
    def get_problems(self, upload) -> dict | None:
        """The first problems' number and the counts by kind, in the reader's language."""
        if not upload.errors:
            return None
        return kinds_described(upload.problem_kinds, upload.problems_total, len(upload.errors))

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "row": {"type": "integer"},
                    "column": {"type": "string"},
                    "message": {"type": "string"},
                    "what": {"type": "string"},
                },
            },
        }
    )
    def get_errors(self, upload) -> list[dict]:
        return [
            {"row": row, "column": column, "message": message, "what": name[0] if name else ""}
            for row, column, message, *name in upload.errors
        ]


def _access(user) -> Access:
    access = Access(user)
    if not (access.is_secretariat or access.is_focal_point):
        raise PermissionDenied(_("Only the secretariat and focal points upload values."))
    return access


_UPLOAD_EXAMPLE = {
    "id": 7,
    "original_name": "trp-2023.csv",
    "size": 2048,
    "sha256": "9f2c…",
    "uploaded_at": "2024-03-01T10:00:00Z",
    "dry_run": False,
    "status": "refused",
    "rows_total": 2,
    "rows_validated": 2,
    "rows_imported": 0,
    "created": 0,
    "changed": 0,
    "unchanged": 0,
    "message": "1 problem found; nothing was imported.",
    "notes": [],
    "problems_total": 1,
    "problems": {
        "total": 1,
        "listed": 1,
        "summary": "1 problem, listed below.",
        "kinds": [
            {
                "column": "value",
                "example": "“fast” is not a number.",
                "count": 1,
                "not_listed": 0,
                "count_text": "1 problem in column “value”",
                "not_listed_text": "",
            }
        ],
        "other_kinds": 0,
        "other_kinds_text": "",
    },
    "errors": [
        {
            "row": 3,
            "column": "value",
            "message": "“fast” is not a number.",
            "what": "TRP OP 1 · ROAD_BCP_TIME · CAREC · 2023",
        }
    ],
    "changes": [],
}


class UploadListView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = UploadSerializer

    @extend_schema(
        operation_id="v1_uploads_list",
        summary="List your uploads, the latest first",
        responses={
            200: inline_serializer(
                "PaginatedUploadList",
                {
                    "count": serializers.IntegerField(),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "results": UploadListSerializer(many=True),
                },
            )
        },
    )
    def get(self, request):
        access = _access(request.user)
        paginator = Pagination()
        page = paginator.paginate_queryset(uploads_list(access=access), request, view=self)
        return paginator.get_paginated_response(UploadListSerializer(page, many=True).data)

    @extend_schema(
        summary="Upload a CSV or XLSX file of progress values",
        request=inline_serializer(
            "UploadRequest", {"file": serializers.FileField(), "dry_run": serializers.BooleanField(required=False)}
        ),
        responses={202: UploadSerializer},
        examples=[
            OpenApiExample(
                "Accepted",
                value=_UPLOAD_EXAMPLE | {"status": "pending", "errors": []},
                response_only=True,
                status_codes=["202"],
            )
        ],
    )
    def post(self, request):
        _access(request.user)
        uploaded = request.FILES.get("file")
        if uploaded is None:
            return Response({"detail": _("Send the file in the field “file”.")}, status=status.HTTP_400_BAD_REQUEST)
        if uploaded.size > settings.UPLOAD_MAX_BYTES:
            return Response(
                {
                    "detail": _("The file is %(size)s MB; uploads may be at most %(limit)s MB.")
                    % {"size": round(uploaded.size / 1e6, 1), "limit": round(settings.UPLOAD_MAX_BYTES / 1e6, 1)}
                },
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        dry_run = str(request.data.get("dry_run", "")).lower() in ("1", "true", "yes", "on")
        upload = upload_create(
            user=request.user,
            name=uploaded.name,
            data=uploaded.read(),
            dry_run=dry_run,
            language=get_language() or "en",
        )
        queue(upload.pk)
        return Response(UploadSerializer(upload).data, status=status.HTTP_202_ACCEPTED)


class UploadDetailView(APIView):
    permission_classes = [IsAuthenticated]
    serializer_class = UploadSerializer

    @extend_schema(
        summary="Follow an upload",
        responses={200: UploadSerializer},
        examples=[OpenApiExample("Refused", value=_UPLOAD_EXAMPLE, response_only=True)],
    )
    def get(self, request, pk: int):
        access = _access(request.user)
        return Response(UploadSerializer(get_object_or_404(uploads_visible(access=access), pk=pk)).data)


class UploadProblemsView(APIView):
    """The file with a column of problems, as on the upload's page."""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Download the file with a column of problems", responses={(200, "text/csv"): bytes})
    def get(self, request, pk: int):
        access = _access(request.user)
        upload = get_object_or_404(
            uploads_visible(access=access).defer("errors", "problem_kinds", "notes", "changes"), pk=pk
        )
        if not (upload.problems_file or upload.problems_total):
            return Response(
                {
                    "detail": _("This upload has no problems by row to download: %(message)s")
                    % {"message": upload.message}
                },
                status=status.HTTP_404_NOT_FOUND,
            )
        return problems_file_response(request, upload)
