"""Charts to take away and pages to embed: each chart of the indicator page, the country pages
and a report as a picture that says what it shows (title, source, date of the data drawn into
it), and an indicator part's chart and table as a page a partner's site can frame. Reads go
through the pages' selectors and the edition selectors, so they take the same fixed number of
queries."""

import datetime
from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reports import svg
from reports.dashboards.framework_pages import country_page, prf_headline, rating_summary_page
from reports.dashboards.indicator_pages import chart_labels, code_from_slug, indicator_page, unit_text
from reports.formatting import long_date, number

FORMATS = ("svg", "png")
CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


@dataclass(frozen=True)
class Picture:
    """A chart ready to take away: the SVG markup, a file name without its extension, and when its
    data last changed (Last-Modified; None when unknown)."""

    markup: str
    name: str
    changed: datetime.datetime | None


def source_text(data_sources: str, cited: list[str]) -> str:
    """The source line: the indicator's data sources, else the sources its values are cited from."""
    text = (data_sources or "").strip() or "; ".join(cited) or "—"
    return _("Source: %(source)s") % {"source": text}


def dated_text(moment: datetime.datetime | datetime.date | None) -> str:
    if moment is None:
        return _("Date of the data not known")
    day = moment.date() if isinstance(moment, datetime.datetime) else moment
    return _("Data as of %(date)s") % {"date": long_date(day)}


def _page_part(*, slug: str, part_code: str, as_of: int | None, user):
    page = indicator_page(slug=slug, as_of=as_of, user=user)
    part = next((p for p in page["parts"] if p.code == part_code), None)
    if part is None:
        raise Http404
    return page, part


def series_picture(page: dict, part, *, font: str) -> str:
    """A part's chart (reports.svg.part_chart) with its title, source and date: empty when the
    part has no value to plot. part.series is the indicator page's, so a part a version split or
    merged from others draws the earlier parts' series as the page does (reports.dashboards.lineage),
    without a read of its own."""
    indicator = page["indicator"]
    caption = _("%(part)s: baseline, milestones, actual values, expected path and trend") % {"part": part.name}
    chart = svg.part_chart(part.series, labels=chart_labels(), fmt=number, title=caption, font=font)
    if not chart:
        return ""
    return svg.framed(
        chart,
        title=caption,
        subtitle=f"{indicator.code} {indicator.statement} ({part.series.unit})",
        source=source_text(indicator.data_sources, page["value_sources"]),
        dated=dated_text(part.data_changed),
        font=font,
    )


def indicator_picture(*, slug: str, part_code: str, chart: str, as_of: int | None, user) -> Picture:
    """A chart of the indicator page as a picture: the part's series or its values by country."""
    page, part = _page_part(slug=slug, part_code=part_code, as_of=as_of, user=user)
    indicator, font = page["indicator"], svg.font_for(get_language() or "en")
    name = f"{indicator.slug}_{part.code}"
    if chart == "series":
        markup = series_picture(page, part, font=font)
        changed = part.data_changed
    elif getattr(part, "countries_year", None) is not None:
        caption = _("%(part)s: values by country in %(year)s") % {"part": part.name, "year": part.countries_year}
        bars = svg.country_bars(part.countries_rows, fmt=number, title=caption, ticks=part.series.ticks, font=font)
        markup = bars and svg.framed(
            bars,
            title=caption,
            subtitle=f"{indicator.code} {indicator.statement} ({part.series.unit})",
            source=source_text(indicator.data_sources, page["value_sources"]),
            dated=dated_text(part.countries_changed),
            font=font,
        )
        changed, name = part.countries_changed, f"{name}_countries_{part.countries_year}"
    else:
        markup = ""
    if not markup:
        raise Http404
    return Picture(markup, name, changed)


def embed_context(*, slug: str, part_code: str, as_of: int | None, user) -> dict:
    """What the embeddable page of an indicator part shows: its chart drawn on the server (no
    script for a partner's page to allow), the table behind it with the page's footnotes (where an
    earlier part's series comes from, what a flag means), the title and the source."""
    page, part = _page_part(slug=slug, part_code=part_code, as_of=as_of, user=user)
    indicator = page["indicator"]
    caption = _("%(part)s: baseline, milestones, actual values, expected path and trend") % {"part": part.name}
    return {
        "indicator": indicator,
        "part": part,
        "caption": caption,
        "chart": svg.part_chart(
            part.series, labels=chart_labels(), fmt=number, title=caption, font=svg.font_for(get_language() or "en")
        ),
        "table": part.shown_table,
        "notes": part.table_notes,
        "source": source_text(indicator.data_sources, page["value_sources"]),
        "dated": dated_text(part.data_changed),
        "as_of": page["as_of"],
    }


def country_caption(part, country) -> str:
    """The caption of a part's chart on the country page, and its picture's title: one wording."""
    return _("%(part)s: %(country)s and the CAREC region, by year") % {"part": part.name, "country": country.name}


