"""API of indicators, their parts, baselines, milestones and observations. Observations follow
the same rights as the pages (workflow.permissions); writes go through the workflow services."""

import json

from django.db.models import Prefetch, Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
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
from indicators.breakdown import breakdown_key, breakdown_pairs, breakdown_parse
from indicators.models import (
    OBS_STATUS,
    Baseline,
    Category,
    Dimension,
    Indicator,
    IndicatorPart,
    Milestone,
    Observation,
)
from indicators.values import decimal_comma_for
from workflow import services
from workflow.api.framework_versions import VERSION_PARAMETER, VersionLabels, version_parts_in_force
from workflow.entry import Entry, EntryErrors
from workflow.permissions import Access, observations_changed_since, observations_feed_version


class PartSerializer(serializers.ModelSerializer):
    name = TranslatedField("name")
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.SerializerMethodField()
    direction = serializers.SerializerMethodField()
    scale = serializers.SerializerMethodField()
    dimensions = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code", help_text="Codes of the dimensions its values are broken down by"
    )

    class Meta:
        model = IndicatorPart
        fields = [
            "code",
            "name",
            "unit",
            "unit_name",
            "value_type",
            "direction",
            "aggregation",
            "scale",
            "dimensions",
            "categories_add_up",
            "in_force_from",
            "in_force_until",
        ]
        # set by the revision that adds or retires the part (versions.changes)
        read_only_fields = ["in_force_from", "in_force_until"]
        extra_kwargs = {
            "in_force_from": {"help_text": "First reporting year the part is measured; null: from the start"},
            "in_force_until": {"help_text": "Last reporting year the part is measured; null: still measured"},
        }

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


VERSION = OpenApiParameter(
    VERSION_PARAMETER,
    str,
    description="A framework version's label (see /versions/), such as 2020: only the parts it measures, and "
    "the indicators with at least one of them. Drafts only for the secretariat.",
)


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
                                "dimensions": [],
                                "categories_add_up": False,
                                "in_force_from": None,
                                "in_force_until": None,
                            }
                        ],
                    }
                ],
            )
        ],
        parameters=[VERSION],
    ),
    retrieve=extend_schema(summary="One indicator (its code, spaces as dashes: TRP-OP-1)", parameters=[VERSION]),
)
class IndicatorViewSet(PublicCacheMixin, CodeLookupMixin, LanguageMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Indicator.objects.select_related("result__sector__cluster").order_by(
        "result__sector__cluster__number", "result__sector__order", "result__order", "order"
    )
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    ordering_fields = ["code"]
    permission_classes = [AllowAny]

    def get_queryset(self):
        request = self.request
        label = request.query_params.get(VERSION_PARAMETER, "") if request is not None else ""
        parts = version_parts_in_force(request.user, label) if label else None
        indicators = self.queryset
        if parts is None:
            parts = IndicatorPart.objects.all()
        else:  # the indicators that measure something in the version, with only those parts
            indicators = indicators.filter(pk__in=parts.values("indicator_id"))
        parts = parts.select_related("unit").prefetch_related("scale", "dimensions").order_by("order", "id")
        return indicators.prefetch_related("themes", Prefetch("parts", queryset=parts))


class CategorySerializer(serializers.ModelSerializer):
    name = TranslatedField("name")

    class Meta:
        model = Category
        fields = ["code", "name"]


class DimensionSerializer(serializers.ModelSerializer):
    name = TranslatedField("name")
    categories = CategorySerializer(many=True, read_only=True)

    class Meta:
        model = Dimension
        fields = ["code", "name", "categories"]


@extend_schema_view(
    list=extend_schema(
        summary="Dimensions that values are broken down by, with their categories",
        description="A value with no category is the total. An observation's `categories` use these codes.",
        examples=[
            response_example(
                "Sex",
                [
                    {
                        "code": "SEX",
                        "name": "Sex",
                        "categories": [{"code": "F", "name": "Female"}, {"code": "M", "name": "Male"}],
                    }
                ],
            )
        ],
    ),
    retrieve=extend_schema(summary="One dimension and its categories"),
)
class DimensionViewSet(PublicCacheMixin, CodeLookupMixin, LanguageMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Dimension.objects.prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("order", "code"))
    ).order_by("order", "code")
    serializer_class = DimensionSerializer
    permission_classes = [AllowAny]
    pagination_class = None  # a handful of code lists


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
            "in_force_from",
            "in_force_until",
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
        fields = [
            "indicator",
            "part",
            "year",
            "kind",
            "value",
            "is_current",
            "in_force_from",
            "in_force_until",
            "set_on",
            "source",
            "reason",
            "note",
        ]


