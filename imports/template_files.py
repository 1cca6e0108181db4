"""The upload template for a sector and year, as XLSX (drop-down lists, read-only baseline and
milestone columns, instructions in the user's language) or CSV. A column per dimension that any
part is broken down by (its code in lower case) follows the year; a part broken down by one has
its total row and, under it, a row per category."""

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from imports.reading import COLUMNS, TEMPLATE_HELP
from imports.validation import REGION
from indicators.display import format_value
from indicators.models import OBS_STATUS, Observation

QUALIFIERS = ["<", "<=", ">", ">=", "~"]
_EDITABLE = {"value", "qualifier", "flag", "source", "note"}
_WIDTHS = {"indicator": 12, "part": 22, "country": 9, "year": 7, "value": 12, "qualifier": 9, "flag": 12}
_WIDTHS |= {"unit": 10, "source": 24, "note": 24, "baseline": 18, "milestones": 40, "part_name": 40}


@dataclass(frozen=True)
class TemplateDimension:
    """A dimension as the template shows it: its column, its name in the user's language and its
    categories as (code, name), in their order."""

    column: str
    code: str
    name: str
    categories: tuple[tuple[str, str], ...]


def template_dimensions() -> list[TemplateDimension]:
    """The dimensions that some part of the framework is broken down by, so that every sector's
    template has the same columns (two queries)."""
    from indicators.models import Category, Dimension

    dimensions = list(Dimension.objects.filter(parts__isnull=False).distinct().order_by("order", "code"))
    categories: dict[int, list[tuple[str, str]]] = {d.pk: [] for d in dimensions}
    for category in Category.objects.filter(dimension__in=dimensions).order_by("order", "code"):
        categories[category.dimension_id].append((category.code, category.name))
    return [TemplateDimension(d.code.lower(), d.code, d.name, tuple(categories[d.pk])) for d in dimensions]


def template_columns(dimensions: list[TemplateDimension]) -> list[str]:
    """The file's columns: the columns of categories come after the year (as in Open SDG's files)."""
    at = COLUMNS.index("year") + 1
    return COLUMNS[:at] + [d.column for d in dimensions] + COLUMNS[at:]


def template_rows(*, sector, year: int, dimensions: list[TemplateDimension]) -> list[dict]:
    """One row per part measured in the year (the framework version in force then: a revision
    retires parts and adds others from a year on) x place (the region, and each member country
    unless the part is reported only for the region), with the baseline and milestones governing
    the year; under the total of a part broken down by dimensions, a row per category of each
    (the codes filled in)."""
    from clusters.models import Country
    from indicators.models import Baseline, IndicatorPart, Milestone

    parts = list(
        IndicatorPart.objects.in_force(year)
        .filter(indicator__result__sector=sector)
        .select_related("indicator", "unit")
        .order_by("indicator__result__order", "indicator__order", "order")
    )
    baselines = {b.part_id: b for b in Baseline.objects.in_force(year).filter(part__in=parts)}
    milestones: dict[int, list] = {}
    for m in Milestone.objects.in_force(year).filter(part__in=parts).order_by("year"):
        if m.is_set:
            milestones.setdefault(m.part_id, []).append(f"{m.year}: {m.get_kind_display()} {format_value(m)}")
    broken_down: dict[int, set[str]] = {}
    through = IndicatorPart.dimensions.through.objects.filter(indicatorpart__in=parts)
    for part_id, code in through.values_list("indicatorpart_id", "dimension__code"):
        broken_down.setdefault(part_id, set()).add(code)
    countries = list(Country.objects.members_in(year).order_by("order"))
    blank_categories = {d.column: "" for d in dimensions}
    rows = []
    for part in parts:
        places = [REGION] if part.aggregation == "region_only" else [REGION, *[c.code for c in countries]]
        baseline = baselines.get(part.pk)
        total = {
            "indicator": part.indicator.code,
            "part": part.code,
            "year": year,
            **blank_categories,
            "value": "",
            "qualifier": "",
            "flag": "",
            "unit": part.unit.code,
            "source": "",
            "note": "",
            "baseline": f"{format_value(baseline)} ({baseline.year})" if baseline else "",
            "milestones": "; ".join(milestones.get(part.pk, [])),
            "part_name": part.name,
        }
        by = [d for d in dimensions if d.code in broken_down.get(part.pk, ())]
        for place in places:
            rows.append(total | {"country": place})
            for dimension in by:
                for code, name in dimension.categories:
                    part_name = _("%(part)s: %(category)s") % {"part": part.name, "category": name}
                    rows.append(total | {"country": place, dimension.column: code, "part_name": part_name})
    return rows


