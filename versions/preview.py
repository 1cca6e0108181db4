"""The framework as a revision would make it: a draft's changes applied exactly as endorsement
would apply them (versions.services.version_tried), read as plain data while applied, then
rolled back, so that the secretariat reads the revised framework before anyone endorses it and
nothing is saved."""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Prefetch
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from carec_prf.translated import lang_suffix
from clusters.models import Cluster, Result, Sector
from indicators.display import format_value
from indicators.models import Baseline, Indicator, IndicatorPart, Milestone
from indicators.templatetags.values import milestone_phrase
from versions.models import Change, FrameworkVersion, PartLineage, Retirement
from versions.services import manager_required, version_tried

OPEN = (FrameworkVersion.Status.DRAFT, FrameworkVersion.Status.IN_REVIEW)

# The text each item shows; a reword of another field (a result's risks, an indicator's notes) is
# named on its mark.
SHOWN_FIELD = {"result": "statement", "indicator": "statement", "part": "name"}
MODELS = {"result": Result, "indicator": Indicator, "part": IndicatorPart}


def version_preview(*, user, version: FrameworkVersion) -> dict:
    """The framework in force in the version's first year, each item marked with what the version
    does to it, and what it retires. An open revision (draft or in review) is applied with every
    change, read, and rolled back: a change that no longer applies is refused with the message
    endorsement would give. An endorsed version is already applied: it is read as it stands
    (its texts as they read now). A withdrawn one is refused. The reading takes a fixed number
    of queries, whatever the size of the framework."""
    manager_required(user)
    version = FrameworkVersion.objects.select_related("framework", "based_on").get(pk=version.pk)
    changes = list(version.changes.order_by("order"))
    if version.is_endorsed:
        return {**framework_read(version, changes), "applied": False}
    if version.status not in OPEN:
        raise ValidationError(
            _("Version %(label)s is %(status)s: this cannot be done now."),
            code="bad_status",
            params={"label": version.label, "status": version.get_status_display()},
        )
    read = version_tried(user=user, version=version, read=lambda: framework_read(version, changes))
    return {**read, "applied": True}


def _marked(results: list[dict]) -> int:
    """How many items of a sector the revision touches: the page opens those sectors and folds
    the others, so that a revision of three changes is read without scrolling the framework."""
    return sum(
        bool(item["marks"])
        for result in results
        for item in [result, *result["indicators"], *(p for i in result["indicators"] for p in i["parts"])]
    )


def _text(obj, field: str) -> dict:
    """A framework text in the active language, and whether it fell back to English."""
    own = getattr(obj, f"{field}_{lang_suffix(get_language() or 'en')}", None)
    return {"text": getattr(obj, field) or "", "untranslated": not own}


def _mark(key: str, label: str) -> dict:
    return {"key": key, "label": str(label)}


def _part_code(part: IndicatorPart) -> str:
    return f"{part.indicator.code} · {part.code}"


def _change_marks(changes: list[Change]) -> tuple[dict, set, set]:
    """What the changes' payloads say about the items they touch: which results and indicators
    they add, which texts they reword and which milestones they re-set, keyed by
    (target, code) or ("part", indicator, code)."""
    marks: dict[tuple, list[dict]] = {}
    new_results, new_indicators = set(), set()
    for change in changes:
        payload = change.payload if isinstance(change.payload, dict) else {}
        if change.kind == Change.Kind.ADD_RESULT:
            new_results.add(payload.get("code"))
        elif change.kind == Change.Kind.ADD_INDICATOR:
            new_indicators.add((payload.get("indicator") or {}).get("code"))
        elif change.kind == Change.Kind.SPLIT_INDICATOR:
            new_indicators.update((item or {}).get("code") for item in payload.get("into") or [])
        elif change.kind == Change.Kind.MERGE_INDICATORS:
            new_indicators.add((payload.get("into") or {}).get("code"))
        elif change.kind in (Change.Kind.SPLIT_RESULT, Change.Kind.MERGE_RESULTS):
            into = payload.get("into") or []
            for item in into if change.kind == Change.Kind.SPLIT_RESULT else [into]:
                new_results.add((item or {}).get("code"))
                new_indicators.update(
                    (indicator or {}).get("code") for indicator in (item or {}).get("indicators") or []
                )
        elif change.kind == Change.Kind.REWORD and payload.get("target") in SHOWN_FIELD:
            target, field = payload["target"], payload.get("field")
            key = (
                ("part", payload.get("indicator"), payload.get("code"))
                if target == "part"
                else (target, payload.get("code"))
            )
            label = Change.Kind.REWORD.label
            if field != SHOWN_FIELD[target]:
                try:
                    name = MODELS[target]._meta.get_field(field).verbose_name
                except FieldDoesNotExist:  # refused by the applier before this is read
                    name = field
                label = _("reworded: %(field)s") % {"field": name}
            marks.setdefault(key, []).append(_mark("reworded", label))
        elif change.kind == Change.Kind.RETARGET:
            key = ("part", payload.get("indicator"), payload.get("part"))
            marks.setdefault(key, []).append(_mark("re-set", Change.Kind.RETARGET.label))
    return marks, new_results, new_indicators


