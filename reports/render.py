"""Renderers: a report document (reports.builder) as a standalone HTML file, a PDF laid out by
WeasyPrint from that HTML with the print style sheet, or an XLSX workbook of the data annex with
a sheet per cluster. Each reports its progress as it goes: a percentage and a step (see
`step_text` for the step in words)."""

import io
import logging
import re
import shutil
import subprocess
import threading
from collections.abc import Callable
from contextlib import contextmanager

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from carec_prf.collector import collector_paused
from reports.builder import report_document

Progress = Callable[[int, str], None]
FORMATS = ("html", "pdf", "xlsx", "docx")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# How much HTML a printed page holds, roughly (the 2021 edition: 5,500 to 6,600 characters a
# page in the three languages). Only the progress bar uses it, while the pages are laid out.
HTML_PER_PAGE = 6000


class FontMissingError(RuntimeError):
    """Chinese would print as empty boxes: no font with Chinese glyphs is installed."""


def _no_progress(percent: int, step: str) -> None:
    return None


def step_text(step: str) -> str:
    """A rendering's step in words, in the active language. Steps are stored as codes, some with
    numbers: "layout:12" (page 12 laid out), "draw:3:35" (page 3 of 35 drawn)."""
    kind, *numbers = step.split(":")
    if kind == "layout" and numbers:
        return _("Laying out page %(page)s") % {"page": numbers[0]}
    if kind == "draw" and len(numbers) == 2:
        return _("Drawing page %(page)s of %(pages)s") % {"page": numbers[0], "pages": numbers[1]}
    words = {
        "": _("Waiting for the server"),
        "start": _("Starting"),
        "fonts": _("Checking the fonts"),
        "content": _("Reading the values"),
        "document": _("Building the tables and charts"),
        "html": _("Writing the pages"),
        "styles": _("Applying the print styles"),
        "layout": _("Laying out the pages"),
        "draw": _("Drawing the pages"),
        "write": _("Writing the file"),
        "sheets": _("Writing the sheets"),
        "done": _("Done"),
    }
    return words.get(kind, words["start"])


