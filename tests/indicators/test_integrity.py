"""The database itself refuses data that breaks the framework's rules, whatever wrote it."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from indicators.models import Baseline, Milestone, Observation, ValueType
from tests import factories

TODAY = datetime.date(2024, 1, 1)


def _baseline(part, **kwargs):
    return Baseline.objects.create(
        part=part, year=2017, value_type=part.value_type, revised_on=TODAY, source=factories.source(), **kwargs
    )


@pytest.mark.django_db
def test_only_one_current_baseline_per_part():
    part = factories.part()
    _baseline(part, value_number=Decimal("1"))
    _baseline(part, value_number=Decimal("2"), is_current=False)  # history is fine
    with pytest.raises(IntegrityError), transaction.atomic():
        _baseline(part, value_number=Decimal("3"))


@pytest.mark.django_db
def test_at_most_one_approved_observation_per_country_and_year():
    part = factories.part()
    from clusters.models import Country

    kaz = Country.objects.get(code="KAZ")
    fields = {"part": part, "year": 2021, "value_type": part.value_type, "value_number": Decimal("1")}
    Observation.objects.create(country=kaz, status="approved", **fields)
    Observation.objects.create(country=kaz, status="submitted", **fields)  # a pending revision is fine
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(country=kaz, status="approved", **fields)


@pytest.mark.django_db
def test_at_most_one_approved_regional_observation_per_year():
    part = factories.part()
    fields = {"part": part, "year": 2021, "value_type": part.value_type, "value_number": Decimal("1")}
    Observation.objects.create(country=None, status="approved", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(country=None, status="approved", **fields)


@pytest.mark.django_db
def test_one_current_milestone_per_year():
    part = factories.part()
    fields = {"part": part, "year": 2023, "value_type": part.value_type, "set_on": TODAY, "source": factories.source()}
    Milestone.objects.create(kind="exact", value_number=Decimal("5"), **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.create(kind="not_set", **fields)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value_type", "columns"),
    [
        (ValueType.BOOLEAN, {"value_number": Decimal("1")}),  # a yes/no squeezed into a number
        (ValueType.NUMBER, {"value_boolean": True}),
        (ValueType.NUMBER, {}),  # a value row with no value
        (ValueType.ORDINAL, {"value_number": Decimal("2")}),
        (ValueType.PERCENT, {"value_number": Decimal("2"), "value_text": "high"}),
        (ValueType.COUNT, {"value_number": Decimal("-1")}),
        (ValueType.RANK, {"value_number": Decimal("0")}),
    ],
)
def test_value_columns_must_match_the_value_type(value_type, columns):
    part = factories.part(value_type=value_type)
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(part=part, year=2020, value_type=value_type, **columns)


@pytest.mark.django_db
def test_not_applicable_rows_hold_no_value():
    part = factories.part()
    _baseline(part, availability="not_applicable")  # fine
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(
            part=part, year=2020, value_type=part.value_type, availability="not_applicable", value_number=Decimal("0")
        )


@pytest.mark.django_db
def test_not_set_milestone_holds_no_value_and_exact_needs_one():
    part = factories.part()
    fields = {"part": part, "value_type": part.value_type, "set_on": TODAY, "source": factories.source()}
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.create(year=2020, kind="not_set", value_number=Decimal("0"), **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.create(year=2023, kind="exact", **fields)
    Milestone.objects.create(year=2026, kind="at_least", **fields)  # "at least #": bound without value
