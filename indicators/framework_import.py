"""Writes to the framework: importing a whole framework, and the published progress values that
come with it, from the nested YAML files described in fixtures/README.md.

Both imports are all-or-nothing and idempotent: objects are matched by their codes, so loading
the same file twice changes nothing."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from carec_prf.translated import translated_fields
from clusters.models import Cluster, Country, Framework, Result, Sector, Theme
from indicators.models import (
    Availability,
    Category,
    Dimension,
    Indicator,
    IndicatorPart,
    Milestone,
    OrdinalLevel,
    Source,
    Unit,
    ValueType,
)
from indicators.services import baseline_revise, milestone_revise
from indicators.values import typed_value

REGION_CODE = "CAREC"


@dataclass
class ImportSummary:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


def _date(raw, where: str) -> datetime.date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, datetime.date):
        return raw
    try:
        return datetime.date.fromisoformat(str(raw))
    except ValueError:
        raise ValidationError(f"{where}: “{raw}” is not a date (YYYY-MM-DD).") from None


def _located(where: str, error: ValidationError) -> ValidationError:
    return ValidationError([f"{where}: {message}" for message in error.messages])


def _sources_import(items: list[dict], summary: ImportSummary) -> None:
    for i, item in enumerate(items or []):
        where = f"sources[{i}] ({item.get('code')})"
        Source.objects.update_or_create(
            code=item["code"],
            defaults={
                "url": item.get("url") or "",
                **translated_fields("name", item.get("name"), required=True, where=where),
            },
        )
        summary.add("sources")


def _units_import(items: list[dict], summary: ImportSummary) -> None:
    for i, item in enumerate(items or []):
        where = f"units[{i}] ({item.get('code')})"
        Unit.objects.update_or_create(
            code=item["code"],
            defaults={
                "min_value": item.get("min"),
                "max_value": item.get("max"),
                **translated_fields("name", item.get("name"), required=True, where=where),
                **translated_fields("symbol", item.get("symbol"), where=where),
            },
        )
        summary.add("units")


def _dimensions_import(items: list[dict], summary: ImportSummary) -> None:
    """The dimensions values may be broken down by, each with its code list. Categories are
    added or renamed, never removed here: values may be recorded under them."""
    for i, item in enumerate(items or []):
        where = f"dimensions[{i}] ({item.get('code')})"
        dimension, _created = Dimension.objects.update_or_create(
            code=item["code"],
            defaults={"order": i, **translated_fields("name", item.get("name"), required=True, where=where)},
        )
        for k, category in enumerate(item.get("categories") or []):
            c_where = f"{where} categories[{k}] ({category.get('code')})"
            Category.objects.update_or_create(
                dimension=dimension,
                code=category["code"],
                defaults={"order": k, **translated_fields("name", category.get("name"), required=True, where=c_where)},
            )
        summary.add("dimensions")


def _part_value(part: IndicatorPart, raw: dict, where: str, *, scale: list[str], countries: set[str], required=True):
    try:
        return typed_value(
            value_type=part.value_type,
            availability=raw.get("availability", Availability.VALUE),
            value=raw.get("value"),
            countries=raw.get("countries") or (),
            qualifier=raw.get("qualifier") or "",
            scale_codes=scale,
            known_countries=countries,
            value_required=required,
        )
    except ValidationError as error:
        raise _located(where, error) from None


class _Lookups:
    """Codes resolved once per import."""

    def __init__(self) -> None:
        self.sources = {s.code: s for s in Source.objects.all()}
        self.units = {u.code: u for u in Unit.objects.all()}
        self.themes = {t.code: t for t in Theme.objects.all()}
        self.countries = {c.code: c for c in Country.objects.all()}
        self.dimensions = {d.code: d for d in Dimension.objects.all()}

    def source(self, code: str, where: str) -> Source:
        try:
            return self.sources[code]
        except KeyError:
            raise ValidationError(f"{where}: unknown source “{code}”.") from None

    def unit(self, code: str, where: str) -> Unit:
        try:
            return self.units[code]
        except KeyError:
            raise ValidationError(f"{where}: unknown unit “{code}”.") from None

    def dimension_list(self, codes: list[str], where: str) -> list[Dimension]:
        unknown = [code for code in codes or [] if code not in self.dimensions]
        if unknown:
            raise ValidationError(f"{where}: unknown dimensions {unknown}.")
        return [self.dimensions[code] for code in codes or []]

    def theme_list(self, codes: list[str], where: str) -> list[Theme]:
        unknown = [code for code in codes or [] if code not in self.themes]
        if unknown:
            raise ValidationError(f"{where}: unknown themes {unknown}.")
        return [self.themes[code] for code in codes or []]


def _part_import(
    indicator: Indicator,
    item: dict,
    order: int,
    where: str,
    look: _Lookups,
    summary: ImportSummary,
    weight: IndicatorPart | None,
    condition_part: IndicatorPart | None,
) -> IndicatorPart:
    value_type = item.get("value_type")
    if value_type not in ValueType.values:
        raise ValidationError(f"{where}: unknown value type “{value_type}”.")
    direction = _DIRECTIONS.get(item.get("direction"))
    if direction is None:
        raise ValidationError(f"{where}: direction must be increase or decrease, got “{item.get('direction')}”.")
    aggregation = item.get("aggregation", IndicatorPart.Aggregation.REGION_ONLY)
    if aggregation not in IndicatorPart.Aggregation.values:
        raise ValidationError(f"{where}: unknown aggregation “{aggregation}”.")
    condition = item.get("condition") or {}
    part, _created = IndicatorPart.objects.update_or_create(
        indicator=indicator,
        code=item["code"],
        defaults={
            "unit": look.unit(item.get("unit"), where),
            "value_type": value_type,
            "direction": direction,
            "aggregation": aggregation,
            "weight_part": weight,
            "condition_part": condition_part,
            "condition_operator": condition.get("operator", ""),
            "condition_value": condition.get("value"),
            "categories_add_up": bool(item.get("categories_add_up", False)),
            "order": order,
            **translated_fields("name", item.get("name"), required=True, where=where),
        },
    )
    part.dimensions.set(look.dimension_list(item.get("dimensions"), where))
    summary.add("parts")
    scale = []
    for rank, level in enumerate(item.get("scale") or [], start=1):
        OrdinalLevel.objects.update_or_create(
            part=part,
            code=level["code"],
            defaults={"rank": rank, **translated_fields("label", level.get("label"), required=True, where=where)},
        )
        scale.append(level["code"])
    if value_type == ValueType.ORDINAL and not scale:
        raise ValidationError(f"{where}: an ordinal part needs a scale.")
    countries = set(look.countries)
    endorsed = indicator.framework.endorsed_on or datetime.date(2000, 1, 1)

    baseline = item.get("baseline")
    if baseline is None:
        raise ValidationError(f"{where}: no baseline (use availability not_available when none is printed).")
    b_where = f"{where} baseline"
    source = look.source(baseline.get("source"), b_where)
    printed = part.baselines.filter(source=source, revised_on=endorsed).exists()
    baseline_revise(
        part=part,
        year=baseline["year"],
        value=_part_value(part, baseline, b_where, scale=scale, countries=countries),
        revised_on=endorsed,
        source=source,
        reason={},
        note=translated_fields("note", baseline.get("note"), where=b_where),
        countries_by_code=look.countries,
        # the printed baseline is current only until a revision is recorded
        make_current=printed or not part.baselines.exists(),
    )
    summary.add("baselines")

    years = [m.get("year") for m in item.get("milestones") or []]
    if len(years) != len(set(years)):
        raise ValidationError(f"{where}: a milestone year is given twice.")
    for m in item.get("milestones") or []:
        m_where = f"{where} milestone {m.get('year')}"
        kind = m.get("kind")
        if kind not in Milestone.Kind.values:
            raise ValidationError(f"{m_where}: unknown kind “{kind}”.")
        if kind in (Milestone.Kind.NOT_SET, Milestone.Kind.NOT_APPLICABLE):
            if m.get("value") not in (None, "") or m.get("countries"):
                raise ValidationError(f"{m_where}: a milestone that is {kind} cannot have a value.")
            m_value = typed_value(value_type=value_type, availability=Availability.NOT_AVAILABLE)
        else:
            m_value = _part_value(
                part, m, m_where, scale=scale, countries=countries, required=kind == Milestone.Kind.EXACT
            )
        source = look.source(m.get("source"), m_where)
        printed = part.milestones.filter(year=m["year"], source=source, set_on=endorsed).exists()
        milestone_revise(
            part=part,
            year=m["year"],
            kind=kind,
            value=m_value,
            set_on=endorsed,
            source=source,
            reason={},
            note=translated_fields("note", m.get("note"), where=m_where),
            make_current=printed or not part.milestones.filter(year=m["year"]).exists(),
        )
        summary.add("milestones")
    return part


_DIRECTIONS = {"increase": IndicatorPart.Direction.INCREASE, "decrease": IndicatorPart.Direction.DECREASE}


def _indicator_import(
    framework: Framework, result: Result, i_item: dict, order: int, look: _Lookups, summary: ImportSummary
) -> None:
    where = f"indicator {i_item.get('code')}"
    indicator, _created = Indicator.objects.update_or_create(
        framework=framework,
        code=i_item["code"],
        defaults={
            "result": result,
            "level": i_item.get("level", Indicator.Level.PRF),
            "order": order,
            **translated_fields("statement", i_item.get("statement"), required=True, where=where),
            **translated_fields("data_sources", i_item.get("data_sources"), required=True, where=where),
            **translated_fields("notes", i_item.get("notes"), where=where),
        },
    )
    indicator.themes.set(look.theme_list(i_item.get("themes"), where))
    summary.add("indicators")
    parts = i_item.get("parts") or []
    if not parts:
        raise ValidationError(f"{where}: an indicator needs at least one part.")
    codes = [p.get("code") for p in parts]
    if len(codes) != len(set(codes)):
        raise ValidationError(f"{where}: a part code is used twice.")
    # Parts that take weights or tested values from another part come after it.
    created: dict[str, IndicatorPart] = {}

    def refers(item: dict) -> bool:
        return item.get("weight_part") is not None or (item.get("condition") or {}).get("part") is not None

    def sibling(code: str | None, what: str, p_where: str) -> IndicatorPart | None:
        if code is None:
            return None
        if code not in created:
            raise ValidationError(f"{p_where}: {what} “{code}” is not a part of this indicator.")
        return created[code]

    for p_order, p_item in sorted(enumerate(parts), key=lambda pair: refers(pair[1])):
        p_where = f"{where} part {p_item.get('code')}"
        weight = sibling(p_item.get("weight_part"), "weight part", p_where)
        condition_part = sibling((p_item.get("condition") or {}).get("part"), "condition part", p_where)
        created[p_item["code"]] = _part_import(
            indicator, p_item, p_order, p_where, look, summary, weight, condition_part
        )


def _result_defaults(item: dict, where: str) -> dict:
    return {
        **translated_fields("statement", item.get("statement"), required=True, where=where),
        **translated_fields("lead", item.get("lead"), where=where),
        **translated_fields("risks", item.get("risks"), where=where),
        **translated_fields("assumptions", item.get("assumptions"), where=where),
    }


@transaction.atomic
def framework_import(*, data: dict) -> ImportSummary:
    """Create or update a whole framework from the nested structure of carec2030_prf.yaml."""
    summary = ImportSummary()
    fw = data["framework"]
    framework, _created = Framework.objects.update_or_create(
        code=fw["code"],
        defaults={
            "version": str(fw["version"]),
            "endorsed_on": _date(fw.get("endorsed_on"), "framework"),
            "milestone_years": list(fw.get("milestone_years") or []),
            **translated_fields("name", fw.get("name"), required=True, where="framework"),
            **translated_fields("description", fw.get("description"), where="framework"),
        },
    )
    _sources_import(data.get("sources"), summary)
    _units_import(data.get("units"), summary)
    _dimensions_import(data.get("dimensions"), summary)
    for i, item in enumerate(data.get("themes") or []):
        Theme.objects.update_or_create(
            code=item["code"], defaults=translated_fields("name", item.get("name"), required=True, where=f"themes[{i}]")
        )
        summary.add("themes")
    for i, item in enumerate(data.get("countries") or []):
        where = f"countries[{i}] ({item.get('code')})"
        Country.objects.update_or_create(
            code=item["code"],
            defaults={
                "adb_code": item.get("adb_code") or item["code"],
                "member_from": _date(item.get("member_from"), where),
                "member_until": _date(item.get("member_until"), where),
                "order": i,
                **translated_fields("name", item.get("name"), required=True, where=where),
                **translated_fields("membership_note", item.get("membership_note"), where=where),
            },
        )
        summary.add("countries")
    look = _Lookups()

    impact = data.get("impact")
    if impact:
        Result.objects.update_or_create(
            framework=framework,
            code=impact["code"],
            defaults={"level": Result.Level.IMPACT, "sector": None, **_result_defaults(impact, "impact")},
        )
        summary.add("results")

    pending: list[tuple[Sector, int, dict]] = []
    for c_item in data.get("clusters") or []:
        c_where = f"cluster {c_item.get('code')}"
        cluster, _created = Cluster.objects.update_or_create(
            framework=framework,
            code=c_item["code"],
            defaults={
                "number": c_item["number"],
                **translated_fields("name", c_item.get("name"), required=True, where=c_where),
                **translated_fields("outcome", c_item.get("outcome"), required=True, where=c_where),
                **translated_fields("lead", c_item.get("lead"), where=c_where),
                **translated_fields("risks", c_item.get("risks"), where=c_where),
                **translated_fields("assumptions", c_item.get("assumptions"), where=c_where),
            },
        )
        summary.add("clusters")
        for s_order, s_item in enumerate(c_item.get("sectors") or []):
            s_where = f"sector {s_item.get('code')}"
            sector, _created = Sector.objects.update_or_create(
                framework=framework,
                code=s_item["code"],
                defaults={
                    "cluster": cluster,
                    "kind": s_item.get("kind", Sector.Kind.SECTOR),
                    "order": s_order,
                    **translated_fields("name", s_item.get("name"), required=True, where=s_where),
                    **translated_fields("lead", s_item.get("lead"), where=s_where),
                    **translated_fields("risks", s_item.get("risks"), where=s_where),
                    **translated_fields("assumptions", s_item.get("assumptions"), where=s_where),
                },
            )
            sector.themes.set(look.theme_list(s_item.get("themes"), s_where))
            summary.add("sectors")
            pending.extend((sector, r_order, r_item) for r_order, r_item in enumerate(s_item.get("results") or []))

    # Outcomes first, so that every output finds the outcome it serves.
    results: dict[str, Result] = {}
    pending.sort(key=lambda entry: entry[2].get("level") != Result.Level.OUTCOME)
    for sector, r_order, r_item in pending:
        where = f"result {r_item.get('code')}"
        level = r_item.get("level")
        if level not in (Result.Level.OUTCOME, Result.Level.OUTPUT):
            raise ValidationError(f"{where}: level must be outcome or output, got “{level}”.")
        parent = None
        if level == Result.Level.OUTPUT:
            parent = results.get(r_item.get("parent"))
            if parent is None:
                raise ValidationError(f"{where}: parent “{r_item.get('parent')}” is not an outcome in this file.")
        result, _created = Result.objects.update_or_create(
            framework=framework,
            code=r_item["code"],
            defaults={
                "sector": sector,
                "level": level,
                "order": r_order,
                "parent": parent,
                **_result_defaults(r_item, where),
            },
        )
        results[result.code] = result
        summary.add("results")
        for i_order, i_item in enumerate(r_item.get("indicators") or []):
            _indicator_import(framework, result, i_item, i_order, look, summary)
    return summary


@transaction.atomic
def progress_import(*, data: dict, framework_code: str = "CAREC2030") -> ImportSummary:
    """Load the baseline revisions and milestones set after the framework from the published
    progress values (carec2030_progress.yaml); its observations go through the one way in
    (workflow.loading)."""
    summary = ImportSummary()
    _sources_import(data.get("sources"), summary)
    look = _Lookups()
    parts = {
        (p.indicator.code, p.code): p
        for p in IndicatorPart.objects.filter(indicator__framework__code=framework_code).select_related("indicator")
    }
    scales: dict[int, list[str]] = {}
    for level in OrdinalLevel.objects.filter(part__in=parts.values()).order_by("rank"):
        scales.setdefault(level.part_id, []).append(level.code)

    def part_of(item: dict, where: str) -> IndicatorPart:
        key = (item.get("indicator"), item.get("part"))
        if key not in parts:
            raise ValidationError(f"{where}: no part {key[1]} in indicator {key[0]}.")
        return parts[key]

    for i, item in enumerate(data.get("baseline_revisions") or []):
        where = f"baseline_revisions[{i}] ({item.get('indicator')} {item.get('part')})"
        part = part_of(item, where)
        baseline_revise(
            part=part,
            year=item["year"],
            value=_part_value(part, item, where, scale=scales.get(part.id, []), countries=set(look.countries)),
            revised_on=_date(item["revised_on"], where),
            source=look.source(item["source"], where),
            reason=translated_fields("reason", item.get("reason"), required=True, where=where),
            note=translated_fields("note", item.get("note"), where=where),
            countries_by_code=look.countries,
        )
        summary.add("baseline revisions")

    for i, item in enumerate(data.get("milestone_revisions") or []):
        where = f"milestone_revisions[{i}] ({item.get('indicator')} {item.get('part')} {item.get('year')})"
        part = part_of(item, where)
        kind = item.get("kind")
        if kind not in Milestone.Kind.values:
            raise ValidationError(f"{where}: unknown kind “{kind}”.")
        milestone_revise(
            part=part,
            year=item["year"],
            kind=kind,
            value=_part_value(
                part,
                item,
                where,
                scale=scales.get(part.id, []),
                countries=set(look.countries),
                required=kind == Milestone.Kind.EXACT,
            ),
            set_on=_date(item["set_on"], where),
            source=look.source(item["source"], where),
            reason=translated_fields("reason", item.get("reason"), required=True, where=where),
            note=translated_fields("note", item.get("note"), where=where),
        )
        summary.add("milestone revisions")

    return summary
