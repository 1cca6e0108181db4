"""Reads of the framework structure for the public pages, each in a fixed number of queries."""

from django.db.models import Max, Prefetch
from django.http import Http404
from django.utils.translation import ngettext

from clusters.models import Cluster, Country, Framework, Result, Sector
from indicators.models import Indicator, Observation
from progress.method import Movement, Rating
from progress.models import IndicatorRating, RegionalValue
from progress.selectors import rating_summary
from reports.dashboards import charts
from reports.dashboards.indicator_pages import (
    Scope,
    chart_labels,
    figure_json_text,
    indicator_summaries,
    marked_value,
    regional_value,
    report_scope,
    separators,
    unit_text,
    unpublished_years,
)
from workflow.permissions import current_per_cell, observations_visible


def framework_tree(framework_code: str | None = None) -> dict:
    """The framework with its clusters, sectors, results and indicators (five queries)."""
    frameworks = Framework.objects.order_by("code")
    framework = frameworks.filter(code=framework_code).first() if framework_code else frameworks.first()
    if framework is None:
        return {"framework": None, "clusters": [], "impact": None}
    results = (
        Result.objects.filter(framework=framework)
        .order_by("level", "order")
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("order")))
    )
    clusters = Cluster.objects.filter(framework=framework).prefetch_related(
        Prefetch(
            "sectors",
            queryset=Sector.objects.order_by("order").prefetch_related(Prefetch("results", queryset=results)),
        )
    )
    return {
        "framework": framework,
        "impact": Result.objects.filter(framework=framework, level=Result.Level.IMPACT).first(),
        "clusters": list(clusters),
    }


def scorecard(groups: list[tuple[str, list[Indicator]]], scope: Scope) -> dict:
    """The scorecard of a dashboard: per part of the summarised indicators (indicator_summaries),
    the rating's traffic light and the stored arrow (PartRating.movement), a group per heading,
    with the report's headers and legend (reports.builder: one wording for both). No query."""
    from reports.builder import scorecard_columns, scorecard_legend

    labels = scope.labels()
    used: set[str] = set()
    out = []
    for label, indicators in groups:
        rows = []
        for indicator in indicators:
            for part in indicator.part_list:
                rating = part.rating.rating if part.rating else Rating.NO_DATA
                movement = (part.rating.movement or None) if part.rating else None
                used.add(rating)
                rows.append(
                    {
                        "indicator": indicator,
                        "part": part,
                        "rating": rating,
                        "rating_text": labels.get(rating, rating),
                        "movement": movement,
                        "movement_text": Movement.text(movement),
                        "no_data": part.latest is None,
                    }
                )
        if rows:
            out.append({"label": label, "rows": rows})
    return {
        "columns": scorecard_columns(),
        "groups": out,
        "legend": scorecard_legend(
            scope.settings, [r for r in charts.RATING_ORDER if r in used], lambda code: labels.get(code, code)
        ),
    }


def _summary(scope: Scope, *, level: str | None = None) -> dict:
    if scope.method is None:
        return {"framework": {}, "clusters": {}, "sectors": {}}
    return rating_summary(as_of=scope.as_of, method=scope.method, level=level)


def prf_headline(counts: dict[str, int], year: int) -> str:
    """The home page's headline over the PRF's bar, and the title of that bar's picture."""
    on_track, total = charts.on_track_count(counts)
    return ngettext(
        "%(n)s of %(counter)s PRF indicator is achieved or on track (%(year)s).",
        "%(n)s of %(counter)s PRF indicators are achieved or on track (%(year)s).",
        total,
    ) % {"n": on_track, "counter": total, "year": year}


