"""The content of a report as plain data: every text in every language, values, ratings with
their explanations, narratives, baselines, milestones and the method. A draft builds it live from
the database; publishing stores the same dict (reports.models.ReportSnapshot), so a published
edition renders from it alone, whatever happens to the data later.

Read in a fixed number of queries whatever the size of the framework."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import translation

from carec_prf.translated import lang_suffix
from clusters.models import Cluster, Framework, Result, Sector
from indicators.breakdown import breakdown_parse
from indicators.models import (
    Availability,
    Baseline,
    Category,
    Dimension,
    Indicator,
    IndicatorPart,
    Milestone,
    Observation,
    Source,
    ValueType,
)
from progress.engine import Plausible, plausible_range
from progress.explain import explain_part
from progress.method import MethodSettings
from progress.models import IndicatorRating, PartRating, RatingMethod, RegionalValue
from versions.editions import edition_parts, edition_version, texts_as_of, version_changes_data, version_data
from versions.models import FrameworkVersion
from workflow.permissions import observations_visible

# Bump when the shape of the content changes; the builder reads every schema it has known.
SCHEMA = 1

PART_RATING_FIELDS = (
    "as_of",
    "rating",
    "basis",
    "latest_year",
    "actual",
    "actual_qualifier",
    "baseline_year",
    "baseline_value",
    "baseline_qualifier",
    "expected",
    "ratio",
    "growth",
    "milestone_year",
    "milestone_kind",
    "milestone_value",
    "outlook",
    "projected",
    "origin",
    "n_contributors",
    "n_members",
    "flags",
)


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


@dataclass(frozen=True)
class ReportScope:
    """What a report covers. An edition gives one; so does a one-off sector progress report."""

    code: str
    kind: str
    title: dict[str, str]
    period_start: datetime.date
    period_end: datetime.date
    cut_off: int
    method: RatingMethod
    summary: dict[str, str] = field(default_factory=dict)
    sector_code: str | None = None
    previous_code: str | None = None
    status: str = "draft"

    @property
    def years(self) -> list[int]:
        """The calendar years the period touches, up to the cut-off. A July-June period touches
        two: values of July-June reporting years are stored under the year the period ends."""
        return list(range(self.period_start.year, min(self.period_end.year, self.cut_off) + 1))


def texts(obj, name: str) -> dict[str, str]:
    """A translated field in every language, as stored (empty where not translated)."""
    return {code: getattr(obj, f"{name}_{lang_suffix(code)}", "") or "" for code in languages()}


def _worded(obj, name: str, as_of: dict, target: str, indicator: str | None = None) -> dict[str, str]:
    """A text a revision may reword, as it reads in the edition's version: where a later version
    reworded it, the text before (versions.editions.texts_as_of), else the text in force."""
    now = texts(obj, name)
    old = as_of.get((target, obj.code, indicator, name))
    return now if old is None else {code: old.get(code, now[code]) for code in now}


def _value(row, levels: dict[str, dict]) -> dict:
    """A baseline, milestone or observation's typed value as plain data."""
    availability = getattr(row, "availability", Availability.VALUE)
    if availability != Availability.VALUE:
        return {"t": availability}
    if row.value_type == ValueType.BOOLEAN:
        return {"t": "boolean", "n": None if row.value_boolean is None else float(row.value_boolean)}
    if row.value_type == ValueType.ORDINAL:
        level = levels.get(row.value_text)
        if level is None:
            return {"t": "ordinal", "n": None, "label": dict.fromkeys(languages(), row.value_text)}
        return {"t": "ordinal", "n": float(level["rank"]), "label": level["label"]}
    if row.value_number is None:
        return {"t": "none"}
    return {"t": "number", "n": float(row.value_number), "q": row.qualifier or ""}


def _regional(row: RegionalValue, value_type: str, by_rank: dict[int, dict]) -> dict:
    if value_type == ValueType.BOOLEAN:
        return {"t": "boolean", "n": 1.0 if row.value >= 0.5 else 0.0}
    if value_type == ValueType.ORDINAL:
        level = by_rank.get(round(row.value))
        return {"t": "ordinal", "n": row.value, "label": level["label"] if level else {}}
    return {"t": "number", "n": row.value, "q": row.qualifier or ""}