def cjk_fonts() -> list[str]:
    """Font families fontconfig (which WeasyPrint draws with) knows for Chinese."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    # a fixed argument list, no shell, no input from outside
    found = subprocess.run(  # noqa: S603
        [fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False, timeout=30
    )
    return sorted({line.split(",")[0].strip() for line in found.stdout.splitlines() if line.strip()})


def fonts_check(language: str) -> None:
    if language.startswith("zh") and not cjk_fonts():
        raise FontMissingError(
            "No font with Chinese characters is installed, so a Chinese PDF would print empty boxes. "
            "Install one (on Debian: apt-get install fonts-noto-cjk) and render again."
        )


def _css(*names: str) -> str:
    parts = []
    for name in names:
        path = finders.find(f"reports/{name}")
        with open(path, encoding="utf-8") as handle:
            parts.append(handle.read())
    return "\n".join(parts)


def render_html(document: dict, *, for_print: bool = False) -> str:
    """A standalone HTML file: the style sheet inline, no other file needed to read it."""
    css = _css("report.css", "print.css") if for_print else _css("report.css")
    if document.get("by_category") or any(block["footnotes"] for block in document["annex"]["clusters"]):
        css += "\n" + _css("breakdown.css")  # only where used: a report without them stays as it was
    with translation.override(document["language"]):
        return render_to_string("reports/document.html", {"document": document, "css": css})


class _WeasyPrintStages(logging.Handler):
    """WeasyPrint logs each stage, and each page it lays out, to the `weasyprint.progress` logger;
    this turns the lines of the rendering in this thread into progress: 20-75 % while laying
    out (against an estimate of the pages), then 75-95 % while drawing (see `_count_drawn`)."""

    PAGE = re.compile(r"Page (\d+)$")  # a page laid out; not "Page 3 (up-to-date)" when repaginating

    def __init__(self, progress: Progress, pages_expected: int) -> None:
        super().__init__(logging.INFO)
        self.progress, self.pages_expected = progress, max(pages_expected, 1)
        self.pages = 0
        self.thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread:
            return
        message = record.getMessage()
        if message.startswith(("Step 3", "Step 4")):
            self.progress(20, "styles")
        elif message.startswith("Step 5") and (page := self.PAGE.search(message)):
            number = int(page.group(1))
            if number > self.pages:  # not a page laid out again (the contents' page numbers)
                self.pages = number
                self.progress(25 + 50 * number // max(self.pages_expected, number + 1), f"layout:{number}")


@contextmanager
def _weasyprint_stages(progress: Progress, pages_expected: int):
    logger = logging.getLogger("weasyprint.progress")
    handler = _WeasyPrintStages(progress, pages_expected)
    level, propagate = logger.level, logger.propagate
    # the lines become the job's progress; the log is spared a hundred of them per PDF
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def _count_drawn(laid_out, progress: Progress) -> None:
    """Report each page as write_pdf draws it (WeasyPrint logs nothing per page there); after the
    last one, it embeds the fonts and writes the file."""
    total = len(laid_out.pages)
    for number, page in enumerate(laid_out.pages, start=1):

        def paint(stream, scale=1, paint=page.paint, number=number):
            progress(75 + 20 * (number - 1) // total, f"draw:{number}:{total}")
            paint(stream, scale)
            if number == total:
                progress(95, "write")

        page.paint = paint


def render_pdf(document: dict, progress: Progress = _no_progress) -> bytes:
    import weasyprint

    progress(15, "html")
    html = render_html(document, for_print=True)
    with _weasyprint_stages(progress, len(html) // HTML_PER_PAGE), collector_paused():
        laid_out = weasyprint.HTML(string=html, base_url=None).render()
        _count_drawn(laid_out, progress)
        return laid_out.write_pdf()


def _neutralise_formulas(book) -> None:
    """Texts that a spreadsheet would run as a formula ("=1+1", "+7", "@SUM") are written as text
    with a leading apostrophe, as the open data does (reports.opendata.neutralise)."""
    from reports.opendata import neutralise

    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value != neutralise(cell.value):
                    cell.value = neutralise(cell.value)
                    cell.data_type = "s"


def _sheet_title(text: str, taken: set[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "", text)[:31].strip() or "Sheet"
    base, n = title, 2
    while title in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def render_xlsx(document: dict, progress: Progress = _no_progress) -> bytes:
    """The data annex: a summary sheet, one sheet per cluster, and the method."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="E3EDF3")
    with translation.override(document["language"]):
        book = Workbook()
        taken: set[str] = set()
        sheet = book.active
        sheet.title = _sheet_title(_("Summary"), taken)
        sheet.append([str(document["title"])])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([_("Period covered"), document["period"]])
        sheet.append([_("Values up to"), document["cut_off"]])
        sheet.append([_("Status"), _("published") if document["status"] == "published" else _("draft")])
        sheet.append([])
        summary = document["summary"]
        sheet.append(["", *[c["label"] for c in summary["columns"]], _("Total")])
        for cell in sheet[sheet.max_row]:
            cell.font, cell.fill = bold, head_fill
        for row in summary["rows"]:
            sheet.append([("    " if row["level"] == 2 else "") + str(row["label"]), *row["cells"], row["total"]])
        sheet.column_dimensions["A"].width = 48

        years = document["annex"]["years"]
        blocks = document["annex"]["clusters"]
        for index, block in enumerate(blocks):
            progress(30 + int(60 * index / max(len(blocks), 1)), "sheets")
            cluster = block["cluster"]
            sheet = book.create_sheet(_sheet_title(f"{cluster['code']} {cluster['name']}", taken))
            milestone_years = sorted({m["year"] for row in block["rows"] for m in row["part"]["milestones"]})
            headers = [
                _("Indicator"),
                _("Indicator statement"),
                _("Series"),
                _("Unit"),
                _("Baseline year"),
                _("Baseline"),
                *[_("Milestone %(year)s") % {"year": y} for y in milestone_years],
                *[str(y) for y in years],
                _("Latest year"),
                _("Latest value"),
                _("Rating"),
            ]
            sheet.append(headers)
            for cell in sheet[1]:
                cell.font, cell.fill = bold, head_fill
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            for row in block["rows"]:
                part, indicator = row["part"], row["indicator"]
                milestones = {m["year"]: m["text"] for m in part["milestones"]}
                sheet.append(
                    [
                        indicator["code"],
                        str(indicator["statement"]),
                        str(part["name"]),
                        str(part["unit"]),
                        part["baseline_year"],
                        _plain(part["baseline"]),
                        *[milestones.get(y, "") for y in milestone_years],
                        *[_plain(c) for c in row["years"]],
                        part["latest_year"],
                        _plain(row["latest"]),
                        part["rating_label"],
                    ]
                )
                first_year = 7 + len(milestone_years)
                _mark_row(sheet, {first_year + i: c for i, c in enumerate(row["years"])})
                _mark_row(sheet, {first_year + len(years) + 1: row["latest"]})
            _footnotes(sheet, block["footnotes"])
            for column, width in enumerate([12, 50, 40, 14, 10, 12], start=1):
                sheet.column_dimensions[get_column_letter(column)].width = width
            sheet.freeze_panes = "C2"

        if document.get("by_category"):
            _by_category_sheet(book.create_sheet(_sheet_title(_("By category"), taken)), document["by_category"])
        _scorecard_sheet(book.create_sheet(_sheet_title(document["scorecard"]["title"], taken), 1), document)

        sheet = book.create_sheet(_sheet_title(_("Rating method"), taken))
        method = document["method"]
        sheet.append([str(method["name"]), _("version %(version)s") % {"version": method["version"]}])
        sheet["A1"].font = bold
        sheet.append([str(method["description"])])
        sheet.append([])
        for label, value in method["settings"]:
            sheet.append([label, value])
        sheet.append([])
        sheet.append([_("Rating"), _("Score")])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in method["scores"]:
            sheet.append([row["label"], row["score"]])
        sheet.column_dimensions["A"].width = 50
        if document.get("what_changed"):  # the annex on what changed in the framework (reports.builder)
            table = document["what_changed"]["sheet"]
            sheet = book.create_sheet(_sheet_title(table["title"], taken))
            for row in (table["columns"], *table["rows"]):
                sheet.append([str(cell) for cell in row])
        out = io.BytesIO()
        _neutralise_formulas(book)
        book.save(out)
    return out.getvalue()