class BaselineFilter(filters.FilterSet):
    indicator = filters.CharFilter(field_name="part__indicator__code")
    part = filters.CharFilter(field_name="part__code")
    current = filters.BooleanFilter(field_name="is_current")
    governs = filters.NumberFilter(
        method="filter_governs",
        min_value=1900,
        max_value=2200,
        help_text="A reporting year: only the rows that govern it (a framework revision re-sets rows from a year on)",
    )

    class Meta:
        model = Baseline
        fields = ["indicator", "part", "current", "year", "governs"]

    def filter_governs(self, queryset, name, value):
        return queryset.in_force(int(value))


class MilestoneFilter(BaselineFilter):
    class Meta:
        model = Milestone
        fields = ["indicator", "part", "current", "year", "kind", "governs"]


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
    categories = serializers.SerializerMethodField(
        help_text="{dimension code: category code}; empty for the total (see /dimensions/)"
    )
    obs_status = serializers.SerializerMethodField(help_text="The flag as SDMX's OBS_STATUS code")
    note = TranslatedField("note")
    framework_version = serializers.SerializerMethodField(
        help_text="The label of the framework version that governs the observation's year (see /versions/); "
        "`version` counts the value's edits"
    )

    class Meta:
        model = Observation
        fields = [
            "id",
            "indicator",
            "part",
            "country",
            "year",
            "breakdown",
            "categories",
            "availability",
            "value",
            "qualifier",
            "countries",
            "kind",
            "obs_status",
            "status",
            "citation",
            "evidence_url",
            "note",
            "version",
            "framework_version",
            "review_comment",
            "revision_reason",
        ]

    def get_country(self, obs) -> str:
        return obs.country.code if obs.country_id else "CAREC"

    def get_categories(self, obs) -> dict[str, str]:
        return breakdown_parse(obs.breakdown)

    def get_obs_status(self, obs) -> str:
        return OBS_STATUS[obs.kind]

    def get_framework_version(self, obs) -> str:
        # one map for the whole response (the list's rows share their parent's context)
        labels = self.context.setdefault("framework_versions", VersionLabels())
        return labels.label(obs.part.indicator.framework, obs.year)


class ObservationWriteSerializer(serializers.Serializer):
    """The request as given: every field is checked by the one way in (workflow.entry), so that the
    API answers with the same messages as the grid and the upload."""

    indicator = serializers.CharField(help_text="Indicator code, e.g. TRP OP 1")
    part = serializers.CharField(help_text="Part code, e.g. ROAD_BCP_TIME")
    country = serializers.CharField(help_text="ISO alpha-3 code, or CAREC for the whole region")
    year = serializers.JSONField(help_text="The year, e.g. 2023")
    breakdown = serializers.JSONField(
        default="",
        help_text='The categories: a key such as "SEX=F", or {"SEX": "F"}; empty for the total (see /dimensions/)',
    )
    value = serializers.JSONField(
        allow_null=True,  # with availability not_applicable or not_available; the one way in checks it
        help_text=(
            "A number (or its text as your language writes it: 1,234.5 or 1 234,5), true/false, a scale level "
            "code, N/A, or null with availability"
        ),
    )
    availability = serializers.CharField(default="value", help_text="value, not_applicable or not_available")
    qualifier = serializers.CharField(default="", allow_blank=True, help_text="'', <, <=, >, >= or ~")
    countries = serializers.ListField(child=serializers.CharField(), default=list)
    kind = serializers.CharField(
        default=Observation.Kind.ACTUAL,
        help_text="The flag: actual, estimate, forecast, provisional, break, imputed or missing (SDMX's OBS_STATUS)",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, help_text="A comment on the value (SDMX's COMMENT_OBS); omit to keep it"
    )
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


def _category_q(dimension: str, code: str) -> Q:
    """The keys (indicators.breakdown) that hold this category, alone or beside others."""
    pair = f"{dimension}={code}"
    return (
        Q(breakdown=pair)
        | Q(breakdown__startswith=f"{pair};")
        | Q(breakdown__endswith=f";{pair}")
        | Q(breakdown__contains=f";{pair};")
    )


def _dimension_total_q(dimension: str) -> Q:
    """The keys not broken down by this dimension (SDMX's _T)."""
    return ~Q(breakdown__startswith=f"{dimension}=") & ~Q(breakdown__contains=f";{dimension}=")


