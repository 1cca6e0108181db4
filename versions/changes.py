"""The kinds of change a revision makes, each checked and applied the same way whether a draft is
being tried (change_add) or endorsed (version_endorse): one rule, one home.

Payloads (codes as in fixtures/carec2030_prf.yaml; texts map every language to a text):

- add_result: {"sector": "TRP", "level": "outcome" | "output", "code", "statement": texts,
  "outcome": <the outcome an output serves>}
- retire_result: {"result": "TSM OC 1"} (retires each of its indicators in force)
- add_indicator: {"result": "TRP OC 1", "indicator": <an indicator in the fixture's shape>}
- split_indicator: {"indicator": "TRP OC 1", "into": [<an indicator in the fixture's shape, with
  "result" (optional: the old one's) and, on a part, "from": <a part of the old indicator>>, ...]}
  (two or more)
- merge_indicators: {"indicators": [codes, two or more], "into": <an indicator in the fixture's
  shape, with "result" (optional: the first's) and, on a part, "from": [{"indicator", "part"}, ...]>}
- retire_indicator: {"indicator": "TRD OC 2"}
- retire_part: {"indicator", "part", "went_to": [{"indicator", "part"}, ...]} (empty: discontinued)
- reword: {"target": "result" | "indicator" | "part", "code", "indicator" (for a part), "field",
  "text": {en, zh-hans, ru}}
- split_part: {"indicator", "part", "into": [<a part in the fixture's shape>, ...]} (two or more)
- merge_parts: {"indicator", "parts": [codes, two or more], "into": <a part in the fixture's shape>}
- rebase: {"indicator", "part", "factor" and/or "offset", "source" (optional), "note": texts}
- retarget: {"indicator", "part", "milestones": [{"year", "kind", "value", "source", "note"}]}

Each apply returns (before, after): what the change finds and leaves, in every language. The
draft keeps them; at endorsement a `before` that differs tells that the framework moved since."""

import copy
import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _

from carec_prf.translated import translated_fields
from clusters.models import Result, Sector
from indicators import framework_import
from indicators.models import NUMERIC_TYPES, Availability, Indicator, IndicatorPart, Milestone
from indicators.services import baseline_revise, milestone_revise
from indicators.values import typed_value
from versions.models import Change, FrameworkVersion, PartLineage, Retirement
from workflow.audit import audit_record, snapshot
from workflow.models import AuditEntry

LANGUAGES = [code for code, _name in settings.LANGUAGES]
REWORDABLE = {
    "result": ("statement", "lead", "risks", "assumptions"),
    "indicator": ("statement", "data_sources", "notes"),
    "part": ("name",),
}


def texts_of(obj, field: str) -> dict[str, str]:
    return {code: getattr(obj, f"{field}_{code.replace('-', '_')}") or "" for code in LANGUAGES}


def texts_required(raw, what: str) -> dict[str, str]:
    """A text in every language, or a translated refusal naming what is missing."""
    if not isinstance(raw, dict):
        raise ValidationError(
            _("%(what)s must give a text in each language (%(languages)s)."),
            code="not_translated",
            params={"what": what, "languages": ", ".join(LANGUAGES)},
        )
    unknown = sorted(set(raw) - set(LANGUAGES))
    if unknown:
        raise ValidationError(
            _("%(what)s has unknown languages: %(languages)s."),
            code="unknown_language",
            params={"what": what, "languages": ", ".join(unknown)},
        )
    missing = [code for code in LANGUAGES if not str(raw.get(code) or "").strip()]
    if missing:
        raise ValidationError(
            _("%(what)s has no text in %(languages)s."),
            code="missing_language",
            params={"what": what, "languages": ", ".join(missing)},
        )
    return {code: str(raw[code]).strip() for code in LANGUAGES}


def _plain(number: Decimal | None) -> str | None:
    return None if number is None else format(number.normalize(), "f")


def _shown(row) -> str | None:
    """A typed value (a row or TypedValueFields) as plain text for the comparison."""
    if row is None:
        return None
    if row.value_number is not None:
        return _plain(row.value_number)
    if row.value_boolean is not None:
        return str(row.value_boolean).lower()
    return row.value_text or None


def _number(raw, what: str) -> Decimal:
    try:
        return typed_value(value_type="number", value=raw).value_number
    except ValidationError:
        raise ValidationError(
            _("%(what)s must be a number, not “%(value)s”."), code="not_a_number", params={"what": what, "value": raw}
        ) from None


