"""A report document (reports.builder) as a Word file, for the editors who finish the DEfR in Word:
real headings in the HTML's order (Word's navigation pane shows the structure), real tables whose
header rows repeat on every page, the charts as PNG images with their alternative text, and the
language declared (for Chinese, with an East Asian font) so that Word spells and draws it right."""

import datetime
import html
import io
import re
from collections.abc import Callable

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports.formatting import Text
from reports.svg import DARK_SEGMENTS, RATING_COLOURS

Progress = Callable[[int, str], None]

# The language Word spells and hyphenates each edition in (English reports write British dates).
LANGUAGE_TAGS = {"en": "en-GB", "zh-hans": "zh-CN", "ru": "ru-RU"}
# Arial is on every Windows and Mac; LibreOffice draws it with the metric-compatible Liberation Sans.
BODY_FONT = "Arial"
# The Chinese edition's East Asian font, the one its PDF and charts use (Debian's fonts-noto-cjk).
CJK_FONT = "Noto Sans CJK SC"
HEAD_FILL, GROUP_FILL, GREY_FILL, GREY_INK = "E3EDF3", "F2F4F6", "ECEFF1", "6B7780"
CHART_WIDTH_CM = 16
CHART_SCALE = 2  # pixels per SVG unit: sharp when printed at the chart's width
# The paragraph styles used, by name and id: python-docx finds a style by name in a slow scan of
# every style, thousands of times a report; the ids are checked once per document (`_styles`).
STYLE_IDS = {
    "Title": "Title",
    "Heading 1": "Heading1",
    "Heading 2": "Heading2",
    "Heading 3": "Heading3",
    "List Bullet": "ListBullet",
    "List Bullet 2": "ListBullet2",
    "List Number": "ListNumber",
    "Caption": "Caption",
    "TOC Heading": "TOCHeading",
    "Table Text": "TableText",
}


def _no_progress(percent: int, step: str) -> None:
    return None


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _element(tag: str, **attributes: str):
    from docx.oxml import OxmlElement

    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(_qn(f"w:{name}"), value)
    return element


# --- styles and language ---------------------------------------------------------------------


def _fonts(rpr, language: str) -> None:
    """Explicit fonts in a run's properties, in place of the template's theme fonts."""
    fonts = rpr.find(_qn("w:rFonts"))
    if fonts is None:
        fonts = _element("w:rFonts")
        rpr.insert(0, fonts)
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(_qn(f"w:{theme}"), None)
    for script in ("ascii", "hAnsi", "cs"):
        fonts.set(_qn(f"w:{script}"), BODY_FONT)
    if language == "zh-hans":
        fonts.set(_qn("w:eastAsia"), CJK_FONT)
        fonts.set(_qn("w:hint"), "eastAsia")


def _lang(rpr, language: str) -> None:
    lang = rpr.find(_qn("w:lang"))
    if lang is None:
        lang = _element("w:lang")
        rpr.append(lang)
    tag = LANGUAGE_TAGS.get(language, language)
    # Chinese text is East Asian; the Latin words and numbers in it are written as in English, so
    # that Word and LibreOffice break lines between words there, not inside "CAREC" or "2017".
    lang.set(_qn("w:val"), LANGUAGE_TAGS["en"] if language == "zh-hans" else tag)
    lang.set(_qn("w:eastAsia"), LANGUAGE_TAGS["zh-hans"])


def _styles(doc, language: str) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    styles = doc.styles.element
    defaults = styles.find(_qn("w:docDefaults")).find(_qn("w:rPrDefault")).find(_qn("w:rPr"))
    _fonts(defaults, language)
    _lang(defaults, language)
    for style in styles.findall(_qn("w:style")):
        rpr = style.find(_qn("w:rPr"))
        if rpr is not None and rpr.find(_qn("w:rFonts")) is not None:
            _fonts(rpr, language)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(6)
    doc.styles["Heading 1"].paragraph_format.page_break_before = True  # as the PDF: a page per part
    table_text = doc.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    table_text.font.size = Pt(8.5)
    table_text.paragraph_format.space_after = Pt(0)
    table_text.paragraph_format.line_spacing = 1.0
    for name, style_id in STYLE_IDS.items():
        assert doc.styles[name].style_id == style_id, name  # python-docx's template, not input