# Query parameters of the list that are not filters: they are never taken for a dimension.
_NOT_DIMENSIONS = frozenset({"page", "page_size", "lang", "ordering", "format"})
_TOTAL = "_T"


class ObservationFilter(filters.FilterSet):
    indicator = filters.CharFilter(field_name="part__indicator__code")
    part = filters.CharFilter(field_name="part__code")
    country = filters.CharFilter(method="filter_country", help_text="ISO alpha-3 code, or CAREC")
    year = filters.NumberFilter()
    year_from = filters.NumberFilter(field_name="year", lookup_expr="gte")
    year_to = filters.NumberFilter(field_name="year", lookup_expr="lte")
    breakdown = filters.CharFilter(
        method="filter_breakdown", help_text="Exactly these categories, such as SEX=F or AGE=Y_LT25;SEX=F"
    )
    total = filters.BooleanFilter(
        method="filter_total", help_text="true: totals only; false: values for categories only"
    )
    updated_since = UpdatedSinceFilter(method="filter_updated_since")

    class Meta:
        model = Observation
        fields = ["indicator", "part", "country", "year", "status", "kind", "breakdown", "total", "updated_since"]

    def filter_queryset(self, queryset):
        return self.filter_dimensions(super().filter_queryset(queryset))

    def filter_dimensions(self, queryset):
        """One filter per dimension, its code in lower case: ?sex=F (or ?sex=F&sex=M; ?sex=_T for
        values not broken down by sex). The code lists are read only when a request has a
        parameter that may name one."""
        asked = [k for k in self.data if k not in self.filters and k not in _NOT_DIMENSIONS and k.isidentifier()]
        if not asked:
            return queryset
        known = set(Dimension.objects.filter(code__in=[k.upper() for k in asked]).values_list("code", flat=True))
        for name in asked:
            dimension = name.upper()
            if dimension not in known:
                continue  # not a dimension: ignored, as any parameter the API does not know
            wanted = Q()
            for code in self.data.getlist(name):
                code = code.strip().upper()
                wanted |= _dimension_total_q(dimension) if code == _TOTAL else _category_q(dimension, code)
            queryset = queryset.filter(wanted)
        return queryset

    def filter_breakdown(self, queryset, name, value):
        return queryset.filter(breakdown=breakdown_key(dict(breakdown_pairs(value))))

    def filter_total(self, queryset, name, value):
        return queryset.filter(breakdown="") if value else queryset.exclude(breakdown="")

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
    "breakdown": "",
    "categories": {},
    "availability": "value",
    "value": 13.6,
    "qualifier": "",
    "countries": [],
    "kind": "actual",
    "obs_status": "A",
    "status": "approved",
    "citation": "",
    "evidence_url": "",
    "note": "",
    "version": 1,
    "framework_version": "2020",
    "review_comment": "",
    "revision_reason": "",
}


@extend_schema_view(
    list=extend_schema(
        summary="Observations you may see",
        description="Totals and the values for categories (`breakdown`, `categories`). Besides the filters "
        "below, each dimension filters by its code in lower case: `?sex=F`, `?sex=F&sex=M`, or `?sex=_T` for "
        "values not broken down by it (see /dimensions/).",
        examples=[response_example("Border crossing time", [_OBS_EXAMPLE])],
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
            ),
            OpenApiExample(
                "A provisional value for women",
                request_only=True,
                value={
                    "indicator": "HLT OP 2",
                    "part": "OFFICIALS_TRAINED",
                    "country": "CAREC",
                    "year": 2024,
                    "breakdown": {"SEX": "F"},
                    "value": 70,
                    "kind": "provisional",
                    "note": "Two training centres have not reported yet",
                },
            ),
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
        # The read rule itself rather than observations_visible: staff follow a value's history
        # here, superseded revisions included; the totals and every category, as the public may see them.
        return (
            Observation.objects.filter(Access(self.request.user).observation_filter())
            .select_related("part__indicator__framework", "country")
            .prefetch_related("countries")
            .order_by("part__indicator__code", "part__order", "year", "country__order", "breakdown", "id")
        )

    def create(self, request, *args, **kwargs):
        data = ObservationWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        entry = Entry(
            indicator=d["indicator"],
            part=d["part"],
            country=d["country"],
            # a JSON object or list for a year reaches the one way in as its text, which it refuses
            year=json.dumps(d["year"]) if isinstance(d["year"], dict | list) else d["year"],
            value=d["value"],
            breakdown=d["breakdown"],
            qualifier=d["qualifier"],
            countries=d["countries"],
            availability=d["availability"],
            kind=d["kind"],
            note=d.get("note"),
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
