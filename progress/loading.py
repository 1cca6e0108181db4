"""Reads the frames the engine works on, straight from the database as plain values: one query
per frame, whatever the number of parts."""

import datetime
import math
from collections import defaultdict

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from carec_prf.bulk import read_columns
from clusters.models import Country
from indicators.models import (
    Availability,
    Baseline,
    IndicatorPart,
    Milestone,
    Observation,
    OrdinalLevel,
    Qualifier,
    ValueType,
)
from progress.engine import Point, Target

QUALIFIERS = list(Qualifier.values)  # "" first: a value read with code 0 is exact


def value_as_float() -> Case:
    """A typed value (baseline, milestone or observation) as the float the engine works on: a
    yes/no as 1.0 or 0.0, a level of an ordinal scale as its rank, a number, a count or a set of
    countries as its number; NULL when there is none (or the level is not on the part's scale).
    Computed by the database, so that a million values need no Python object each."""
    rank = OrdinalLevel.objects.filter(part_id=OuterRef("part_id"), code=OuterRef("value_text"))
    rank = rank.order_by().values("rank")[:1]
    return Case(
        When(value_type=ValueType.BOOLEAN, then=Cast(Cast("value_boolean", IntegerField()), FloatField())),
        When(value_type=ValueType.ORDINAL, then=Cast(Subquery(rank), FloatField())),
        default=Cast("value_number", FloatField()),
        output_field=FloatField(),
    )


class Frames:
    def __init__(self, part_ids: list[int] | None) -> None:
        parts = IndicatorPart.objects.all() if part_ids is None else IndicatorPart.objects.filter(id__in=part_ids)
        self.parts = pd.DataFrame.from_records(
            parts.values(
                "id",
                "indicator_id",
                "value_type",
                "direction",
                "aggregation",
                "weight_part_id",
                "condition_part_id",
                "condition_operator",
                "condition_value",
                "unit__min_value",
                "unit__max_value",
            )
        ).rename(columns={"id": "part_id", "unit__min_value": "unit_min", "unit__max_value": "unit_max"})
        if len(self.parts):
            for column in ("condition_value", "unit_min", "unit_max"):
                self.parts[column] = self.parts[column].astype(float)
        self.part_ids = list(self.parts["part_id"]) if len(self.parts) else []
        self.every_part = part_ids is None
        self.ranks = {
            (part_id, code): rank
            for part_id, code, rank in self._of_parts(OrdinalLevel.objects).values_list("part_id", "code", "rank")
        }
        # parts whose weights come from outside the set still need those weights' observations
        weight_ids = {
            int(w)
            for column in ("weight_part_id", "condition_part_id")
            for w in self.parts.get(column, pd.Series(dtype=float)).dropna()
        }
        self.observations = self._observations(None if part_ids is None else set(self.part_ids) | weight_ids)
        self.memberships = pd.DataFrame.from_records(
            [
                (c.id, c.member_from.year, c.member_until.year if c.member_until else None)
                for c in Country.objects.only("id", "member_from", "member_until")
            ],
            columns=["country_id", "first_year", "last_year"],
        ).astype({"first_year": "Int64", "last_year": "Int64"})

    def _of_parts(self, manager) -> QuerySet:
        """The rows of the parts loaded; every row when every part is (a list of thousands of ids
        would cost the driver and the planner more than the rows)."""
        return manager.all() if self.every_part else manager.filter(part_id__in=self.part_ids)

    def _observations(self, part_ids: set[int] | None) -> pd.DataFrame:
        """Public actual values as floats (ratings and regional values are published figures, so
        they are made of what the public may see), read as arrays: a million rows as Python
        objects would cost seconds. part_ids None: every part."""
        query = Observation.objects.public().filter(availability=Availability.VALUE, breakdown="")  # the totals
        if part_ids is not None:
            query = query.filter(part_id__in=part_ids)
        # Three columns rather than five: the database's cost is per value sent, so the part and
        # year travel as one number, and so do the place and the qualifier (a year fits in 16
        # bits, a qualifier's code in 3; past 2**47 part ids, PostgreSQL stops with an overflow).
        qualifier_code = Case(
            *(When(qualifier=code, then=Value(i)) for i, code in enumerate(QUALIFIERS)),
            default=Value(0),
            output_field=IntegerField(),
        )
        query = (
            query.exclude(kind=Observation.Kind.FORECAST)
            .annotate(
                part_year=Cast("part_id", BigIntegerField()) * 65536 + F("year"),
                place_qualifier=Coalesce("country_id", 0) * 8 + qualifier_code,  # place 0: the whole region
                number=Coalesce(value_as_float(), Value(math.nan)),  # NaN: no value to use
            )
            .values_list("part_year", "place_qualifier", "number")
            .order_by()
        )
        sql, params = query.query.sql_with_params()
        columns = read_columns(sql, params, {"part_year": "int8", "place_qualifier": "int8", "number": "float8"})
        known = ~np.isnan(columns["number"])
        part_year, place_qualifier = columns["part_year"][known], columns["place_qualifier"][known]
        place = place_qualifier >> 3
        return pd.DataFrame(
            {
                "part_id": part_year >> 16,
                "country_id": pd.arrays.IntegerArray(place, mask=place == 0),
                "year": part_year & 0xFFFF,
                "value": columns["number"][known],
                "qualifier": np.asarray(QUALIFIERS, dtype=object)[place_qualifier & 7],
            }
        )

    def baselines(self, year: int) -> tuple[dict[int, Point | None], set[int]]:
        """Each part's baseline in force in a reporting year (a framework revision may have
        re-set it from a later year), and the parts whose baseline was revised by then."""
        current: dict[int, Point | None] = {}
        rows = (
            self._of_parts(Baseline.objects)
            .in_force(year)
            .order_by()  # one baseline per part governs a year: the model's ordering would only cost a join
            .annotate(number=value_as_float())
        )
        names = ("part_id", "year", "availability", "number", "qualifier")
        for part_id, year_, availability, number, qualifier in _fetch(rows.values_list(*names), names):
            value = number if availability == Availability.VALUE else None
            current[part_id] = None if value is None else Point(year_, value, qualifier)
        revised = set(
            self._of_parts(Baseline.objects)
            .seen_in(year)  # not a revision the year has not seen yet
            .order_by()  # the model's ordering would split the GROUP BY
            .values("part_id")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .values_list("part_id", flat=True)
        )
        return current, revised

    def targets(self, year: int) -> tuple[dict[int, list[Target]], dict[int, int]]:
        """Each part's milestones in force in a reporting year: set targets by year, and the
        year of the last milestone."""
        targets: dict[int, list[Target]] = defaultdict(list)
        final_year: dict[int, int] = {}
        rows = (
            self._of_parts(Milestone.objects)
            .in_force(year)
            .annotate(number=value_as_float())
            .order_by("part_id", "year")
        )
        names = ("part_id", "year", "kind", "number")
        for part_id, due, kind, value in _fetch(rows.values_list(*names), names):
            if kind == Milestone.Kind.NOT_APPLICABLE:
                continue
            final_year[part_id] = max(final_year.get(part_id, due), due)
            if kind in (Milestone.Kind.EXACT, Milestone.Kind.AT_LEAST, Milestone.Kind.AT_MOST) and value is not None:
                targets[part_id].append(Target(due, kind, value))
        return targets, final_year

    def in_force(self, year: int) -> set[int]:
        """The loaded parts measured in a reporting year: a part a revision retired, or added
        from a later year, is not rated then."""
        return set(self._of_parts_by_id(IndicatorPart.objects.in_force(year)).values_list("id", flat=True))

    def _of_parts_by_id(self, parts: QuerySet) -> QuerySet:
        return parts if self.every_part else parts.filter(id__in=self.part_ids)


