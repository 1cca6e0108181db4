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


def _revise(
    model,
    *,
    identity: dict,
    rows: dict,
    date_field: str,
    on: datetime.date,
    source: Source,
    in_force_from: int | None,
    make_current: bool,
    fields: dict,
):
    """Record one row of a baseline's or a milestone's history. The same revision (identity,
    source, date, first year) is updated in place and keeps its place in the history; a new one
    replaces the current row of `rows` (_supersede), or with make_current=False is recorded
    behind it."""
    dated = {**identity, "source": source, date_field: on}
    # a framework revision's row is its own, never a correction's or another revision's
    existing = model.objects.filter(**dated, in_force_from=in_force_from).first()
    if existing is not None:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        return existing
    fields = {**fields, "is_current": False}
    if make_current:
        fields |= _supersede(model, rows, in_force_from, on, date_field)
    return model.objects.create(**dated, **fields)


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
    """Record a baseline revision and make it the current one; earlier ones stay as history
    (_revise). in_force_from: a framework revision's first reporting year; the replaced baseline
    keeps governing the years before it (_supersede)."""
    row = _revise(
        Baseline,
        identity={"part": part, "year": year},
        rows={"part": part},  # one current baseline per part
        date_field="revised_on",
        on=revised_on,
        source=source,
        in_force_from=in_force_from,
        make_current=make_current,
        fields={
            "availability": value.availability,
            **value.model_fields(),
            **reason,
            **(note or {}),
            "recorded_by": user,
        },
    )
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
    """Record a milestone for a year and make it current; the one it replaces stays as history
    (_revise). in_force_from: a framework revision's first reporting year; the replaced
    milestone keeps governing the years before it (_supersede)."""
    return _revise(
        Milestone,
        identity={"part": part, "year": year},
        rows={"part": part, "year": year},  # one current milestone per part and year
        date_field="set_on",
        on=set_on,
        source=source,
        in_force_from=in_force_from,
        make_current=make_current,
        fields={"kind": kind, **value.model_fields(), **reason, **(note or {}), "recorded_by": user},
    )
