"""API of computed results: regional values (aggregates) and ratings by report year."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from carec_prf.api.common import LanguageMixin, PublicCacheMixin, TranslatedField, response_example
from carec_prf.api.feeds import ConditionalMixin, DataVersion, UpdatedSinceFilter, data_version
from progress.method import Movement
from progress.models import IndicatorRating, PartRating, RatingMethod, RegionalValue


class RegionalValueSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="part.indicator.code")
    part = serializers.CharField(source="part.code")

    class Meta:
        model = RegionalValue
        fields = [
            "indicator",
            "part",
            "year",
            "value",
            "qualifier",
            "origin",
            "n_contributors",
            "n_members",
            "contributors",
        ]


class RegionalFilter(filters.FilterSet):
    indicator = filters.CharFilter(field_name="part__indicator__code")
    part = filters.CharFilter(field_name="part__code")
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = RegionalValue
        fields = ["indicator", "part", "year", "origin", "updated_since"]


@extend_schema_view(
    list=extend_schema(
        summary="Regional values, reported or aggregated from countries",
        examples=[
            response_example(
                "Export growth",
                [
                    {
                        "indicator": "TRD OC 1.1",
                        "part": "EXPORT_GROWTH",
                        "year": 2020,
                        "value": -6.3,
                        "qualifier": "",
                        "origin": "aggregated",
                        "n_contributors": 9,
                        "n_members": 11,
                        "contributors": [2, 3],
                    }
                ],
            )
        ],
    ),
    retrieve=extend_schema(summary="One regional value"),
)
class RegionalValueViewSet(ConditionalMixin, PublicCacheMixin, viewsets.ReadOnlyModelViewSet):
    queryset = RegionalValue.objects.select_related("part__indicator").order_by(
        "part__indicator__code", "part__order", "year"
    )
    serializer_class = RegionalValueSerializer
    filterset_class = RegionalFilter
    permission_classes = [AllowAny]

    @classmethod
    def feed_version(cls, request) -> DataVersion:
        return data_version(cls.queryset.model.objects.all())


@extend_schema_field(
    {
        "type": "string",
        "enum": [*Movement.ALL, None],
        "nullable": True,
        "description": "The change since the previous data point (or the baseline): improving, same "
        "(within the method's same_within) or worsening, where improving follows the desired direction "
        "(a fall where lower is better); null with no value or nothing earlier to compare with.",
    }
)
class MovementField(serializers.Field):
    """The scorecard's arrow as its code, or null where there is nothing to compare."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return value or None


@extend_schema_field(
    {
        "type": "string",
        "description": "The change as an arrow and words in the requested language (?lang=), such as "
        "“↑ Improving”; “– Not enough data” where there is nothing to compare.",
    }
)
class MovementTextField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="movement", read_only=True, **kwargs)

    def to_representation(self, value):
        return Movement.text(value or None)


class PartRatingSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="part.indicator.code")
    part = serializers.CharField(source="part.code")
    method = serializers.IntegerField(source="method.version")
    movement = MovementField()
    movement_text = MovementTextField()

    class Meta:
        model = PartRating
        fields = [
            "indicator",
            "part",
            "method",
            "as_of",
            "rating",
            "basis",
            "latest_year",
            "actual",
            "baseline_year",
            "baseline_value",
            "expected",
            "ratio",
            "growth",
            "milestone_year",
            "milestone_kind",
            "milestone_value",
            "outlook",
            "projected",
            "origin",
            "n_contributors",
            "n_members",
            "flags",
            "movement",
            "movement_text",
        ]


class IndicatorRatingSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code")
    method = serializers.IntegerField(source="method.version")

    class Meta:
        model = IndicatorRating
        fields = ["indicator", "method", "as_of", "rating", "score", "n_parts", "n_rated", "flags"]


class RatingFilter(filters.FilterSet):
    method = filters.NumberFilter(field_name="method__version", help_text="Method version (default: the default)")
    year = filters.NumberFilter(field_name="as_of", help_text="Report year (an edition's cut-off year)")
    rating = filters.CharFilter()
    updated_since = UpdatedSinceFilter()


class PartRatingFilter(RatingFilter):
    indicator = filters.CharFilter(field_name="part__indicator__code")
    part = filters.CharFilter(field_name="part__code")

    class Meta:
        model = PartRating
        fields = ["indicator", "part", "method", "year", "rating", "updated_since"]