def _explanations(
    rating: dict, method_settings: MethodSettings, lower_is_better: bool, plausible: Plausible
) -> dict[str, list[str]]:
    """The rating explained in every language, frozen with the rest: later changes to the
    wording never alter what a published edition said. plausible is the unit's range, from which
    the rating took the worst case of a censored value, as the explanation shows."""
    out = {}
    for code in languages():
        with translation.override(code):
            out[code] = explain_part(SimpleNamespace(**rating), method_settings, lower_is_better, plausible=plausible)
    return out


def _result(result: Result, indicator_codes: list[str], as_of: dict) -> dict:
    return {
        "code": result.code,
        "level": result.level,
        "statement": _worded(result, "statement", as_of, "result"),
        "indicators": indicator_codes,
    }


def _chain(results: list[Result], by_result: dict[int, list[str]], as_of: dict) -> list[dict]:
    """Outcomes, each followed by the outputs that serve it; outputs whose outcome is elsewhere
    come last under no outcome (the same shape as the sector pages)."""
    outcomes = [r for r in results if r.level == Result.Level.OUTCOME]
    outputs = [r for r in results if r.level == Result.Level.OUTPUT]
    chain, placed = [], set()
    for outcome in outcomes:
        served = [o for o in outputs if o.parent_id == outcome.pk]
        placed.update(o.pk for o in served)
        chain.append(
            {
                "outcome": _result(outcome, by_result.get(outcome.pk, []), as_of),
                "outputs": [_result(o, by_result.get(o.pk, []), as_of) for o in served],
            }
        )
    rest = [o for o in outputs if o.pk not in placed]
    if rest:
        chain.append({"outcome": None, "outputs": [_result(o, by_result.get(o.pk, []), as_of) for o in rest]})
    return chain


def _previous_version(scope: ReportScope, framework: Framework) -> FrameworkVersion | None:
    """The version the edition before this one reports against: the one it names once published,
    else the one in force for its cut-off year. The edition before is the scope's previous
    edition, or else the latest of the same kind (and sector) with an earlier cut-off."""
    from reports.models import ReportEdition

    editions = ReportEdition.objects.select_related("version")
    if scope.previous_code:
        previous = editions.filter(code=scope.previous_code).first()
    else:
        same_kind = editions.filter(kind=scope.kind, cut_off__lt=scope.cut_off).exclude(code=scope.code)
        if scope.sector_code:
            same_kind = same_kind.filter(sector__code=scope.sector_code)
        else:
            same_kind = same_kind.filter(sector__isnull=True)
        previous = same_kind.order_by("-cut_off", "-period_end").first()
    if previous is None:
        return None
    bound = previous.version if previous.is_published else None
    return edition_version(framework, cut_off=previous.cut_off, bound=bound)


