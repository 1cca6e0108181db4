"""An uploaded table as entries of the one way in (workflow.entry): each non-empty row becomes an
entry named by its file row, and the whole table is checked at once. Every rule is
workflow.entry's, the unit column's (which only uploads carry) included."""

import gc

import pandas as pd

from imports.problems import ProblemSink
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


CHUNK_ROWS = 100_000  # rows checked at once: what a check holds besides the file's own columns


def table_entries(table: Table, start: int = 0, stop: int | None = None) -> tuple[pd.DataFrame, int]:
    """The file's rows from `start` to `stop` as a table of entries, a column per Entry field,
    each row named by its file row; rows without a value or qualifier (a template row left empty)
    are skipped and counted."""
    stop = len(table) if stop is None else min(stop, len(table))
    blank = [""] * (stop - start)
    entries = pd.DataFrame({"ref": pd.Series(table.numbers[start:stop], dtype=object)})
    for column, name in _ENTRY_OF_COLUMN.items():
        cells = table.cells.get(column)
        entries[name] = pd.Series(cells[start:stop] if cells is not None else blank, dtype=object)
    for name in ("citation", "note"):  # an empty cell keeps what is recorded
        entries[name] = entries[name].where(entries[name] != "", None)
    given = ((entries["value"] != "") | (entries["qualifier"] != "")).to_numpy()
    skipped = int((~given).sum())
    return (entries[given].reset_index(drop=True) if skipped else entries), skipped


def check_table(
    table: Table, facts: Facts, *, decimal_comma: bool, progress=None, sink: ProblemSink | None = None
) -> tuple[Checked, int]:
    """Check every row, CHUNK_ROWS at a time; returns the checked rows and problems, and how many
    rows were empty. With a sink, the problems go there as they are found (a file may have
    millions) and the result's list of problems stays empty."""
    seen: dict = {}
    out = Checked(errors=[])
    tables, skipped = [], 0
    for start in range(0, len(table), CHUNK_ROWS):
        entries, empty = table_entries(table, start, start + CHUNK_ROWS)
        skipped += empty
        checked = entries_check(entries, facts, decimal_comma=decimal_comma, seen=seen)
        if sink is not None:
            sink.extend(checked.errors)
        else:
            out.errors += checked.errors
        out.denied |= checked.denied
        tables.append(checked.table)
        del entries, checked
        gc.collect()  # a chunk's refused values leave cycles (exceptions and their frames) behind
        if progress is not None:
            progress(min(start + CHUNK_ROWS, len(table)))
    if tables:
        out.table = tables[0] if len(tables) == 1 else pd.concat(tables, ignore_index=True)
    return out, skipped


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