class IndicatorRatingFilter(RatingFilter):
    indicator = filters.CharFilter(field_name="indicator__code")
    sector = filters.CharFilter(field_name="indicator__result__sector__code")
    cluster = filters.CharFilter(field_name="indicator__result__sector__cluster__code")

    class Meta:
        model = IndicatorRating
        fields = ["indicator", "sector", "cluster", "method", "year", "rating", "updated_since"]


class _DefaultMethod:
    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if "method" not in self.request.query_params:
            queryset = queryset.filter(method__is_default=True)
        return queryset


@extend_schema_view(
    list=extend_schema(
        summary="Ratings of indicator parts by report year",
        examples=[
            response_example(
                "Fuel trade",
                [
                    {
                        "indicator": "TRD OC 1",
                        "part": "FUEL_CAREC",
                        "method": 1,
                        "as_of": 2021,
                        "rating": "off_track",
                        "basis": "target",
                        "latest_year": 2020,
                        "actual": 0.55,
                        "baseline_year": 2017,
                        "baseline_value": 0.48,
                        "expected": 0.66,
                        "ratio": 0.389,
                        "growth": None,
                        "milestone_year": 2023,
                        "milestone_kind": "exact",
                        "milestone_value": 0.84,
                        "outlook": "unlikely",
                        "projected": 0.62,
                        "origin": "reported",
                        "n_contributors": None,
                        "n_members": 11,
                        "flags": ["baseline_revised"],
                        "movement": "improving",
                        "movement_text": "↑ Improving",
                    }
                ],
            )
        ],
    ),
    retrieve=extend_schema(summary="One part rating"),
)
class PartRatingViewSet(
    ConditionalMixin, PublicCacheMixin, LanguageMixin, _DefaultMethod, viewsets.ReadOnlyModelViewSet
):
    queryset = PartRating.objects.select_related("part__indicator", "method").order_by(
        "part__indicator__code", "part__order", "as_of"
    )
    serializer_class = PartRatingSerializer
    filterset_class = PartRatingFilter
    permission_classes = [AllowAny]

    @classmethod
    def feed_version(cls, request) -> DataVersion:
        return data_version(cls.queryset.model.objects.all())


@extend_schema_view(
    list=extend_schema(
        summary="Ratings of indicators by report year",
        examples=[
            response_example(
                "TRD OC 1",
                [
                    {
                        "indicator": "TRD OC 1",
                        "method": 1,
                        "as_of": 2021,
                        "rating": "for_attention",
                        "score": 2.25,
                        "n_parts": 4,
                        "n_rated": 4,
                        "flags": ["baseline_revised"],
                    }
                ],
            )
        ],
    ),
    retrieve=extend_schema(summary="One indicator rating"),
)
class IndicatorRatingViewSet(ConditionalMixin, PublicCacheMixin, _DefaultMethod, viewsets.ReadOnlyModelViewSet):
    queryset = IndicatorRating.objects.select_related("indicator", "method").order_by("indicator__code", "as_of")
    serializer_class = IndicatorRatingSerializer
    filterset_class = IndicatorRatingFilter
    permission_classes = [AllowAny]

    @classmethod
    def feed_version(cls, request) -> DataVersion:
        return data_version(cls.queryset.model.objects.all())


class RatingMethodSerializer(serializers.ModelSerializer):
    name = TranslatedField("name")
    description = TranslatedField("description")

    class Meta:
        model = RatingMethod
        fields = ["version", "name", "description", "is_default", "settings", "created_at"]


@extend_schema_view(
    list=extend_schema(
        summary="Rating methods with every setting",
        examples=[
            response_example(
                "v1",
                [
                    {
                        "version": 1,
                        "name": "CAREC default rating method",
                        "description": "",
                        "is_default": True,
                        "settings": {"on_track_min": 0.95},
                        "created_at": "2026-01-01T00:00:00Z",
                    }
                ],
            )
        ],
    ),
    retrieve=extend_schema(summary="One rating method version"),
)
class RatingMethodViewSet(PublicCacheMixin, LanguageMixin, viewsets.ReadOnlyModelViewSet):
    queryset = RatingMethod.objects.order_by("-version")
    serializer_class = RatingMethodSerializer
    lookup_field = "version"
    permission_classes = [AllowAny]