def home_page(*, as_of: int | None = None, edition: str | None = None) -> dict:
    """Clusters and sectors with their rating summaries, and the PRF headline, for a report year
    or for a published DEfR edition's cut-off year (nine queries)."""
    from reports.models import ReportEdition

    editions = list(
        ReportEdition.objects.filter(status=ReportEdition.Status.PUBLISHED, kind=ReportEdition.Kind.REVIEW).order_by(
            "-cut_off", "code"
        )
    )
    chosen = next((e for e in editions if e.code == edition), None)
    scope = report_scope(chosen.cut_off if chosen else as_of)
    framework = Framework.objects.order_by("code").first()
    if framework is None:
        return {"framework": None, "scope": scope, "as_of": scope.as_of, "editions": editions, "edition": chosen}
    summary, prf = _summary(scope), _summary(scope, level=Indicator.Level.PRF)
    labels = scope.labels()
    clusters = list(
        Cluster.objects.filter(framework=framework).prefetch_related(
            Prefetch("sectors", queryset=Sector.objects.order_by("order"))
        )
    )
    for cluster in clusters:
        cluster.segments = charts.rating_segments(summary["clusters"].get(cluster.code, {}), labels)
        cluster.sector_list = list(cluster.sectors.all())
        for sector in cluster.sector_list:
            sector.segments = charts.rating_segments(summary["sectors"].get(sector.code, {}), labels)
    on_track, prf_total = charts.on_track_count(prf["framework"])
    prf_indicators = indicator_summaries(  # the PRF as measured in the report year
        Indicator.objects.measured_in(scope.as_of)
        .filter(result__framework=framework, level=Indicator.Level.PRF)
        .order_by("result__sector__cluster__number", "result__sector__order", "result__order", "order"),
        scope,
        as_measured=True,
    )
    names = {cluster.pk: cluster for cluster in clusters}
    by_cluster = [
        (cluster, [i for i in prf_indicators if i.result.sector.cluster_id == cluster.pk]) for cluster in names.values()
    ]
    return {
        "scorecard": scorecard(by_cluster, scope),
        "framework": framework,
        "impact": Result.objects.filter(framework=framework, level=Result.Level.IMPACT).first(),
        "clusters": clusters,
        "segments": charts.rating_segments(summary["framework"], labels),
        "prf_segments": charts.rating_segments(prf["framework"], labels),
        "on_track": on_track,
        "prf_total": prf_total,
        "headline": prf_headline(prf["framework"], scope.as_of),
        "scope": scope,
        "as_of": scope.as_of,
        "years": scope.years,
        "editions": editions,
        "edition": chosen,
    }


def _results_chain(results: list[Result], indicators: list[Indicator]) -> list[dict]:
    """Outcomes, each followed by the outputs that serve it; outputs whose outcome is elsewhere
    come last."""
    by_result: dict[int, list[Indicator]] = {}
    for indicator in indicators:
        by_result.setdefault(indicator.result_id, []).append(indicator)
    outcomes = [r for r in results if r.level == Result.Level.OUTCOME]
    outputs = [r for r in results if r.level == Result.Level.OUTPUT]
    chain, placed = [], set()
    for outcome in outcomes:
        served = [o for o in outputs if o.parent_id == outcome.pk]
        placed.update(o.pk for o in served)
        chain.append(
            {
                "outcome": outcome,
                "indicators": by_result.get(outcome.pk, []),
                "outputs": [{"result": o, "indicators": by_result.get(o.pk, [])} for o in served],
            }
        )
    rest = [o for o in outputs if o.pk not in placed]
    if rest:
        chain.append(
            {
                "outcome": None,
                "indicators": [],
                "outputs": [{"result": o, "indicators": by_result.get(o.pk, [])} for o in rest],
            }
        )
    return chain


def _sector_chains(sectors: list[Sector], scope: Scope) -> None:
    """Attach each sector's results chain with its indicators' summaries (ten queries): the
    framework in force in the report year, so a year under an earlier version shows that
    version's results, indicators, parts, baselines and milestones."""
    results = list(
        Result.objects.in_force(scope.as_of)
        .filter(sector__in=sectors)
        .select_related("parent")
        .order_by("sector_id", "level", "order")
    )
    measured = Indicator.objects.measured_in(scope.as_of).filter(result__sector__in=sectors)
    indicators = indicator_summaries(measured.order_by("order"), scope, as_measured=True)
    for sector in sectors:
        mine = [r for r in results if r.sector_id == sector.pk]
        sector.chain = _results_chain(mine, [i for i in indicators if i.result.sector_id == sector.pk])
        # in the chain's order: each outcome's indicators, then its outputs'
        sector.indicator_list = [
            indicator
            for link in sector.chain
            for indicator in [*link["indicators"], *(i for o in link["outputs"] for i in o["indicators"])]
        ]


def sector_page(*, code: str, as_of: int | None = None) -> dict:
    sector = Sector.objects.select_related("cluster").prefetch_related("themes").filter(code=code).first()
    if sector is None:
        raise Http404
    scope = report_scope(as_of)
    _sector_chains([sector], scope)
    summary = _summary(scope)
    sector.segments = charts.rating_segments(summary["sectors"].get(sector.code, {}), scope.labels())
    return {
        "sector": sector,
        "cluster": sector.cluster,
        "scope": scope,
        "as_of": scope.as_of,
        "years": scope.years,
        "scorecard": scorecard([(sector, sector.indicator_list)], scope),
    }


