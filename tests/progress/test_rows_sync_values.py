"""rows_sync stores any value exactly as given (COPY text on PostgreSQL: escaped text, floats to
the last bit, JSON printed differently by the database), and a second sync of the same rows
writes nothing. A recompute leaves Python's cycle collector as it found it."""

import datetime
import gc
import math

import pytest
from django.db import connection
from django.utils import timezone

from carec_prf.bulk import rows_sync
from indicators.models import IndicatorPart
from progress.models import RegionalValue
from progress.services import progress_recompute

pytestmark = pytest.mark.django_db

AWKWARD = [  # (value, qualifier, contributors)
    (-0.0, "\\", ["a\tb", "line\nbreak", "back\\slash"]),
    (0.1 + 0.2, "\t", ["ü", "Ш", "中", '"quoted"']),
    (1 / 3, "\n", {"b": 1, "a": [2.5, None, True]}),  # the database keeps keys in its own order
    (5e-324, "\r", []),
    (1.7976931348623157e308, "", [1, 2, 3]),
    (-1e-300, "~", [10**15]),
]


def _rows(parts) -> list[dict]:
    return [
        {
            "part_id": part.pk,
            "year": 2000 + i,
            "value": value,
            "qualifier": qualifier,
            "origin": "aggregated",
            "contributors": contributors,
            "n_contributors": None if i % 2 else i,
            "n_members": 11,
        }
        for i, (part, (value, qualifier, contributors)) in enumerate(zip(parts, AWKWARD, strict=False))
    ]


def test_rows_sync_stores_awkward_values_exactly_and_leaves_them_alone_the_second_time():
    parts = list(IndicatorPart.objects.order_by("pk")[: len(AWKWARD)])
    RegionalValue.objects.all().delete()
    rows = _rows(parts)
    first = timezone.now() - datetime.timedelta(days=1)
    rows_sync(RegionalValue.objects.all(), rows, key=("part_id", "year"), stamp="updated_at", now=first)
    stored = {(r.part_id, r.year): r for r in RegionalValue.objects.all()}
    assert len(stored) == len(rows)
    for row in rows:
        got = stored[(row["part_id"], row["year"])]
        assert (got.value, got.qualifier, got.contributors) == (row["value"], row["qualifier"], row["contributors"])
        assert got.n_contributors == row["n_contributors"] and got.updated_at == first
    if connection.vendor == "postgresql":  # SQLite stores a whole REAL as an integer, losing the sign of zero
        assert math.copysign(1, stored[(parts[0].pk, 2000)].value) == -1

    ids = {key: r.pk for key, r in stored.items()}
    rows_sync(RegionalValue.objects.all(), rows, key=("part_id", "year"), stamp="updated_at", now=timezone.now())
    again = {(r.part_id, r.year): (r.pk, r.updated_at) for r in RegionalValue.objects.all()}
    assert again == {key: (ids[key], first) for key in stored}  # the same content: not written


def test_rows_sync_writes_a_changed_json_value_and_a_changed_float_bit():
    parts = list(IndicatorPart.objects.order_by("pk")[: len(AWKWARD)])
    RegionalValue.objects.all().delete()
    rows = _rows(parts)
    old = timezone.now() - datetime.timedelta(days=1)
    rows_sync(RegionalValue.objects.all(), rows, key=("part_id", "year"), stamp="updated_at", now=old)
    rows[1] = rows[1] | {"value": math.nextafter(rows[1]["value"], 1.0)}  # one bit more
    rows[2] = rows[2] | {"contributors": {"b": 1, "a": [2.5, None, False]}}
    now = timezone.now()
    rows_sync(RegionalValue.objects.all(), rows, key=("part_id", "year"), stamp="updated_at", now=now)
    stamps = {r.year: (r.updated_at, r.value, r.contributors) for r in RegionalValue.objects.all()}
    assert stamps[2001] == (now, rows[1]["value"], rows[1]["contributors"])
    assert stamps[2002] == (now, rows[2]["value"], rows[2]["contributors"])
    assert {year for year, (stamp, *_rest) in stamps.items() if stamp == old} == {2000, 2003, 2004, 2005}


def test_a_recompute_leaves_the_cycle_collector_as_it_found_it():
    assert gc.isenabled()
    progress_recompute()
    assert gc.isenabled()
    gc.disable()
    try:
        progress_recompute()
        assert not gc.isenabled()  # not turned on behind the back of whoever turned it off
    finally:
        gc.enable()
