"""Reads for the public indicator pages, in a fixed number of queries whatever the data."""

import datetime
from dataclasses import dataclass, replace

import plotly.io
from django.db.models import Max, Min, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from carec_prf.translated import lang_suffix
from indicators.breakdown import breakdown_parse
from indicators.models import (
    Availability,
    Baseline,
    Category,
    Indicator,
    IndicatorPart,
    Milestone,
    Observation,
    ValueType,
    public_years_excluded,
)
from progress.engine import plausible_range
from progress.explain import explain_part
from progress.method import MethodSettings
from progress.models import IndicatorRating, PartRating, RatingMethod, RegionalValue
from reports.dashboards import charts
from reports.dashboards.charts import CategorySeries, Flag, MilestoneValue, PartSeries, Value, YearValue
from reports.dashboards.lineage import lineage_notes, retirement_notice, series_continued
from reports.formatting import listed, number
from versions.series import indicator_history, indicator_retired_in, lineage_sources
from workflow.permissions import current_per_cell, observations_visible

# The formats a chart downloads in (reports.dashboards.takeaway); the tables download as CSV and XLSX.
CHART_FORMATS = ("svg", "png")


def code_from_slug(slug: str) -> str:
    return slug.replace("-", " ")


def rating_label(settings: MethodSettings, rating: str) -> str:
    labels = settings.labels.get(rating, {})
    return labels.get(get_language() or "en") or labels.get("en") or rating


@dataclass
class Scope:
    """The rating method and report year a page shows, and the years that can be chosen."""

    method: RatingMethod | None
    settings: MethodSettings
    years: list[int]
    as_of: int

    def labels(self) -> dict[str, str]:
        return {rating: rating_label(self.settings, rating) for rating in self.settings.labels}


def report_scope(as_of: int | None = None) -> Scope:
    """The default method and the report year (two queries). A year without ratings falls
    back to this year, or the last rated year before it."""
    method = RatingMethod.objects.filter(is_default=True).first()
    bounds = PartRating.objects.filter(method=method).aggregate(first=Min("as_of"), last=Max("as_of"))
    first_year, last_year = bounds["first"], bounds["last"]
    years = list(range(first_year, last_year + 1)) if first_year else []
    if as_of not in years:
        as_of = min(datetime.date.today().year, last_year) if last_year else datetime.date.today().year
    settings = MethodSettings.from_dict(method.settings) if method else MethodSettings()
    return Scope(method, settings, years, as_of)


def separators() -> str:
    """Plotly's decimal and thousands separators for the active language."""
    return f"{get_format('DECIMAL_SEPARATOR')}{get_format('THOUSAND_SEPARATOR')}"


# --------------------------------------------------------------------------------------------
# Typed values as chart values


def part_scale(part) -> tuple[dict[str, int], dict[int, str]]:
    levels = list(part.scale.all())
    return {lv.code: lv.rank for lv in levels}, {lv.rank: lv.label for lv in levels}


def typed_value(row, part) -> Value:
    """A baseline, milestone or observation as a chart value (yes = 1, an ordinal level = its rank)."""
    if getattr(row, "availability", Availability.VALUE) == Availability.NOT_APPLICABLE:
        return Value(None, label=_("not applicable"))
    if getattr(row, "availability", Availability.VALUE) == Availability.NOT_AVAILABLE:
        return Value(None, label=_("not available"))
    if row.value_type == ValueType.BOOLEAN:
        if row.value_boolean is None:
            return Value(None)
        return Value(float(row.value_boolean), label=_("yes") if row.value_boolean else _("no"))
    if row.value_type == ValueType.ORDINAL:
        ranks, labels = part_scale(part)
        rank = ranks.get(row.value_text)
        return Value(None if rank is None else float(rank), label=labels.get(rank, row.value_text))
    if row.value_number is None:
        return Value(None)
    return Value(float(row.value_number), qualifier=row.qualifier)


