"""An uploaded table as entries of the one way in (workflow.entry): each non-empty row becomes an
Entry named by its file row, and the unit column, which only uploads carry, is checked against
the part's unit. Every other rule is workflow.entry's."""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from imports.reading import Table
from workflow.entry import REGION, Checked, Entry, Facts, entries_check

__all__ = ["REGION", "check_table"]


def _entries(table: Table, skipped: list[int]) -> Iterator[tuple[Entry, str]]:
    positions = list(table.columns.items())
    for number, cells in table.rows:
        width = len(cells)
        values = {column: cells[index].strip() if index < width else "" for column, index in positions}
        if not values.get("value", "") and not values.get("qualifier", ""):
            skipped.append(number)  # a template row left empty: nothing to enter
            continue
        entry = Entry(
            indicator=values.get("indicator", ""),
            part=values.get("part", ""),
            country=values.get("country", ""),
            year=values.get("year", ""),
            value=values.get("value", ""),
            qualifier=values.get("qualifier", ""),
            citation=values.get("source") or None,
            note=values.get("note") or None,
            ref=number,
        )
        yield entry, values.get("unit", "")


def check_table(
    table: Table, facts: Facts, *, decimal_comma: bool, progress=None
) -> tuple[Checked, int, dict[int, str]]:
    """Check every row; returns the checked rows and problems, how many rows were empty, and each
    row's name as a person reads it (indicator · part · country · year, as the file gives them)."""
    skipped: list[int] = []
    units: list[tuple[Entry, str]] = []
    labels: dict[int, str] = {}

    def entries():
        for entry, unit in _entries(table, skipped):
            if unit:
                units.append((entry, unit))
            labels[entry.ref] = " · ".join(str(v) for v in (entry.indicator, entry.part, entry.country, entry.year))
            yield entry

    checked = entries_check(entries(), facts, decimal_comma=decimal_comma, progress=progress)
    for entry, unit in units:
        part = facts.parts.get((str(entry.indicator).upper(), str(entry.part).upper()))
        if part is not None and unit.lower() not in part.unit_names:
            checked.errors.append(
                (
                    entry.ref,
                    "unit",
                    _("Unit “%(unit)s” does not match the part's unit, %(expected)s.")
                    % {"unit": unit, "expected": part.unit_label},
                )
            )
    if units and checked.errors:
        bad = {ref for ref, _column, _message in checked.errors}
        checked.rows = [row for row in checked.rows if row.ref not in bad]
        checked.errors.sort(key=lambda error: error[0])
    return checked, len(skipped), labels