def content_build(scope: ReportScope, user=None, *, version: FrameworkVersion | None = None) -> dict:
    """The report's content, read live from the database, made of what the reader may see
    (workflow.permissions.observations_visible): a published edition is built for the public.
    It covers what is in force in `version` (by default the version in force for the cut-off
    year): a retired indicator or part, or one born in a later version, is left out."""
    method = scope.method
    method_settings = MethodSettings.from_dict(method.settings)
    framework = Framework.objects.order_by("code").first()
    sectors = Sector.objects.filter(framework=framework).select_related("cluster").order_by("cluster__number", "order")
    if scope.sector_code:
        sectors = sectors.filter(code=scope.sector_code)
    sectors = list(sectors)
    cluster_ids = {s.cluster_id for s in sectors}
    clusters = list(Cluster.objects.filter(pk__in=cluster_ids).order_by("number"))
    results = Result.objects.filter(sector__in=sectors)
    indicators = Indicator.objects.filter(result__sector__in=sectors)
    parts = IndicatorPart.objects.all()
    version_changes = None
    as_of: dict = {}  # texts a later version reworded, as they read in this one
    if framework is not None:
        version = edition_version(framework, cut_off=scope.cut_off, bound=version)
        as_of = texts_as_of(version)
        in_force, measuring = edition_parts(version)
        indicators, parts = indicators.filter(pk__in=measuring), parts.filter(pk__in=in_force)
        results = results.in_force(version.measured_year)  # a result added or retired by a revision
        previous_version = _previous_version(scope, framework)
        if previous_version is not None:
            version_changes = version_changes_data(previous_version, version)
    results = list(results.order_by("sector_id", "level", "order"))
    indicators = list(
        indicators.select_related("result__sector__cluster").order_by(
            "result__sector__cluster__number", "result__sector__order", "result__order", "order"
        )
    )
    parts = list(
        parts.filter(indicator__in=indicators)
        .select_related("unit")
        .prefetch_related(
            # the baselines and milestones in force in the cut-off year: an edition under an
            # earlier version keeps that version's, whatever a later revision re-set
            Prefetch(
                "baselines",
                queryset=Baseline.objects.known_in(scope.cut_off).order_by("-governs", "-revised_on", "-id"),
            ),
            Prefetch(
                "milestones",
                queryset=Milestone.objects.in_force(scope.cut_off).order_by("year"),
                to_attr="current_milestones",
            ),
            "scale",
        )
        .order_by("indicator_id", "order", "id")
    )
    part_ids = [p.pk for p in parts]
    regional: dict[int, list[RegionalValue]] = defaultdict(list)
    for row in RegionalValue.objects.filter(part_id__in=part_ids, year__lte=scope.cut_off).order_by("year"):
        regional[row.part_id].append(row)
    part_ratings = {
        r.part_id: r for r in PartRating.objects.filter(method=method, as_of=scope.cut_off, part_id__in=part_ids)
    }
    indicator_ratings = {
        r.indicator_id: r
        for r in IndicatorRating.objects.filter(method=method, as_of=scope.cut_off, indicator__in=indicators)
    }
    narratives = _narratives(indicators, scope.cut_off)
    # A snapshot names sources by code, the way the fixtures do (the table is small: read it whole).
    all_sources = {source.pk: source for source in Source.objects.all()}

    def _source_code(pk: int) -> str:
        return all_sources[pk].code

    # Sources: those cited by the values shown (approved, up to the cut-off), baselines and milestones.
    observation_sources: dict[int, set[int]] = defaultdict(set)
    for part_id, source_id in (
        observations_visible(user)
        .filter(part_id__in=part_ids, year__lte=scope.cut_off, source__isnull=False)
        .exclude(kind=Observation.Kind.FORECAST)
        .values_list("part_id", "source_id")
        .distinct()
    ):
        observation_sources[part_id].add(source_id)
    used_sources: set[int] = set().union(*observation_sources.values()) if observation_sources else set()
    flagged, categorised = _flags_and_categories(user, part_ids, scope.cut_off)
    category_names = _category_names() if categorised else {}

    indicator_codes = {indicator.pk: indicator.code for indicator in indicators}
    parts_by_indicator: dict[int, list[dict]] = defaultdict(list)
    sources_by_indicator: dict[int, set[int]] = defaultdict(set)
    for part in parts:
        levels = {level.code: {"rank": level.rank, "label": texts(level, "label")} for level in part.scale.all()}
        by_rank = {level["rank"]: level for level in levels.values()}
        baselines = list(part.baselines.all())
        current = next((b for b in baselines if b.governs), None)
        rating = part_ratings.get(part.pk)
        rating_data = None
        explanation: dict[str, list[str]] = {}
        # the unit's plausible range, frozen: the scorecard's arrow reads censored values with it
        plausible = plausible_range(
            part.value_type, part.unit.min_value, part.unit.max_value, [level["rank"] for level in levels.values()]
        )
        if rating is not None:
            rating_data = {name: getattr(rating, name) for name in PART_RATING_FIELDS}
            rating_data["flags"] = list(rating.flags or [])
            explanation = _explanations(
                rating_data,
                method_settings,
                lower_is_better=part.direction == IndicatorPart.Direction.DECREASE,
                plausible=plausible,
            )
        cited = set(observation_sources.get(part.pk, set()))
        cited.update(b.source_id for b in baselines if b.governs)
        cited.update(m.source_id for m in part.current_milestones)
        sources_by_indicator[part.indicator_id].update(cited)
        used_sources.update(cited)
        part_values = regional.get(part.pk, [])
        parts_by_indicator[part.indicator_id].append(
            {
                "code": part.code,
                "name": _worded(part, "name", as_of, "part", indicator_codes[part.indicator_id]),
                "unit": {
                    code: (texts(part.unit, "symbol")[code] or texts(part.unit, "name")[code]) for code in languages()
                },
                "value_type": part.value_type,
                "direction": int(part.direction),
                "aggregation": part.aggregation,
                "plausible": list(plausible),
                "scale": sorted(levels.values(), key=lambda level: level["rank"]),
                "baseline": None
                if current is None
                else {
                    "year": current.year,
                    "value": _value(current, levels),
                    "revised_on": current.revised_on.isoformat(),
                    "source": _source_code(current.source_id),
                    "reason": texts(current, "reason"),
                    "note": texts(current, "note"),
                },
                "baseline_revisions": [
                    {
                        "year": b.year,
                        "value": _value(b, levels),
                        "revised_on": b.revised_on.isoformat(),
                        "source": _source_code(b.source_id),
                    }
                    for b in baselines
                    if not b.governs
                ],
                "milestones": [
                    {
                        "year": m.year,
                        "kind": m.kind,
                        "value": _value(m, levels) if m.is_set else None,
                        "set_on": m.set_on.isoformat(),
                    }
                    for m in part.current_milestones
                ],
                "values": [
                    {
                        "year": v.year,
                        "value": _regional(v, part.value_type, by_rank),
                        "origin": v.origin,
                        "n_contributors": v.n_contributors,
                        "n_members": v.n_members,
                    }
                    for v in part_values
                ],
                "rating": rating_data,
                "explanation": explanation,
                # only where there are some: the content of an edition without any keeps its shape
                **_value_flags(flagged.get(part.pk, []), part_values),
                **_categories(categorised.get(part.pk, []), levels, category_names),
            }
        )

    indicator_rows = []
    by_result: dict[int, list[str]] = defaultdict(list)
    for indicator in indicators:
        by_result[indicator.result_id].append(indicator.code)
        rating = indicator_ratings.get(indicator.pk)
        narrative = narratives.get(indicator.pk)
        indicator_rows.append(
            {
                "code": indicator.code,
                "level": indicator.level,
                "statement": _worded(indicator, "statement", as_of, "indicator"),
                "data_sources": _worded(indicator, "data_sources", as_of, "indicator"),
                "notes": _worded(indicator, "notes", as_of, "indicator"),
                "cluster": indicator.result.sector.cluster.code,
                "sector": indicator.result.sector.code,
                "result": indicator.result.code,
                "rating": None
                if rating is None
                else {"rating": rating.rating, "score": rating.score, "flags": list(rating.flags or [])},
                "narrative": narrative,
                "sources": sorted(_source_code(pk) for pk in sources_by_indicator.get(indicator.pk, set())),
                "parts": parts_by_indicator.get(indicator.pk, []),
            }
        )

    sector_rows: dict[int, list[dict]] = defaultdict(list)
    for sector in sectors:
        sector_rows[sector.cluster_id].append(
            {
                "code": sector.code,
                "kind": sector.kind,
                "name": texts(sector, "name"),
                "lead": texts(sector, "lead"),
                "risks": texts(sector, "risks"),
                "assumptions": texts(sector, "assumptions"),
                "chain": _chain([r for r in results if r.sector_id == sector.pk], by_result, as_of),
            }
        )
    impact = Result.objects.filter(framework=framework, level=Result.Level.IMPACT).first()
    return {
        "schema": SCHEMA,
        "built_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "languages": languages(),
        "edition": {
            "code": scope.code,
            "kind": scope.kind,
            "title": dict(scope.title),
            "summary": dict(scope.summary),
            "period_start": scope.period_start.isoformat(),
            "period_end": scope.period_end.isoformat(),
            "cut_off": scope.cut_off,
            "years": scope.years,
            "sector": scope.sector_code,
            "previous": scope.previous_code,
            "status": scope.status,
            "published_at": None,
        },
        "framework": None
        if framework is None
        else {
            "code": framework.code,
            "name": texts(framework, "name"),
            "version": framework.version,
            "endorsed_on": framework.endorsed_on.isoformat() if framework.endorsed_on else None,
        },
        # the version the edition reports against, and what changed since the previous edition's
        # (only where it differs); contents frozen before editions named their version have neither
        **({"version": version_data(version)} if framework is not None else {}),
        **({"version_changes": version_changes} if version_changes else {}),
        "impact": _worded(impact, "statement", as_of, "result") if impact else None,
        "method": {
            "version": method.version,
            "name": texts(method, "name"),
            "description": texts(method, "description"),
            "settings": method.settings,
        },
        "clusters": [
            {
                "code": cluster.code,
                "number": cluster.number,
                "name": texts(cluster, "name"),
                "outcome": texts(cluster, "outcome"),
                "lead": texts(cluster, "lead"),
                "sectors": sector_rows.get(cluster.pk, []),
            }
            for cluster in clusters
        ],
        "indicators": indicator_rows,
        "sources": {
            all_sources[pk].code: {"name": texts(all_sources[pk], "name"), "url": all_sources[pk].url}
            for pk in sorted(used_sources, key=lambda pk: all_sources[pk].code)
        },
    }


