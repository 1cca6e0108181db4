"""API of indicators, their parts, baselines, milestones and observations. Observations follow
the same rights as the pages (workflow.permissions); writes go through the workflow services."""

from django.db.models import Prefetch
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from carec_prf.api.common import (
    CodeLookupMixin,
    LanguageMixin,
    PublicCacheMixin,
    TranslatedField,
    TypedValueField,
    response_example,
)
from carec_prf.api.feeds import ConditionalMixin, DataVersion, UpdatedSinceFilter
from indicators.models import Baseline, Indicator, IndicatorPart, Milestone, Observation
from indicators.values import decimal_comma_for
from workflow import services
from workflow.entry import Entry, EntryErrors
from workflow.permissions import Access, observations_changed_since, observations_feed_version


class PartSerializer(serializers.ModelSerializer):
    name = TranslatedField("name")
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.SerializerMethodField()
    direction = serializers.SerializerMethodField()
    scale = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorPart
        fields = ["code", "name", "unit", "unit_name", "value_type", "direction", "aggregation", "scale"]

    def get_unit_name(self, part) -> str:
        return part.unit.name

    def get_direction(self, part) -> str:
        return "increase" if part.direction > 0 else "decrease"

    def get_scale(self, part) -> list[dict]:
        return [{"code": level.code, "label": level.label} for level in part.scale.all()]


class IndicatorSerializer(serializers.ModelSerializer):
    statement = TranslatedField("statement")
    data_sources = TranslatedField("data_sources")
    notes = TranslatedField("notes")
    result = serializers.CharField(source="result.code")
    sector = serializers.CharField(source="result.sector.code", default=None)
    cluster = serializers.CharField(source="result.sector.cluster.code", default=None)
    themes = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    parts = PartSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "level",
            "result",
            "sector",
            "cluster",
            "statement",
            "data_sources",
            "notes",
            "themes",
            "parts",
        ]


class IndicatorFilter(filters.FilterSet):
    sector = filters.CharFilter(field_name="result__sector__code")
    cluster = filters.CharFilter(field_name="result__sector__cluster__code")
    theme = filters.CharFilter(field_name="themes__code")

    class Meta:
        model = Indicator
        fields = ["sector", "cluster", "level", "theme"]


@extend_schema_view(
    list=extend_schema(
        summary="Indicators with their parts",
        examples=[
            response_example(
                "TRP OP 1",
                [
                    {
                        "code": "TRP OP 1",
                        "level": "prf",
                        "result": "TRP OP 1",
                        "sector": "TRP",
                        "cluster": "C3",
                        "statement": "Time taken to cross borders",
                        "data_sources": "CPMM reports",
                        "notes": "",
                        "themes": [],
                        "parts": [
                            {
                                "code": "ROAD_BCP_TIME",
                                "name": "Road",
                                "unit": "hours",
                                "unit_name": "hours",
                                "value_type": "number",
                                "direction": "decrease",
                                "aggregation": "region_only",
                                "scale": [],
                            }
                        ],
                    }
                ],
            )
        ],
    ),
    retrieve=extend_schema(summary="One indicator (its code, spaces as dashes: TRP-OP-1)"),
)
class IndicatorViewSet(PublicCacheMixin, CodeLookupMixin, LanguageMixin, viewsets.ReadOnlyModelViewSet):
    queryset = (
        Indicator.objects.select_related("result__sector__cluster")
        .prefetch_related(
            "themes",
            Prefetch(
                "parts",
                queryset=IndicatorPart.objects.select_related("unit").prefetch_related("scale").order_by("order"),
            ),
        )
        .order_by("result__sector__cluster__number", "result__sector__order", "result__order", "order")
    )
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    ordering_fields = ["code"]
    permission_classes = [AllowAny]


class _PartRowSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="part.indicator.code")
    part = serializers.CharField(source="part.code")
    value = TypedValueField()
    countries = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    source = serializers.CharField(source="source.code", default=None)


class BaselineSerializer(_PartRowSerializer):
    reason = TranslatedField("reason")
    note = TranslatedField("note")

    class Meta:
        model = Baseline
        fields = [
            "indicator",
            "part",
            "year",
            "availability",
            "value",
            "qualifier",
            "countries",
            "is_current",
            "revised_on",
            "source",
            "reason",
            "note",
        ]


class MilestoneSerializer(_PartRowSerializer):
    reason = TranslatedField("reason")
    note = TranslatedField("note")

    class Meta:
        model = Milestone
        fields = ["indicator", "part", "year", "kind", "value", "is_current", "set_on", "source", "reason", "note"]