def _scorecard_sheet(sheet, document: dict) -> None:
    """The scorecard, second after the summary: the same cells as the HTML and the PDF, numbers
    as numbers, each rating's traffic-light colour behind its label, a row per cluster, the legend."""
    from openpyxl.styles import Alignment, Font, PatternFill

    card = document["scorecard"]
    bold = Font(bold=True)
    sheet.append([str(card["title"])])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([str(card["intro"])])
    sheet.append([])
    sheet.append(list(card["columns"]))
    header = sheet.max_row
    for cell in sheet[header]:
        cell.font, cell.fill = bold, PatternFill("solid", fgColor="E3EDF3")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for group in card["groups"]:
        sheet.append([str(group["label"])])
        sheet.cell(sheet.max_row, 1).font = bold
        for row in group["rows"]:
            sheet.append([_plain(cell) if cell.text != "—" else "—" for cell in row["cells"]])
            colour = SCORECARD_FILLS.get("no_data" if row["no_data"] else row["rating"])
            if colour:
                sheet.cell(sheet.max_row, 9).fill = PatternFill("solid", fgColor=colour)
    sheet.append([])
    for item in card["legend"]["ratings"]:
        sheet.append([item["label"]])
        colour = SCORECARD_FILLS.get(item["code"])
        if colour:
            sheet.cell(sheet.max_row, 1).fill = PatternFill("solid", fgColor=colour)
    for item in card["legend"]["movements"]:
        sheet.append([item["text"]])
    for note in card["legend"]["notes"]:
        sheet.append([note])
    for column, width in zip("ABCDEFGHIJ", [12, 50, 10, 12, 10, 12, 10, 16, 18, 24], strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = sheet.cell(header + 1, 3)


# The traffic lights' colours in the spreadsheet (the report's style sheet has the same ones).
SCORECARD_FILLS = {
    **dict.fromkeys(("achieved", "on_track", "improving"), "DFF3E4"),
    **dict.fromkeys(("for_attention", "slow_improvement", "not_yet_achieved"), "FFF4D6"),
    **dict.fromkeys(("off_track", "regressing", "worsening", "not_achieved", "stagnant"), "FDE3E1"),
    **dict.fromkeys(("no_data", "cannot_assess"), "ECEFF1"),
}


def _plain(cell):
    """A number stays a number in the spreadsheet; anything else ("<1", "not applicable") is text.
    A flagged text carries its footnote mark; a flagged number gets it from `_mark_row`."""
    if cell.number is not None:
        return cell.number
    text = "" if cell.text in ("", "—") else cell.text
    if cell.mark:
        return f"{text} [{cell.mark}]".strip()
    return text


def _mark_row(sheet, cells: dict) -> None:
    """The footnote marks of the flagged numbers of the row just written ({column: Cell}), as a
    number format: the value stays a number that sums and charts, and reads "12.5 [a]"."""
    for column, cell in cells.items():
        if cell.mark and cell.number is not None:
            sheet.cell(sheet.max_row, column).number_format = f'General" [{cell.mark}]"'


def _footnotes(sheet, footnotes: list[dict]) -> None:
    """The footnotes of the flagged values, under the table they mark."""
    if footnotes:
        sheet.append([])
        for note in footnotes:
            sheet.append([f"[{note['mark']}]", note["text"]])


def _by_category_sheet(sheet, table: dict) -> None:
    """The values by category of every part that has them: the part's total, then a row for each
    category, over the report's years."""
    from openpyxl.styles import Alignment, Font, PatternFill

    years = table["years"]
    sheet.append([_("Indicator"), _("Series"), _("Dimension"), _("Category"), *[str(y) for y in years]])
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="E3EDF3")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table["rows"]:
        sheet.append(
            [row["indicator"], str(row["part"]), str(row["header"]), str(row["label"]), *map(_plain, row["cells"])]
        )
        if row.get("total"):
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        _mark_row(sheet, {5 + i: c for i, c in enumerate(row["cells"])})
    _footnotes(sheet, table["footnotes"])
    for column, width in zip("ABCD", [12, 40, 16, 24], strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "E2"


def report_render(
    content: dict,
    previous: dict | None,
    *,
    language: str,
    format: str,
    progress: Progress = _no_progress,
) -> bytes:
    """Build the document from the content and render it in one format."""
    if format not in FORMATS:
        raise ValueError(f"Unknown format {format!r}; expected one of {', '.join(FORMATS)}.")
    if format in ("pdf", "docx"):  # the DOCX's charts are drawn on the server too
        progress(2, "fonts")
        fonts_check(language)  # fail before the slow part
    progress(5, "document")
    document = report_document(content, previous, language=language, charts=format != "xlsx")
    if format == "html":
        data = render_html(document).encode("utf-8")
    elif format == "pdf":
        data = render_pdf(document, progress)
    elif format == "docx":
        from reports.docx import render_docx

        data = render_docx(document, progress)
    else:
        data = render_xlsx(document, progress)
    progress(100, "done")
    return data
