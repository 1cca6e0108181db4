"""Writes to indicator data: baselines and milestones with their revisions. Observations are
written through the one way in, workflow.entry."""

import datetime

from django.db import transaction

from clusters.models import Country
from indicators.models import Baseline, IndicatorPart, Milestone, Source
from indicators.values import TypedValueFields


def _supersede(model, rows: dict, in_force_from: int | None, on: datetime.date, date_field: str) -> dict:
    """Retire the current row a new one replaces (rows: the filter of the part's, or the part's
    and year's, rows) and say which years the new one governs and whether it is current.

    A framework revision (in_force_from: the first year it governs) leaves the replaced row
    governing the years before. A correction takes over the replaced row's years; but one dated
    before the revision that set the current row corrects the row that governs the years before
    that revision instead, and the current row stays."""
    current = model.objects.filter(**rows, is_current=True)
    replaced = current.first()
    if in_force_from is not None:
        if replaced is not None and (replaced.in_force_from is None or replaced.in_force_from < in_force_from):
            current.update(is_current=False, in_force_until=in_force_from - 1)
        else:
            current.update(is_current=False)  # a second revision for the same years: corrected away
        return {"in_force_from": in_force_from, "is_current": True}
    if replaced is not None and replaced.in_force_from is not None and on < getattr(replaced, date_field):
        earlier = model.objects.filter(**rows, is_current=False, in_force_until=replaced.in_force_from - 1).first()
        if earlier is not None:
            model.objects.filter(pk=earlier.pk).update(in_force_until=None)  # corrected away
            return {
                "in_force_from": earlier.in_force_from,
                "in_force_until": earlier.in_force_until,
                "is_current": False,
            }
    current.update(is_current=False)
    return {"in_force_from": None if replaced is None else replaced.in_force_from, "is_current": True}


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

    Idempotent: the same revision (part, year, source, date, first year) is updated in place and
    keeps its place in the history. make_current=False records an older revision behind the
    current one. in_force_from: a framework revision's first reporting year; the replaced
    baseline keeps governing the years before it (_supersede)."""
    # the same revision: a framework revision's row is its own, never a correction's or another's
    existing = Baseline.objects.filter(
        part=part, year=year, source=source, revised_on=revised_on, in_force_from=in_force_from
    ).first()
    fields = {
        "availability": value.availability,
        **value.model_fields(),
        **reason,
        **(note or {}),
        "recorded_by": user,
    }
    if existing is None:
        fields["is_current"] = False
        if make_current:
            fields |= _supersede(Baseline, {"part": part}, in_force_from, revised_on, "revised_on")
        row = Baseline.objects.create(part=part, year=year, source=source, revised_on=revised_on, **fields)
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

    Idempotent: the same revision (part, year, source, date, first year) is updated in place and
    keeps its place in the history. make_current=False records an older revision behind the
    current one. in_force_from: a framework revision's first reporting year; the replaced
    milestone keeps governing the years before it (_supersede)."""
    existing = Milestone.objects.filter(
        part=part, year=year, source=source, set_on=set_on, in_force_from=in_force_from
    ).first()
    fields = {"kind": kind, **value.model_fields(), **reason, **(note or {}), "recorded_by": user}
    if existing is None:
        fields["is_current"] = False
        if make_current:
            fields |= _supersede(Milestone, {"part": part, "year": year}, in_force_from, set_on, "set_on")
        return Milestone.objects.create(part=part, year=year, source=source, set_on=set_on, **fields)
    for name, field_value in fields.items():
        setattr(existing, name, field_value)
    existing.save()
    return existing