def _page(section, *, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    long, short = Cm(29.7), Cm(21.0)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))


# --- paragraphs, runs, fields ---------------------------------------------------------------


class Marked(str):
    """A value in a table with the footnote mark of its flag, raised after it as the HTML does."""

    mark: str = ""

    def __new__(cls, text: str, mark: str):
        obj = super().__new__(cls, text)
        obj.mark = mark
        return obj


def marked(cell) -> str:
    """A table cell of the document (reports.builder.Cell) as its text, with its mark if flagged."""
    return Marked(cell.text, cell.mark) if cell.mark else cell.text


def _add(paragraph, text, *, bold: bool = False, italic: bool = False):
    """A run of text; a framework text shown in English for want of a translation says so, in
    English and with the language's code raised after it, as the HTML marks it."""
    run = paragraph.add_run(str(text or ""))
    run.bold, run.italic = bold or None, italic or None
    if isinstance(text, Text) and text.fallback:
        _lang(run._r.get_or_add_rPr(), text.lang)
        mark = paragraph.add_run(text.lang.upper())
        mark.font.superscript = True
    if isinstance(text, Marked):
        paragraph.add_run(text.mark).font.superscript = True
    return run


def _para(doc, *pieces, style: str | None = None):
    """A paragraph of pieces: a text, or (text, "b") for bold, (text, "i") for italic."""
    paragraph = doc.add_paragraph()
    if style:
        paragraph._p.style = STYLE_IDS[style]
    for piece in pieces:
        text, how = piece if isinstance(piece, tuple) else (piece, "")
        _add(paragraph, text, bold=how == "b", italic=how == "i")
    return paragraph


def _labelled(doc, label: str, text) -> None:
    if text:
        _para(doc, (f"{label}: ", "b"), text)


def _heading(doc, level: int, *pieces, first_in_section: bool = False):
    paragraph = _para(doc, *pieces, style=f"Heading {level}")
    if first_in_section:  # the section break already starts a page
        paragraph.paragraph_format.page_break_before = False
    return paragraph


def _field_begin(paragraph, instruction: str) -> None:
    """The start of a Word field (PAGE, TOC); what follows, up to `_field_end`, is shown until Word
    updates it."""
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="begin", dirty="true"))
    text = _element("w:instrText")
    text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    text.text = f" {instruction} "
    paragraph.add_run()._r.append(text)
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="separate"))


def _field_end(paragraph) -> None:
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="end"))


# --- tables ----------------------------------------------------------------------------------


def _shade(cell, fill: str) -> None:
    cell._tc.get_or_add_tcPr().append(_element("w:shd", val="clear", color="auto", fill=fill))


def _fill_cell(cell, value, *, right: bool = False, bold: bool = False):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = cell.paragraphs[0]
    paragraph._p.style = STYLE_IDS["Table Text"]
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    lines = value if isinstance(value, list) else [value]
    for index, line in enumerate(lines):
        run = _add(paragraph, line, bold=bold)
        if index < len(lines) - 1:
            run.add_break()
    return paragraph


def _table(doc, header: list, rows: list[list], *, widths: list[float] | None = None, numeric=()):
    """A table with its header row repeated on every page it runs over; `numeric` columns are
    aligned right. A row is a list of cells (a text, or a list of lines)."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    head = table.rows[0]
    head._tr.get_or_add_trPr().append(_element("w:tblHeader", val="true"))
    for index, (cell, text) in enumerate(zip(head.cells, header, strict=True)):
        _fill_cell(cell, text, bold=True, right=index in numeric)
        _shade(cell, HEAD_FILL)
    for values in rows:
        row = table.add_row()
        row._tr.get_or_add_trPr().append(_element("w:cantSplit", val="true"))
        for index, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            _fill_cell(cell, value, right=index in numeric)
    if widths:
        _set_widths(table, widths)
    doc.add_paragraph()  # Word joins two tables that touch
    return table


def _set_widths(table, widths: list[float]) -> None:
    """Column widths in centimetres, written straight into the grid and each cell (python-docx's
    column.cells walks the whole table for every column)."""
    from docx.shared import Cm

    table.autofit = False
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        column.w = Cm(width)
    for tr in table._tbl.tr_lst:
        column = 0
        for tc in tr.tc_lst:
            tc.width = Cm(sum(widths[column : column + tc.grid_span]))
            column += tc.grid_span


def _widths(first: float, others: int, total: float) -> list[float]:
    return [first] + [round((total - first) / max(others, 1), 2)] * others


# --- charts ----------------------------------------------------------------------------------

_LABEL = re.compile(r'aria-label="([^"]*)"')


def chart_alt_text(svg_markup: str) -> str:
    """A chart's alternative text: the label the SVG carries for screen readers."""
    found = _LABEL.search(svg_markup)
    return html.unescape(found.group(1)) if found else ""