def _lineage_marks(version: FrameworkVersion) -> dict[int, list[dict]]:
    """Parts the version adds (new series), continues from others (split or merged) or rebases."""
    marks: dict[int, list[dict]] = {}
    lineages = PartLineage.objects.filter(version=version).exclude(origin=PartLineage.Origin.SAME)
    sources = Prefetch("sources", queryset=IndicatorPart.objects.select_related("indicator").order_by("id"))
    for lineage in lineages.prefetch_related(sources):
        if lineage.origin == PartLineage.Origin.NEW:
            mark = _mark("new", PartLineage.Origin.NEW.label)
        elif lineage.origin == PartLineage.Origin.REBASED:
            mark = _mark("re-set", Change.Kind.REBASE.label)
        else:
            codes = [_part_code(source) for source in lineage.sources.all()]
            mark = _mark("continues", _("continues %(parts)s") % {"parts": ", ".join(codes)})
            mark["sources"] = codes
        marks.setdefault(lineage.part_id, []).append(mark)
    return marks


def _result_fates(changes: list[Change]) -> dict[str, tuple[str, list[str]]]:
    """The results the changes retire, each with what became of it and the new results that
    continue it (a split or a merge of results)."""
    fates: dict[str, tuple[str, list[str]]] = {}
    for change in changes:
        payload = change.payload if isinstance(change.payload, dict) else {}
        if change.kind == Change.Kind.RETIRE_RESULT:
            fates[payload.get("result")] = (_("retired with its indicators; their values are kept"), [])
        elif change.kind == Change.Kind.SPLIT_RESULT:
            into = [(item or {}).get("code") for item in payload.get("into") or []]
            fates[payload.get("result")] = (_("split into new results"), into)
        elif change.kind == Change.Kind.MERGE_RESULTS:
            for code in payload.get("results") or []:
                fates[code] = (_("merged into a new result"), [(payload.get("into") or {}).get("code")])
    return {code: fate for code, fate in fates.items() if isinstance(code, str)}


def _retired(version: FrameworkVersion, changes: list[Change]) -> list[dict]:
    """What the version retires, each with what became of it and the parts that continue it."""
    successors = Prefetch("successors", queryset=IndicatorPart.objects.select_related("indicator").order_by("id"))
    retirements = (
        Retirement.objects.filter(version=version)
        .select_related("change", "indicator", "part__indicator")
        .prefetch_related(successors)
        .order_by("change__order", "id")
    )
    fates = _result_fates(changes)
    items = [
        {
            "what": "result",
            "what_label": str(Result._meta.verbose_name),
            "code": result.code,
            **_text(result, "statement"),
            "fate": fates[result.code][0],
            "went_to": fates[result.code][1],
        }
        for result in Result.objects.filter(framework=version.framework_id, code__in=list(fates))
    ]
    for retirement in retirements:
        if retirement.indicator_id is not None:
            what, obj, code, field = "indicator", retirement.indicator, retirement.indicator.code, "statement"
        else:
            what, obj, code, field = "part", retirement.part, _part_code(retirement.part), "name"
        items.append(
            {
                "what": what,
                "what_label": str(type(obj)._meta.verbose_name),
                "code": code,
                **_text(obj, field),
                "fate": retirement.get_fate_display(),
                "went_to": [_part_code(part) for part in retirement.successors.all()],
            }
        )
    return items