def regional_value(row: RegionalValue, part) -> Value:
    if part.value_type == ValueType.BOOLEAN:
        return Value(row.value, label=_("yes") if row.value >= 0.5 else _("no"))
    if part.value_type == ValueType.ORDINAL:
        _ranks, labels = part_scale(part)
        return Value(row.value, label=labels.get(round(row.value), ""))
    return Value(row.value, qualifier=row.qualifier)


def _ticks(part) -> dict[int, str]:
    if part.value_type == ValueType.BOOLEAN:
        return {0: _("no"), 1: _("yes")}
    if part.value_type == ValueType.ORDINAL:
        return part_scale(part)[1]
    return {}


def _milestone(row: Milestone, part) -> MilestoneValue:
    value = typed_value(row, part) if row.is_set else None
    return MilestoneValue(row.year, row.kind, row.get_kind_display(), value)


def unit_text(part) -> str:
    return part.unit.symbol or part.unit.name


def part_series(
    part, regional: list[RegionalValue], *, flags: dict[int, Observation] | None = None, categories=()
) -> PartSeries:
    """Needs part.current_baselines, part.current_milestones and part.scale prefetched. flags:
    the approved regional observation of each year, whose flag a reported regional value carries
    (a value flagged missing, which has no regional value, shows in the table); categories: the
    series of the part's categories (category_series)."""
    baseline = part.current_baselines[0] if part.current_baselines else None
    flags = flags or {}
    actuals = {v.year: YearValue(v.year, flagged(regional_value(v, part), flags.get(v.year))) for v in regional}
    for year, observation in flags.items():
        if year not in actuals and observation.kind == Observation.Kind.MISSING:
            actuals[year] = YearValue(year, observed_value(observation, part))
    return PartSeries(
        code=part.code,
        name=part.name,
        unit=unit_text(part),
        value_type=part.value_type,
        baseline=YearValue(baseline.year, typed_value(baseline, part)) if baseline else None,
        milestones=[_milestone(m, part) for m in part.current_milestones],
        actuals=[actuals[year] for year in sorted(actuals)],
        ticks=_ticks(part),
        categories=list(categories),
        categories_add_up=part.categories_add_up,
    )


# --------------------------------------------------------------------------------------------
# Flags and categories


def observation_flag(observation) -> Flag | None:
    """The observation's status where it is not normal, with its comment in the reader's language
    (or the English one, marked as such, where it has none in that language)."""
    if observation is None or observation.kind == Observation.Kind.ACTUAL:
        return None
    note, note_lang = observation.note or "", ""
    language = get_language() or "en"
    if note and language != "en" and not getattr(observation, f"note_{lang_suffix(language)}", ""):
        note_lang = "en"
    return Flag(observation.kind, observation.get_kind_display(), note, note_lang)


def flagged(value: Value, observation) -> Value:
    flag = observation_flag(observation)
    return replace(value, flag=flag) if flag else value


def observed_value(observation, part) -> Value:
    """An observation as a chart value with its flag."""
    return flagged(typed_value(observation, part), observation)


def category_labels(indicator: Indicator) -> dict[tuple[str, str], tuple[Category, str]]:
    """(dimension code, category code) -> (category, its dimension's name) for the dimensions the
    indicator's parts are broken down by, in one query, in the code lists' order."""
    rows = (
        Category.objects.filter(dimension__parts__indicator=indicator)
        .select_related("dimension")
        .order_by("dimension__order", "dimension__code", "order", "code")
        .distinct()
    )
    return {(c.dimension.code, c.code): (c, c.dimension.name) for c in rows}


