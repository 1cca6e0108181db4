"""Reading an uploaded spreadsheet into rows of text, refusing what is not a clean table: the
wrong kind of file, an empty one, one too big, a binary "CSV", text that is not UTF-8, an XLSX
that inflates too far, holds macros, formulas or merged cells. Pure: bytes in, rows out."""

import csv
import difflib
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# A file's own columns; a column per dimension (its code in lower case, such as "sex") may come too.
COLUMNS = ["indicator", "part", "country", "year", "value", "qualifier", "flag", "unit", "source", "note"]
REQUIRED = ["indicator", "part", "country", "year", "value"]
# Other names of our columns: the open data calls the flag "kind", so its files upload as they are.
ALIASES = {"kind": "flag"}
# Columns the template adds to help whoever fills it; read past without a note.
TEMPLATE_HELP = ["baseline", "milestones", "part_name"]


class FileRefused(Exception):
    """The file as a whole cannot be read; the message says why, for the user."""


@dataclass
class Table:
    """A file's rows as columns: the file row number of each non-empty row after the header, and
    the text of each of our columns in it. Held as columns, with repeated texts stored once, so
    that a file of a million rows fits in a few hundred megabytes."""

    header: list[str]  # the file's own header cells
    columns: dict[str, int]  # our column name -> position in the file
    numbers: list[int] = field(default_factory=list)  # the file row number of each row
    cells: dict[str, list[str]] = field(default_factory=dict)  # our column name -> its texts, row by row
    notes: list[str] = field(default_factory=list)
    kind: str = "csv"
    delimiter: str = ","
    dimensions: dict[str, str] = field(default_factory=dict)  # column name -> dimension code, in file order

    def __len__(self) -> int:
        return len(self.numbers)


# Columns whose texts repeat from row to row (codes, years): one string object per distinct text.
_REPEATING = {"indicator", "part", "country", "year", "qualifier", "flag", "unit", "source"}


def read_table(
    data: bytes, filename: str, *, max_bytes: int, max_inflated: int, dimensions: Iterable[str] = ()
) -> Table:
    """The file's rows; `dimensions` are the codes of the known dimensions, each read from the
    column named by its code in lower case (a file's own column of the same name comes first)."""
    dimension_columns = {code.lower(): code for code in dimensions if code.lower() not in COLUMNS}
    if not data:
        raise FileRefused(_("The file is empty."))
    if len(data) > max_bytes:
        raise FileRefused(
            _("The file is %(size)s MB; uploads may be at most %(limit)s MB.")
            % {"size": round(len(data) / 1e6, 1), "limit": round(max_bytes / 1e6, 1)}
        )
    extension = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if extension == "csv":
        return _read_csv(data, dimension_columns)
    if extension == "xlsx":
        return _read_xlsx(data, max_inflated, dimension_columns)
    if extension in ("xlsm", "xls"):
        raise FileRefused(
            _("“%(name)s” is not accepted: save the workbook as .xlsx without macros.") % {"name": filename}
        )
    raise FileRefused(_("“%(name)s” is not a CSV or XLSX file.") % {"name": filename})


def _decode(data: bytes) -> None:
    sample = data[:65536]
    if b"\x00" in sample or sum(b < 9 or 13 < b < 32 for b in sample) > len(sample) * 0.01:
        raise FileRefused(_("This file is not text: it looks like a binary file saved with a .csv name."))
    try:
        data.decode("utf-8-sig")
        return
    except UnicodeDecodeError:
        pass
    guess = _guess_encoding(data)
    raise FileRefused(
        _("The file is not UTF-8 text%(guess)s. Save it as “CSV UTF-8” and upload it again; nothing was imported.")
        % {"guess": guess}
    )


def _guess_encoding(data: bytes) -> str:
    """Name the likely encoding so that the user knows what happened (never decode with it).
    Cyrillic words are runs of high bytes; Latin-1 accents sit alone inside ASCII words."""
    high = [i for i, b in enumerate(data) if b > 127]
    if not high:
        return ""

    def ascii_letter(i: int) -> bool:
        return 0 <= i < len(data) and (65 <= data[i] <= 90 or 97 <= data[i] <= 122)

    inside_ascii_words = sum(ascii_letter(i - 1) or ascii_letter(i + 1) for i in high) / len(high)
    if inside_ascii_words > 0.5:
        return _(" (it looks like Latin-1)")
    cyrillic = data.decode("cp1251", errors="replace")
    letters = [ch for ch in cyrillic if ord(ch) > 127]
    if letters and sum("\u0400" <= ch <= "\u04ff" for ch in letters) / len(letters) > 0.8:
        return _(" (it looks like Windows-1251 Cyrillic)")
    return ""


def _read_csv(data: bytes, dimensions: dict[str, str]) -> Table:
    _decode(data)  # refuse a binary or non-UTF-8 file before reading a row
    end = data.find(b"\n")
    first_line = data[: end if end >= 0 else len(data)].decode("utf-8-sig")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")  # decoded as it is read
    rows = enumerate(csv.reader(text, delimiter=delimiter), start=1)
    return _tabulate(rows, kind="csv", delimiter=delimiter, dimensions=dimensions)