def template_csv(rows: list[dict], *, dimensions: list[TemplateDimension]) -> bytes:
    columns = template_columns(dimensions)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row[c] for c in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _flag_words() -> str:
    """The flags as the instructions give them: each word, its meaning and its SDMX code."""
    return ", ".join(f"{kind.value} ({kind.label}, {OBS_STATUS[kind]})" for kind in Observation.Kind)


def template_xlsx(
    rows: list[dict], *, dimensions: list[TemplateDimension], sector_name: str, year: int, countries: list[str]
) -> bytes:
    workbook = Workbook()
    data = workbook.active
    data.title = "data"
    headers = template_columns(dimensions) + TEMPLATE_HELP
    letter = {name: get_column_letter(index) for index, name in enumerate(headers, start=1)}
    data.append(headers)
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="EEEEEE")
    for cell in data[1]:
        cell.font = bold
    for dimension in dimensions:  # the header is the code; the note names it in the user's language
        listed = ", ".join(f"{code} = {name}" for code, name in dimension.categories)
        note = _("%(dimension)s: %(categories)s. Leave empty for the total.") % {
            "dimension": dimension.name,
            "categories": listed,
        }
        data[f"{letter[dimension.column]}1"].comment = Comment(note, "CAREC")
    flags = _("The value's status: %(flags)s.") % {"flags": _flag_words()}
    data[f"{letter['flag']}1"].comment = Comment(flags, "CAREC")
    for row in rows:
        data.append([row[c] for c in headers])
    last = len(rows) + 1
    editable = _EDITABLE | {d.column for d in dimensions}
    for column_index, name in enumerate(headers, start=1):
        for (cell,) in data.iter_rows(min_row=2, max_row=last, min_col=column_index, max_col=column_index):
            if name in editable:
                cell.protection = Protection(locked=False)
            elif name in TEMPLATE_HELP:
                cell.fill = grey
    data.protection.sheet = True  # baseline, milestones and codes are read-only; values are not
    data.protection.formatRows = False
    data.protection.formatColumns = False
    for name, column in letter.items():
        data.column_dimensions[column].width = _WIDTHS.get(name, 9)

    lists = workbook.create_sheet("lists")
    lists.sheet_state = "hidden"
    indicator_codes = sorted({r["indicator"] for r in rows})
    part_codes = sorted({r["part"] for r in rows})
    choices = {
        "indicator": indicator_codes,
        "part": part_codes,
        "country": [REGION, *countries],
        "qualifier": QUALIFIERS,
        "flag": list(Observation.Kind.values),
        **{d.column: [code for code, _name in d.categories] for d in dimensions},
    }
    for list_index, (name, values) in enumerate(choices.items(), start=1):
        for row_index, value in enumerate(values, start=1):
            lists.cell(row=row_index, column=list_index, value=value)
        list_column = get_column_letter(list_index)
        rule = DataValidation(
            type="list",
            formula1=f"=lists!${list_column}$1:${list_column}${max(len(values), 1)}",
            allow_blank=True,
            showErrorMessage=True,
        )
        rule.error = _("Choose a value from the list.")
        data.add_data_validation(rule)
        rule.add(f"{letter[name]}2:{letter[name]}{max(last, 2)}")

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
        _(
            "The “flag” column gives the value's status: %(flags)s. Write the word or the SDMX code; leave it empty "
            "for a normal value. A value flagged missing takes N/A. The “note” column is a free comment on the value."
        )
        % {"flags": _flag_words()},
    ]
    if dimensions:
        lines.append(
            _(
                "Parts broken down by categories have a row for the total, with the category columns empty, and a "
                "row for each category under it. Fill in the ones you have."
            )
        )
        for dimension in dimensions:
            lines.append(
                _("Column “%(column)s” — %(dimension)s: %(categories)s.")
                % {
                    "column": dimension.column,
                    "dimension": dimension.name,
                    "categories": ", ".join(f"{code} = {name}" for code, name in dimension.categories),
                }
            )
    lines += [
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