def category_series(
    part, rows: list[Observation], labels: dict[tuple[str, str], tuple[Category, str]]
) -> list[CategorySeries]:
    """The part's regional category values (approved, one per breakdown and year) as one series
    per breakdown, in the order of the code lists: sex before age, female before male."""
    order = {key: n for n, key in enumerate(labels)}
    by_key: dict[str, list[Observation]] = {}
    for observation in rows:
        by_key.setdefault(observation.breakdown, []).append(observation)

    def position(key: str) -> tuple:
        return tuple(order.get(pair, len(order)) for pair in sorted(breakdown_parse(key).items()))

    series = []
    for key in sorted(by_key, key=lambda k: (len(breakdown_parse(k)), position(k))):
        pairs = sorted(breakdown_parse(key).items())
        found = [labels.get(pair) for pair in pairs]
        series.append(
            CategorySeries(
                key=key,
                label=", ".join(f[0].name if f else code for f, (_dim, code) in zip(found, pairs, strict=True)),
                group=";".join(dim for dim, _code in pairs),
                group_label=" × ".join(f[1] if f else dim for f, (dim, _code) in zip(found, pairs, strict=True)),
                actuals=[YearValue(o.year, observed_value(o, part)) for o in sorted(by_key[key], key=lambda o: o.year)],
            )
        )
    return series


def chart_labels() -> dict[str, str]:
    return {
        "actual": _("Actual (region)"),
        "baseline": _("Baseline"),
        "expected": _("Expected path"),
        "trend": _("Trend"),
        "year": _("Year"),
        "milestone_exact": _("Milestone"),
        "milestone_at_least": _("Milestone (at least)"),
        "milestone_at_most": _("Milestone (at most)"),
        "country": _("Country"),
        "region": _("CAREC region"),
        "value": _("Value"),
        "milestone_kind": _("Milestone kind"),
        "milestone": _("Milestone"),
        "flagged": _("Flagged value (see the notes)"),
        # a download's column of flags beside a column of values
        "flag": _("%(column)s: flag and comment"),
        "total": _("Total"),
        "gap": _("%(first)s minus %(second)s"),
        "share": _("%(first)s, share of the total (%%)"),
    }


def _part_prefetches(scope: Scope, *, regional_until: int | None, governing: int | None = None) -> list:
    """governing: a report year whose baseline and milestones to read (those a framework
    revision set for it); the current ones when None."""
    regional = RegionalValue.objects.order_by("year")
    if regional_until is not None:
        regional = regional.filter(year__lte=regional_until)
    baselines, milestones = Baseline.objects.filter(is_current=True), Milestone.objects.filter(is_current=True)
    if governing is not None:
        baselines, milestones = Baseline.objects.in_force(governing), Milestone.objects.in_force(governing)
    return [
        Prefetch("baselines", queryset=baselines, to_attr="current_baselines"),
        Prefetch("milestones", queryset=milestones.order_by("year"), to_attr="current_milestones"),
        Prefetch("regional_values", queryset=regional, to_attr="regional"),
        Prefetch(
            "ratings", queryset=PartRating.objects.filter(method=scope.method, as_of=scope.as_of), to_attr="rating_now"
        ),
        "scale",
    ]


# --------------------------------------------------------------------------------------------
# Indicators in lists (sector and cluster pages, the filtered list)


