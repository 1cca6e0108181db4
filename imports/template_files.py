"""The upload template for a sector and year, as XLSX (drop-down lists, read-only baseline and
milestone columns, instructions in the user's language) or CSV."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from imports.reading import COLUMNS, TEMPLATE_HELP
from imports.validation import REGION
from indicators.display import format_value

QUALIFIERS = ["<", "<=", ">", ">=", "~"]


def template_rows(*, sector, year: int) -> list[dict]:
    """One row per part x place (the region, and each member country unless the part is reported
    only for the region), with the part's current baseline and milestones."""
    from clusters.models import Country
    from indicators.models import Baseline, IndicatorPart, Milestone

    parts = list(
        IndicatorPart.objects.filter(indicator__result__sector=sector)
        .select_related("indicator", "unit")
        .order_by("indicator__result__order", "indicator__order", "order")
    )
    baselines = {b.part_id: b for b in Baseline.objects.filter(part__in=parts, is_current=True)}
    milestones: dict[int, list] = {}
    for m in Milestone.objects.filter(part__in=parts, is_current=True).order_by("year"):
        if m.is_set:
            milestones.setdefault(m.part_id, []).append(f"{m.year}: {m.get_kind_display()} {format_value(m)}")
    countries = list(Country.objects.members_in(year).order_by("order"))
    rows = []
    for part in parts:
        places = [REGION] if part.aggregation == "region_only" else [REGION, *[c.code for c in countries]]
        baseline = baselines.get(part.pk)
        for place in places:
            rows.append(
                {
                    "indicator": part.indicator.code,
                    "part": part.code,
                    "country": place,
                    "year": year,
                    "value": "",
                    "qualifier": "",
                    "unit": part.unit.code,
                    "source": "",
                    "note": "",
                    "baseline": f"{format_value(baseline)} ({baseline.year})" if baseline else "",
                    "milestones": "; ".join(milestones.get(part.pk, [])),
                    "part_name": part.name,
                }
            )
    return rows


def template_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row[c] for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(rows: list[dict], *, sector_name: str, year: int, countries: list[str]) -> bytes:
    workbook = Workbook()
    data = workbook.active
    data.title = "data"
    headers = COLUMNS + TEMPLATE_HELP
    data.append(headers)
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="EEEEEE")
    for cell in data[1]:
        cell.font = bold
    for row in rows:
        data.append([row[c] for c in headers])
    last = len(rows) + 1
    editable = {"value", "qualifier", "source", "note"}
    for column_index, name in enumerate(headers, start=1):
        for (cell,) in data.iter_rows(min_row=2, max_row=last, min_col=column_index, max_col=column_index):
            if name in editable:
                cell.protection = Protection(locked=False)
            elif name in TEMPLATE_HELP:
                cell.fill = grey
    data.protection.sheet = True  # baseline, milestones and codes are read-only; values are not
    data.protection.formatRows = False
    data.protection.formatColumns = False
    for letter, width in zip("ABCDEFGHIJKL", [12, 22, 9, 7, 12, 9, 10, 24, 24, 18, 40, 40], strict=False):
        data.column_dimensions[letter].width = width

    lists = workbook.create_sheet("lists")
    lists.sheet_state = "hidden"
    indicator_codes = sorted({r["indicator"] for r in rows})
    part_codes = sorted({r["part"] for r in rows})
    for column, values in enumerate([indicator_codes, part_codes, [REGION, *countries], QUALIFIERS], start=1):
        for row_index, value in enumerate(values, start=1):
            lists.cell(row=row_index, column=column, value=value)

    def validation(column: str, list_column: str, count: int) -> None:
        rule = DataValidation(
            type="list",
            formula1=f"=lists!${list_column}$1:${list_column}${max(count, 1)}",
            allow_blank=True,
            showErrorMessage=True,
        )
        rule.error = _("Choose a value from the list.")
        data.add_data_validation(rule)
        rule.add(f"{column}2:{column}{max(last, 2)}")

    validation("A", "A", len(indicator_codes))
    validation("B", "B", len(part_codes))
    validation("C", "C", len(countries) + 1)
    validation("F", "D", len(QUALIFIERS))

    help_sheet = workbook.create_sheet(_("Instructions")[:31], 0)
    lines = [
        _("Progress values for %(sector)s, %(year)s") % {"sector": sector_name, "year": year},
        "",
        _(
            "Fill in the “value” column of the “data” sheet; one row is one part, one place (a country or CAREC for "
            "the whole region) and one year."
        ),
        _("Numbers: write them as numbers; a qualifier such as < or >= goes in the “qualifier” column."),
        _("Write N/A when a value is not available; leave the cell empty to enter nothing."),
        _("Yes/no parts take yes or no; sets of countries take ISO codes separated by commas (KAZ, UZB)."),
        _("The baseline and milestone columns are there to help and cannot be changed."),
        _("Do not add formulas, merged cells or macros: such files are refused."),
        _("Uploaded values wait for review by the sector's focal point before they count."),
    ]
    for index, line in enumerate(lines, start=1):
        help_sheet.cell(row=index, column=1, value=line)
    help_sheet["A1"].font = Font(bold=True, size=14)
    help_sheet.column_dimensions["A"].width = 110
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
