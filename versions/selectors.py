"""Reads of framework versions: who may see which version, which version governs a reporting
year, which parts are in force in a version, and what changed between two versions."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters.models import Framework
from indicators.models import IndicatorPart, Milestone
from versions.changes import LANGUAGES
from versions.initial import version_initial_ensure
from versions.models import Change, FrameworkVersion
from workflow.permissions import Access

# The comparison's groups, in the order the page shows them.
GROUPS = [
    ("added", gettext_lazy("Added"), [Change.Kind.ADD_RESULT, Change.Kind.ADD_INDICATOR, Change.Kind.ADD_PART]),
    (
        "retired",
        gettext_lazy("Retired"),
        [Change.Kind.RETIRE_RESULT, Change.Kind.RETIRE_INDICATOR, Change.Kind.RETIRE_PART],
    ),
    ("reworded", gettext_lazy("Reworded"), [Change.Kind.REWORD]),
    ("split", gettext_lazy("Split"), [Change.Kind.SPLIT_PART, Change.Kind.SPLIT_INDICATOR, Change.Kind.SPLIT_RESULT]),
    (
        "merged",
        gettext_lazy("Merged"),
        [Change.Kind.MERGE_PARTS, Change.Kind.MERGE_INDICATORS, Change.Kind.MERGE_RESULTS],
    ),
    ("retargeted", gettext_lazy("Milestones re-set"), [Change.Kind.RETARGET]),
    ("rebased", gettext_lazy("Baselines re-set"), [Change.Kind.REBASE]),
]


def framework_default() -> Framework | None:
    return Framework.objects.order_by("code").first()


def versions_visible(user, framework: Framework) -> QuerySet:
    """The versions this user may see: the public and readers only endorsed ones; the
    secretariat also drafts under way."""
    version_initial_ensure(framework=framework)
    versions = FrameworkVersion.objects.filter(framework=framework).select_related("framework")
    return versions.visible_to(manager=Access(user).can_manage())


def versions_endorsed(framework: Framework) -> list[FrameworkVersion]:
    """Endorsed versions, oldest first (by the first year each governs)."""
    version_initial_ensure(framework=framework)
    return list(FrameworkVersion.objects.filter(framework=framework, status=FrameworkVersion.Status.ENDORSED))


def version_in_force(framework: Framework, year: int) -> FrameworkVersion:
    """The endorsed version that governs a reporting year; the first version for years before it."""
    return FrameworkVersion.governing(versions_endorsed(framework), year)


def parts_in_force(version: FrameworkVersion) -> QuerySet:
    """The parts a version measures: those in force in the first year it governs (a revision
    retires parts and adds new ones from that year; see IndicatorPart.in_force_from). A draft
    measures what it revises."""
    return IndicatorPart.objects.filter(indicator__framework=version.framework_id).in_force(version.measured_year)


def _between(old: FrameworkVersion, new: FrameworkVersion) -> list[FrameworkVersion]:
    """The versions after old up to new, following each version back to the one it revised."""
    by_id = {v.pk: v for v in FrameworkVersion.objects.filter(framework=new.framework)}
    chain, at = [], by_id.get(new.pk)
    while at is not None and at.pk != old.pk:
        chain.append(at)
        at = by_id.get(at.based_on_id)
    if at is None:
        raise ValidationError(
            _("Version %(old)s is not an earlier version of %(new)s."),
            code="not_earlier",
            params={"old": old.label, "new": new.label},
        )
    return chain[::-1]


def _text(texts: dict | None, language: str) -> str:
    texts = texts or {}
    return texts.get(language) or texts.get("en") or ""


def _part_line(label: dict, language: str) -> str:
    return _("%(indicator)s · %(code)s: %(name)s") % {
        "indicator": label["indicator"],
        "code": label["code"],
        "name": _text(label.get("name"), language),
    }


def _milestone_line(item: dict) -> str:
    if item.get("kind") is None:
        return _("%(year)s: none") % {"year": item["year"]}
    return _("%(year)s: %(kind)s %(value)s") % {
        "year": item["year"],
        "kind": Milestone.Kind(item["kind"]).label,
        "value": item.get("value") or "",
    }


def _indicator_lines(indicator: dict, language: str) -> list[str]:
    """An indicator and its parts, each new part with where its series comes from (when the
    change recorded it: a split or a merge of indicators)."""
    lines = [_("%(code)s: %(text)s") % {"code": indicator["code"], "text": _text(indicator["statement"], language)}]
    for part in indicator["parts"]:
        params = {"code": part["code"], "text": _text(part["name"], language)}
        if "from" not in part:
            lines.append(_("%(code)s: %(text)s") % params)
        elif part["from"]:
            params["parts"] = ", ".join(f"{s['indicator']} · {s['code']}" for s in part["from"])
            lines.append(_("%(code)s: %(text)s (series from %(parts)s)") % params)
        else:
            lines.append(_("%(code)s: %(text)s (new series)") % params)
    return lines


def _result_lines(result: dict, language: str) -> list[str]:
    """A result of a split or a merge of results: its statement, the outcome a new output
    serves, and its indicators with their parts (a new part with where its series comes from)."""
    lines = [_("%(code)s: %(text)s") % {"code": result["code"], "text": _text(result["statement"], language)}]
    if result.get("outcome"):
        lines.append(_("serves outcome %(code)s") % {"code": result["outcome"]})
    for indicator in result["indicators"]:
        lines += _indicator_lines(indicator, language)
    return lines


def _described(kind: str, before: dict, after: dict, language: str) -> dict:
    """What a change shows: its subject and lines before and after, in the active language."""
    if kind == Change.Kind.ADD_RESULT:
        lines = [_("%(code)s: %(text)s") % {"code": after["code"], "text": _text(after["statement"], language)}]
        if after.get("outcome"):
            lines.append(_("serves outcome %(code)s") % {"code": after["outcome"]})
        return {"subject": after["code"], "before": [], "after": lines}
    if kind == Change.Kind.RETIRE_RESULT:
        lines = [_("%(code)s: %(text)s") % {"code": before["code"], "text": _text(before["statement"], language)}]
        lines += [
            _("%(code)s: %(text)s") % {"code": i["code"], "text": _text(i["statement"], language)}
            for i in before["indicators"]
        ]
        return {
            "subject": before["code"],
            "before": lines,
            "after": [_("retired with its indicators; their values are kept")],
        }
    if kind == Change.Kind.ADD_INDICATOR:
        lines = [_("%(code)s: %(text)s") % {"code": after["code"], "text": _text(after["statement"], language)}]
        lines += [
            _("%(code)s: %(text)s") % {"code": p["code"], "text": _text(p["name"], language)} for p in after["parts"]
        ]
        return {"subject": after["code"], "before": [], "after": lines}
    if kind == Change.Kind.ADD_PART:
        params = {"code": after["code"], "text": _text(after["name"], language)}
        return {
            "subject": f"{after['indicator']} · {after['code']}",
            "before": [],
            "after": [
                _("%(code)s: %(text)s") % {"code": after["indicator"], "text": _text(after["statement"], language)},
                _("%(code)s: %(text)s (new series)") % params,
            ],
        }
    if kind == Change.Kind.RETIRE_INDICATOR:
        return {
            "subject": before["code"],
            "before": [_text(before["statement"], language)],
            "after": [_("retired; its values are kept")],
        }
    if kind == Change.Kind.RETIRE_PART:
        went = [_part_line(p, language) for p in after["went_to"]]
        return {
            "subject": f"{before['indicator']} · {before['code']}",
            "before": [_text(before["name"], language)],
            "after": [_("continued by:"), *went] if went else [_("discontinued; its values are kept")],
        }
    if kind == Change.Kind.REWORD:
        subject = " · ".join(x for x in (before.get("indicator"), before["code"]) if x)
        return {
            "subject": _("%(subject)s, %(field)s") % {"subject": subject, "field": before["field"]},
            "before": [_text(before["text"], language)],
            "after": [_text(after["text"], language)],
        }
    if kind == Change.Kind.SPLIT_PART:
        return {
            "subject": f"{before['indicator']} · {before['code']}",
            "before": [_part_line(before, language)],
            "after": [_part_line(p, language) for p in after["parts"]],
        }
    if kind == Change.Kind.MERGE_PARTS:
        return {
            "subject": f"{after['indicator']} · {after['code']}",
            "before": [_part_line(p, language) for p in before["parts"]],
            "after": [_part_line(after, language)],
        }
    if kind == Change.Kind.SPLIT_INDICATOR:
        return {
            "subject": before["code"],
            "before": _indicator_lines(before, language),
            "after": [line for item in after["indicators"] for line in _indicator_lines(item, language)],
        }
    if kind == Change.Kind.MERGE_INDICATORS:
        return {
            "subject": after["code"],
            "before": [line for item in before["indicators"] for line in _indicator_lines(item, language)],
            "after": _indicator_lines(after, language),
        }
    if kind == Change.Kind.SPLIT_RESULT:
        return {
            "subject": before["code"],
            "before": _result_lines(before, language),
            "after": [line for item in after["results"] for line in _result_lines(item, language)],
        }
    if kind == Change.Kind.MERGE_RESULTS:
        return {
            "subject": after["code"],
            "before": [line for item in before["results"] for line in _result_lines(item, language)],
            "after": _result_lines(after, language),
        }
    if kind == Change.Kind.REBASE:
        lines = [_("baseline %(year)s: %(value)s") % after["baseline"]]
        if after.get("factor"):
            lines.append(_("multiplied by %(factor)s") % {"factor": after["factor"]})
        if after.get("offset"):
            lines.append(_("plus %(offset)s") % {"offset": after["offset"]})
        return {
            "subject": f"{before['indicator']} · {before['code']}",
            "before": [_("baseline %(year)s: %(value)s") % before["baseline"]],
            "after": lines,
        }
    # retarget
    return {
        "subject": f"{before['indicator']} · {before['code']}",
        "before": [_milestone_line(m) for m in before["milestones"]],
        "after": [_milestone_line(m) for m in after["milestones"]],
    }


def version_compare(old: FrameworkVersion, new: FrameworkVersion, *, language: str | None = None) -> dict:
    """What changed from old to new, grouped by kind (added, retired, reworded, split, merged,
    re-targeted, rebased), each change with its texts before and after and its reason in the
    language asked for (the active one by default). Two queries, whatever the number of changes.
    Callers fetch the versions through versions_visible, which decides who may see a draft."""
    language = language if language in LANGUAGES else translation.get_language() or "en"
    versions = _between(old, new)
    changes = Change.objects.filter(version__in=versions).order_by("version__applies_from", "version_id", "order")
    labels = {v.pk: v.label for v in versions}
    suffix = language.replace("-", "_")
    groups = {key: [] for key, _title, _kinds in GROUPS}
    group_of = {kind: key for key, _title, kinds in GROUPS for kind in kinds}
    with translation.override(language):
        for change in changes:
            groups[group_of[change.kind]].append(
                {
                    "kind": change.kind,
                    "kind_label": str(Change.Kind(change.kind).label),
                    "version": labels[change.version_id],
                    **_described(change.kind, change.before, change.after, language),
                    "reason": getattr(change, f"reason_{suffix}") or change.reason_en,
                }
            )
        return {
            "from": old.label,
            "to": new.label,
            "language": language,
            "count": sum(len(items) for items in groups.values()),
            "groups": [{"key": key, "title": str(title), "changes": groups[key]} for key, title, _kinds in GROUPS],
        }