def indicator_summaries(indicators: QuerySet, scope: Scope, *, as_measured: bool = False) -> list[Indicator]:
    """Indicators with, per part, the current baseline, the latest value up to the report year,
    the next milestone and the rating, in nine queries however many there are. as_measured: the
    framework in force in the report year instead (its parts, baselines and milestones), for the
    dashboards of that year; the indicators given should then be those measured that year."""
    parts = IndicatorPart.objects.select_related("unit").prefetch_related(
        *_part_prefetches(scope, regional_until=scope.as_of, governing=scope.as_of if as_measured else None)
    )
    if as_measured:
        parts = parts.in_force(scope.as_of)
    rows = list(
        indicators.select_related("result__sector__cluster").prefetch_related(
            Prefetch("parts", queryset=parts.order_by("order", "id")),
            Prefetch(
                "ratings",
                queryset=IndicatorRating.objects.filter(method=scope.method, as_of=scope.as_of),
                to_attr="rating_now",
            ),
            "themes",
        )
    )
    labels = scope.labels()
    for indicator in rows:
        indicator.rating = indicator.rating_now[0] if indicator.rating_now else None
        indicator.rating_text = labels.get(indicator.rating.rating) if indicator.rating else None
        indicator.part_list = list(indicator.parts.all())
        for part in indicator.part_list:
            baseline = part.current_baselines[0] if part.current_baselines else None
            part.baseline = YearValue(baseline.year, typed_value(baseline, part)) if baseline else None
            latest = part.regional[-1] if part.regional else None
            part.latest = YearValue(latest.year, regional_value(latest, part)) if latest else None
            upcoming = [m for m in part.current_milestones if m.year >= scope.as_of and m.kind != "not_applicable"]
            part.next_milestone = _milestone(upcoming[0], part) if upcoming else None
            part.rating = part.rating_now[0] if part.rating_now else None
            part.rating_text = labels.get(part.rating.rating) if part.rating else None
    return rows


# --------------------------------------------------------------------------------------------
# Where a regional value comes from: reported by the source, or computed here (and how)


def aggregation_text(part, parts_by_id: dict[int, IndicatorPart]) -> str:
    """How the platform computes the part's regional value from its countries, as words that
    end a sentence. The weight and the tested part are parts of the same indicator."""
    rule = part.aggregation
    if rule == IndicatorPart.Aggregation.WEIGHTED_MEAN:
        weight = parts_by_id.get(part.weight_part_id)
        return _("the mean of the reporting member countries' values, weighted by their “%(weight)s”") % {
            "weight": weight.name if weight else ""
        }
    if rule == IndicatorPart.Aggregation.COUNT_MEETING:
        tested = parts_by_id.get(part.condition_part_id, part)
        return _("the number of member countries whose “%(part)s” is %(operator)s %(value)s") % {
            "part": tested.name,
            "operator": part.get_condition_operator_display(),
            "value": number(part.condition_value),
        }
    texts = {
        IndicatorPart.Aggregation.SUM: _("the sum of the reporting member countries' values"),
        IndicatorPart.Aggregation.MEAN: _("the simple (unweighted) mean of the reporting member countries' values"),
        IndicatorPart.Aggregation.MEDIAN: _("the median of the reporting member countries' values"),
        IndicatorPart.Aggregation.MIN: _("the lowest of the reporting member countries' values"),
        IndicatorPart.Aggregation.MAX: _("the highest of the reporting member countries' values"),
    }
    return texts.get(rule, part.get_aggregation_display())


def regional_origin(part, sources: dict[tuple[int, int], str], parts_by_id: dict[int, IndicatorPart]) -> list[str]:
    """Sentences saying which regional values the source reports (and which source) and which
    are computed here, and how. Needs part.regional; sources maps (part id, year) to the name of
    the source of the approved regional observation."""
    reported: dict[str, list[int]] = {}
    computed = []
    for row in part.regional:
        if row.origin == RegionalValue.Origin.REPORTED:
            reported.setdefault(sources.get((part.pk, row.year), ""), []).append(row.year)
        else:
            computed.append(row.year)
    lines = []
    for source, years in reported.items():
        params = {"years": years_text(years), "source": source.rstrip(".。")}
        if source:
            lines.append(
                ngettext(
                    "The regional value for %(years)s is reported by the source: %(source)s.",
                    "The regional values for %(years)s are reported by the source: %(source)s.",
                    len(years),
                )
                % params
            )
        else:
            lines.append(
                ngettext(
                    "The regional value for %(years)s is reported by its source.",
                    "The regional values for %(years)s are reported by their source.",
                    len(years),
                )
                % params
            )
    if computed:
        lines.append(
            ngettext(
                "The regional value for %(years)s is computed here from the country values: %(rule)s.",
                "The regional values for %(years)s are computed here from the country values: %(rule)s.",
                len(computed),
            )
            % {"years": years_text(computed), "rule": aggregation_text(part, parts_by_id)}
        )
    return lines