def _chart(doc, svg_markup: str, *, width_cm: float = CHART_WIDTH_CM) -> None:
    """The SVG chart drawn as a PNG image (cairosvg), with its label as the alternative text."""
    import cairosvg
    from docx.shared import Cm

    if not svg_markup:
        return
    png = cairosvg.svg2png(bytestring=svg_markup.encode("utf-8"), scale=CHART_SCALE, background_color="white")
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.keep_with_next = True
    shape = paragraph.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))
    alt = chart_alt_text(svg_markup)
    shape._inline.docPr.set("descr", alt)
    shape._inline.docPr.set("title", alt)


# --- sections, in the order of the HTML's ------------------------------------------------------


def _cover(doc, document: dict) -> None:
    from docx.shared import Pt

    _para(doc, document["framework_name"])
    if document.get("version"):  # not for a content frozen before editions named their version
        _para(doc, version_line(document["version"]))
    _para(doc, document["title"], style="Title")
    _para(doc, _("Period covered: %(period)s; values up to %(cut_off)s") % _cover_period(document))
    if document["status"] == "published":
        _para(doc, _("Published on %(date)s") % {"date": document["published_on"]})
    else:
        _para(
            doc,
            (
                _("Draft, not published: the values are those of %(date)s and may still change.")
                % {"date": document["built_on"]},
                "b",
            ),
        )
    if document["impact"]:
        _para(doc, (_("Impact"), "b"))
        _para(doc, document["impact"])
    publisher = _para(doc, _("CAREC Secretariat"))
    publisher.paragraph_format.space_before = Pt(48)


def version_line(version: dict) -> str:
    """The framework version on the cover, as the HTML's cover says it."""
    if version["meeting"]:
        return _("Results framework version %(label)s, endorsed on %(date)s (%(meeting)s)") % {
            "label": version["label"],
            "date": version["endorsed_on"],
            "meeting": version["meeting"],
        }
    return _("Results framework version %(label)s, endorsed on %(date)s") % {
        "label": version["label"],
        "date": version["endorsed_on"],
    }


def _cover_period(document: dict) -> dict:
    return {"period": document["period"], "cut_off": document["cut_off"]}


def _contents(doc, document: dict) -> None:
    """Word's own table of contents (a TOC field over headings 1 and 2), showing the report's
    contents until Word updates it with page numbers."""
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _para(doc, _("Contents"), style="TOC Heading")
    entries = []
    for heading in document["toc"]:
        entries.append((heading.label, 0))
        entries.extend((child.label, 1) for child in heading.children)
    paragraph = doc.add_paragraph()
    _field_begin(paragraph, 'TOC \\o "1-2" \\h \\z \\u')
    for index, (label, level) in enumerate(entries):
        if index:
            paragraph = doc.add_paragraph()
        paragraph.paragraph_format.left_indent = Cm(0.8 * level)
        paragraph.paragraph_format.space_after = 0
        _add(paragraph, label)
    _field_end(paragraph)


