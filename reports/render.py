"""Renderers: a report document (reports.builder) as a standalone HTML file, a PDF laid out by
WeasyPrint from that HTML with the print style sheet, or an XLSX workbook of the data annex with
a sheet per cluster."""

import io
import re
import shutil
import subprocess
from collections.abc import Callable

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from reports.builder import report_document

Progress = Callable[[int, str], None]
FORMATS = ("html", "pdf", "xlsx")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class FontMissingError(RuntimeError):
    """Chinese would print as empty boxes: no font with Chinese glyphs is installed."""


def _no_progress(percent: int, step: str) -> None:
    return None


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
    with translation.override(document["language"]):
        return render_to_string("reports/document.html", {"document": document, "css": css})


def render_pdf(document: dict, progress: Progress = _no_progress) -> bytes:
    import weasyprint

    fonts_check(document["language"])
    progress(35, "html")
    html = render_html(document, for_print=True)
    progress(45, "layout")
    laid_out = weasyprint.HTML(string=html, base_url=None).render()
    progress(85, "pdf")
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
                        _plain(part["latest"]),
                        part["rating_label"],
                    ]
                )
            for column, width in enumerate([12, 50, 40, 14, 10, 12], start=1):
                sheet.column_dimensions[get_column_letter(column)].width = width
            sheet.freeze_panes = "C2"

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
        out = io.BytesIO()
        _neutralise_formulas(book)
        book.save(out)
    return out.getvalue()


def _plain(cell):
    """A number stays a number in the spreadsheet; anything else ("<1", "not applicable") is text."""
    if cell.number is not None:
        return cell.number
    return "" if cell.text in ("", "—") else cell.text


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
    if format == "pdf":
        fonts_check(language)  # fail before the slow part
    progress(5, "content")
    document = report_document(content, previous, language=language, charts=format != "xlsx")
    progress(30, "document")
    if format == "html":
        data = render_html(document).encode("utf-8")
    elif format == "pdf":
        data = render_pdf(document, progress)
    else:
        data = render_xlsx(document, progress)
    progress(100, "done")
    return data
