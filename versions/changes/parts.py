"""The changes to a part's series: added, retired, split, merged, rebased, re-targeted. Mixed into
versions.changes.Applier, whose lookups and records they use."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _

from carec_prf.translated import translated_fields
from indicators.models import NUMERIC_TYPES, Availability, Milestone
from indicators.services import baseline_revise, milestone_revise
from indicators.values import typed_value
from versions.changes.common import _number, _plain, _required, _shown, texts_of, texts_required
from versions.models import Change, PartLineage, Retirement


class SeriesChanges:
    def _add_part(self, change: Change, payload: dict) -> tuple[dict, dict]:
        """A new part of an indicator in force, after its parts: a new series, measured from the
        version's first year (its baseline and milestones as the payload gives them)."""
        _required(payload, "indicator", "part")
        indicator = self.indicator(payload["indicator"])
        item = payload["part"]
        code = item.get("code") if isinstance(item, dict) else None
        order = (indicator.parts.aggregate(last=Max("order"))["last"] or 0) + 1
        part = self._new_part(indicator, item, order, f"{indicator.code} part {code}")
        self._lineage(part, PartLineage.Origin.NEW)
        return {}, {**self._part_label(part), "statement": texts_of(indicator, "statement")}

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
