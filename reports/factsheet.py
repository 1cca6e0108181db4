"""An indicator's fact sheet: one A4 page (WeasyPrint) with the statement, the scorecard row of
each part, its chart (reports.svg), the table behind the charts and the sources, in the reader's
language. Read through the indicator page's selector, so in its fixed number of queries."""

import datetime
from dataclasses import dataclass

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from progress.method import Movement
from progress.models import PartRating
from reports import svg
from reports.dashboards.charts import Value
from reports.dashboards.indicator_pages import chart_labels, indicator_page
from reports.dashboards.takeaway import dated_text, source_text
from reports.formatting import long_date, number
from reports.render import fonts_check

# Steps by which a fact sheet that does not fit one page is made smaller before it is laid out
# again: the base font size in points and how much wider the charts are drawn (a wider drawing
# shows smaller in a column of the same width).
SCALES = ((8.5, 1.0), (7.5, 1.15), (6.6, 1.3), (5.8, 1.5))
# The charts' drawing size by the number of columns they stand in, so that their text reads at
# about the size of the page's.
DRAWING = {1: (640, 240), 2: (440, 230), 3: (360, 220)}


@dataclass(frozen=True)
class YearRow:
    """A line of the table behind the charts: a part's baseline, actual values or milestones,
    with a cell per year (None where there is nothing)."""

    part: str
    label: str
    cells: list


def _milestone_value(milestone) -> Value | None:
    """A milestone as the table writes it: its value, "≥"/"≤" before it for a floor or a ceiling."""
    if milestone.value is None:
        return None
    marks = {"at_least": "≥ ", "at_most": "≤ "}
    value = milestone.value
    if value.label:
        return Value(value.number, label=marks.get(milestone.kind, "") + value.label)
    return Value(value.number, qualifier=marks.get(milestone.kind, "") + value.qualifier)


def year_table(parts: list) -> tuple[list[int], list[YearRow]]:
    """The table behind every part's chart, the years across: per part its baseline, its actual
    regional values and its milestones (the expected path and the trend are drawn from these)."""
    labels = chart_labels()
    years: set[int] = set()
    rows: list[YearRow] = []
    for part in parts:
        series = part.series
        found = {
            labels["baseline"]: {series.baseline.year: series.baseline.value} if series.baseline else {},
            labels["actual"]: {a.year: a.value for a in series.actuals},
            labels["milestone"]: {m.year: _milestone_value(m) for m in series.set_milestones()},
        }
        for label, by_year in found.items():
            if by_year:
                years.update(by_year)
                rows.append(YearRow(part.name, label, by_year))
    columns = sorted(years)
    return columns, [YearRow(r.part, r.label, [r.cells.get(y) for y in columns]) for r in rows]


def scorecard(part, as_of: int) -> dict:
    """A part's row of the scorecard: its baseline, its latest value up to the report year, its
    final target, its rating and the arrow of its change since the previous value."""
    series = part.series
    latest = [a for a in series.actuals if a.year <= as_of and (a.value.number is not None or a.value.label)]
    targets = [m for m in part.current_milestones if m.is_set]
    rating = part.rating.rating if part.rating else "no_data"
    return {
        # the arrow: the change since the previous data point (progress.engine.direction_since)
        "movement": Movement.text((part.rating.movement or None) if part.rating else None),
        "name": part.name,
        "unit": series.unit,
        "baseline": series.baseline,
        "latest": latest[-1] if latest else None,
        "target": targets[-1] if targets else None,
        "rating": rating,
        "rating_text": getattr(part, "rating_text", None) or _("not rated"),
        "colour": svg.RATING_COLOURS.get(rating, svg.RATING_COLOURS["no_data"]),
    }


def factsheet_context(page: dict, *, scale: int = 0, page_url: str = "") -> dict:
    """What the template shows, from the indicator page's data, at one of the SCALES."""
    indicator, parts = page["indicator"], page["parts"]
    size, wider = SCALES[scale]
    language = get_language() or "en"
    font = svg.font_for(language)
    labels = chart_labels()
    plotted = [p for p in parts if p.series.drawn]
    columns = 1 if len(plotted) <= 1 else 2 if len(plotted) <= 4 else 3
    width, height = DRAWING[columns]
    charts = [
        {
            "name": part.name,
            "unit": part.series.unit,
            "svg": svg.part_chart(
                part.series,
                labels=labels,
                fmt=number,
                title=part.name,
                font=font,
                width=round(width * wider),
                height=round(height * wider),
            ),
        }
        for part in plotted
    ]
    years, rows = year_table(parts)
    # the data: the regional values, else (nothing measured yet) the baselines
    changed = max((p.data_changed.date() for p in parts if p.data_changed), default=None) or max(
        (p.current_baselines[0].revised_on for p in parts if p.current_baselines), default=None
    )
    css_path = finders.find("reports/factsheet.css")
    with open(css_path, encoding="utf-8") as handle:
        css = handle.read()
    return {
        "indicator": indicator,
        "as_of": page["as_of"],
        "method": page["method"],
        "overall_text": page["overall_text"],
        "movement_heading": PartRating._meta.get_field("movement").verbose_name,
        "overall": page["overall"],
        "overall_colour": svg.RATING_COLOURS.get(page["overall"].rating if page["overall"] else "no_data", "#cfd8dc"),
        "scorecard": [scorecard(p, page["as_of"]) for p in parts],
        "charts": charts,
        "columns": columns,
        "years": years,
        "rows": rows,
        "multi_part": len(parts) > 1,
        "source": source_text(indicator.data_sources, page["value_sources"]),
        "dated": dated_text(changed),
        "printed": _("Printed on %(date)s") % {"date": long_date(datetime.date.today())},
        "page_url": page_url,
        "font_size": size,
        "css": css,
        "language": language,
    }


def factsheet_pdf(*, slug: str, as_of: int | None, user, page_url: str = "") -> bytes:
    """The fact sheet as a one-page PDF: laid out again smaller while it takes more than a page."""
    import weasyprint

    fonts_check(get_language() or "en")
    page = indicator_page(slug=slug, as_of=as_of, user=user)
    for scale in range(len(SCALES)):
        context = factsheet_context(page, scale=scale, page_url=page_url)
        html = render_to_string("reports/factsheet.html", context)
        laid_out = weasyprint.HTML(string=html, base_url=None).render()
        if len(laid_out.pages) == 1:
            break
    return laid_out.write_pdf()
