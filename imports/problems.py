"""The problems of a refused file, kept bounded: the first KEPT in full, a count for each kind of
problem in each column, and the file with a column of problems, written once while every problem
is still known. Pure: problems and open files in, data and written files out."""

import csv
import io
import json
import re
import tempfile
from collections.abc import Iterable, Iterator

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

KEPT = 1000  # problems kept in full (row, column, message, row name)
KINDS_KEPT = 50  # kinds counted one by one; the rest are counted together

_QUOTED = re.compile(r"“[^”]*”|«[^»]*»|„[^“”]*[“”]|\"[^\"]*\"")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def problem_kind(message: str) -> str:
    """The message without what the file said: “fast” is not a number and “slow” is not a number
    are one kind, and so are duplicates of row 2 and of row 3."""
    return _NUMBER.sub("#", _QUOTED.sub("“…”", message))


class ProblemSummary:
    """The first `kept` problems, the kinds with their counts (most frequent first) and the total,
    gathered a problem at a time, for problems that may run into millions."""

    def __init__(self, kept: int = KEPT) -> None:
        self.kept = kept
        self.first: list[tuple[int, str, str]] = []
        self.kinds: dict[tuple[str, str], list] = {}
        self.total = 0

    def add(self, row: int, column: str, message: str) -> None:
        self.total += 1
        listed = self.total <= self.kept
        if listed:
            self.first.append((row, column, message))
        key = (column, problem_kind(message))
        counted = self.kinds.get(key)
        if counted is None:
            self.kinds[key] = [1, message, int(listed)]
        else:
            counted[0] += 1
            counted[2] += listed

    def result(self) -> tuple[list, list[dict], int]:
        ranked = sorted(self.kinds.items(), key=lambda item: (-item[1][0], item[0]))[:KINDS_KEPT]
        return (
            self.first,
            [
                {"column": column, "kind": kind, "example": example, "count": count, "listed": listed}
                for (column, kind), (count, example, listed) in ranked
            ],
            self.total,
        )


def problems_summarize(problems: Iterable[tuple[int, str, str]], *, kept: int = KEPT) -> tuple[list, list[dict], int]:
    """The first `kept` problems, the kinds with their counts and the total, in one pass."""
    summary = ProblemSummary(kept)
    for row, column, message in problems:
        summary.add(row, column, message)
    return summary.result()


class ProblemSink:
    """Where the check of a large file puts its problems, a chunk at a time, in row order: they are
    summarised as they come and spooled to a temporary file, then read back, a row at a time, to
    write the file with a column of problems. Memory stays bounded whatever the file holds."""

    def __init__(self) -> None:
        self.summary = ProblemSummary()
        self._file = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 -- closed by close()

    @property
    def total(self) -> int:
        return self.summary.total

    def extend(self, problems: Iterable[tuple[int, str, str]]) -> None:
        write = self._file.write
        for row, column, message in problems:
            self.summary.add(row, column, message)
            write(json.dumps([row, column, message], ensure_ascii=False) + "\n")

    def __iter__(self) -> Iterator[tuple[int, str, str]]:
        self._file.flush()
        self._file.seek(0)
        for line in self._file:
            row, column, message = json.loads(line)
            yield row, column, message

    def close(self) -> None:
        self._file.close()