def _summary(doc, document: dict) -> None:
    from docx.shared import Cm

    summary = document["summary"]
    _heading(doc, 1, _("Summary"))
    for paragraph in document["summary_paragraphs"]:
        _para(doc, paragraph)
    if not document["sector_report"]:
        _para(
            doc,
            (
                ngettext(
                    "%(on_track)s of %(total)s PRF indicator was achieved or on track in %(year)s.",
                    "%(on_track)s of %(total)s PRF indicators were achieved or on track in %(year)s.",
                    summary["prf_total"],
                )
                % {"on_track": summary["prf_on_track"], "total": summary["prf_total"], "year": document["cut_off"]},
                "b",
            ),
        )
    _para(
        doc,
        ngettext(
            "The report rates %(rated)s of its %(total)s indicator; the others have no value yet or no baseline "
            "to measure progress from.",
            "The report rates %(rated)s of its %(total)s indicators; the others have no value yet or no baseline "
            "to measure progress from.",
            summary["total"],
        )
        % {"rated": summary["rated"], "total": summary["total"]},
    )
    if summary.get("chart"):
        _chart(doc, summary["chart"])
        _para(doc, _("Indicators by rating"), style="Caption")
    _para(doc, _("Number of indicators per rating"), style="Caption").paragraph_format.keep_with_next = True
    columns = len(summary["columns"]) + 1
    table = _table(doc, *summary_table(summary), widths=_widths(6, columns, 17), numeric=range(1, columns + 1))
    for row, line in zip(summary["rows"], table.rows[1:], strict=True):  # clusters, then their sectors
        line.cells[0].paragraphs[0].paragraph_format.left_indent = Cm(0.4 * row["level"])
        if row["level"] < 2:
            for run in line.cells[0].paragraphs[0].runs:
                run.bold = True


def summary_table(summary: dict) -> tuple[list, list[list]]:
    """The summary's counts as the HTML shows them: a dot for none."""
    header = ["", *[column["label"] for column in summary["columns"]], _("Total")]
    rows = [
        [str(row["label"]), *[str(n) if n else "·" for n in row["cells"]], str(row["total"])] for row in summary["rows"]
    ]
    return header, rows


def parts_table(document: dict, indicator: dict) -> tuple[list, list[list]]:
    """An indicator's parts: baseline, the period's values, the latest value, milestones, rating."""
    header = [
        _("Series"),
        _("Baseline"),
        *[str(year) for year in document["years"]],
        _("Latest value"),
        _("Milestones"),
        _("Rating"),
    ]
    rows = []
    for part in indicator["parts"]:
        milestones = [f"{m['year']}: {m['text']}" for m in part["set_milestones"]] or [_("not set")]
        rows.append(
            [
                [part["name"], f"({part['unit']}; {part['direction']})"],
                _with_year(part["baseline"].text, part["baseline_year"]),
                *[marked(cell) for cell in part["years"]],
                _with_year(marked(part["latest"]), part["latest_year"]),
                milestones,
                part["rating_label"],
            ]
        )
    return header, rows


def _with_year(text: str, year: int | None) -> str:
    if year and isinstance(text, Marked):
        return Marked(f"{text} ({year})", text.mark)
    return f"{text} ({year})" if year else text


def categories_tables(document: dict, indicator: dict) -> list[tuple[str, list, list[list]]]:
    """Each part's table by category, as the HTML shows it under the indicator's table: a caption,
    the header, a row per category, then the total."""
    tables = []
    for part in indicator["parts"]:
        table = part["categories"]
        if not table:
            continue
        caption = f"{part['name']}: {table['title']}" if len(indicator["parts"]) > 1 else table["title"]
        header = [table["header"], *[str(year) for year in document["years"]]]
        rows = [[row["label"], *map(marked, row["cells"])] for row in table["rows"]]
        rows.append([table["total_label"], *map(marked, part["years"])])
        tables.append((caption, header, rows))
    return tables


def _footnotes(doc, footnotes: list[dict]) -> None:
    """The footnotes of a table's flagged values, each after its raised mark."""
    for note in footnotes:
        paragraph = _para(doc)
        paragraph.add_run(note["mark"]).font.superscript = True
        _add(paragraph, f" {note['text']}")


