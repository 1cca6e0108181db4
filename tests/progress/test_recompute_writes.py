"""How a recompute reads and writes: every kind of value is read as the engine's float, and only
the stored rows whose content changed are written (the rest keep their id and updated_at), in a
number of queries that does not grow with the data."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carec_prf.bulk import rows_sync
from indicators.models import Availability, IndicatorPart, Observation, OrdinalLevel, ValueType
from progress.loading import Frames
from progress.models import PartRating, RegionalValue
from progress.services import progress_recompute

pytestmark = pytest.mark.django_db


def part(indicator: str, code: str) -> IndicatorPart:
    return IndicatorPart.objects.get(indicator__code=indicator, code=code)


def test_frames_read_every_kind_of_value_as_the_engines_float():
    ranks = {(level.part_id, level.code): float(level.rank) for level in OrdinalLevel.objects.all()}
    expected = set()
    for o in (
        Observation.objects.public().filter(availability=Availability.VALUE).exclude(kind=Observation.Kind.FORECAST)
    ):
        if o.value_type == ValueType.BOOLEAN:
            value = float(o.value_boolean)
        elif o.value_type == ValueType.ORDINAL:
            value = ranks.get((o.part_id, o.value_text))
        else:
            value = float(o.value_number)
        if value is not None:
            expected.add((o.part_id, o.country_id, o.year, value, o.qualifier))
    frame = Frames(None).observations
    read = {
        (p, None if c is None or c != c else int(c), y, v, q)
        for p, c, y, v, q in zip(
            frame["part_id"].tolist(),
            frame["country_id"].astype(object).where(frame["country_id"].notna(), None).tolist(),
            frame["year"].tolist(),
            frame["value"].tolist(),
            frame["qualifier"].tolist(),
            strict=True,
        )
    }
    assert read == expected
    kinds = set(Observation.objects.public().values_list("value_type", flat=True))
    assert {ValueType.BOOLEAN, ValueType.NUMBER} <= kinds  # the seeds hold more than numbers
    assert any(c is None for _p, c, *_rest in read) and any(q for *_rest, q in read)  # regions, qualifiers


def _stored(queryset, key):
    return {tuple(row[k] for k in key): row for row in queryset.values()}


def _content(row):
    return {k: v for k, v in row.items() if k not in ("id", "updated_at")}


def test_a_recompute_rewrites_only_the_rows_whose_content_changed():
    progress_recompute()
    road = part("TRP OP 1", "ROAD_BCP_TIME")
    ratings = PartRating.objects.filter(part__indicator=road.indicator)
    before = _stored(ratings, ("part_id", "as_of"))
    regional_before = _stored(RegionalValue.objects.filter(part=road), ("year",))
    gone = min(regional_before)[0]
    assert Observation.objects.filter(part=road, year=gone).delete()[0]
    Observation.objects.filter(part=road, year=2021).update(value_number=Decimal("20.0"))
    progress_recompute(part_ids=[road.pk])
    after = _stored(ratings, ("part_id", "as_of"))
    assert after.keys() == before.keys()
    changed = {k for k in after if _content(after[k]) != _content(before[k])}
    assert changed and changed != after.keys()
    for k, row in after.items():
        assert row["id"] == before[k]["id"]  # updated in place, never deleted and inserted again
        assert (row["updated_at"] > before[k]["updated_at"]) == (k in changed)
    regional_after = _stored(RegionalValue.objects.filter(part=road), ("year",))
    assert (gone,) not in regional_after  # gone with its values
    assert regional_after[(2021,)]["value"] == 20.0
    assert regional_after[(2021,)]["updated_at"] > regional_before[(2021,)]["updated_at"]


def test_rows_sync_deletes_inserts_and_updates_within_its_scope_only():
    road, other = part("TRP OP 1", "ROAD_BCP_TIME"), part("TRD OC 1", "FUEL_CAREC")
    RegionalValue.objects.all().delete()
    old = timezone.now() - datetime.timedelta(days=1)
    base = {"qualifier": "", "origin": "aggregated", "contributors": [1, 2], "n_contributors": 2, "n_members": 11}
    for p, year, value in ((road, 2018, 1.0), (road, 2019, 2.0), (road, 2020, 3.0), (other, 2018, 9.0)):
        RegionalValue.objects.create(part=p, year=year, value=value, updated_at=old, **base)
    ids = dict(RegionalValue.objects.values_list("year", "id").filter(part=road))
    now = timezone.now()
    rows = [
        {"part_id": road.pk, "year": 2018, "value": 1.0, **base},  # the same
        {"part_id": road.pk, "year": 2019, "value": 2.5, **base},  # changed
        {"part_id": road.pk, "year": 2021, "value": 4.0, "origin": "reported", "qualifier": None, "n_members": 11},
    ]  # 2020 is gone; 2021 is new, with a qualifier None and no contributors (their defaults: "" and [])
    rows_sync(RegionalValue.objects.filter(part=road), rows, key=("part_id", "year"), stamp="updated_at", now=now)
    stored = {r.year: r for r in RegionalValue.objects.filter(part=road)}
    assert sorted(stored) == [2018, 2019, 2021]
    assert (stored[2018].pk, stored[2018].updated_at) == (ids[2018], old)
    assert (stored[2019].pk, stored[2019].value, stored[2019].updated_at) == (ids[2019], 2.5, now)
    assert (stored[2021].contributors, stored[2021].qualifier, stored[2021].n_contributors) == ([], "", None)
    assert stored[2021].updated_at == now
    untouched = RegionalValue.objects.get(part=other)
    assert (untouched.value, untouched.updated_at) == (9.0, old)


def test_an_incremental_recompute_takes_the_same_queries_whatever_its_scope():
    progress_recompute()
    parts = list(IndicatorPart.objects.values_list("pk", flat=True))

    def queries(part_ids):
        with CaptureQueriesContext(connection) as run:
            progress_recompute(part_ids=part_ids)
        return len(run.captured_queries)

    one = queries([part("TRP OP 1", "ROAD_BCP_TIME").pk])
    assert queries(parts[:30]) == one
    assert queries(parts) == one