# The report shows regional values, which are made of every value but forecasts (progress.loading):
# a forecast never reaches a report's tables, so it brings no footnote and no category row either.
# SCHEMA stays: the new keys are optional, and an edition without them keeps its content as it was.
_SHOWN = ~Q(kind=Observation.Kind.FORECAST)


def _flags_and_categories(user, part_ids: list[int], cut_off: int) -> tuple[dict[int, list], dict[int, list]]:
    """The approved values up to the cut-off that the reader may see and that the report must say
    more about, in one query: totals flagged other than normal, and the region's values by
    category. Working copies stay out: the regional values beside them are approved values."""
    flagged: dict[int, list[Observation]] = defaultdict(list)
    categorised: dict[int, list[Observation]] = defaultdict(list)
    rows = (
        observations_visible(user, categories=True)
        .filter(_SHOWN, part_id__in=part_ids, year__lte=cut_off, status=Observation.Status.APPROVED)
        .filter((Q(breakdown="") & ~Q(kind=Observation.Kind.ACTUAL)) | (~Q(breakdown="") & Q(country__isnull=True)))
        .select_related("country")
        .order_by("part_id", "year", "country__order", "breakdown")
    )
    for row in rows:
        (categorised if row.breakdown else flagged)[row.part_id].append(row)
    return flagged, categorised