def kinds_described(kinds: list[dict], total: int, listed: int) -> dict:
    """The counts by kind in the reader's language, with plural forms: what the page and the API
    show next to the problems listed."""
    described = []
    for kind in kinds:
        more = kind["count"] - kind["listed"]
        numbers = {"count": number_format(kind["count"], force_grouping=True), "column": kind["column"]}
        described.append(
            {
                "column": kind["column"],
                "example": kind["example"],
                "count": kind["count"],
                "not_listed": more,
                "count_text": ngettext(
                    "%(count)s problem in column “%(column)s”",
                    "%(count)s problems in column “%(column)s”",
                    kind["count"],
                )
                % numbers,
                "not_listed_text": _not_listed(kind, more),
            }
        )
    others = total - sum(kind["count"] for kind in kinds)
    if total <= listed:
        summary = ngettext("%(total)s problem, listed below.", "All %(total)s problems are listed below.", total) % {
            "total": number_format(total, force_grouping=True)
        }
    else:
        summary = ngettext(
            "%(total)s problem found; the first %(listed)s are listed below, and the file with a column of "
            "problems has every one.",
            "%(total)s problems found; the first %(listed)s are listed below, and the file with a column of "
            "problems has every one.",
            total,
        ) % {"total": number_format(total, force_grouping=True), "listed": number_format(listed, force_grouping=True)}
    return {
        "total": total,
        "listed": listed,
        "summary": summary,
        "kinds": described,
        "other_kinds": others,
        "other_kinds_text": ngettext(
            "and %(count)s problem of other kinds", "and %(count)s problems of other kinds", others
        )
        % {"count": number_format(others, force_grouping=True)}
        if others
        else "",
    }


def _not_listed(kind: dict, more: int) -> str:
    if not more:
        return ""
    if not kind["listed"]:
        return ngettext("not listed below", "none of them listed below", kind["count"])
    return ngettext(
        "and %(more)s more problem of this kind in column “%(column)s”",
        "and %(more)s more problems of this kind in column “%(column)s”",
        more,
    ) % {"more": number_format(more, force_grouping=True), "column": kind["column"]}


def _by_row(problems: Iterable[tuple[int, str, str]]) -> Iterator[tuple[int, str]]:
    """Problems sorted by row, as one text per row."""
    row, texts = None, []
    for number, column, message in problems:
        if number != row and texts:
            yield row, "; ".join(texts)
            texts = []
        row = number
        texts.append(f"{column}: {message}")
    if texts:
        yield row, "; ".join(texts)


def _merged(rows: Iterable[list], problems: Iterable[tuple[int, str, str]], header: str) -> Iterator[list]:
    """Each row of the file as it was, with its problems in one more cell."""
    pending = _by_row(problems)
    due = next(pending, None)
    for number, cells in enumerate(rows, start=1):
        text = header if number == 1 else ""
        while due is not None and due[0] <= number:
            if due[0] == number and number != 1:
                text = due[1]
            due = next(pending, None)
        yield [*cells, text]


def problems_header(total: int, listed: int) -> str:
    """The title of the column of problems; it says so when the file lists only the first ones."""
    if total <= listed:
        return _("problems")
    return _("problems (the first %(listed)s of %(total)s)") % {
        "listed": number_format(listed, force_grouping=True),
        "total": number_format(total, force_grouping=True),
    }


def problems_csv_write(source, out, *, problems: Iterable[tuple[int, str, str]], delimiter: str, header: str) -> None:
    """Copy the CSV `source` (binary) into `out` (binary) with a column of problems, a row at a
    time. `problems` are sorted by row; the rows are numbered as the file was read."""
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    target = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    target.write("\ufeff")
    writer = csv.writer(target, delimiter=delimiter or ",")
    writer.writerows(_merged(csv.reader(text, delimiter=delimiter or ","), problems, header))
    target.flush()
    target.detach()
    text.detach()


def problems_xlsx_write(source, path: str, *, problems: Iterable[tuple[int, str, str]], header: str) -> None:
    """The data sheet of the workbook `source` with a column of problems, written to `path` in
    openpyxl's write-only mode: read and written a row at a time, whatever the file's size."""
    from openpyxl import Workbook, load_workbook

    workbook = load_workbook(source, read_only=True, data_only=True)
    sheet = workbook["data"] if "data" in workbook.sheetnames else workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    first = next(rows, ())
    width = len(first)

    def padded() -> Iterator[list]:
        yield list(first)
        for cells in rows:
            cells = list(cells)
            yield cells + [None] * (width - len(cells)) if len(cells) < width else cells

    out = Workbook(write_only=True)
    target = out.create_sheet(sheet.title)
    for cells in _merged(padded(), problems, header):
        target.append(cells)
    out.save(path)
    workbook.close()