class BaselineFilter(filters.FilterSet):
    indicator = filters.CharFilter(field_name="part__indicator__code")
    part = filters.CharFilter(field_name="part__code")
    current = filters.BooleanFilter(field_name="is_current")

    class Meta:
        model = Baseline
        fields = ["indicator", "part", "current", "year"]


class MilestoneFilter(BaselineFilter):
    class Meta:
        model = Milestone
        fields = ["indicator", "part", "current", "year", "kind"]


@extend_schema_view(
    list=extend_schema(
        summary="Baselines with every revision",
        examples=[
            response_example(
                "Revised trade baseline",
                [
                    {
                        "indicator": "TRD OC 1",
                        "part": "FUEL_WORLD",
                        "year": 2017,
                        "availability": "value",
                        "value": 31.52,
                        "qualifier": "",
                        "countries": [],
                        "is_current": True,
                        "revised_on": "2022-06-28",
                        "source": "TRD_SOM_2022",
                        "reason": "Re-based to 2017",
                        "note": "",
                    }
                ],
            )
        ],
    ),
    retrieve=extend_schema(summary="One baseline revision"),
)
class BaselineViewSet(PublicCacheMixin, LanguageMixin, viewsets.ReadOnlyModelViewSet):
    queryset = (
        Baseline.objects.select_related("part__indicator", "source")
        .prefetch_related("countries")
        .order_by("part__indicator__code", "part__order", "-is_current", "-revised_on")
    )
    serializer_class = BaselineSerializer
    filterset_class = BaselineFilter
    permission_classes = [AllowAny]


@extend_schema_view(
    list=extend_schema(
        summary="Milestones with every revision",
        examples=[
            response_example(
                "2023 target",
                [
                    {
                        "indicator": "TRD OC 1",
                        "part": "FUEL_WORLD",
                        "year": 2023,
                        "kind": "exact",
                        "value": 14.87,
                        "is_current": True,
                        "set_on": "2022-06-28",
                        "source": "TRD_SOM_2022",
                        "reason": "Set by the trade sector",
                        "note": "",
                    }
                ],
            )
        ],
    ),
    retrieve=extend_schema(summary="One milestone revision"),
)
class MilestoneViewSet(PublicCacheMixin, LanguageMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Milestone.objects.select_related("part__indicator", "source").order_by(
        "part__indicator__code", "part__order", "year", "-is_current"
    )
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilter
    permission_classes = [AllowAny]


class ObservationSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="part.indicator.code", read_only=True)
    part = serializers.CharField(source="part.code", read_only=True)
    country = serializers.SerializerMethodField()
    value = TypedValueField()
    countries = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    note = TranslatedField("note")

    class Meta:
        model = Observation
        fields = [
            "id",
            "indicator",
            "part",
            "country",
            "year",
            "availability",
            "value",
            "qualifier",
            "countries",
            "kind",
            "status",
            "citation",
            "evidence_url",
            "note",
            "version",
            "review_comment",
            "revision_reason",
        ]

    def get_country(self, obs) -> str:
        return obs.country.code if obs.country_id else "CAREC"


class ObservationWriteSerializer(serializers.Serializer):
    """The request as given: every field is checked by the one way in (workflow.entry), so that the
    API answers with the same messages as the grid and the upload."""

    indicator = serializers.CharField(help_text="Indicator code, e.g. TRP OP 1")
    part = serializers.CharField(help_text="Part code, e.g. ROAD_BCP_TIME")
    country = serializers.CharField(help_text="ISO alpha-3 code, or CAREC for the whole region")
    year = serializers.JSONField(help_text="The year, e.g. 2023")
    value = serializers.JSONField(
        help_text=(
            "A number (or its text as your language writes it: 1,234.5 or 1 234,5), true/false, a scale level "
            "code, N/A, or null with availability"
        )
    )
    availability = serializers.CharField(default="value", help_text="value, not_applicable or not_available")
    qualifier = serializers.CharField(default="", allow_blank=True, help_text="'', <, <=, >, >= or ~")
    countries = serializers.ListField(child=serializers.CharField(), default=list)
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The version you last saw, to detect concurrent edits; omit for a new value",
    )
    revision_reason = serializers.CharField(required=False, allow_blank=True, default="")
    citation = serializers.CharField(required=False, allow_blank=True, help_text="Omit to keep the recorded one")
    evidence_url = serializers.CharField(required=False, allow_blank=True, help_text="Omit to keep the recorded one")


class ReturnRequestSerializer(serializers.Serializer):
    comment = serializers.CharField(
        allow_blank=True, required=False, default="", help_text="What needs to change (required)"
    )


