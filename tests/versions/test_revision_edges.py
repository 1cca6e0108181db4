"""Edges of revising the framework more than once: two revisions endorsed the same day each keep
their own baseline; a correction dated before a revision corrects the row that governed before
it; a part's series changed twice in one draft is refused with a message, not a server error."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from indicators.models import Baseline, IndicatorPart, Milestone, Source
from indicators.services import milestone_revise
from indicators.values import typed_value
from tests.versions.test_editions import _retarget
from tests.versions.test_revision import REASONS, _draft, _endorse, framework, secretariat  # noqa: F401
from versions import services

pytestmark = pytest.mark.django_db
NOTE = {"en": "Series rebased", "zh-hans": "数据系列已重新定基", "ru": "Ряд пересчитан"}


def _rebase(user, version, factor: str):
    return services.change_add(
        user=user,
        version=version,
        kind="rebase",
        payload={"indicator": "TRD OC 1", "part": "FUEL_WORLD", "factor": factor, "note": NOTE},
        reason=REASONS["rebase"],
    )


def _baseline(year: int) -> Decimal:
    return Baseline.objects.in_force(year).get(part__code="FUEL_WORLD").value_number


def test_two_revisions_endorsed_the_same_day_each_keep_their_baseline(secretariat, framework):  # noqa: F811
    original = _baseline(2023)
    first = services.version_draft_create(user=secretariat, framework=framework, label="2024", applies_from=2024)
    _rebase(secretariat, first, "2")
    _endorse(secretariat, first)
    second = services.version_draft_create(user=secretariat, framework=framework, label="2027", applies_from=2027)
    _rebase(secretariat, second, "3")
    _endorse(secretariat, second)  # the same endorsement date as the first

    assert _baseline(2023) == original
    assert _baseline(2025) == (original * 2).quantize(Decimal("0.000001"))
    assert _baseline(2028) == (original * 6).quantize(Decimal("0.000001"))
    assert Baseline.objects.filter(part__code="FUEL_WORLD", part__indicator__code="TRD OC 1").count() >= 3


def test_a_correction_dated_before_a_revision_corrects_the_years_before_it(secretariat, framework):  # noqa: F811
    version = _draft(secretariat, framework)
    _retarget(secretariat, version)  # RAIL_SWD 2029: exact 30 from 2027
    _endorse(secretariat, version)
    rail = IndicatorPart.objects.get(indicator__code="TRP OC 1", code="RAIL_SWD")

    def due_2029(year: int) -> tuple:
        row = Milestone.objects.in_force(year).get(part=rail, year=2029)
        return row.kind, row.value_number

    assert due_2029(2026) == ("not_set", None) and due_2029(2028) == ("exact", Decimal(30))
    # a typo in the 2020 framework's milestone, fixed with the date of that framework's data
    milestone_revise(
        part=rail,
        year=2029,
        kind="exact",
        value=typed_value(value_type=rail.value_type, value="25"),
        set_on=datetime.date(2025, 1, 1),
        source=Source.objects.get(code="PRF2020"),
        reason={"reason_en": "Typo in the 2020 framework"},
    )
    assert due_2029(2026) == ("exact", Decimal(25))
    assert due_2029(2028) == ("exact", Decimal(30))  # the revision's milestone stays


def test_a_parts_series_changed_twice_in_one_draft_is_refused_naming_it(secretariat, framework):  # noqa: F811
    version = services.version_draft_create(user=secretariat, framework=framework, label="2027", applies_from=2027)
    _rebase(secretariat, version, "1.1")
    with pytest.raises(ValidationError) as refused:
        _rebase(secretariat, version, "1.2")
    assert "FUEL_WORLD" in str(refused.value) and "already changed" in str(refused.value)
    assert version.changes.count() == 1