def _category_names() -> dict[tuple[str, str], tuple[Dimension, Category]]:
    """Every category with its dimension, by their codes (the code lists are short: read whole)."""
    return {(c.dimension.code, c.code): (c.dimension, c) for c in Category.objects.select_related("dimension")}


def _flag(row: Observation) -> dict | None:
    """A value's flag as the report freezes it: the SDMX observation status with its label, and
    its comment, in every language; None for a normal value."""
    if row.kind == Observation.Kind.ACTUAL:
        return None
    label = {}
    for code in languages():
        with translation.override(code):
            label[code] = str(Observation.Kind(row.kind).label)
    return {"kind": row.kind, "label": label, "note": texts(row, "note")}


def _value_flags(rows: list[Observation], values: list[RegionalValue]) -> dict:
    """The flags of the totals each year's regional value is made of: the region's own value where
    it was reported for the region (or where there is no regional value, such as a value flagged
    missing), else the flagged values of the member countries it was aggregated from."""
    by_year = {v.year: v for v in values}
    out = []
    for row in rows:
        shown = by_year.get(row.year)
        if row.country_id is None:
            if shown is not None and shown.origin != RegionalValue.Origin.REPORTED:
                continue
        elif shown is None or row.country_id not in (shown.contributors or []):
            continue
        out.append({"year": row.year, "country": row.country.code if row.country_id else None, **_flag(row)})
    return {"value_flags": out} if out else {}


def _joined(named: list, language: str) -> str:
    """Names of several dimensions or categories in one language, English where one is missing."""
    return ", ".join(texts(obj, "name")[language] or texts(obj, "name")["en"] for obj in named)


def _categories(rows: list[Observation], levels: dict[str, dict], names: dict) -> dict:
    """The region's values by category, a row per combination of categories in the code lists'
    order, with the dimensions' and categories' names in every language."""
    if not rows:
        return {}
    combos: dict[str, dict] = {}
    for row in rows:
        combo = combos.get(row.breakdown)
        if combo is None:
            pairs = [names[pair] for pair in sorted(breakdown_parse(row.breakdown).items()) if pair in names]
            combo = combos[row.breakdown] = {
                "key": row.breakdown,
                "sort": [(d.order, d.code, c.order, c.code) for d, c in pairs],
                "dimensions": [d for d, _c in pairs],
                "label": {code: _joined([c for _d, c in pairs], code) for code in languages()},
                "values": [],
            }
        flag = _flag(row)
        combo["values"].append({"year": row.year, "value": _value(row, levels), **({"flag": flag} if flag else {})})
    ordered = sorted(combos.values(), key=lambda combo: combo["sort"])
    dimensions = max((combo["dimensions"] for combo in ordered), key=len)
    for combo in ordered:
        del combo["sort"], combo["dimensions"]
    return {
        "categories": {
            "dimensions": {code: _joined(dimensions, code) for code in languages()},
            "rows": ordered,
        }
    }


def _narratives(indicators: list[Indicator], year: int) -> dict[int, dict[str, str]]:
    """The approved narratives of the report year, in every language."""
    from workflow.models import Narrative

    rows = Narrative.objects.filter(indicator__in=indicators, year=year, status=Narrative.Status.APPROVED)
    return {n.indicator_id: texts(n, "text") for n in rows}