def years_text(years: list[int]) -> str:
    """Years as a reader writes them, runs as ranges, in the active language: "2016–2019 and 2022",
    "2016–2019 和 2022", "2016–2019 и 2022"."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    items = []
    for run in runs:
        items.extend([str(y) for y in run] if len(run) < 3 else [f"{run[0]}–{run[-1]}"])
    return listed(items)


# --------------------------------------------------------------------------------------------
# The indicator page


def figure_json_text(figure: dict) -> str:
    return plotly.io.to_json(figure, validate=True, pretty=False)


def marked_value(observation, part, unpublished: set[int]) -> Value:
    """An observation as a chart value, marked with its status where the public does not see it
    (a value under way, or approved in a year not yet published): staff pages only."""
    value = observed_value(observation, part)
    if observation.status != Observation.Status.APPROVED:
        return replace(value, status=Observation.Status(observation.status).label)
    if observation.year in unpublished:
        return replace(value, status=_("approved, not yet published"))
    return value


@dataclass
class RegionalRow:
    """A year of the regional values table: the total (None: only categories were reported),
    where it comes from (the RegionalValue, None for a value flagged missing), and the categories
    that go, folded, under it."""

    year: int
    value: Value | None
    regional: RegionalValue | None
    categories: list[tuple[str, Value]]


def regional_rows(part) -> tuple[list[RegionalRow], list[charts.Footnote]]:
    """The regional values table of a part and its footnotes. Needs part.series and part.regional."""
    notes = charts.Footnotes()
    regional = {v.year: v for v in part.regional}
    totals = {a.year: a.value for a in part.series.actuals}
    categories: dict[int, list[tuple[str, Value]]] = {}
    for category in part.series.categories:
        for point in category.actuals:
            categories.setdefault(point.year, []).append((category.label, point.value))
    rows = []
    for year in sorted(set(totals) | set(categories)):
        total = notes.marked(totals.get(year))
        shown = [(label, notes.marked(value)) for label, value in categories.get(year, [])]
        rows.append(RegionalRow(year, total, regional.get(year), shown))
    return rows, notes.notes


def unpublished_years() -> set[int]:
    return set(public_years_excluded().values_list("year", flat=True))


def indicator_page(*, slug: str, as_of: int | None = None, user=None) -> dict:
    indicator = (
        Indicator.objects.select_related("result__sector__cluster", "result__parent")
        .filter(code=code_from_slug(slug))
        .first()
    )
    if indicator is None:
        raise Http404
    scope = report_scope(as_of)
    method, settings, as_of = scope.method, scope.settings, scope.as_of
    # The indicator's parts and, in the same queries, the earlier parts of other indicators whose
    # series theirs continue (a split or a merge of indicators, versions.series): their regional
    # values are drawn before the break.
    earlier = lineage_sources(indicator)
    fetched = list(
        IndicatorPart.objects.filter(Q(indicator=indicator) | Q(pk__in=earlier))
        .select_related("unit", "indicator")
        .prefetch_related(
            # the baseline and milestones governing the report year, as its rating used them; the
            # history without the rows a revision set for later years
            Prefetch(
                "baselines",
                queryset=Baseline.objects.known_in(as_of).select_related("source").order_by("-governs", "-revised_on"),
            ),
            *_part_prefetches(scope, regional_until=None, governing=as_of),
        )
        .order_by("order", "id")
    )
    parts = [part for part in fetched if part.indicator_id == indicator.pk]
    # The country breakdown (every visible country value of the indicator's parts), the approved
    # values reported for the region (their sources and flags) and the region's category values,
    # in one query (with the flags of the earlier parts' regional values); the names of the
    # categories in one more, whether or not any value has one.
    observations = current_per_cell(
        observations_visible(user, categories=True)
        .filter(Q(part__indicator=indicator) | Q(part__in=earlier, country__isnull=True, breakdown=""))
        .filter(Q(country__isnull=False, year__lte=as_of) | Q(country__isnull=True, status=Observation.Status.APPROVED))
        .exclude(kind=Observation.Kind.FORECAST)
        .select_related("country", "source")
        .order_by("part_id", "year", "country__order")
    )
    unpublished = unpublished_years() if user is not None and user.is_authenticated else set()
    by_part: dict[int, list[Observation]] = {}
    region_sources: dict[tuple[int, int], str] = {}
    region_totals: dict[int, dict[int, Observation]] = {}
    region_categories: dict[int, list[Observation]] = {}
    for observation in observations:
        if observation.country_id is None and observation.breakdown:
            region_categories.setdefault(observation.part_id, []).append(observation)
        elif observation.country_id is None:
            region_sources[(observation.part_id, observation.year)] = (
                observation.source.name if observation.source else observation.citation
            )
            region_totals.setdefault(observation.part_id, {})[observation.year] = observation
        elif not observation.breakdown:
            by_part.setdefault(observation.part_id, []).append(observation)
    parts_by_id = {part.pk: part for part in fetched}
    category_names = category_labels(indicator)
    history = indicator_history(indicator)
    own = {
        part.pk: part_series(
            part,
            part.regional,
            flags=region_totals.get(part.pk, {}),
            categories=category_series(part, region_categories.get(part.pk, []), category_names)
            if part.indicator_id == indicator.pk
            else (),
        )
        for part in fetched
    }

    labels, separator = chart_labels(), separators()
    for part in parts:
        ranks, names = part_scale(part)
        for row in [*part.baselines.all(), *part.current_milestones]:
            row.level_label = names.get(ranks.get(row.value_text), row.value_text)
        part.rating = part.rating_now[0] if part.rating_now else None
        if part.rating is not None:
            part.rating_text = rating_label(settings, part.rating.rating)
            part.explanation = explain_part(
                part.rating,
                settings,
                lower_is_better=part.direction == IndicatorPart.Direction.DECREASE,
                plausible=plausible_range(part.value_type, part.unit.min_value, part.unit.max_value, ranks.values()),
            )
        part.series = series_continued(part, history, own, parts_by_id)
        part.lineage_notes = lineage_notes(part, history, parts_by_id, part.series)
        part.retirement = retirement_notice(history.parts_retired.get(part.pk), indicator)
        part.regional_origin = regional_origin(part, region_sources, parts_by_id)
        part.chart_id = f"part-{part.code.lower()}"
        part.downloads = {
            f"{table}_{fmt}": reverse(
                "indicator_chart" if fmt in CHART_FORMATS else "indicator_download",
                args=[indicator.slug, part.code, table, fmt],
            )
            + f"?year={as_of}"
            for table in ("series", "countries")
            for fmt in ("csv", "xlsx", *CHART_FORMATS)
        }
        # when the data behind each chart last changed, for the date drawn into a downloaded chart
        part.data_changed = max((row.updated_at for row in part.regional), default=None)
        part.countries_rows, part.countries_changed = [], None
        part.figure_json = figure_json_text(charts.part_figure(part.series, labels=labels, separators=separator))
        part.table = charts.part_table(part.series, headers=labels)
        part.shown_table, part.table_notes = charts.footnoted(part.table)
        part.category_groups = [(group[0].group_label, group) for group in part.series.category_groups().values()]
        part.gaps = [
            (label, *charts.footnoted(table), f"{part.chart_id}-gap-{n}")
            for n, (label, table) in enumerate(charts.gap_tables(part.series, headers=labels), start=1)
        ]
        part.regional_rows, part.regional_notes = regional_rows(part)
        country_rows = by_part.get(part.pk, [])
        part.countries_year = max((o.year for o in country_rows), default=None)
        if part.countries_year is not None:
            latest = [
                (o.country.name, marked_value(o, part, unpublished))
                for o in country_rows
                if o.year == part.countries_year
            ]
            part.countries_rows = latest
            part.countries_changed = max(o.updated_at for o in country_rows if o.year == part.countries_year)
            part.countries_figure_json = figure_json_text(
                charts.country_figure(latest, unit=unit_text(part), separators=separator, ticks=_ticks(part))
            )
            part.countries_table = charts.country_table(latest, year=part.countries_year, headers=labels)
            part.countries_shown, part.countries_notes = charts.footnoted(part.countries_table)
        # a chart with nothing to draw has no picture to download
        plotted = {
            "series": part.series.drawn,
            "countries": any(value.number is not None for _name, value in part.countries_rows),
        }
        for chart, drawn in plotted.items():
            for fmt in CHART_FORMATS if not drawn else ():
                del part.downloads[f"{chart}_{fmt}"]
    overall = IndicatorRating.objects.filter(method=method, indicator=indicator, as_of=as_of).first()
    return {
        "indicator": indicator,
        "parts": parts,
        "as_of": as_of,
        "years": scope.years,
        "method": method,
        "overall": overall,
        "overall_text": rating_label(settings, overall.rating) if overall else None,
        "narrative": _approved_narrative(indicator, as_of),
        "retirement": retirement_notice(history.retired, indicator),
        # the sources the regional values are cited from, for the charts taken away
        "value_sources": sorted({name for name in region_sources.values() if name}),
    }


def _approved_narrative(indicator: Indicator, year: int):
    """The approved narrative for the indicator and report year (workflow issue), or None."""
    from workflow.models import Narrative

    return Narrative.objects.filter(indicator=indicator, year=year, status=Narrative.Status.APPROVED).first()


def indicator_table(
    *, slug: str, part_code: str, table: str, as_of: int | None = None, user=None
) -> tuple[charts.Table, str]:
    """The table behind one of the indicator page's charts, for download, and a file name."""
    page = indicator_page(slug=slug, as_of=as_of, user=user)
    part = next((p for p in page["parts"] if p.code == part_code), None)
    if part is None:
        raise Http404
    if table == "series":
        return part.table, f"{slug}_{part.code}"
    if table == "countries" and part.countries_year is not None:
        return part.countries_table, f"{slug}_{part.code}_countries_{part.countries_year}"
    raise Http404


