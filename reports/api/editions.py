"""Report editions in the API: published ones for everyone, drafts for the secretariat."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from carec_prf.api.common import LanguageMixin, PublicCacheMixin, TranslatedField
from reports.models import ReportEdition
from reports.selectors import editions_visible


class EditionSerializer(serializers.ModelSerializer):
    title = TranslatedField("title")
    summary = TranslatedField("summary")
    sector = serializers.CharField(source="sector.code", default=None)
    method = serializers.IntegerField(source="method.version")
    previous = serializers.CharField(source="previous.code", default=None)

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
    permission_classes = [AllowAny]
    queryset = ReportEdition.objects.none()

    def get_queryset(self):
        return editions_visible(user=self.request.user).order_by("-period_end", "code")
