"""Reading an uploaded spreadsheet into rows of text, refusing what is not a clean table: the
wrong kind of file, an empty one, one too big, a binary "CSV", text that is not UTF-8, an XLSX
that inflates too far, holds macros, formulas or merged cells. Pure: bytes in, rows out."""

import csv
import difflib
import io
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

COLUMNS = ["indicator", "part", "country", "year", "value", "qualifier", "unit", "source", "note"]
REQUIRED = ["indicator", "part", "country", "year", "value"]
# Columns the template adds to help whoever fills it; read past without a note.
TEMPLATE_HELP = ["baseline", "milestones", "part_name"]


class FileRefused(Exception):
    """The file as a whole cannot be read; the message says why, for the user."""


@dataclass
class Table:
    header: list[str]  # the file's own header cells
    columns: dict[str, int]  # our column name -> position in the file
    rows: list[tuple[int, list[str]]]  # (file row number, cells as text)
    notes: list[str] = field(default_factory=list)
    kind: str = "csv"
    delimiter: str = ","


def read_table(data: bytes, filename: str, *, max_bytes: int, max_inflated: int) -> Table:
    if not data:
        raise FileRefused(_("The file is empty."))
    if len(data) > max_bytes:
        raise FileRefused(
            _("The file is %(size)s MB; uploads may be at most %(limit)s MB.")
            % {"size": round(len(data) / 1e6, 1), "limit": round(max_bytes / 1e6, 1)}
        )
    extension = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if extension == "csv":
        return _read_csv(data)
    if extension == "xlsx":
        return _read_xlsx(data, max_inflated)
    if extension in ("xlsm", "xls"):
        raise FileRefused(
            _("“%(name)s” is not accepted: save the workbook as .xlsx without macros.") % {"name": filename}
        )
    raise FileRefused(_("“%(name)s” is not a CSV or XLSX file.") % {"name": filename})


def _decode(data: bytes) -> str:
    sample = data[:65536]
    if b"\x00" in sample or sum(b < 9 or 13 < b < 32 for b in sample) > len(sample) * 0.01:
        raise FileRefused(_("This file is not text: it looks like a binary file saved with a .csv name."))
    try:
        return data.decode("utf-8-sig")
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


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = [(number, [cell.strip() for cell in cells]) for number, cells in enumerate(reader, start=1)]
    return _tabulate(rows, kind="csv", delimiter=delimiter)


def _read_xlsx(data: bytes, max_inflated: int) -> Table:
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
        workbook = load_workbook(io.BytesIO(data), read_only=False, data_only=False)
    except Exception:
        raise FileRefused(_("This .xlsx file is damaged or not a workbook.")) from None
    sheet = workbook["data"] if "data" in workbook.sheetnames else workbook.worksheets[0]
    if sheet.merged_cells.ranges:
        ranges = ", ".join(str(r) for r in list(sheet.merged_cells.ranges)[:5])
        raise FileRefused(
            _("The sheet has merged cells (%(ranges)s); unmerge them so each row is one value.") % {"ranges": ranges}
        )
    rows, formulas = [], []
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        texts = []
        for cell in cells:
            if cell.data_type == "f":
                formulas.append(cell.coordinate)
            texts.append(_cell_text(cell.value))
        rows.append((number, texts))
    if formulas:
        raise FileRefused(
            _("The sheet has formulas (%(cells)s); paste them as values and upload again.")
            % {"cells": ", ".join(formulas[:5]) + ("…" if len(formulas) > 5 else "")}
        )
    return _tabulate(rows, kind="xlsx", delimiter="")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _tabulate(rows: list[tuple[int, list[str]]], *, kind: str, delimiter: str) -> Table:
    rows = [(n, cells) for n, cells in rows if any(cells)]
    if not rows:
        raise FileRefused(_("The file has no rows."))
    _header_number, header = rows[0]
    header = [cell.strip().lstrip("\ufeff") for cell in header]
    columns, notes, problems = {}, [], []
    for position, name in enumerate(header):
        key = name.strip().lower()
        if key in COLUMNS:
            columns[key] = position
            continue
        if not key or key in TEMPLATE_HELP:
            continue
        suggestion = difflib.get_close_matches(key, COLUMNS, n=1, cutoff=0.6)
        if suggestion and suggestion[0] not in [h.strip().lower() for h in header]:
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
    return Table(header=header, columns=columns, rows=rows[1:], notes=notes, kind=kind, delimiter=delimiter)