# --------------------------------------------------------------------------------------------
# The filtered list of indicators


def indicator_list(*, filters: dict, scope: Scope) -> list[Indicator]:
    """Indicators matching the filters (each optional): cluster, sector, rating, level, theme
    (on the indicator or its sector), country (has approved values for it). A retired indicator
    stays in the list, for its history, with the version that retired it (retired_in)."""
    indicators = Indicator.objects.annotate(retired_in=indicator_retired_in())
    if filters.get("cluster"):
        indicators = indicators.filter(result__sector__cluster__code=filters["cluster"])
    if filters.get("sector"):
        indicators = indicators.filter(result__sector__code=filters["sector"])
    if filters.get("level"):
        indicators = indicators.filter(level=filters["level"])
    if filters.get("theme"):
        theme = filters["theme"]
        indicators = indicators.filter(
            Q(pk__in=Indicator.objects.filter(themes__code=theme).values("pk")) | Q(result__sector__themes__code=theme)
        )
    if filters.get("rating"):
        indicators = indicators.filter(
            pk__in=IndicatorRating.objects.filter(
                method=scope.method, as_of=scope.as_of, rating=filters["rating"]
            ).values("indicator_id")
        )
    if filters.get("country"):
        indicators = indicators.filter(
            pk__in=Observation.objects.public().filter(country__code=filters["country"]).values("part__indicator_id")
        )
    return indicator_summaries(indicators.distinct(), scope)