def _indicator(doc, document: dict, indicator: dict) -> None:
    _heading(doc, 3, (indicator["code"], "b"), " ", indicator["statement"])
    _para(doc, (indicator["rating_label"], "b"), " · ", indicator["level_label"])
    years = len(document["years"])
    each_year = round(max(1.2, (17 - 12.2) / max(years, 1)), 2)
    _table(
        doc,
        *parts_table(document, indicator),
        widths=[3.4, 2.1, *[each_year] * years, 2.1, 2.6, 2.0],
        numeric=range(2, 2 + years),
    )
    for caption, header, rows in categories_tables(document, indicator):
        _para(doc, (caption, "b")).paragraph_format.keep_with_next = True
        _table(doc, header, rows, widths=[3.4, *[each_year] * years], numeric=range(1, 1 + years))
    _footnotes(doc, indicator["footnotes"])
    for part in indicator["parts"]:
        if len(indicator["parts"]) > 1:
            _para(doc, (part["name"], "b")).paragraph_format.keep_with_next = True  # with its chart
        _chart(doc, part["chart"])
        for line in part["explanation"]:
            _para(doc, line, style="List Bullet")
        if part["coverage"]:
            _para(
                doc,
                _("Coverage of the %(year)s value: %(coverage)s.")
                % {"year": part["latest_year"], "coverage": part["coverage"]},
                style="List Bullet",
            )
        if part["baseline_revisions"]:
            words = [
                _("The baseline used is the revision of %(date)s (source: %(source)s).")
                % {"date": part["baseline_revised_on"], "source": part["baseline_source"]}
            ]
            words += [
                _("Earlier baseline: %(value)s (%(year)s), recorded on %(date)s.")
                % {"value": revision["value"], "year": revision["year"], "date": revision["revised_on"]}
                for revision in part["baseline_revisions"]
            ]
            _para(doc, " ".join(words), style="List Bullet")
    if indicator["narrative_paragraphs"]:
        _para(doc, (_("Narrative"), "b"))
        fallback = getattr(indicator["narrative"], "fallback", False)
        for paragraph in indicator["narrative_paragraphs"]:
            _para(doc, Text(paragraph, "en", fallback=True) if fallback else paragraph)
    _labelled(doc, _("Data sources"), indicator["data_sources"])
    if indicator["sources"]:
        paragraph = _para(doc, (f"{_('Values cited from')}: ", "b"))
        for index, source in enumerate(indicator["sources"]):
            _add(paragraph, source)
            if index < len(indicator["sources"]) - 1:
                _add(paragraph, "; ")
    _labelled(doc, _("Notes"), indicator["notes"])


def _cluster(doc, document: dict, cluster: dict, progress: Callable[[], None]) -> None:
    _heading(doc, 1, f"{cluster['number']}. ", cluster["name"])
    _labelled(doc, _("Cluster outcome"), cluster["outcome"])
    _labelled(doc, _("Lead"), cluster["lead"])
    for sector in cluster["sectors"]:
        _heading(doc, 2, (sector["code"], "b"), " ", sector["name"])
        _labelled(doc, _("Lead"), sector["lead"])
        _heading(doc, 3, _("Results chain"))
        for link in sector["chain"]:
            for result, style in [(link["outcome"], "List Bullet")] + [(o, "List Bullet 2") for o in link["outputs"]]:
                if result:
                    _para(
                        doc,
                        (result["level_label"], "i"),
                        " ",
                        (result["code"], "b"),
                        " ",
                        result["statement"],
                        style=style,
                    )
        for indicator in sector["indicator_list"]:
            _indicator(doc, document, indicator)
            progress()
        if not sector["indicator_list"]:
            _para(doc, (_("This sector has no indicators in this report."), "i"))
        _labelled(doc, _("Risks"), sector["risks"])
        _labelled(doc, _("Assumptions"), sector["assumptions"])


def changes_tables(changes: dict) -> dict[str, tuple[list, list[list]]]:
    """The changes since the previous edition that the HTML shows as tables."""
    return {
        "rerated": (
            [_("Indicator"), _("Previous rating"), _("Rating now")],
            [[f"{r['code']} {r['statement']}", r["before"], r["after"]] for r in changes["rerated"]],
        ),
        "baselines": (
            [_("Indicator"), _("Previous baseline"), _("Baseline now"), _("Reason")],
            [
                [f"{r['indicator']} {r['part']}", r["before"], r["after"], str(r["reason"])]
                for r in changes["baselines"]
            ],
        ),
        "milestones": (
            [_("Indicator"), _("Year"), _("Previous milestone"), _("Milestone now")],
            [[f"{r['indicator']} {r['part']}", str(r["year"]), r["before"], r["after"]] for r in changes["milestones"]],
        ),
    }


