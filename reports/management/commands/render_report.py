"""Render a report edition, or a sector's progress report for a period, to a file:

python manage.py render_report --edition 2021 --language zh-hans --format pdf --output defr-2021-zh.pdf
python manage.py render_report --sector TRD --period 2021-07/2022-06 --format pdf --output trd.pdf
"""

import calendar
import datetime
import re
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from clusters.models import Sector
from progress.services import rating_method_default
from reports.content import ReportScope, content_build, texts
from reports.formatting import period_label
from reports.models import ReportEdition
from reports.render import FORMATS, FontMissingError, report_render
from reports.selectors import edition_content, edition_previous_content

# The title of a one-off sector progress report is content, like an edition's title: written here
# in each language, as the rating method's default name is (progress/method.py).
SECTOR_REPORT_TITLE = {
    "en": "{sector}: sector progress report, {period}",
    "zh-hans": "{sector}部门进展报告（{period}）",
    "ru": "{sector}: отчет о ходе работы сектора, {period}",
}


def parse_period(text: str) -> tuple[datetime.date, datetime.date]:
    """ "2021-07/2022-06" -> 1 July 2021 to 30 June 2022; "2018/2020" -> whole years."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?/(\d{4})(?:-(\d{2}))?", text.strip())
    if not match:
        raise CommandError(f"--period {text!r}: expected YYYY-MM/YYYY-MM (e.g. 2021-07/2022-06) or YYYY/YYYY.")
    y1, m1, y2, m2 = match.groups()
    start = datetime.date(int(y1), int(m1 or 1), 1)
    end_month = int(m2 or 12)
    end = datetime.date(int(y2), end_month, calendar.monthrange(int(y2), end_month)[1])
    if end < start:
        raise CommandError(f"--period {text!r}: the period ends before it starts.")
    return start, end


def sector_scope(sector: Sector, start: datetime.date, end: datetime.date, cut_off: int | None) -> ReportScope:
    names = texts(sector, "name")
    titles = {}
    for code, _name in settings.LANGUAGES:
        titles[code] = SECTOR_REPORT_TITLE.get(code, SECTOR_REPORT_TITLE["en"]).format(
            sector=names.get(code) or names["en"], period=period_label(start, end, code)
        )
    return ReportScope(
        code=f"{sector.code}-{start:%Y%m}-{end:%Y%m}",
        kind=ReportEdition.Kind.SECTOR,
        title=titles,
        period_start=start,
        period_end=end,
        cut_off=cut_off or end.year,
        method=rating_method_default(),
        sector_code=sector.code,
    )


class Command(BaseCommand):
    help = "Render a report edition (or a sector progress report for a period) as HTML, PDF or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--edition", help="The edition's code, e.g. 2021.")
        parser.add_argument("--sector", help="A sector code (TRD) for a sector progress report.")
        parser.add_argument("--period", help="With --sector: the period, e.g. 2021-07/2022-06.")
        parser.add_argument("--cut-off", type=int, help="With --sector: the year of the ratings (default: the end).")
        parser.add_argument("--language", default="en", choices=[code for code, _name in settings.LANGUAGES])
        parser.add_argument("--format", default="pdf", choices=FORMATS)
        parser.add_argument("--output", required=True, type=Path, help="The file to write.")

    def handle(self, *args, edition, sector, period, cut_off, language, format, output, **options):
        started = time.perf_counter()
        if edition:
            found = ReportEdition.objects.select_related("sector", "method", "previous").filter(code=edition).first()
            if found is None:
                known = ", ".join(ReportEdition.objects.order_by("code").values_list("code", flat=True)) or "none"
                raise CommandError(f"No edition {edition!r}; editions: {known}.")
            content, previous = edition_content(found), edition_previous_content(found)
        elif sector and period:
            found = Sector.objects.filter(code=sector).first()
            if found is None:
                raise CommandError(f"No sector {sector!r}.")
            start, end = parse_period(period)
            content, previous = content_build(sector_scope(found, start, end, cut_off)), None
        else:
            raise CommandError("Give --edition CODE, or --sector CODE with --period YYYY-MM/YYYY-MM.")
        try:
            data = report_render(content, previous, language=language, format=format)
        except FontMissingError as error:
            raise CommandError(str(error)) from None
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"{output}: {len(data):,} bytes in {seconds:.1f} s"))