class ObservationFilter(filters.FilterSet):
    indicator = filters.CharFilter(field_name="part__indicator__code")
    part = filters.CharFilter(field_name="part__code")
    country = filters.CharFilter(method="filter_country", help_text="ISO alpha-3 code, or CAREC")
    year = filters.NumberFilter()
    year_from = filters.NumberFilter(field_name="year", lookup_expr="gte")
    year_to = filters.NumberFilter(field_name="year", lookup_expr="lte")
    updated_since = UpdatedSinceFilter(method="filter_updated_since")

    class Meta:
        model = Observation
        fields = ["indicator", "part", "country", "year", "status", "kind", "updated_since"]

    def filter_updated_since(self, queryset, name, value):
        return observations_changed_since(queryset, since=value, user=self.request.user)

    def filter_country(self, queryset, name, value):
        if value.upper() == "CAREC":
            return queryset.filter(country__isnull=True)
        return queryset.filter(country__code=value.upper())


_OBS_EXAMPLE = {
    "id": 12,
    "indicator": "TRP OP 1",
    "part": "ROAD_BCP_TIME",
    "country": "CAREC",
    "year": 2021,
    "availability": "value",
    "value": 13.6,
    "qualifier": "",
    "countries": [],
    "kind": "actual",
    "status": "approved",
    "citation": "",
    "evidence_url": "",
    "note": "",
    "version": 1,
    "review_comment": "",
    "revision_reason": "",
}


@extend_schema_view(
    list=extend_schema(
        summary="Observations you may see", examples=[response_example("Border crossing time", [_OBS_EXAMPLE])]
    ),
    retrieve=extend_schema(
        summary="One observation", examples=[response_example("Border crossing time", _OBS_EXAMPLE)]
    ),
    create=extend_schema(
        summary="Enter or edit a value (a draft)",
        request=ObservationWriteSerializer,
        responses={201: ObservationSerializer},
        examples=[
            OpenApiExample(
                "New value",
                request_only=True,
                value={
                    "indicator": "TRP OP 1",
                    "part": "ROAD_BCP_TIME",
                    "country": "CAREC",
                    "year": 2023,
                    "value": 12.9,
                },
            )
        ],
    ),
)
class ObservationViewSet(
    ConditionalMixin, PublicCacheMixin, LanguageMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    serializer_class = ObservationSerializer
    filterset_class = ObservationFilter
    permission_classes = [IsAuthenticatedOrReadOnly]
    ordering_fields = ["year", "id"]

    @classmethod
    def feed_version(cls, request) -> DataVersion:
        return observations_feed_version(request)

    def get_queryset(self):
        return (
            Observation.objects.filter(Access(self.request.user).observation_filter())
            .select_related("part__indicator", "country")
            .prefetch_related("countries")
            .order_by("part__indicator__code", "part__order", "year", "country__order", "id")
        )

    def create(self, request, *args, **kwargs):
        data = ObservationWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        entry = Entry(
            indicator=d["indicator"],
            part=d["part"],
            country=d["country"],
            year=d["year"],
            value=d["value"],
            qualifier=d["qualifier"],
            countries=d["countries"],
            availability=d["availability"],
            citation=d.get("citation"),
            evidence_url=d.get("evidence_url"),
            revision_reason=d["revision_reason"],
            version=d.get("version"),
            ref="value",
        )
        try:
            written = services.entries_save(
                user=request.user, entries=[entry], decimal_comma=decimal_comma_for(get_language())
            )
        except EntryErrors as problems:
            if problems.denied:
                raise PermissionDenied(_("You may not enter values for this sector or country.")) from None
            body: dict[str, list[str]] = {}
            for _ref, column, message in problems.errors:
                body.setdefault(column, []).append(message)
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        observation = written.observations["value"]
        return Response(
            ObservationSerializer(observation, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(summary="Submit a draft for review", request=None, responses={200: ObservationSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        observation = services.observation_submit(user=request.user, observation=self.get_object())
        return Response(ObservationSerializer(observation, context={"request": request}).data)

    @extend_schema(
        summary="Approve a submitted value (focal points)", request=None, responses={200: ObservationSerializer}
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        observation = services.observation_approve(user=request.user, observation=self.get_object())
        return Response(ObservationSerializer(observation, context={"request": request}).data)

    @extend_schema(
        summary="Return a submitted value with a comment (focal points)",
        request=ReturnRequestSerializer,
        responses={200: ObservationSerializer},
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        body = ReturnRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        observation = services.observation_return(
            user=request.user, observation=self.get_object(), comment=body.validated_data["comment"]
        )
        return Response(ObservationSerializer(observation, context={"request": request}).data)
