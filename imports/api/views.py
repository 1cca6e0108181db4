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

from imports.models import Upload
from imports.services import upload_create
from imports.views import queue
from workflow.permissions import Access


class UploadSerializer(serializers.ModelSerializer):
    errors = serializers.SerializerMethodField()

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
            "errors",
            "changes",
        ]

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"row": {"type": "integer"}, "column": {"type": "string"}, "message": {"type": "string"}},
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
    "message": "1 problems found; nothing was imported.",
    "notes": [],
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
        uploads = Upload.objects.all() if access.is_secretariat else Upload.objects.filter(uploaded_by=request.user)
        return Response(UploadSerializer(get_object_or_404(uploads, pk=pk)).data)
