"""Reads the frames the engine works on, straight from the database as plain values: one query
per frame, whatever the number of parts."""

from collections import defaultdict

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import Count, Max, Min

from clusters.models import Country
from indicators.models import Availability, Baseline, IndicatorPart, Milestone, Observation, OrdinalLevel, ValueType
from progress.engine import Point, Target


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
        self.ranks = {
            (part_id, code): rank
            for part_id, code, rank in OrdinalLevel.objects.filter(part_id__in=self.part_ids).values_list(
                "part_id", "code", "rank"
            )
        }
        # parts whose weights come from outside the set still need those weights' observations
        weight_ids = {
            int(w)
            for column in ("weight_part_id", "condition_part_id")
            for w in self.parts.get(column, pd.Series(dtype=float)).dropna()
        }
        self.observations = self._observations(set(self.part_ids) | weight_ids)
        self.memberships = pd.DataFrame.from_records(
            [
                (c.id, c.member_from.year, c.member_until.year if c.member_until else None)
                for c in Country.objects.only("id", "member_from", "member_until")
            ],
            columns=["country_id", "first_year", "last_year"],
        ).astype({"first_year": "Int64", "last_year": "Int64"})

    def _as_float(self, part_id, value_type, number, boolean, text):
        if value_type == ValueType.BOOLEAN:
            return None if boolean is None else float(boolean)
        if value_type == ValueType.ORDINAL:
            rank = self.ranks.get((part_id, text))
            return None if rank is None else float(rank)
        return None if number is None else float(number)

    def _observations(self, part_ids: set[int]) -> pd.DataFrame:
        """Public actual values as floats (ratings and regional values are published figures, so
        they are made of what the public may see). Read through a plain cursor: a million rows through
        model iteration would cost seconds."""
        query = (
            Observation.objects.public()
            .filter(part_id__in=part_ids, availability=Availability.VALUE)
            .exclude(kind=Observation.Kind.FORECAST)
            .values_list(
                "part_id",
                "country_id",
                "year",
                "value_type",
                "value_number",
                "value_boolean",
                "value_text",
                "qualifier",
            )
            .order_by()
        )
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            # the SELECT follows the model's field order, not values_list's: name columns by it
            names = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
        frame = pd.DataFrame.from_records(rows, columns=names).rename(
            columns={"value_number": "number", "value_boolean": "boolean", "value_text": "text"}
        )
        frame["value"] = pd.to_numeric(frame["number"], errors="coerce").astype("float64")
        is_boolean = frame["value_type"] == ValueType.BOOLEAN
        if is_boolean.any():
            frame.loc[is_boolean, "value"] = frame.loc[is_boolean, "boolean"].map({True: 1.0, False: 0.0})
        is_ordinal = frame["value_type"] == ValueType.ORDINAL
        if is_ordinal.any():
            keys = list(zip(frame.loc[is_ordinal, "part_id"], frame.loc[is_ordinal, "text"], strict=True))
            frame.loc[is_ordinal, "value"] = [float(self.ranks[k]) if k in self.ranks else np.nan for k in keys]
        frame = frame[frame["value"].notna()]
        frame = frame[["part_id", "country_id", "year", "value", "qualifier"]]
        return frame.astype({"part_id": "int64", "country_id": "Int64", "year": "int64", "value": "float64"})

    def baselines(self) -> tuple[dict[int, Point | None], set[int]]:
        current: dict[int, Point | None] = {}
        rows = Baseline.objects.filter(part_id__in=self.part_ids, is_current=True).values_list(
            "part_id", "year", "availability", "value_type", "value_number", "value_boolean", "value_text", "qualifier"
        )
        for part_id, year, availability, vtype, number, boolean, text, qualifier in rows:
            value = (
                self._as_float(part_id, vtype, number, boolean, text) if availability == Availability.VALUE else None
            )
            current[part_id] = None if value is None else Point(year, value, qualifier)
        revised = set(
            Baseline.objects.filter(part_id__in=self.part_ids)
            .order_by()  # the model's ordering would split the GROUP BY
            .values("part_id")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .values_list("part_id", flat=True)
        )
        return current, revised

    def targets(self) -> tuple[dict[int, list[Target]], dict[int, int]]:
        targets: dict[int, list[Target]] = defaultdict(list)
        final_year: dict[int, int] = {}
        rows = Milestone.objects.filter(part_id__in=self.part_ids, is_current=True).values_list(
            "part_id", "year", "kind", "value_type", "value_number", "value_boolean", "value_text"
        )
        for part_id, year, kind, vtype, number, boolean, text in rows.order_by("part_id", "year"):
            if kind == Milestone.Kind.NOT_APPLICABLE:
                continue
            final_year[part_id] = max(final_year.get(part_id, year), year)
            value = self._as_float(part_id, vtype, number, boolean, text)
            if kind in (Milestone.Kind.EXACT, Milestone.Kind.AT_LEAST, Milestone.Kind.AT_MOST) and value is not None:
                targets[part_id].append(Target(year, kind, value))
        return targets, final_year


def report_years() -> list[int]:
    """Every year a rating is computed for: from the year after the earliest baseline to the
    later of this year and the latest observation."""
    import datetime

    first = Baseline.objects.filter(is_current=True).aggregate(y=Min("year"))["y"]
    last = Observation.objects.aggregate(y=Max("year"))["y"]
    if first is None:
        return []
    end = max(datetime.date.today().year, last or 0)
    return list(range(first + 1, end + 1))