def cluster_page(*, code: str, as_of: int | None = None) -> dict:
    cluster = Cluster.objects.filter(code=code).first()
    if cluster is None:
        raise Http404
    scope = report_scope(as_of)
    sectors = list(Sector.objects.filter(cluster=cluster).prefetch_related("themes").order_by("order"))
    _sector_chains(sectors, scope)
    summary, labels = _summary(scope), scope.labels()
    cluster.segments = charts.rating_segments(summary["clusters"].get(cluster.code, {}), labels)
    for sector in sectors:
        sector.segments = charts.rating_segments(summary["sectors"].get(sector.code, {}), labels)
    return {
        "cluster": cluster,
        "sectors": sectors,
        "scope": scope,
        "as_of": scope.as_of,
        "years": scope.years,
        "scorecard": scorecard([(sector, sector.indicator_list) for sector in sectors], scope),
    }


def rating_summary_page(*, of: str, code: str = "", as_of: int | None = None) -> dict:
    """One rating summary bar of the dashboards, as its picture draws it (reports.dashboards.takeaway):
    the PRF's headline on the home page (of="prf"), a cluster's or a sector's, for a report year.
    The counts are the pages' (progress.selectors.rating_summary); `changed` is when the ratings
    counted last changed (IndicatorRating.updated_at, kept by a recompute that changes nothing).
    Five queries."""
    scope = report_scope(as_of)
    rows = IndicatorRating.objects.filter(method=scope.method, as_of=scope.as_of)
    if of == "prf":
        owner = Framework.objects.order_by("code").first()
        framework, rows = owner, rows.filter(indicator__level=Indicator.Level.PRF)
    elif of == "cluster":
        owner = Cluster.objects.select_related("framework").filter(code=code).first()
        framework, rows = owner and owner.framework, rows.filter(indicator__result__sector__cluster__code=code)
    elif of == "sector":
        owner = Sector.objects.select_related("framework").filter(code=code).first()
        framework, rows = owner and owner.framework, rows.filter(indicator__result__sector__code=code)
    else:
        raise Http404
    if owner is None:
        raise Http404
    summary = _summary(scope, level=Indicator.Level.PRF if of == "prf" else None)
    return {
        "of": of,
        "owner": owner,
        "framework": framework,
        "counts": summary["framework"] if of == "prf" else summary[f"{of}s"].get(code, {}),
        "scope": scope,
        "as_of": scope.as_of,
        "changed": rows.aggregate(last=Max("updated_at"))["last"],
    }


def country_list() -> dict:
    return {"countries": list(Country.objects.all())}


def country_page(*, code: str, user=None) -> dict:
    """A member's approved values in every indicator that has country data, beside the region's
    values, each part with its chart and table (five queries)."""
    country = Country.objects.filter(code=code.upper()).first()
    if country is None:
        raise Http404
    observations = current_per_cell(
        list(
            observations_visible(user)
            .filter(country=country)
            .exclude(kind=Observation.Kind.FORECAST)
            .select_related("part__indicator", "part__unit", "source")
            .prefetch_related("part__scale")
            .order_by("part__indicator__code", "part__order", "year")
        )
    )
    unpublished = unpublished_years() if user is not None and user.is_authenticated else set()
    parts: dict[int, object] = {}
    for observation in observations:
        part = parts.setdefault(observation.part_id, observation.part)
        part.__dict__.setdefault("own", []).append(observation)
    regional: dict[int, list[RegionalValue]] = {}
    for row in RegionalValue.objects.filter(part_id__in=list(parts)).order_by("year"):
        regional.setdefault(row.part_id, []).append(row)
    labels, separator = chart_labels(), separators()
    labels = labels | {"country": country.name}
    part_list = list(parts.values())
    for part in part_list:
        mine = [charts.YearValue(o.year, marked_value(o, part, unpublished)) for o in part.own]
        region = [charts.YearValue(v.year, regional_value(v, part)) for v in regional.get(part.pk, [])]
        part.figure_json = figure_json_text(
            charts.country_series_figure(mine, region, labels=labels, unit=unit_text(part), separators=separator)
        )
        part.table = charts.country_series_table(mine, region, headers=labels)
        part.chart_id = f"country-part-{part.pk}"
        # what the chart taken away draws (reports.dashboards.takeaway), and when its data last changed
        part.country_values, part.region_values = mine, region
        part.data_changed = max((row.updated_at for row in [*part.own, *regional.get(part.pk, [])]), default=None)
    return {"country": country, "parts": part_list}


