"""Read-only API of the framework's shape."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from carec_prf.api.common import CodeLookupMixin, LanguageMixin, PublicCacheMixin, TranslatedField, response_example
from clusters.models import Cluster, Country, Framework, Result, Sector


class FrameworkSerializer(serializers.ModelSerializer):
    name = TranslatedField("name")
    description = TranslatedField("description")

    class Meta:
        model = Framework
        fields = ["code", "name", "description", "version", "endorsed_on", "milestone_years"]


class ClusterSerializer(serializers.ModelSerializer):
    name = TranslatedField("name")
    outcome = TranslatedField("outcome")
    lead = TranslatedField("lead")
    risks = TranslatedField("risks")
    assumptions = TranslatedField("assumptions")
    framework = serializers.CharField(source="framework.code")

    class Meta:
        model = Cluster
        fields = ["code", "number", "framework", "name", "outcome", "lead", "risks", "assumptions"]


class SectorSerializer(serializers.ModelSerializer):
    name = TranslatedField("name")
    lead = TranslatedField("lead")
    risks = TranslatedField("risks")
    assumptions = TranslatedField("assumptions")
    cluster = serializers.CharField(source="cluster.code")
    themes = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = Sector
        fields = ["code", "kind", "cluster", "name", "themes", "lead", "risks", "assumptions"]


class ResultSerializer(serializers.ModelSerializer):
    statement = TranslatedField("statement")
    lead = TranslatedField("lead")
    risks = TranslatedField("risks")
    assumptions = TranslatedField("assumptions")
    sector = serializers.CharField(source="sector.code", allow_null=True, default=None)
    parent = serializers.CharField(source="parent.code", allow_null=True, default=None)

    class Meta:
        model = Result
        fields = ["code", "level", "sector", "parent", "statement", "lead", "risks", "assumptions"]


class CountrySerializer(serializers.ModelSerializer):
    name = TranslatedField("name")
    membership_note = TranslatedField("membership_note")

    class Meta:
        model = Country
        fields = ["code", "adb_code", "name", "member_from", "member_until", "membership_note"]


@extend_schema_view(
    list=extend_schema(
        summary="Frameworks",
        examples=[
            response_example(
                "CAREC 2030",
                [
                    {
                        "code": "CAREC2030",
                        "name": "CAREC 2030 Program Results Framework",
                        "description": "",
                        "version": "2020",
                        "endorsed_on": "2020-12-07",
                        "milestone_years": [2020, 2023, 2026, 2029],
                    }
                ],
            )
        ],
    ),
    retrieve=extend_schema(summary="One framework"),
)
class FrameworkViewSet(PublicCacheMixin, LanguageMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Framework.objects.order_by("code")
    serializer_class = FrameworkSerializer
    lookup_field = "code"
    permission_classes = [AllowAny]


@extend_schema_view(
    list=extend_schema(
        summary="Clusters",
        examples=[
            response_example(
                "Cluster 1",
                [
                    {
                        "code": "C1",
                        "number": 1,
                        "framework": "CAREC2030",
                        "name": "Economic and Financial Stability",
                        "outcome": "Enhanced regional macroeconomic stability",
                        "lead": "ADB",
                        "risks": "",
                        "assumptions": "",
                    }
                ],
            )
        ],
    ),
    retrieve=extend_schema(summary="One cluster"),
)
class ClusterViewSet(PublicCacheMixin, LanguageMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Cluster.objects.select_related("framework").order_by("framework", "number")
    serializer_class = ClusterSerializer
    lookup_field = "code"
    permission_classes = [AllowAny]


class SectorFilter(filters.FilterSet):
    cluster = filters.CharFilter(field_name="cluster__code")
    theme = filters.CharFilter(field_name="themes__code")

    class Meta:
        model = Sector
        fields = ["cluster", "kind", "theme"]


@extend_schema_view(
    list=extend_schema(
        summary="Sectors and pillars",
        examples=[
            response_example(
                "Trade",
                [
                    {
                        "code": "TRD",
                        "kind": "sector",
                        "cluster": "C2",
                        "name": "Trade",
                        "themes": ["ICT"],
                        "lead": "RTG",
                        "risks": "",
                        "assumptions": "",
                    }
                ],
            )
        ],
    ),
    retrieve=extend_schema(summary="One sector or pillar"),
)
class SectorViewSet(PublicCacheMixin, LanguageMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Sector.objects.select_related("cluster").prefetch_related("themes").order_by("cluster__number", "order")
    serializer_class = SectorSerializer
    lookup_field = "code"
    filterset_class = SectorFilter
    permission_classes = [AllowAny]


class ResultFilter(filters.FilterSet):
    sector = filters.CharFilter(field_name="sector__code")
    cluster = filters.CharFilter(field_name="sector__cluster__code")

    class Meta:
        model = Result
        fields = ["sector", "cluster", "level"]


@extend_schema_view(
    list=extend_schema(
        summary="Results (impact, outcomes, outputs)",
        examples=[
            response_example(
                "An output",
                [
                    {
                        "code": "TRP OP 1",
                        "level": "output",
                        "sector": "TRP",
                        "parent": "TRP OC 1",
                        "statement": "Improved efficiency of border crossing points",
                        "lead": "",
                        "risks": "",
                        "assumptions": "",
                    }
                ],
            )
        ],
    ),
    retrieve=extend_schema(summary="One result"),
)
class ResultViewSet(PublicCacheMixin, CodeLookupMixin, LanguageMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Result.objects.select_related("sector", "parent").order_by(
        "sector__cluster__number", "sector__order", "order"
    )
    serializer_class = ResultSerializer
    filterset_class = ResultFilter
    permission_classes = [AllowAny]


@extend_schema_view(
    list=extend_schema(
        summary="Member countries",
        examples=[
            response_example(
                "Afghanistan",
                [
                    {
                        "code": "AFG",
                        "adb_code": "AFG",
                        "name": "Afghanistan",
                        "member_from": "2005-01-01",
                        "member_until": "2021-08-15",
                        "membership_note": "ADB suspended assistance from 15 August 2021.",
                    }
                ],
            )
        ],
    ),
    retrieve=extend_schema(summary="One country"),
)
class CountryViewSet(PublicCacheMixin, LanguageMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Country.objects.order_by("order")
    serializer_class = CountrySerializer
    lookup_field = "code"
    permission_classes = [AllowAny]
