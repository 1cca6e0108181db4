"""The kinds of change a revision makes, each checked and applied the same way whether a draft is
being tried (change_add) or endorsed (version_endorse): one rule, one home.

Payloads (codes as in fixtures/carec2030_prf.yaml; texts map every language to a text):

- add_result: {"sector": "TRP", "level": "outcome" | "output", "code", "statement": texts,
  "outcome": <the outcome an output serves>}
- retire_result: {"result": "TSM OC 1"} (retires each of its indicators in force)
- split_result: {"result": "TRD OC 1", "into": [{"code", "statement": texts, "level" (optional: the
  old one's), "outcome" (an output's; optional: the old one's), "indicators": [<an indicator in
  the fixture's shape, a part with "from": {"indicator": <of the old result>, "part"} or a list
  of them>, ...]}, ...]} (two or more)
- merge_results: {"results": [codes of one level, two or more], "into": <one new result as in
  split_result, its parts' "from" naming parts of any merged result>}
- add_indicator: {"result": "TRP OC 1", "indicator": <an indicator in the fixture's shape>}
- split_indicator: {"indicator": "TRP OC 1", "into": [<an indicator in the fixture's shape, with
  "result" (optional: the old one's) and, on a part, "from": <a part of the old indicator>>, ...]}
  (two or more)
- merge_indicators: {"indicators": [codes, two or more], "into": <an indicator in the fixture's
  shape, with "result" (optional: the first's) and, on a part, "from": [{"indicator", "part"}, ...]>}
- retire_indicator: {"indicator": "TRD OC 2"}
- add_part: {"indicator": "TRP OC 1", "part": <a part in the fixture's shape>}
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

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from clusters.models import in_force_holds
from indicators import framework_import
from indicators.models import Indicator, IndicatorPart
from versions.changes.common import LANGUAGES, texts_of, texts_required
from versions.changes.parts import SeriesChanges
from versions.changes.structure import StructureChanges
from versions.models import Change, FrameworkVersion, PartLineage, Retirement
from workflow.audit import audit_record
from workflow.models import AuditEntry

__all__ = ["LANGUAGES", "Applier", "texts_required"]  # what the rest of the app uses


class Applier(StructureChanges, SeriesChanges):
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
        # in force in the revision's first year: not retired by it or before (one rule, its years)
        if part is None or not in_force_holds(self.version.applies_from, part.in_force_from, part.in_force_until):
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
        """Where the part's series comes from in this version: one answer per part, so a second
        change of a part's series in the same revision is refused (write it as one change)."""
        if part.pk in self.touched:
            raise ValidationError(
                _("Part %(part)s of %(indicator)s is already changed by an earlier change of this revision."),
                code="part_changed_twice",
                params={"part": part.code, "indicator": part.indicator.code},
            )
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