def _required(payload: dict, *keys: str) -> None:
    missing = [key for key in keys if payload.get(key) in (None, "", [], {})]
    if missing:
        raise ValidationError(_("This change needs %(keys)s."), code="missing_key", params={"keys": ", ".join(missing)})


class Applier:
    """Applies the changes of one version in order, inside the caller's transaction."""

    def __init__(self, *, version: FrameworkVersion, user, on: datetime.date) -> None:
        self.version, self.user, self.on = version, user, on
        self.framework = version.framework
        self.look = framework_import._Lookups()
        self.touched: set[int] = set()  # parts given a lineage by a change

    # --- lookups ----------------------------------------------------------------------------

    def indicator(self, code) -> Indicator:
        indicator = Indicator.objects.filter(framework=self.framework, code=code).select_related("framework").first()
        if indicator is None or Retirement.objects.filter(indicator=indicator).exists():
            raise ValidationError(
                _("No indicator “%(code)s” is in force in this framework."),
                code="unknown_indicator",
                params={"code": code},
            )
        return indicator

    def part(self, indicator_code, part_code) -> IndicatorPart:
        indicator = self.indicator(indicator_code)
        part = indicator.parts.filter(code=part_code).first()
        if part is None or Retirement.objects.filter(part=part).exists():
            raise ValidationError(
                _("Indicator “%(indicator)s” has no part “%(part)s” in force."),
                code="unknown_part",
                params={"indicator": indicator_code, "part": part_code},
            )
        part.indicator = indicator
        return part

    def _dated(self, indicator: Indicator) -> Indicator:
        """The importer dates a new part's baseline and milestones with its framework's
        endorsement; a revision's parts take the revision's date (an unsaved copy, never saved)."""
        framework = copy.copy(indicator.framework)
        framework.endorsed_on = self.on
        indicator.framework = framework
        return indicator

    def _new_part(self, indicator: Indicator, item, order: int, where: str) -> IndicatorPart:
        if not isinstance(item, dict) or not item.get("code"):
            raise ValidationError(_("Each new part needs a code."), code="missing_key")
        if indicator.parts.filter(code=item["code"]).exists():
            raise ValidationError(
                _("Indicator “%(indicator)s” already has a part “%(part)s”."),
                code="duplicate_part",
                params={"indicator": indicator.code, "part": item["code"]},
            )
        texts_required(item.get("name"), _("The name of part %(part)s") % {"part": item["code"]})
        weight = self._sibling(indicator, item.get("weight_part"))
        condition = self._sibling(indicator, (item.get("condition") or {}).get("part"))
        part = framework_import._part_import(
            self._dated(indicator), item, order, where, self.look, framework_import.ImportSummary(), weight, condition
        )
        self._measured_from([part])
        self._audit_created(part)
        return part

    def _measured_from(self, parts) -> None:
        """New parts are measured from the first year the version governs."""
        IndicatorPart.objects.filter(pk__in=[p.pk for p in parts]).update(in_force_from=self.version.applies_from)
        for part in parts:
            part.in_force_from = self.version.applies_from

    def _sibling(self, indicator: Indicator, code) -> IndicatorPart | None:
        return None if code is None else self.part(indicator.code, code)

    def _audit_created(self, obj) -> None:
        audit_record(actor=self.user, action=AuditEntry.Action.CREATE, obj=obj, before={}, reason=self.reason)

    def _lineage(self, part: IndicatorPart, origin: str, sources=(), **fields) -> PartLineage:
        lineage = PartLineage.objects.create(part=part, version=self.version, origin=origin, **fields)
        lineage.sources.set(sources)
        self.touched.add(part.pk)
        self._audit_created(lineage)
        return lineage

    def _retire(self, change: Change, fate: str, *, part=None, indicator=None, successors=()) -> Retirement:
        retirement = Retirement.objects.create(
            version=self.version, change=change, part=part, indicator=indicator, fate=fate
        )
        retirement.successors.set(successors)
        # measured up to the year before the version governs; values and history stay
        retired = IndicatorPart.objects.filter(pk=part.pk) if part is not None else indicator.parts.all()
        retired.filter(in_force_until__isnull=True).update(in_force_until=self.version.applies_from - 1)
        self._audit_created(retirement)
        return retirement

    @staticmethod
    def _part_label(part: IndicatorPart) -> dict:
        return {"indicator": part.indicator.code, "code": part.code, "name": texts_of(part, "name")}

    # --- applying ---------------------------------------------------------------------------

    def apply(self, change: Change) -> tuple[dict, dict]:
        if not isinstance(change.payload, dict):
            raise ValidationError(_("A change is described by a mapping of its fields."), code="bad_payload")
        self.reason = change.reason_en or change.reason
        return getattr(self, f"_{change.kind}")(change, change.payload)

    def _add_result(self, change: Change, payload: dict) -> tuple[dict, dict]:
        """A new outcome or output of a sector, holding no indicator until an add_indicator
        change (later in the same draft, or in a later revision) gives it one."""
        _required(payload, "sector", "level", "code")
        sector = Sector.objects.filter(framework=self.framework, code=payload["sector"]).first()
        if sector is None:
            raise ValidationError(
                _("No sector or pillar “%(code)s” in this framework."),
                code="unknown_sector",
                params={"code": payload["sector"]},
            )
        level = payload["level"]
        if level not in (Result.Level.OUTCOME, Result.Level.OUTPUT):
            raise ValidationError(
                _("A new result is an outcome or an output, not “%(level)s”."),
                code="bad_level",
                params={"level": level},
            )
        if Result.objects.filter(framework=self.framework, code=payload["code"]).exists():
            raise ValidationError(
                _("The code “%(code)s” is already used by a result."),
                code="duplicate_result",
                params={"code": payload["code"]},
            )
        statement = texts_required(payload.get("statement"), _("The result's statement"))
        parent = None
        if level == Result.Level.OUTCOME and payload.get("outcome"):
            raise ValidationError(
                _("An outcome serves no other result: leave out “outcome”."), code="outcome_has_no_parent"
            )
        if level == Result.Level.OUTPUT:
            parent = Result.objects.filter(
                framework=self.framework, code=payload.get("outcome"), level=Result.Level.OUTCOME
            ).first()
            if parent is None:
                raise ValidationError(
                    _("An output serves an outcome of this framework; “%(code)s” is not one."),
                    code="unknown_outcome",
                    params={"code": payload.get("outcome") or ""},
                )
        order = (sector.results.aggregate(last=Max("order"))["last"] or 0) + 1  # after the sector's results
        where = f"result {payload['code']}"
        result = Result.objects.create(
            framework=self.framework,
            sector=sector,
            code=payload["code"],
            level=level,
            parent=parent,
            order=order,
            in_force_from=self.version.applies_from,  # measured from the first year the version governs
            **framework_import._result_defaults({"statement": statement}, where),
        )
        self._audit_created(result)
        after = {
            "code": result.code,
            "level": level,
            "sector": sector.code,
            "outcome": None if parent is None else parent.code,
            "statement": statement,
        }
        return {}, after

    def _retire_result(self, change: Change, payload: dict) -> tuple[dict, dict]:
        """A result is retired by retiring each of its indicators in force: nothing of it is
        measured from the version's first year, and its values and history stay."""
        _required(payload, "result")
        result = Result.objects.filter(framework=self.framework, code=payload["result"]).first()
        if result is None or result.level == Result.Level.IMPACT:
            raise ValidationError(
                _("No outcome or output “%(code)s” in this framework."),
                code="unknown_result",
                params={"code": payload["result"]},
            )
        retired = Retirement.objects.filter(indicator__result=result).values("indicator_id")
        indicators = list(result.indicators.exclude(pk__in=retired).order_by("order", "code"))
        if not indicators:
            raise ValidationError(
                _("The result “%(code)s” has no indicator in force to retire."),
                code="nothing_in_force",
                params={"code": result.code},
            )
        for indicator in indicators:
            self._retire(change, Retirement.Fate.DISCONTINUED, indicator=indicator)
        if result.in_force_until is None:  # a result retired earlier keeps its first end
            state = snapshot(result)
            result.in_force_until = self.version.applies_from - 1
            result.save(update_fields=["in_force_until"])
            audit_record(actor=self.user, action=AuditEntry.Action.UPDATE, obj=result, before=state, reason=self.reason)
        before = {
            "code": result.code,
            "level": result.level,
            "statement": texts_of(result, "statement"),
            "indicators": [{"code": i.code, "statement": texts_of(i, "statement")} for i in indicators],
        }
        return before, {}

    def _indicator_create(self, result_code, item) -> tuple[Indicator, list[IndicatorPart], dict]:
        """A new indicator of a result, with its parts measured from the version's first year:
        add_indicator, split_indicator and merge_indicators check and create it the same way, and
        each then says where its parts' series come from. Returns the indicator, its parts and
        its description for the comparison (before the parts' lineage)."""
        if not isinstance(item, dict):
            raise ValidationError(_("The new indicator must be a mapping of its fields."), code="bad_payload")
        _required(item, "code", "parts")
        result = Result.objects.filter(framework=self.framework, code=result_code).first()
        if result is None or result.level == Result.Level.IMPACT:
            raise ValidationError(
                _("No outcome or output “%(code)s” in this framework."),
                code="unknown_result",
                params={"code": result_code},
            )
        if Indicator.objects.filter(framework=self.framework, code=item["code"]).exists():
            raise ValidationError(
                _("The code “%(code)s” is already used by an indicator."),
                code="duplicate_indicator",
                params={"code": item["code"]},
            )
        if item.get("level", Indicator.Level.PRF) not in Indicator.Level.values:
            raise ValidationError(_("An indicator's level is prf or sector."), code="bad_level")
        statement = texts_required(item.get("statement"), _("The indicator's statement"))
        texts_required(item.get("data_sources"), _("The indicator's data sources"))
        if not isinstance(item["parts"], list):
            raise ValidationError(_("The new indicator's parts must be a list."), code="bad_payload")
        for part_item in item["parts"]:
            part_item = part_item if isinstance(part_item, dict) else {}
            texts_required(part_item.get("name"), _("The name of part %(part)s") % {"part": part_item.get("code")})
        order = (result.indicators.aggregate(last=Max("order"))["last"] or 0) + 1
        framework = copy.copy(self.framework)
        framework.endorsed_on = self.on  # as in _dated: the revision dates the new baselines
        framework_import._indicator_import(framework, result, item, order, self.look, framework_import.ImportSummary())
        indicator = Indicator.objects.get(framework=self.framework, code=item["code"])
        self._audit_created(indicator)
        parts = list(indicator.parts.all())
        self._measured_from(parts)
        for part in parts:
            self._audit_created(part)
        described = {
            "code": indicator.code,
            "level": indicator.level,
            "result": result.code,
            "statement": statement,
            "parts": [{"code": p.code, "name": texts_of(p, "name")} for p in parts],
        }
        return indicator, parts, described

    def _add_indicator(self, change: Change, payload: dict) -> tuple[dict, dict]:
        _required(payload, "result", "indicator")
        _indicator, parts, after = self._indicator_create(payload["result"], payload["indicator"])
        for part in parts:
            self._lineage(part, PartLineage.Origin.NEW)
        return {}, after

    @staticmethod
    def _indicator_label(indicator: Indicator) -> dict:
        """An indicator in force, as a split or a merge finds it: its statement and its parts."""
        retired = Retirement.objects.filter(part__indicator=indicator).values("part_id")
        parts = indicator.parts.exclude(pk__in=retired).order_by("order", "id")
        return {
            "code": indicator.code,
            "statement": texts_of(indicator, "statement"),
            "parts": [{"code": p.code, "name": texts_of(p, "name")} for p in parts],
        }

    def _new_indicators(self, into: list, default_result: str, sources_of) -> tuple[list[dict], list[IndicatorPart]]:
        """The indicators a split or a merge makes, each part given its lineage from the parts
        sources_of(part_item) names (split from one, merged from several, new from none).
        Every part's "from" is checked before anything is created, so that a refusal names it."""
        named = []
        for item in into:
            if not isinstance(item, dict):
                raise ValidationError(_("The new indicator must be a mapping of its fields."), code="bad_payload")
            part_items = item.get("parts") if isinstance(item.get("parts"), list) else []
            named.append([sources_of(p if isinstance(p, dict) else {}) for p in part_items])
        described, created = [], []
        for item, sources in zip(into, named, strict=True):
            # the importer takes the fixture's shape: where the series comes from is said here
            bare = {key: value for key, value in item.items() if key != "result"}
            if isinstance(item.get("parts"), list):
                bare["parts"] = [
                    {k: v for k, v in p.items() if k != "from"} if isinstance(p, dict) else p for p in item["parts"]
                ]
            _indicator, parts, after = self._indicator_create(item.get("result") or default_result, bare)
            by_code = {p.code: p for p in parts}
            for part_item, part_sources in zip(item["parts"], sources, strict=True):
                part = by_code[part_item["code"]]
                if not part_sources:
                    origin = PartLineage.Origin.NEW
                elif len(part_sources) == 1:
                    origin = PartLineage.Origin.SPLIT
                else:
                    origin = PartLineage.Origin.MERGED
                self._lineage(part, origin, part_sources)
                for shown in after["parts"]:
                    if shown["code"] == part.code:
                        shown["from"] = [{"indicator": s.indicator.code, "code": s.code} for s in part_sources]
            created += parts
            described.append(after)
        return described, created

    def _split_indicator(self, change: Change, payload: dict) -> tuple[dict, dict]:
        """One indicator becomes two or more: each new part continues the series of the old part
        its "from" names, or starts a new one; the old indicator is retired, split into them."""
        _required(payload, "indicator")
        into = payload.get("into")
        if not isinstance(into, list) or len(into) < 2:
            raise ValidationError(_("An indicator is split into two or more new indicators."), code="split_too_few")
        old = self.indicator(payload["indicator"])

        def sources_of(part_item: dict) -> list[IndicatorPart]:
            code = part_item.get("from")
            if code is None:
                return []
            if not isinstance(code, str):
                raise ValidationError(
                    _("“from” of part %(part)s names one part of indicator %(indicator)s, not “%(value)s”."),
                    code="bad_source",
                    params={"part": part_item.get("code"), "indicator": old.code, "value": code},
                )
            return [self.part(old.code, code)]

        before = self._indicator_label(old)
        described, created = self._new_indicators(into, old.result.code, sources_of)
        self._retire(change, Retirement.Fate.SPLIT, indicator=old, successors=created)
        return before, {"indicators": described}

    def _merge_indicators(self, change: Change, payload: dict) -> tuple[dict, dict]:
        """Two or more indicators become one: each of its parts continues the series of the parts
        its "from" names (merged from several, split from one) or starts a new one; the old
        indicators are retired, merged into it."""
        _required(payload, "indicators", "into")
        codes = payload["indicators"]
        if not isinstance(codes, list) or len(set(map(str, codes))) < 2:
            raise ValidationError(_("Two or more indicators are merged into one."), code="merge_too_few")
        for code in codes:
            if codes.count(code) > 1:
                raise ValidationError(
                    _("The indicator “%(code)s” is named twice."), code="duplicate_indicator", params={"code": code}
                )
        old = [self.indicator(code) for code in codes]

        def sources_of(part_item: dict) -> list[IndicatorPart]:
            named = part_item.get("from") or []
            if not isinstance(named, list) or any(not isinstance(n, dict) for n in named):
                raise ValidationError(
                    _("“from” of part %(part)s lists parts of the merged indicators: {indicator, part}."),
                    code="bad_source",
                    params={"part": part_item.get("code")},
                )
            sources = []
            for source in named:
                if source.get("indicator") not in codes:
                    raise ValidationError(
                        _("“%(indicator)s” is not one of the indicators merged (%(codes)s)."),
                        code="bad_source",
                        params={"indicator": source.get("indicator"), "codes": ", ".join(codes)},
                    )
                part = self.part(source["indicator"], source.get("part"))
                if part not in sources:
                    sources.append(part)
            return sources

        before = {"indicators": [self._indicator_label(indicator) for indicator in old]}
        described, created = self._new_indicators([payload["into"]], old[0].result.code, sources_of)
        for indicator in old:
            self._retire(change, Retirement.Fate.MERGED, indicator=indicator, successors=created)
        return before, described[0]

    def _retire_indicator(self, change: Change, payload: dict) -> tuple[dict, dict]:
        _required(payload, "indicator")
        indicator = self.indicator(payload["indicator"])
        before = {"code": indicator.code, "statement": texts_of(indicator, "statement")}
        self._retire(change, Retirement.Fate.DISCONTINUED, indicator=indicator)
        return before, {}

    def _retire_part(self, change: Change, payload: dict) -> tuple[dict, dict]:
        _required(payload, "indicator", "part")
        part = self.part(payload["indicator"], payload["part"])
        went_to = payload.get("went_to") or []
        if not isinstance(went_to, list):
            raise ValidationError(_("“went_to” lists the parts that continue the series."), code="bad_payload")
        successors = [self.part((t or {}).get("indicator"), (t or {}).get("part")) for t in went_to]
        if part in successors:
            raise ValidationError(_("A part cannot continue its own series."), code="bad_successor")
        fate = Retirement.Fate.REPLACED if successors else Retirement.Fate.DISCONTINUED
        self._retire(change, fate, part=part, successors=successors)
        return self._part_label(part), {"went_to": [self._part_label(s) for s in successors]}

    def _reword(self, change: Change, payload: dict) -> tuple[dict, dict]:
        _required(payload, "target", "code", "field", "text")
        target, field = payload["target"], payload["field"]
        if target not in REWORDABLE:
            raise ValidationError(
                _("“%(target)s” cannot be reworded: use result, indicator or part."),
                code="bad_target",
                params={"target": target},
            )
        if field not in REWORDABLE[target]:
            raise ValidationError(
                _("The field “%(field)s” of a %(target)s cannot be reworded (%(fields)s)."),
                code="bad_field",
                params={"field": field, "target": target, "fields": ", ".join(REWORDABLE[target])},
            )
        text = texts_required(payload["text"], _("The new text"))
        if target == "result":
            obj = Result.objects.filter(framework=self.framework, code=payload["code"]).first()
            if obj is None:
                raise ValidationError(
                    _("No result “%(code)s” in this framework."),
                    code="unknown_result",
                    params={"code": payload["code"]},
                )
            subject = {"target": target, "code": obj.code}
        elif target == "indicator":
            obj = self.indicator(payload["code"])
            subject = {"target": target, "code": obj.code}
        else:
            _required(payload, "indicator")
            obj = self.part(payload["indicator"], payload["code"])
            subject = {"target": target, "indicator": obj.indicator.code, "code": obj.code}
        old = texts_of(obj, field)
        if old == text:
            raise ValidationError(_("The new text is the same as the text in force."), code="unchanged")
        state = snapshot(obj)
        fields = translated_fields(field, text)
        for name, value in fields.items():
            setattr(obj, name, value)
        obj.save(update_fields=list(fields))
        audit_record(actor=self.user, action=AuditEntry.Action.UPDATE, obj=obj, before=state, reason=self.reason)
        return {**subject, "field": field, "text": old}, {"text": text}

    def _split_part(self, change: Change, payload: dict) -> tuple[dict, dict]:
        _required(payload, "indicator", "part")
        into = payload.get("into")
        if not isinstance(into, list) or len(into) < 2:
            raise ValidationError(_("A part is split into two or more new parts."), code="split_too_few")
        old = self.part(payload["indicator"], payload["part"])
        new = [
            self._new_part(old.indicator, item, old.order, f"{old.indicator.code} part {(item or {}).get('code')}")
            for item in into
        ]
        for part in new:
            self._lineage(part, PartLineage.Origin.SPLIT, [old])
        self._retire(change, Retirement.Fate.SPLIT, part=old, successors=new)
        return self._part_label(old), {"parts": [self._part_label(p) for p in new]}

    def _merge_parts(self, change: Change, payload: dict) -> tuple[dict, dict]:
        _required(payload, "indicator", "parts", "into")
        codes = payload["parts"]
        if not isinstance(codes, list) or len(set(codes)) < 2:
            raise ValidationError(_("Two or more parts are merged into one."), code="merge_too_few")
        old = [self.part(payload["indicator"], code) for code in codes]
        indicator = old[0].indicator
        item = payload["into"]
        new = self._new_part(indicator, item, old[0].order, f"{indicator.code} part {(item or {}).get('code')}")
        self._lineage(new, PartLineage.Origin.MERGED, old)
        for part in old:
            self._retire(change, Retirement.Fate.MERGED, part=part, successors=[new])
        return {"parts": [self._part_label(p) for p in old]}, self._part_label(new)

    def _rebase(self, change: Change, payload: dict) -> tuple[dict, dict]:
        _required(payload, "indicator", "part")
        part = self.part(payload["indicator"], payload["part"])
        if payload.get("factor") is None and payload.get("offset") is None:
            raise ValidationError(_("A rebase needs a factor, an offset or both."), code="rebase_empty")
        factor = _number(payload["factor"], _("The factor")) if payload.get("factor") is not None else None
        offset = _number(payload["offset"], _("The offset")) if payload.get("offset") is not None else None
        if factor is not None and factor <= 0:
            raise ValidationError(_("The factor must be greater than zero."), code="bad_factor")
        note = texts_required(payload.get("note"), _("The note on the rebase"))
        current = part.baselines.current().select_related("source").first()
        if part.value_type not in NUMERIC_TYPES or current is None or current.availability != Availability.VALUE:
            raise ValidationError(
                _("Part “%(part)s” has no numeric baseline to rebase."),
                code="not_rebasable",
                params={"part": part.code},
            )
        value = (current.value_number * (factor or 1) + (offset or 0)).quantize(Decimal("0.000001"))
        source = self.look.source(payload["source"], part.code) if payload.get("source") else current.source
        row = baseline_revise(
            part=part,
            year=current.year,
            value=typed_value(value_type=part.value_type, value=value, qualifier=current.qualifier),
            revised_on=self.on,
            source=source,
            reason=translated_fields("reason", texts_of(change, "reason")),
            note=translated_fields("note", note),
            countries_by_code=self.look.countries,
            in_force_from=self.version.applies_from,
            user=self.user,
        )
        self._audit_created(row)
        self._lineage(
            part, PartLineage.Origin.REBASED, [part], factor=factor, offset=offset, **translated_fields("note", note)
        )
        label = self._part_label(part)
        before = {**label, "baseline": {"year": current.year, "value": _plain(current.value_number)}}
        after = {
            "baseline": {"year": row.year, "value": _plain(value)},
            "factor": _plain(factor),
            "offset": _plain(offset),
        }
        return before, after

    def _retarget(self, change: Change, payload: dict) -> tuple[dict, dict]:
        _required(payload, "indicator", "part", "milestones")
        part = self.part(payload["indicator"], payload["part"])
        items = payload["milestones"]
        if not isinstance(items, list) or any(not isinstance(m, dict) or "year" not in m for m in items):
            raise ValidationError(_("Each new milestone needs a year."), code="bad_payload")
        years = [m["year"] for m in items]
        if len(years) != len(set(years)):
            raise ValidationError(_("A milestone year is given twice."), code="duplicate_year")
        current = {m.year: m for m in part.milestones.current().filter(year__in=years).select_related("source")}
        scale = list(part.scale.values_list("code", flat=True))
        before, after = [], []
        for item in sorted(items, key=lambda m: m["year"]):
            year, kind = item["year"], item.get("kind")
            if kind not in Milestone.Kind.values:
                raise ValidationError(
                    _("“%(kind)s” is not a kind of milestone (%(kinds)s)."),
                    code="bad_kind",
                    params={"kind": kind, "kinds": ", ".join(Milestone.Kind.values)},
                )
            if kind in (Milestone.Kind.NOT_SET, Milestone.Kind.NOT_APPLICABLE):
                value = typed_value(value_type=part.value_type, availability=Availability.NOT_AVAILABLE)
            else:
                value = typed_value(
                    value_type=part.value_type,
                    value=item.get("value"),
                    countries=item.get("countries") or (),
                    scale_codes=scale,
                    known_countries=set(self.look.countries),
                    value_required=kind == Milestone.Kind.EXACT,
                )
            old = current.get(year)
            if item.get("source"):
                source = self.look.source(item["source"], part.code)
            elif old is not None:
                source = old.source
            else:
                raise ValidationError(
                    _("The milestone for %(year)s needs a source."), code="missing_source", params={"year": year}
                )
            row = milestone_revise(
                part=part,
                year=year,
                kind=kind,
                value=value,
                set_on=self.on,
                source=source,
                reason=translated_fields("reason", texts_of(change, "reason")),
                note=translated_fields("note", item.get("note")) if item.get("note") else None,
                in_force_from=self.version.applies_from,
                user=self.user,
            )
            self._audit_created(row)
            before.append({"year": year, "kind": None if old is None else old.kind, "value": _shown(old)})
            after.append({"year": year, "kind": kind, "value": _shown(value)})
        return {**self._part_label(part), "milestones": before}, {"milestones": after}

    # --- after the last change ----------------------------------------------------------------

    def lineage_same(self, parts) -> None:
        """Every part in force that no change touched continues its own series."""
        PartLineage.objects.bulk_create(
            [
                PartLineage(part=part, version=self.version, origin=PartLineage.Origin.SAME)
                for part in parts
                if part.pk not in self.touched
            ]
        )