def _fetch(rows: QuerySet, names: tuple[str, ...]) -> list[tuple]:
    """A values_list query's rows as the database driver gives them: tens of thousands of
    baselines and milestones through the ORM's row iteration would cost half a second. Fit for
    columns whose driver values are already what the ORM returns (numbers, text, floats). The
    SQL may list annotations first: the columns come back in the order of names."""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        selected = [column[0] for column in cursor.description]
        order = [selected.index(name) for name in names]
        return [tuple(row[i] for i in order) for row in cursor.fetchall()]


def rating_periods(years: list[int]) -> list[list[int]]:
    """The report years cut where a framework revision changes what is measured or against
    what: within a period every part has the same baseline, milestones and standing, so the
    engine rates a period at once. One period while the framework has never been revised."""
    cuts: set[int] = set()
    for model in (IndicatorPart, Baseline, Milestone):
        rows = model.objects.filter(Q(in_force_from__isnull=False) | Q(in_force_until__isnull=False))
        for first, last in rows.order_by().values_list("in_force_from", "in_force_until").distinct():
            cuts.update(y for y in (first, None if last is None else last + 1) if y is not None)
    periods: list[list[int]] = []
    for year in years:
        if not periods or year in cuts:
            periods.append([])
        periods[-1].append(year)
    return periods


def report_years() -> list[int]:
    """Every year a rating is computed for: from the year after the earliest baseline to the
    later of this year and the latest observation."""
    first = Baseline.objects.filter(is_current=True).aggregate(y=Min("year"))["y"]
    last = Observation.objects.aggregate(y=Max("year"))["y"]
    if first is None:
        return []
    end = max(datetime.date.today().year, last or 0)
    return list(range(first + 1, end + 1))
