"""The changes to a framework's structure: results and whole indicators added, retired, split
and merged, and texts reworded. Mixed into versions.changes.Applier, whose lookups and records
they use."""

import copy

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _

from carec_prf.translated import translated_fields
from clusters.models import Result, Sector
from indicators import framework_import
from indicators.models import Indicator, IndicatorPart
from versions.changes.common import REWORDABLE, _required, texts_of, texts_required
from versions.models import Change, PartLineage, Retirement
from workflow.audit import audit_record, snapshot
from workflow.models import AuditEntry


class StructureChanges:
    def _add_result(self, change: Change, payload: dict) -> tuple[dict, dict]:
        """A new outcome or output of a sector, holding no indicator until an add_indicator
        change (later in the same draft, or in a later revision) gives it one."""
        _result, after = self._result_create(payload)
        return {}, after

    def _result_create(self, payload: dict) -> tuple[Result, dict]:
        """A new result stated from the version's first year: add_result, split_result and
        merge_results check and create it the same way. Returns it and its description."""
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
        return result, after

    def _result_in_force(self, code) -> tuple[Result, list[Indicator]]:
        """An outcome or output to retire, split or merge, with its indicators in force (it has
        some: a result emptied earlier has nothing left to retire)."""
        result = Result.objects.filter(framework=self.framework, code=code).first()
        if result is None or result.level == Result.Level.IMPACT:
            raise ValidationError(
                _("No outcome or output “%(code)s” in this framework."),
                code="unknown_result",
                params={"code": code},
            )
        retired = Retirement.objects.filter(indicator__result=result).values("indicator_id")
        indicators = list(result.indicators.exclude(pk__in=retired).order_by("order", "code"))
        if not indicators:
            raise ValidationError(
                _("The result “%(code)s” has no indicator in force to retire."),
                code="nothing_in_force",
                params={"code": result.code},
            )
        return result, indicators

    def _result_retire(self, change: Change, result: Result, indicators, fate=None, successors_of=None) -> None:
        """Retire each indicator in force of a result (with `fate` and the parts that continue it,
        when successors_of names some; discontinued otherwise) and state the result up to the
        year before the version governs."""
        for indicator in indicators:
            successors = successors_of(indicator) if successors_of is not None else []
            self._retire(
                change, fate if successors else Retirement.Fate.DISCONTINUED, indicator=indicator, successors=successors
            )
        if result.in_force_until is None:  # a result retired earlier keeps its first end
            state = snapshot(result)
            result.in_force_until = self.version.applies_from - 1
            result.save(update_fields=["in_force_until"])
            audit_record(actor=self.user, action=AuditEntry.Action.UPDATE, obj=result, before=state, reason=self.reason)

    def _retire_result(self, change: Change, payload: dict) -> tuple[dict, dict]:
        """A result is retired by retiring each of its indicators in force: nothing of it is
        measured from the version's first year, and its values and history stay."""
        _required(payload, "result")
        result, indicators = self._result_in_force(payload["result"])
        self._result_retire(change, result, indicators)
        before = {
            "code": result.code,
            "level": result.level,
            "statement": texts_of(result, "statement"),
            "indicators": [{"code": i.code, "statement": texts_of(i, "statement")} for i in indicators],
        }
        return before, {}

    def _indicator_create(self, result_code, item) -> tuple[Indicator, list[IndicatorPart], dict]:
        """A new indicator of a result, with its parts measured from the version's first year:
        add_indicator, split_indicator, merge_indicators, split_result and merge_results check and
        create it the same way, and each then says where its parts' series come from. Returns the
        indicator, its parts and its description for the comparison (before the parts' lineage)."""
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

    # --- results split and merged: new results with new indicators; the old ones retired ------

    @classmethod
    def _result_label(cls, result: Result, indicators: list[Indicator]) -> dict:
        """A result in force, as a split or a merge finds it: its statement, its indicators in
        force and their parts."""
        return {
            "code": result.code,
            "level": result.level,
            "statement": texts_of(result, "statement"),
            "indicators": [cls._indicator_label(indicator) for indicator in indicators],
        }

    def _sources_in(self, indicators: list[Indicator], results: list[str]):
        """sources_of for the parts of the new results' indicators: a part's "from" names one
        part ({indicator, part}) or several ([...]) of the indicators in force of the results
        split or merged; none is a new series."""
        codes = {indicator.code for indicator in indicators}
        named_results = ", ".join(map(str, results))

        def sources_of(part_item: dict) -> list[IndicatorPart]:
            named = part_item.get("from")
            if named is None:
                return []
            named = [named] if isinstance(named, dict) else named
            if not isinstance(named, list) or not named or any(not isinstance(n, dict) for n in named):
                raise ValidationError(
                    _("“from” of part %(part)s names parts of the indicators of %(results)s: {indicator, part}."),
                    code="bad_source",
                    params={"part": part_item.get("code"), "results": named_results},
                )
            sources = []
            for source in named:
                indicator = source.get("indicator")
                if not isinstance(indicator, str) or indicator not in codes:
                    raise ValidationError(
                        _("“%(indicator)s” is not an indicator in force of %(results)s."),
                        code="bad_source",
                        params={"indicator": indicator, "results": named_results},
                    )
                part = self.part(indicator, source.get("part"))
                if part not in sources:
                    sources.append(part)
            return sources

        return sources_of

    def _results_created(
        self, items: list, defaults: dict, retiring: list, sources_of
    ) -> tuple[list[dict], list[IndicatorPart]]:
        """The new results of a split or a merge (created as add_result creates one), each with
        its indicators (created as a split of indicators creates them, under it). A new result
        takes the sector, level and outcome in `defaults` unless it names its own; it may not
        serve an outcome the change retires. Returns their descriptions and the parts made."""
        described, created = [], []
        for item in items:
            if not isinstance(item, dict):
                raise ValidationError(_("Each new result must be a mapping of its fields."), code="bad_payload")
            level = item.get("level") or defaults["level"]
            outcome = item.get("outcome") or (defaults["outcome"] if level == Result.Level.OUTPUT else None)
            if outcome is not None and outcome in retiring:
                raise ValidationError(
                    _("The new result %(code)s cannot serve %(outcome)s: this change retires it."),
                    code="serves_retired",
                    params={"code": item.get("code"), "outcome": outcome},
                )
            indicators = item.get("indicators") or []
            if not isinstance(indicators, list):
                raise ValidationError(_("The indicators of a new result must be a list."), code="bad_payload")
            result, after = self._result_create(
                {
                    "sector": item.get("sector") or defaults["sector"],
                    "level": level,
                    "code": item.get("code"),
                    "statement": item.get("statement"),
                    "outcome": outcome,
                }
            )
            # each indicator goes under its new result; nothing is placed under another one
            into = [{**i, "result": result.code} if isinstance(i, dict) else i for i in indicators]
            after["indicators"], parts = self._new_indicators(into, result.code, sources_of)
            described.append(after)
            created += parts
        return described, created

    def _successors_of(self, created: list[IndicatorPart]):
        """For an old indicator, the new parts whose series continue one of its parts."""
        pairs = set(
            PartLineage.objects.filter(version=self.version, part__in=created).values_list(
                "part_id", "sources__indicator_id"
            )
        )
        return lambda indicator: [part for part in created if (part.pk, indicator.pk) in pairs]

    @staticmethod
    def _result_defaults(result: Result) -> dict:
        return {
            "sector": result.sector.code,
            "level": result.level,
            "outcome": result.parent.code if result.parent_id else None,
        }

    def _split_result(self, change: Change, payload: dict) -> tuple[dict, dict]:
        """One outcome or output becomes two or more new ones, each with new indicators whose
        parts continue the series of the old result's parts their "from" names, or start new
        ones. Nothing moves between results, so that old editions keep their structure: the old
        result is retired, each of its indicators split into the parts that continue it (or
        discontinued, where none does)."""
        _required(payload, "result")
        into = payload.get("into")
        if not isinstance(into, list) or len(into) < 2:
            raise ValidationError(_("A result is split into two or more new results."), code="split_too_few")
        old, indicators = self._result_in_force(payload["result"])
        before = self._result_label(old, indicators)
        sources_of = self._sources_in(indicators, [old.code])
        described, created = self._results_created(into, self._result_defaults(old), [old.code], sources_of)
        self._result_retire(change, old, indicators, Retirement.Fate.SPLIT, self._successors_of(created))
        return before, {"results": described}

    def _merge_results(self, change: Change, payload: dict) -> tuple[dict, dict]:
        """Two or more outcomes (or outputs) become one new result, whose indicators' parts
        continue the series of the parts their "from" names, in any of the merged results. The
        merged results are retired, each indicator merged into the parts that continue it (or
        discontinued, where none does)."""
        _required(payload, "results", "into")
        codes = payload["results"]
        if not isinstance(codes, list) or len(set(map(str, codes))) < 2:
            raise ValidationError(_("Two or more results are merged into one."), code="merge_too_few")
        for code in codes:
            if codes.count(code) > 1:
                raise ValidationError(
                    _("The result “%(code)s” is named twice."), code="duplicate_result", params={"code": code}
                )
        found = [self._result_in_force(code) for code in codes]
        if len({result.level for result, _indicators in found}) > 1:
            raise ValidationError(
                _("The results merged must be all outcomes or all outputs."), code="merge_mixed_levels"
            )
        before = {"results": [self._result_label(result, indicators) for result, indicators in found]}
        sources_of = self._sources_in([i for _result, indicators in found for i in indicators], codes)
        defaults = self._result_defaults(found[0][0])
        described, created = self._results_created([payload["into"]], defaults, codes, sources_of)
        successors_of = self._successors_of(created)
        for result, indicators in found:
            self._result_retire(change, result, indicators, Retirement.Fate.MERGED, successors_of)
        return before, described[0]

    def _retire_indicator(self, change: Change, payload: dict) -> tuple[dict, dict]:
        _required(payload, "indicator")
        indicator = self.indicator(payload["indicator"])
        before = {"code": indicator.code, "statement": texts_of(indicator, "statement")}
        self._retire(change, Retirement.Fate.DISCONTINUED, indicator=indicator)
        return before, {}

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
