"""An uploaded table as entries of the one way in (workflow.entry): each non-empty row becomes an
entry named by its file row, and the whole table is checked at once. Every rule is
workflow.entry's, the unit column's (which only uploads carry) included; this module only says
how a file's columns give an Entry (the flag column, the columns of categories) and names each
problem by the file's own column."""

import gc

import pandas as pd
from django.core.exceptions import ValidationError

from imports.problems import ProblemSink
from imports.reading import Table
from indicators.models import OBS_STATUS, Observation
from workflow.entry import REGION, Checked, Facts, breakdown_read, entries_check

__all__ = ["REGION", "check_table", "flag_kind", "row_labels"]


# The file's columns as the one way in names them: a file's "source" is the citation of its values,
# its "flag" the observation status. The columns of categories make the Entry's breakdown.
_ENTRY_OF_COLUMN = {
    "indicator": "indicator",
    "part": "part",
    "country": "country",
    "year": "year",
    "value": "value",
    "qualifier": "qualifier",
    "flag": "kind",
    "source": "citation",
    "note": "note",
    "unit": "unit",
}
_COLUMN_OF_ENTRY = {entry: column for column, entry in _ENTRY_OF_COLUMN.items()}
_KINDS = frozenset(Observation.Kind.values)
_KIND_OF_CODE = {code: str(kind) for kind, code in OBS_STATUS.items()}


CHUNK_ROWS = 100_000  # rows checked at once: what a check holds besides the file's own columns


def flag_kind(text: str) -> str:
    """A flag cell as the observation status it names: the word in any case (estimate) or SDMX's
    OBS_STATUS code (E). Empty is a normal value, as a file without the column gives; any other
    text is passed on as it is, for entries_check to name it."""
    word = text.strip()
    if not word:
        return str(Observation.Kind.ACTUAL)
    if word.lower() in _KINDS:
        return word.lower()
    return _KIND_OF_CODE.get(word.upper(), word)


def _flags(cells: list[str]) -> pd.Series:
    """The flag column read once per distinct text (a file repeats a few flags on every row)."""
    codes, distinct = pd.factorize(pd.Series(cells, dtype=object), use_na_sentinel=False)
    kinds = pd.Series([flag_kind(text) for text in distinct], dtype=object)
    return pd.Series(kinds.to_numpy()[codes] if len(codes) else [], dtype=object)


def _breakdowns(table: Table, start: int, stop: int) -> list:
    """Each row's categories as {dimension code: category code} from the file's columns of
    categories; "" (the total) where they are all empty. Rows with the same categories share one
    mapping (a file repeats a few on every row; nothing changes them)."""
    if not table.dimensions:
        return [""] * (stop - start)
    codes = list(table.dimensions.values())
    columns = [table.cells[name][start:stop] for name in table.dimensions]
    made: dict[tuple, object] = {}
    out = []
    for texts in zip(*columns, strict=True):
        found = made.get(texts)
        if found is None:
            found = made[texts] = {code: text for code, text in zip(codes, texts, strict=True) if text} or ""
        out.append(found)
    return out


def table_entries(table: Table, start: int = 0, stop: int | None = None) -> tuple[pd.DataFrame, int]:
    """The file's rows from `start` to `stop` as a table of entries, a column per Entry field,
    each row named by its file row; rows without a value or qualifier (a template row left empty)
    are skipped and counted."""
    stop = len(table) if stop is None else min(stop, len(table))
    blank = [""] * (stop - start)
    entries = pd.DataFrame({"ref": pd.Series(table.numbers[start:stop], dtype=object)})
    for column, name in _ENTRY_OF_COLUMN.items():
        cells = table.cells.get(column)
        if column == "flag":  # no flag column: every value is normal, as before flags
            entries[name] = _flags(cells[start:stop] if cells is not None else blank)
            continue
        entries[name] = pd.Series(cells[start:stop] if cells is not None else blank, dtype=object)
    for name in ("citation", "note"):  # an empty cell keeps what is recorded
        entries[name] = entries[name].where(entries[name] != "", None)
    entries["breakdown"] = pd.Series(_breakdowns(table, start, stop), dtype=object)
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
        _name_file_columns(checked.errors, entries, table, facts)
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


def _name_file_columns(errors: list[tuple[object, str, str]], entries: pd.DataFrame, table: Table, facts: Facts):
    """Each problem under the column the file gave (in place: a refused file may have millions):
    "source" for the citation, "flag" for the kind, and for the categories the column of the
    category that is refused."""
    rows: dict | None = None
    for k, (ref, column, message) in enumerate(errors):
        if column == "breakdown":
            if rows is None:  # only a file with refused categories pays for the look-up
                rows = {row_ref: i for i, row_ref in enumerate(entries["ref"])}
            errors[k] = (ref, _category_column(entries.iloc[rows[ref]], table, facts), message)
        elif column in _COLUMN_OF_ENTRY and _COLUMN_OF_ENTRY[column] != column:
            errors[k] = (ref, _COLUMN_OF_ENTRY[column], message)


def _category_column(entry: pd.Series, table: Table, facts: Facts) -> str:
    """The file's column whose category entries_check refused: the only one the row gives, or
    the first that breakdown_read refuses on its own ("breakdown" if none does)."""
    given = entry["breakdown"] if isinstance(entry["breakdown"], dict) else {}
    column_of = {code: name for name, code in table.dimensions.items()}
    if len(given) == 1:
        return column_of[next(iter(given))]
    part = facts.parts.get((str(entry["indicator"]).strip().upper(), str(entry["part"]).strip().upper()))
    for dimension, code in given.items():
        try:
            breakdown_read({dimension: code}, part.dimensions if part else frozenset(), facts)
        except ValidationError:
            return column_of[dimension]
    return "breakdown"


def row_labels(table: Table, numbers: set[int]) -> dict[int, str]:
    """The named rows as a person reads them (indicator · part · country · year, and the
    categories where the row has them, as the file gives them): built only for the rows a report
    shows, not for every row of a large file."""
    if not numbers:
        return {}
    columns = [table.cells.get(name) for name in ("indicator", "part", "country", "year")]
    categories = [(name, table.cells[name]) for name in table.dimensions]
    labels = {}
    for i, number in enumerate(table.numbers):
        if number in numbers:
            names = [column[i] if column is not None else "" for column in columns]
            names += [f"{name}={cells[i]}" for name, cells in categories if cells[i]]
            labels[number] = " · ".join(names)
    return labels
