"""The one way in, set-based: the table of entries is checked a column at a time and new values
go in as one set, with audit entries equal to what the one-by-one path records, in a fixed
number of queries whatever the number of rows."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.models import IndicatorPart, Observation, ValueType
from indicators.values import read_value
from tests import factories
from workflow import services
from workflow.audit import _changes, snapshot
from workflow.entry import Entry, entries_check, entries_write, facts_load
from workflow.models import AuditEntry, Role

pytestmark = pytest.mark.django_db

PLACES = ["CAREC", "AFG", "AZE", "CHN", "GEO", "KAZ", "KGZ", "MON", "PAK", "TAJ", "TKM", "UZB"]


@pytest.fixture
def sec(db):
    factories.open_year(2023)
    return factories.user("sec", groups=(Role.SECRETARIAT,))


def entries(count: int, value="12.5") -> list[Entry]:
    parts = list(
        IndicatorPart.objects.filter(value_type__in=[ValueType.COUNT, ValueType.MONEY], unit__max_value__isnull=True)
        .order_by("id")
        .values_list("indicator__code", "code")[:count]
    )
    return [Entry(indicator, part, "CAREC", 2023, value, ref=i) for i, (indicator, part) in enumerate(parts)]


def test_new_values_written_as_a_set_are_audited_as_one_by_one(sec):
    written = services.entries_save(user=sec, entries=entries(3, "1 200"), decimal_comma=True)
    assert written.created == 3
    stamps = {"created_at", "updated_at"}  # SQLite's bulk_create stamps each row itself, a moment later
    for observation in written.observations.values():
        entry = AuditEntry.objects.get(object_id=observation.pk, action="create", content_type__model="observation")
        state = snapshot(observation)
        assert {k: v for k, v in entry.state.items() if k not in stamps} == {
            k: v for k, v in state.items() if k not in stamps
        }
        assert set(entry.state) == set(state)
        assert entry.changes == _changes({}, state)
        assert entry.state["value_number"] == "1200"
        assert entry.indicator_id == observation.part.indicator_id


def test_writing_uses_the_same_queries_for_four_values_as_for_thirty(sec):
    def queries(count: int, value: str) -> int:
        facts = facts_load(user=sec)
        checked = entries_check(entries(count, value), facts, decimal_comma=False)
        assert not checked.errors and len(checked.table) == count
        with CaptureQueriesContext(connection) as captured:
            entries_write(user=sec, rows=checked, status=Observation.Status.DRAFT, fetch=False)
        return len(captured)

    four = queries(4, "1")
    Observation.objects.filter(year=2023).delete()
    assert queries(30, "2") == four


def test_a_row_with_many_problems_lists_them_in_the_order_of_its_columns(sec):
    facts = facts_load(user=sec)
    bad = Entry("TRP OP 1", "ROAD_BCP_TIME", "XXX", "20x3", "abc", kind="guess", evidence_url="ftp://x", ref=7)
    good = Entry("TRP OP 1", "ROAD_BCP_TIME", "CAREC", 2023, "13", ref=8)
    twice = Entry("TRP OP 1", "ROAD_BCP_TIME", "CAREC", 2023, "14", ref=9)
    checked = entries_check([bad, good, twice], facts, decimal_comma=False)
    assert [(ref, column) for ref, column, _message in checked.errors] == [
        (7, "year"),
        (7, "country"),
        (7, "value"),
        (7, "kind"),
        (7, "evidence_url"),
        (9, "value"),
    ]
    assert "row 8" in checked.errors[-1][2]
    assert [row.ref for row in checked.rows] == [8]


number_texts = st.one_of(
    st.from_regex(r"\A-?[0-9]{1,16}([.,][0-9]{1,8})?\Z"),
    st.from_regex(r"\A[<>~]?-?[0-9]{1,3}([ ,.][0-9]{3}){0,3}([.,][0-9]{1,3})?%?\Z"),
    st.text(alphabet="0123456789.,- <>%", max_size=12),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=number_texts, decimal_comma=st.booleans(), kind=st.sampled_from(["number", "count", "rank"]))
def test_the_set_based_reading_is_read_value(text, decimal_comma, kind):
    """Every value a table of entries reads is what read_value reads, or the problem it names."""
    facts = _facts_of_kind(kind)
    indicator, part = next(iter(facts.parts))
    checked = entries_check([Entry(indicator, part, "CAREC", 2020, text, ref=1)], facts, decimal_comma=decimal_comma)
    try:
        expected = read_value(text, value_type=kind, decimal_comma=decimal_comma)
    except ValidationError as error:
        assert [message for _ref, column, message in checked.errors if column == "value"] == [" ".join(error.messages)]
        return
    got = checked.rows[0].value if checked.rows else None
    assert got == expected, checked.errors
    if expected.value_number is not None:
        assert isinstance(got.value_number, Decimal) and str(got.value_number) == str(expected.value_number)


_FACTS = {}


def _facts_of_kind(kind: str):
    """A framework of one part of the value type, no range, for the system (no rights to check)."""
    from workflow.entry import Facts, PartFacts

    if kind not in _FACTS:
        part = PartFacts(
            id=1,
            sector_id=None,
            indicator_id=1,
            value_type=kind,
            region_only=False,
            unit_names=frozenset(),
            unit_label="",
            min_value=None,
            max_value=None,
            scale=(),
        )
        _FACTS[kind] = Facts(
            parts={("X 1", "P"): part},
            countries={},
            first_year=2000,
            last_year=2030,
            year_status={},
            can_enter=lambda *_: True,
            system=True,
            indicators=frozenset({"X 1"}),
        )
    return _FACTS[kind]