def _changes(doc, document: dict) -> None:
    _heading(doc, 1, _("Changes since the previous edition"))
    changes = document["changes"]
    if not changes:
        _para(doc, _("There is no earlier edition to compare with."))
        return
    _para(doc, _("Compared with the previous edition, %(title)s:") % {"title": changes["previous_title"]})
    tables = changes_tables(changes)
    for key, title in (("new", _("New indicators")), ("dropped", _("Dropped indicators"))):
        _heading(doc, 2, title)
        for row in changes[key]:
            _para(doc, (row["code"], "b"), " ", row["statement"], style="List Bullet")
        if not changes[key]:
            _para(doc, (_("None."), "i"))
    for key, title in (
        ("rerated", _("Re-rated indicators")),
        ("baselines", _("Revised baselines")),
        ("milestones", _("Revised milestones")),
    ):
        _heading(doc, 2, title)
        if changes[key]:
            _table(doc, *tables[key])
        else:
            _para(doc, (_("None."), "i"))


def annex_table(document: dict, block: dict) -> tuple[list, list[list]]:
    """One cluster's rows of the data annex."""
    years = document["annex"]["years"]
    header = [_("Indicator"), _("Series"), _("Unit"), _("Baseline"), *[str(y) for y in years], _("Rating")]
    rows = [
        [
            row["indicator"]["code"],
            row["part"]["name"],
            row["part"]["unit"],
            _with_year(row["part"]["baseline"].text, row["part"]["baseline_year"]),
            *[marked(cell) for cell in row["years"]],
            row["part"]["rating_label"],
        ]
        for row in block["rows"]
    ]
    return header, rows


def _annex_data(doc, document: dict, *, first_in_section: bool) -> None:
    _heading(doc, 1, _("Annex 1: Data table"), first_in_section=first_in_section)
    _para(
        doc,
        (
            _("Regional values of every indicator series up to %(year)s, with the current baseline and the rating.")
            % {"year": document["cut_off"]},
            "i",
        ),
    )
    years = len(document["annex"]["years"])
    for block in document["annex"]["clusters"]:
        _heading(doc, 2, f"{block['cluster']['number']}. ", block["cluster"]["name"])
        _table(
            doc,
            *annex_table(document, block),
            widths=[2.2, 7.5, 2.6, 2.6, *[1.6] * years, 3.2],
            numeric=range(4, 4 + years),
        )
        _footnotes(doc, block["footnotes"])


def method_tables(method: dict) -> list[tuple[list, list[list]]]:
    return [
        ([_("Settings"), ""], [[label, value] for label, value in method["settings"]]),
        ([_("Scores of the ratings"), ""], [[row["label"], str(row["score"])] for row in method["scores"]]),
    ]


def _annex_method(doc, document: dict, *, first_in_section: bool) -> None:
    method = document["method"]
    _heading(doc, 1, _("Annex 2: Rating method"), first_in_section=first_in_section)
    _para(doc, (method["name"], "b"), " · ", _("version %(version)s") % {"version": method["version"]})
    _para(doc, method["description"])
    for step in method["steps"]:
        _para(doc, step, style="List Number")
    for header, rows in method_tables(method):
        _table(doc, header, rows, widths=[11, 3], numeric=(1,))


def _annex_versions(doc, document: dict, *, first_in_section: bool) -> None:
    """What changed in the framework since the previous edition's version, a table per kind."""
    annex = document["what_changed"]
    _heading(doc, 1, annex["title"], first_in_section=first_in_section)
    _para(doc, annex["intro"])
    for group in annex["groups"]:
        _heading(doc, 2, group["title"])
        rows = [
            [change["subject"], change["before"] or "—", change["after"] or "—", change["reason"]]
            for change in group["changes"]
        ]
        _table(doc, annex["columns"][1:], rows, widths=[3.2, 3.8, 3.8, 3.2])


def scorecard_table(scorecard: dict) -> list[list]:
    """The scorecard's rows as shown: each cluster's group row (one text), then its rows' cells."""
    rows = []
    for group in scorecard["groups"]:
        rows.append([str(group["label"])])
        rows.extend([cell.text for cell in row["cells"]] for row in group["rows"])
    return rows


