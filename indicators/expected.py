"""Which values are expected: each part of the framework, for the region, and for each country
that was a member that year unless the part is reported for the region only, in the years the
part is measured (a framework revision retires parts and adds others from a year on). Stated
once, for My work's "to enter" and the public reporting-status page."""

from typing import NamedTuple

from clusters.models import Country, in_force_holds
from indicators.models import IndicatorPart, Observation

REGION = None  # the place of a regional value


class ExpectedPart(NamedTuple):
    pk: int
    indicator_id: int
    sector_id: int
    region_only: bool
    in_force_from: int | None
    in_force_until: int | None


def expected_places(part: ExpectedPart, year: int, members: list[int]) -> list[int | None]:
    """The places a part expects a value for in a year, given the year's member countries; none
    in a year the part is not measured."""
    if not in_force_holds(year, part.in_force_from, part.in_force_until):
        return []
    return [REGION] if part.region_only else [REGION, *members]


def members_by_year(years) -> dict[int, list[int]]:
    """The member countries of each year: one query for all the years."""
    countries = list(Country.objects.values_list("pk", "member_from", "member_until"))
    return {
        year: [pk for pk, start, end in countries if start.year <= year and (end is None or end.year >= year)]
        for year in years
    }


def parts_of(part_filter=None) -> list[ExpectedPart]:
    """What expected_places needs of the parts: one query."""
    parts = IndicatorPart.objects.all() if part_filter is None else IndicatorPart.objects.filter(part_filter)
    return [
        ExpectedPart(pk, indicator_id, sector_id, aggregation == IndicatorPart.Aggregation.REGION_ONLY, start, end)
        for pk, indicator_id, sector_id, aggregation, start, end in parts.values_list(
            "pk", "indicator_id", "indicator__result__sector_id", "aggregation", "in_force_from", "in_force_until"
        )
    ]


def cell_states(years, part_ids=None) -> dict[tuple[int, int | None, int], str]:
    """Each (part, place, year) that has a value, as "approved" or "pending" (a draft, submitted or
    returned value, and no approved one): one query whatever the number of values."""
    from django.db.models import Case, IntegerField, Max, Value, When

    values = Observation.objects.filter(year__in=list(years), breakdown="").exclude(status="superseded")
    if part_ids is not None:
        values = values.filter(part_id__in=part_ids)
    rows = (
        values.values("part_id", "country_id", "year")
        .annotate(
            approved=Max(Case(When(status="approved", then=Value(1)), default=Value(0), output_field=IntegerField()))
        )
        .order_by()
        .values_list("part_id", "country_id", "year", "approved")
    )
    return {(part, place, year): "approved" if approved else "pending" for part, place, year, approved in rows}
