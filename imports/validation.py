"""An uploaded table as entries of the one way in (workflow.entry): each non-empty row becomes an
Entry named by its file row, and the unit column, which only uploads carry, is checked against
the part's unit. Every other rule is workflow.entry's."""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from imports.reading import Table
from workflow.entry import REGION, Checked, Entry, Facts, entries_check

__all__ = ["REGION", "check_table", "row_labels"]


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


def check_table(table: Table, facts: Facts, *, decimal_comma: bool, progress=None) -> tuple[Checked, int]:
    """Check every row; returns the checked rows and problems, and how many rows were empty."""
    skipped: list[int] = []
    units: list[tuple[Entry, str]] = []

    def entries():
        for entry, unit in _entries(table, skipped):
            if unit:
                units.append((entry, unit))
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
    return checked, len(skipped)


def row_labels(table: Table, numbers: set[int]) -> dict[int, str]:
    """The named rows as a person reads them (indicator · part · country · year, as the file gives
    them): built only for the rows a report shows, not for every row of a large file."""
    if not numbers:
        return {}
    positions = [table.columns.get(name) for name in ("indicator", "part", "country", "year")]
    labels = {}
    for number, cells in table.rows:
        if number in numbers:
            labels[number] = " · ".join(cells[i].strip() if i is not None and i < len(cells) else "" for i in positions)
    return labels
