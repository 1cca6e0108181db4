"""Links to a chart's pictures (reports.dashboards.takeaway): under each chart of the country
pages, under each rating summary bar of the home, cluster and sector pages, and under each chart
of a report on the edition's page only (the standalone HTML and the PDF are read away from the
site)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from reports.dashboards import takeaway

register = template.Library()


def chart_links(url) -> str:
    """The line under a chart: its SVG and its PNG, `url(fmt)` each."""
    return format_html(
        '<p class="downloads">{} <a href="{}" download>SVG</a> · <a href="{}" download>PNG</a></p>',
        _("Download the chart:"),
        url("svg"),
        url("png"),
    )


@register.simple_tag
def report_chart_links(edition_code: str, indicator_code: str = "", part_code: str = ""):
    def url(fmt: str) -> str:
        if indicator_code:
            return reverse("report_chart", args=[edition_code, indicator_code.replace(" ", "-"), part_code, fmt])
        return reverse("report_summary_chart", args=[edition_code, fmt])

    return chart_links(url)


@register.simple_tag
def country_chart_links(country, part):
    """For a part of the country page (framework_pages.country_page); nothing when its chart has
    nothing to draw."""
    if not takeaway.country_drawn(part):
        return ""
    return chart_links(lambda fmt: reverse("country_chart", args=[country.code, part.indicator.slug, part.code, fmt]))


@register.simple_tag
def rating_chart_links(of: str, code: str = "", year: int | None = None):
    """Under a rating summary bar (templates/_rating_bar.html): of="prf" (the home page's
    headline), "cluster" or "sector", for the page's report year."""
    query = f"?year={year}" if year else ""

    def url(fmt: str) -> str:
        args = [fmt] if of == "prf" else [code, fmt]
        return reverse(f"{of}_rating_chart", args=args) + query

    return chart_links(url)


@register.simple_tag
def country_caption(country, part) -> str:
    """The caption of a part's chart on the country page, the same words as its picture's title."""
    return takeaway.country_caption(part, country)
