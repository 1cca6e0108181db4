"""Writes to indicator data: baselines and milestones with their revisions. Observations are
written through the one way in, workflow.entry."""

import datetime

from django.db import transaction
from django.db.models import Q

from clusters.models import Country
from indicators.models import Baseline, IndicatorPart, Milestone, Source
from indicators.values import TypedValueFields


def _supersede(replaced, in_force_from: int | None) -> dict:
    """Retire the current rows a new one replaces and say which years the new one governs. A
    framework revision (in_force_from: the first year it governs) leaves the replaced rows
    governing the years before; a correction takes over the replaced row's years."""
    inherited = replaced.exclude(in_force_from__isnull=True).values_list("in_force_from", flat=True).first()
    if in_force_from is None:
        replaced.update(is_current=False)
        return {"in_force_from": inherited}
    earlier = replaced.filter(Q(in_force_from__isnull=True) | Q(in_force_from__lt=in_force_from))
    earlier.update(is_current=False, in_force_until=in_force_from - 1)
    replaced.update(is_current=False)  # a second revision for the same years: corrected away
    return {"in_force_from": in_force_from}


def _set_countries(row, value: TypedValueFields, countries_by_code: dict[str, Country]) -> None:
    row.countries.set([countries_by_code[code] for code in value.countries])


@transaction.atomic
def baseline_revise(
    *,
    part: IndicatorPart,
    year: int,
    value: TypedValueFields,
    revised_on: datetime.date,
    source: Source,
    reason: dict[str, str],
    note: dict[str, str] | None = None,
    countries_by_code: dict[str, Country],
    make_current: bool = True,
    in_force_from: int | None = None,
    user=None,
) -> Baseline:
    """Record a baseline revision and make it the current one; earlier ones stay as history.

    Idempotent: the same revision (part, year, source, date) is updated in place and keeps its
    place in the history. make_current=False records an older revision behind the current one.
    in_force_from: a framework revision's first reporting year; the replaced baseline keeps
    governing the years before it."""
    existing = Baseline.objects.filter(part=part, year=year, source=source, revised_on=revised_on).first()
    fields = {
        "availability": value.availability,
        **value.model_fields(),
        **reason,
        **(note or {}),
        "recorded_by": user,
    }
    if existing is None:
        if make_current:
            fields |= _supersede(Baseline.objects.filter(part=part, is_current=True), in_force_from)
        row = Baseline.objects.create(
            part=part, year=year, source=source, revised_on=revised_on, is_current=make_current, **fields
        )
    else:
        for name, field_value in fields.items():
            setattr(existing, name, field_value)
        existing.save()
        row = existing
    _set_countries(row, value, countries_by_code)
    return row


@transaction.atomic
def milestone_revise(
    *,
    part: IndicatorPart,
    year: int,
    kind: str,
    value: TypedValueFields,
    set_on: datetime.date,
    source: Source,
    reason: dict[str, str],
    note: dict[str, str] | None = None,
    make_current: bool = True,
    in_force_from: int | None = None,
    user=None,
) -> Milestone:
    """Record a milestone for a year and make it current; the one it replaces stays as history.

    Idempotent: the same revision (part, year, source, date) is updated in place and keeps its
    place in the history. make_current=False records an older revision behind the current one.
    in_force_from: a framework revision's first reporting year; the replaced milestone keeps
    governing the years before it."""
    existing = Milestone.objects.filter(part=part, year=year, source=source, set_on=set_on).first()
    fields = {"kind": kind, **value.model_fields(), **reason, **(note or {}), "recorded_by": user}
    if existing is None:
        if make_current:
            fields |= _supersede(Milestone.objects.filter(part=part, year=year, is_current=True), in_force_from)
        elif in_force_from is not None:
            fields["in_force_from"] = in_force_from
        return Milestone.objects.create(
            part=part, year=year, source=source, set_on=set_on, is_current=make_current, **fields
        )
    for name, field_value in fields.items():
        setattr(existing, name, field_value)
    existing.save()
    return existing