# --------------------------------------------------------------------------------------------
# Translation status, for the secretariat

# Framework texts: what the dashboards and reports show. Observation notes are data, not framework.
STATUS_MODELS = (
    ("clusters", "framework"),
    ("clusters", "theme"),
    ("clusters", "country"),
    ("clusters", "cluster"),
    ("clusters", "sector"),
    ("clusters", "result"),
    ("indicators", "source"),
    ("indicators", "unit"),
    ("indicators", "indicator"),
    ("indicators", "indicatorpart"),
    ("indicators", "ordinallevel"),
    ("indicators", "baseline"),
    ("indicators", "milestone"),
)
# How a row is named on the status page.
NAME_PATHS = {
    "indicatorpart": ("indicator__code", "code"),
    "ordinallevel": ("part__indicator__code", "part__code", "code"),
    "baseline": ("part__indicator__code", "part__code", "year"),
    "milestone": ("part__indicator__code", "part__code", "year"),
}


def _status_models() -> list:
    from django.apps import apps

    return [apps.get_model(app, name) for app, name in STATUS_MODELS]


def _last_changes(models: list, languages: list[str]) -> dict[tuple, dict[str, object]]:
    """(model, pk, field) -> {language: when its text last changed}, from the audit trail
    (workflow.AuditEntry: every change made in the admin, inlines included, and by the audited
    services), one query. Its changes name the stored columns ("statement_zh_hans")."""
    from django.contrib.contenttypes.models import ContentType
    from modeltranslation.translator import translator

    from carec_prf.translated import lang_suffix
    from workflow.models import AuditEntry

    types = ContentType.objects.get_for_models(*models)
    columns = {
        (model, f"{field}_{lang_suffix(language)}"): (field, language)
        for model in models
        for field in translator.get_options_for_model(model).fields
        for language in languages
    }
    by_type = {ct.pk: model for model, ct in types.items()}
    entries = (
        AuditEntry.objects.filter(
            content_type_id__in=list(by_type),
            action__in=[AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE, AuditEntry.Action.RESTORE],
        )
        .order_by("at", "id")
        .values_list("content_type_id", "object_id", "at", "changes")
    )
    changes: dict[tuple, dict[str, object]] = {}
    for type_id, object_id, when, changed in entries:
        model = by_type[type_id]
        for column in changed if isinstance(changed, dict) else {}:
            if (model, column) in columns:
                field, language = columns[(model, column)]
                changes.setdefault((model, object_id, field), {})[language] = when
    return changes


def translation_status(*, user) -> dict:
    """Per language: the framework texts with no translation, and those whose English changed
    after the translation was last saved. Secretariat (staff) only."""
    from django.conf import settings
    from django.core.exceptions import PermissionDenied
    from django.urls import NoReverseMatch, reverse
    from modeltranslation.translator import translator

    from carec_prf.translated import lang_suffix

    if not (user.is_authenticated and user.is_staff):
        raise PermissionDenied
    source = settings.LANGUAGE_CODE
    languages = [code for code, _name in settings.LANGUAGES if code != source]
    models = _status_models()
    changes = _last_changes(models, [source, *languages])
    status = {
        code: {"missing": [], "outdated": [], "name": name} for code, name in settings.LANGUAGES if code != source
    }
    total = 0
    for model in models:
        fields = list(translator.get_options_for_model(model).fields)
        names = NAME_PATHS.get(model._meta.model_name, ("code",) if hasattr(model, "code") else ("pk",))
        columns = [f"{f}_{lang_suffix(code)}" for f in fields for code in [source, *languages]]
        for row in model.objects.order_by("pk").values("pk", *names, *columns):
            label = " · ".join(str(row[n]) for n in names)
            try:
                link = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[row["pk"]])
            except NoReverseMatch:
                link = ""
            for field in fields:
                english = row[f"{field}_{lang_suffix(source)}"]
                if not english:
                    continue
                total += 1
                when = changes.get((model, row["pk"], field), {})
                for code in languages:
                    entry = {
                        "model": model._meta.verbose_name,
                        "name": label,
                        "field": model._meta.get_field(field).verbose_name,
                        "english": english,
                        "link": link,
                    }
                    if not row[f"{field}_{lang_suffix(code)}"]:
                        status[code]["missing"].append(entry)
                    elif source in when and (code not in when or when[code] < when[source]):
                        status[code]["outdated"].append(entry | {"changed": when[source], "translated": when.get(code)})
    return {"languages": status, "total": total}
