"""An uploaded table as entries of the one way in (workflow.entry): each non-empty row becomes an
entry named by its file row, and the whole table is checked at once. Every rule is
workflow.entry's, the unit column's (which only uploads carry) included."""

import pandas as pd

from imports.reading import Table
from workflow.entry import REGION, Checked, Facts, entries_check

__all__ = ["REGION", "check_table", "row_labels"]


# The file's columns as the one way in names them: a file's "source" is the citation of its values.
_ENTRY_OF_COLUMN = {
    "indicator": "indicator",
    "part": "part",
    "country": "country",
    "year": "year",
    "value": "value",
    "qualifier": "qualifier",
    "source": "citation",
    "note": "note",
    "unit": "unit",
}


def table_entries(table: Table) -> tuple[pd.DataFrame, int]:
    """The file's rows as a table of entries, a column per Entry field, each row named by its
    file row; rows without a value or qualifier (a template row left empty) are skipped and
    counted."""
    blank = [""] * len(table)
    entries = pd.DataFrame({"ref": pd.Series(table.numbers, dtype=object)})
    for column, name in _ENTRY_OF_COLUMN.items():
        entries[name] = pd.Series(table.cells.get(column, blank), dtype=object)
    for name in ("citation", "note"):  # an empty cell keeps what is recorded
        entries[name] = entries[name].where(entries[name] != "", None)
    given = ((entries["value"] != "") | (entries["qualifier"] != "")).to_numpy()
    skipped = int((~given).sum())
    return (entries[given].reset_index(drop=True) if skipped else entries), skipped


def check_table(table: Table, facts: Facts, *, decimal_comma: bool, progress=None) -> tuple[Checked, int]:
    """Check every row; returns the checked rows and problems, and how many rows were empty."""
    entries, skipped = table_entries(table)
    return entries_check(entries, facts, decimal_comma=decimal_comma, progress=progress), skipped


def row_labels(table: Table, numbers: set[int]) -> dict[int, str]:
    """The named rows as a person reads them (indicator · part · country · year, as the file gives
    them): built only for the rows a report shows, not for every row of a large file."""
    if not numbers:
        return {}
    columns = [table.cells.get(name) for name in ("indicator", "part", "country", "year")]
    return {
        number: " · ".join(column[i] if column is not None else "" for column in columns)
        for i, number in enumerate(table.numbers)
        if number in numbers
    }