def _scorecard(doc, document: dict, *, first_in_section: bool) -> None:
    """The scorecard (reports.builder): a traffic light and an arrow per series, grey without data."""
    from docx.shared import RGBColor

    scorecard = document["scorecard"]
    _heading(doc, 1, scorecard["title"], first_in_section=first_in_section)
    if scorecard.get("intro"):
        _para(doc, scorecard["intro"])
    columns = scorecard["columns"]
    table = _table(doc, columns, [], widths=[2.3, 6.1, 1.5, 2.0, 1.5, 2.0, 1.6, 2.8, 2.7, 3.2][: len(columns)])
    grey = RGBColor.from_string(GREY_INK)
    for group in scorecard["groups"]:
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1])
        _fill_cell(merged, group["label"], bold=True)
        _shade(merged, GROUP_FILL)
        for row in group["rows"]:
            line = table.add_row()
            line._tr.get_or_add_trPr().append(_element("w:cantSplit", val="true"))
            for index, (cell, value) in enumerate(zip(line.cells, row["cells"], strict=True)):
                paragraph = _fill_cell(cell, value.text, right=index in (2, 3, 4, 5, 6))
                if row["no_data"]:
                    _shade(cell, GREY_FILL)
                    for run in paragraph.runs:
                        run.font.color.rgb = grey
            rating = line.cells[len(columns) - 2]
            if not row["no_data"] and row["rating"] in RATING_COLOURS:
                _shade(rating, RATING_COLOURS[row["rating"]].lstrip("#").upper())
                if row["rating"] in DARK_SEGMENTS:
                    for run in rating.paragraphs[0].runs:
                        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    legend = scorecard.get("legend") or {}
    if legend.get("ratings"):
        _para(doc, " · ".join(str(r["label"]) for r in legend["ratings"]))
    if legend.get("movements"):
        _para(doc, " · ".join(str(m["text"]) for m in legend["movements"]))
    for note in legend.get("notes", []):
        _para(doc, (note, "i"))


# --- the document ------------------------------------------------------------------------------

LANDSCAPE = {"annex-data", "scorecard"}  # the wide tables


def render_docx(document: dict, progress: Progress = _no_progress) -> bytes:
    """The report as a Word document, in the document's language."""
    import docx

    with translation.override(document["language"]):
        doc = docx.Document()
        language = document["language"]
        _styles(doc, language)
        _page(doc.sections[0], landscape=False)
        _properties(doc, document)
        _footer(doc.sections[0], document)
        _cover(doc, document)
        _contents(doc, document)

        indicators = sum(len(s["indicator_list"]) for c in document["clusters"] for s in c["sectors"]) or 1
        done = [0]

        def one_more() -> None:
            done[0] += 1
            progress(10 + 80 * done[0] // indicators, "document")

        clusters = {cluster["anchor"]: cluster for cluster in document["clusters"]}
        landscape = False
        for heading in document["toc"]:  # the HTML's order, whatever sections it has
            wide = heading.anchor in LANDSCAPE
            turned = wide != landscape
            if turned:
                from docx.enum.section import WD_SECTION

                _page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=wide)
                landscape = wide
            if heading.anchor == "summary":
                _summary(doc, document)
            elif heading.anchor in clusters:
                _cluster(doc, document, clusters[heading.anchor], one_more)
            elif heading.anchor == "scorecard" and document.get("scorecard"):
                _scorecard(doc, document, first_in_section=turned)
            elif heading.anchor == "changes":
                _changes(doc, document)
            elif heading.anchor == "annex-data":
                _annex_data(doc, document, first_in_section=turned)
            elif heading.anchor == "annex-method":
                _annex_method(doc, document, first_in_section=turned)
            elif heading.anchor == "annex-versions" and document.get("what_changed"):
                _annex_versions(doc, document, first_in_section=turned)
        progress(95, "write")
        out = io.BytesIO()
        doc.save(out)
    return out.getvalue()


def _properties(doc, document: dict) -> None:
    properties = doc.core_properties
    properties.title = str(document["title"])
    properties.subject = str(document["framework_name"])
    properties.language = LANGUAGE_TAGS.get(document["language"], document["language"])
    properties.author = properties.last_modified_by = _("CAREC Secretariat")
    properties.comments = ""
    properties.keywords = "CAREC"
    day = document.get("published_iso")
    if day:
        moment = datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(), tzinfo=datetime.UTC)
        properties.created = properties.modified = moment
    # Word offers to update the fields (the contents' page numbers) when the file is opened
    doc.settings.element.append(_element("w:updateFields", val="true"))


def _footer(section, document: dict) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _add(paragraph, f"{document['title']} · ")
    _field_begin(paragraph, "PAGE")
    paragraph.add_run("1")
    _field_end(paragraph)