def country_drawn(part) -> bool:
    """Whether a part of the country page (framework_pages.country_page) has a chart to take away:
    the rule of reports.svg.country_series_chart, which draws nothing without a number."""
    return bool(svg.year_points(part.country_values) or svg.year_points(part.region_values))


def country_picture(*, code: str, slug: str, part_code: str, user) -> Picture:
    """A chart of a country page: the member's values in a part against the region's. Its date is
    when the values drawn last changed; its source the indicator's, else what the member's values
    cite. Reads the country page's selector, so it takes the same fixed number of queries."""
    page = country_page(code=code, user=user)
    country = page["country"]
    part = next((p for p in page["parts"] if p.indicator.slug == slug and p.code == part_code), None)
    if part is None or not country_drawn(part):
        raise Http404
    indicator, font = part.indicator, svg.font_for(get_language() or "en")
    caption = country_caption(part, country)
    chart = svg.country_series_chart(
        part.country_values,
        part.region_values,
        labels=chart_labels() | {"country": country.name},
        fmt=number,
        title=caption,
        font=font,
    )
    cited = sorted({o.source.name if o.source else o.citation for o in part.own} - {""})
    markup = svg.framed(
        chart,
        title=caption,
        subtitle=f"{indicator.code} {indicator.statement} ({unit_text(part)})",
        source=source_text(indicator.data_sources, cited),
        dated=dated_text(part.data_changed),
        font=font,
    )
    return Picture(markup, f"{country.code}_{indicator.slug}_{part.code}", part.data_changed)


# --------------------------------------------------------------------------------------------
# The dashboards' rating summaries: the PRF's headline on the home page, a cluster's, a sector's


def rating_picture(*, of: str, code: str = "", as_of: int | None = None) -> Picture:
    """A rating summary bar of the dashboards (framework_pages.rating_summary_page) as a picture:
    the bar labelled with its report year, the page's heading for it, the framework and the
    rating method as its source, and when the ratings counted last changed as its date."""
    page = rating_summary_page(of=of, code=code, as_of=as_of)
    owner, scope, year = page["owner"], page["scope"], page["as_of"]
    if of == "prf":
        title, subtitle, name = prf_headline(page["counts"], year), "", "PRF"
    elif of == "cluster":
        title, name = _("Indicators per rating"), owner.code
        subtitle = _("Cluster %(number)s: %(name)s") % {"number": owner.number, "name": owner.name}
    else:
        title, subtitle, name = _("Indicators per rating"), f"{owner.name} ({owner.code})", owner.code
    font = svg.font_for(get_language() or "en")
    bars = svg.rating_bars([(str(year), page["counts"])], labels=scope.labels(), title=title, font=font, pad=12)
    if not bars:
        raise Http404
    markup = svg.framed(
        bars,
        title=title,
        subtitle=subtitle,
        source=_("Source: %(source)s") % {"source": page["framework"].name},
        notes=(
            _("Method: %(name)s, version %(version)s.") % {"name": scope.method.name, "version": scope.method.version},
        ),
        dated=dated_text(page["changed"]),
        font=font,
    )
    return Picture(markup, f"ratings_{name}_{year}", page["changed"])


# --------------------------------------------------------------------------------------------
# The report's charts, from the edition's document (a published edition's frozen snapshot)


def report_picture(*, code: str, user, indicator_slug: str | None = None, part_code: str | None = None) -> Picture:
    """A chart of an edition, as the report draws it: the summary's rating bars (no indicator), or
    a part's chart. Its date is the edition's publication (a draft's: when it was built)."""
    from reports import selectors
    from reports.builder import report_document

    edition = selectors.edition_get(user=user, code=code)
    language = get_language() or "en"
    document = report_document(selectors.edition_content(edition, user), None, language=language)
    font = svg.font_for(language)
    dated = _("Data as of %(date)s") % {"date": document["published_on"] or document["built_on"]}
    changed = edition.published_at
    if indicator_slug is None:
        chart = document["summary"]["chart"]
        if not chart:
            raise Http404
        markup = svg.framed(
            chart,
            title=_("Indicators by rating"),
            subtitle=str(document["title"]),
            source=_("Source: %(source)s") % {"source": document["title"]},
            dated=dated,
            font=font,
        )
        return Picture(markup, f"{edition.code}_summary", changed)
    wanted = code_from_slug(indicator_slug)
    indicator = next(
        (i for c in document["clusters"] for s in c["sectors"] for i in s["indicator_list"] if i["code"] == wanted),
        None,
    )
    part = next((p for p in indicator["parts"] if p["code"] == part_code), None) if indicator else None
    if part is None or not part["chart"]:
        raise Http404
    markup = svg.framed(
        part["chart"],
        title=f"{indicator['code']} {part['name']}",
        subtitle=f"{indicator['statement']} ({part['unit']}) · {document['title']}",
        source=source_text(indicator["data_sources"], [str(s) for s in indicator["sources"]]),
        dated=dated,
        font=font,
    )
    return Picture(markup, f"{edition.code}_{indicator_slug}_{part_code}", changed)