def framework_read(version: FrameworkVersion, changes: list[Change]) -> dict:
    """The framework as the database holds it now, for the version's first year, marked with what
    the version does (its changes, lineage and retirements). Twelve queries at most, whatever the
    number of results, indicators and parts."""
    year, framework = version.applies_from, version.framework_id
    marks, new_results, new_indicators = _change_marks(changes)
    part_marks = _lineage_marks(version)

    parts = list(
        IndicatorPart.objects.filter(indicator__framework=framework)
        .in_force(year)
        .select_related("unit")
        .order_by("order", "id")
    )
    baselines = {}
    for row in Baseline.objects.in_force(year).filter(part_id__in=[p.pk for p in parts]).order_by("part", "-id"):
        baselines.setdefault(row.part_id, row)
    milestones: dict[int, list[Milestone]] = {}
    for row in Milestone.objects.in_force(year).filter(part_id__in=[p.pk for p in parts]).order_by("part", "year"):
        milestones.setdefault(row.part_id, []).append(row)
    indicators = Indicator.objects.filter(pk__in={p.indicator_id for p in parts}).order_by("order", "code")
    by_indicator: dict[int, list[dict]] = {}
    indicator_codes = {indicator.pk: indicator.code for indicator in indicators}
    for part in parts:
        baseline = baselines.get(part.pk)
        code = indicator_codes[part.indicator_id]
        by_indicator.setdefault(part.indicator_id, []).append(
            {
                "code": part.code,
                **_text(part, "name"),
                "unit": str(part.unit),
                "baseline": None if baseline is None else {"year": baseline.year, "value": format_value(baseline)},
                "milestones": [{"year": m.year, "text": milestone_phrase(m)} for m in milestones.get(part.pk, [])],
                "marks": part_marks.get(part.pk, []) + marks.get(("part", code, part.code), []),
            }
        )
    by_result: dict[int, list[dict]] = {}
    for indicator in indicators:
        item_marks = marks.get(("indicator", indicator.code), [])
        if indicator.code in new_indicators:
            item_marks = [_mark("new", Change.Kind.ADD_INDICATOR.label), *item_marks]
        by_result.setdefault(indicator.result_id, []).append(
            {
                "code": indicator.code,
                **_text(indicator, "statement"),
                "marks": item_marks,
                "parts": by_indicator[indicator.pk],
            }
        )

    results = (
        Result.objects.filter(framework=framework).in_force(year).select_related("parent").order_by("order", "code")
    )
    impacts, by_sector = [], {}
    for result in results.order_by("order", "code"):
        item_marks = marks.get(("result", result.code), [])
        if result.code in new_results:
            item_marks = [_mark("new", Change.Kind.ADD_RESULT.label), *item_marks]
        item = {
            "code": result.code,
            "level": result.get_level_display(),
            "serves": result.parent.code if result.parent_id else None,
            **_text(result, "statement"),
            "marks": item_marks,
            "indicators": by_result.get(result.pk, []),
        }
        if result.sector_id is None:
            impacts.append(item)
        else:
            by_sector.setdefault(result.sector_id, []).append(item)

    by_cluster: dict[int, list[dict]] = {}
    for sector in Sector.objects.filter(framework=framework).order_by("order", "code"):
        if sector.pk in by_sector:
            by_cluster.setdefault(sector.cluster_id, []).append(
                {
                    "code": sector.code,
                    **_text(sector, "name"),
                    "results": by_sector[sector.pk],
                    "marked": _marked(by_sector[sector.pk]),
                }
            )
    clusters = [
        {"number": cluster.number, "code": cluster.code, **_text(cluster, "name"), "sectors": by_cluster[cluster.pk]}
        for cluster in Cluster.objects.filter(framework=framework).order_by("number")
        if cluster.pk in by_cluster
    ]
    return {
        "version": version.label,
        "status": version.status,
        "year": year,
        "impacts": impacts,
        "clusters": clusters,
        "retired": _retired(version, changes),
    }
