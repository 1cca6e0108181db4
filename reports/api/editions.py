"""Report editions in the API: published ones for everyone, drafts for the secretariat, and a
published edition's files (HTML, PDF, XLSX, DOCX in each language)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from carec_prf.api.common import LanguageMixin, PublicCacheMixin, TranslatedField
from reports.models import RenderJob, ReportEdition
from reports.render import CONTENT_TYPES, FORMATS
from reports.selectors import editions_visible
from reports.services import render_job_request


class EditionFileSerializer(serializers.Serializer):
    language = serializers.CharField()
    format = serializers.CharField()
    content_type = serializers.CharField()
    url = serializers.CharField()


class RenderingSerializer(serializers.Serializer):
    status = serializers.CharField()
    progress = serializers.IntegerField()


def extend_schema_field_files(method):
    from drf_spectacular.utils import extend_schema_field

    return extend_schema_field(EditionFileSerializer(many=True))(method)


class EditionSerializer(serializers.ModelSerializer):
    title = TranslatedField("title")
    summary = TranslatedField("summary")
    sector = serializers.CharField(source="sector.code", default=None)
    method = serializers.IntegerField(source="method.version")
    previous = serializers.CharField(source="previous.code", default=None)
    files = serializers.SerializerMethodField()

    @extend_schema_field_files
    def get_files(self, edition: ReportEdition) -> list[dict]:
        """Where each file of a published edition is downloaded (none for a draft)."""
        if not edition.is_published:
            return []
        request = self.context.get("request")
        absolute = request.build_absolute_uri if request is not None else str
        return [
            {
                "language": language,
                "format": format,
                "content_type": CONTENT_TYPES[format],
                "url": absolute(reverse("edition-file", args=[edition.code, language, format])),
            }
            for language, _name in settings.LANGUAGES
            for format in FORMATS
        ]

    class Meta:
        model = ReportEdition
        fields = [
            "code",
            "kind",
            "title",
            "summary",
            "sector",
            "period_start",
            "period_end",
            "cut_off",
            "method",
            "previous",
            "status",
            "published_at",
            "files",
        ]


@extend_schema_view(
    list=extend_schema(
        summary="Report editions (the DEfR and sector progress reports)",
        examples=[
            OpenApiExample(
                "DEfR 2021",
                response_only=True,
                value=[
                    {
                        "code": "2021",
                        "kind": "review",
                        "title": "Development Effectiveness Review 2021",
                        "summary": "",
                        "sector": None,
                        "period_start": "2018-01-01",
                        "period_end": "2020-12-31",
                        "cut_off": 2020,
                        "method": 1,
                        "previous": None,
                        "status": "published",
                        "published_at": "2021-11-15T00:00:00Z",
                        "files": [
                            {
                                "language": "zh-hans",
                                "format": "docx",
                                "content_type": CONTENT_TYPES["docx"],
                                "url": "https://carec.example.org/api/v1/editions/2021/files/zh-hans/docx",
                            }
                        ],
                    }
                ],
            )
        ],
    ),
    retrieve=extend_schema(summary="One report edition; its ratings are /api/v1/ratings/?year=<cut_off>"),
)
class EditionViewSet(PublicCacheMixin, LanguageMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = EditionSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"  # any code reaches the view, which answers an unknown one in JSON
    permission_classes = [AllowAny]
    queryset = ReportEdition.objects.none()

    def get_queryset(self):
        return editions_visible(user=self.request.user).order_by("-period_end", "code")

    @extend_schema(
        summary="A published edition's file in one language and format",
        description="The file itself when it has been rendered; otherwise its rendering is queued and the answer is "
        "202 with its progress: ask again after Retry-After seconds.",
        parameters=[
            OpenApiParameter("language", str, OpenApiParameter.PATH, enum=[code for code, _name in settings.LANGUAGES]),
            OpenApiParameter("file_format", str, OpenApiParameter.PATH, enum=list(FORMATS)),
        ],
        responses={
            **{(200, CONTENT_TYPES[format].split(";")[0]): OpenApiTypes.BINARY for format in FORMATS},
            202: RenderingSerializer,
            400: OpenApiTypes.OBJECT,
            404: OpenApiTypes.OBJECT,
        },
    )
    @action(detail=True, url_path=r"files/(?P<language>[^/]+)/(?P<file_format>[^/]+)", url_name="file")
    def file(self, request, code=None, language=None, file_format=None):
        edition = self.get_object()
        if not edition.is_published:
            raise exceptions.NotFound(_("Only a published edition's files can be downloaded here."))
        try:
            job = render_job_request(user=request.user, edition=edition, language=language, format=file_format)
        except ValidationError as error:
            raise exceptions.ValidationError({"detail": error.messages}) from None
        job.refresh_from_db()
        if job.status == RenderJob.Status.DONE and job.file:
            return FileResponse(
                job.file.open("rb"),
                content_type=CONTENT_TYPES[job.format],
                as_attachment=job.format != "html",
                filename=f"carec-report-{edition.code}-{job.language}.{job.format}",
            )
        response = Response({"status": job.status, "progress": job.progress}, status=status.HTTP_202_ACCEPTED)
        response["Retry-After"] = "5"
        return response