def _read_xlsx(data: bytes, max_inflated: int, dimensions: dict[str, str]) -> Table:
    """A workbook read as a stream, a row at a time (openpyxl's read-only mode)."""
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except zipfile.BadZipFile:
        raise FileRefused(_("This .xlsx file is damaged or not a workbook.")) from None
    inflated = sum(member.file_size for member in members)
    if inflated > max_inflated:
        raise FileRefused(
            _("This workbook would inflate to %(size)s MB, more than the %(limit)s MB allowed; it may be a zip bomb.")
            % {"size": round(inflated / 1e6), "limit": round(max_inflated / 1e6)}
        )
    if any(member.filename.lower().endswith("vbaproject.bin") for member in members):
        raise FileRefused(_("This workbook contains macros; save it as .xlsx without macros."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = workbook["data"] if "data" in workbook.sheetnames else workbook.worksheets[0]
    except Exception:
        raise FileRefused(_("This .xlsx file is damaged or not a workbook.")) from None
    merged = _merged_ranges(archive, sheet)
    if merged:
        raise FileRefused(
            _("The sheet has merged cells (%(ranges)s); unmerge them so each row is one value.")
            % {"ranges": ", ".join(merged[:5])}
        )
    formulas: list[str] = []

    def rows():
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            texts = []
            for cell in cells:
                if cell.data_type == "f":
                    formulas.append(cell.coordinate)
                texts.append(_cell_text(cell.value))
            yield number, texts

    try:
        table = _tabulate(rows(), kind="xlsx", delimiter="", dimensions=dimensions)
    except zipfile.BadZipFile:
        raise FileRefused(_("This .xlsx file is damaged or not a workbook.")) from None
    finally:
        workbook.close()
    if formulas:
        raise FileRefused(
            _("The sheet has formulas (%(cells)s); paste them as values and upload again.")
            % {"cells": ", ".join(formulas[:5]) + ("…" if len(formulas) > 5 else "")}
        )
    return table


_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([^"]+)"')


def _merged_ranges(archive: zipfile.ZipFile, sheet) -> list[str]:
    """The merged ranges of a sheet, found in its XML read as a stream of bytes (read-only mode
    does not load them, and nothing here parses the XML)."""
    path = getattr(sheet, "_worksheet_path", "")
    if not path:
        return []
    found: list[bytes] = []
    tail = b""
    with archive.open(path.lstrip("/")) as xml:
        while chunk := xml.read(1 << 20):
            text = tail + chunk
            cut = text.rfind(b"<")  # an element cut by the chunk's end is read with the next chunk
            if cut < 0 or b">" in text[cut:]:
                cut = len(text)
            found += _MERGE_CELL.findall(text, 0, cut)
            tail = text[cut:]
    found += _MERGE_CELL.findall(tail)
    return [ref.decode("ascii", "replace") for ref in found]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _tabulate(rows: Iterable[tuple[int, list[str]]], *, kind: str, delimiter: str, dimensions: dict[str, str]) -> Table:
    """The first non-empty row names the columns; the other non-empty rows are kept as columns."""
    rows = iter(rows)
    header = next((cells for _number, cells in rows if any(cells)), None)
    if header is None:
        raise FileRefused(_("The file has no rows."))
    header = [str(cell).strip().lstrip("\ufeff") for cell in header]
    columns, notes, problems = {}, [], []
    known = COLUMNS + list(dimensions)
    named = {name.strip().lower() for name in header}
    for position, name in enumerate(header):
        key = name.strip().lower()
        if key in ALIASES and ALIASES[key] not in named:  # the column's own name comes first
            key = ALIASES[key]
        if key in COLUMNS or key in dimensions:
            columns[key] = position
            continue
        if not key or key in TEMPLATE_HELP:
            continue
        suggestion = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        if suggestion and suggestion[0] not in named:
            problems.append(
                _("Column “%(name)s” is not known; did you mean “%(suggestion)s”?")
                % {"name": name, "suggestion": suggestion[0]}
            )
        else:
            notes.append(_("Column “%(name)s” is not used and was ignored.") % {"name": name})
    missing = [c for c in REQUIRED if c not in columns]
    if problems or missing:
        messages = problems + (
            [_("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)}] if missing else []
        )
        raise FileRefused(" ".join(messages))
    table = Table(
        header=header,
        columns=columns,
        notes=notes,
        kind=kind,
        delimiter=delimiter,
        dimensions={name: dimensions[name] for name in columns if name in dimensions},
    )
    table.cells = {name: [] for name in columns}
    repeating = _REPEATING | table.dimensions.keys()
    plan = [(table.cells[name], position, {} if name in repeating else None) for name, position in columns.items()]
    numbers = table.numbers
    for number, cells in rows:
        if not any(cells):
            continue
        numbers.append(number)
        width = len(cells)
        for column, position, seen in plan:
            text = cells[position].strip() if position < width else ""
            column.append(text if seen is None else seen.setdefault(text, text))
    if not numbers:
        raise FileRefused(_("The file has no rows."))
    return table
