"""What a report edition needs of framework versions: the version it reports against, what is in
force in that version, and what changed since the version of the edition before it, as plain data
in every language so that a published edition freezes it with the rest of its content."""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from clusters.models import Framework
from versions.changes import LANGUAGES
from versions.models import Change, FrameworkVersion
from versions.selectors import parts_in_force, version_compare, version_in_force


def edition_version(framework: Framework, *, cut_off: int, bound: FrameworkVersion | None = None) -> FrameworkVersion:
    """The version an edition reports against: the one it was bound to when published (`bound`),
    else the one in force for its cut-off year. A draft follows the version in force, so that a
    revision endorsed while the edition is drafted governs it."""
    if bound is not None:
        return bound
    return version_in_force(framework, cut_off)


def edition_parts(version: FrameworkVersion) -> tuple[QuerySet, QuerySet]:
    """The parts in force in a version, and the ids of the indicators that measure with them (an
    indicator retired, or born in a later version, has none), both as subqueries to filter with."""
    parts = parts_in_force(version)
    return parts, parts.values("indicator_id")


# A reworded text: (target, code, indicator, field); indicator is the part's indicator, else None.
TextKey = tuple[str, str, str | None, str]


def texts_as_of(version: FrameworkVersion) -> dict[TextKey, dict[str, str]]:
    """The texts that endorsed versions later than `version` reworded, as they read in `version`,
    in every language. A reword overwrites the framework's text in place and keeps the old one in
    its change's `before`, so an edition under an earlier version (a 2024 draft once the 2027
    revision is endorsed) puts these back to tell its own version's framework. Later versions are
    read latest first, so that where several reworded the same text the earliest one's `before`
    (the text in `version`) wins. "Later" is the versions' own order (applies_from, endorsed_on,
    id). A draft version has none: it has changed nothing in the framework's tables yet. One query."""
    if not version.is_endorsed:
        return {}
    later = (
        Q(version__applies_from__gt=version.applies_from)
        | Q(version__applies_from=version.applies_from, version__endorsed_on__gt=version.endorsed_on)
        | Q(
            version__applies_from=version.applies_from,
            version__endorsed_on=version.endorsed_on,
            version__pk__gt=version.pk,
        )
    )
    befores = (
        Change.objects.filter(
            later,
            kind=Change.Kind.REWORD,
            version__framework_id=version.framework_id,
            version__status=FrameworkVersion.Status.ENDORSED,
        )
        .order_by("-version__applies_from", "-version__endorsed_on", "-version__pk", "-order")
        .values_list("before", flat=True)
    )
    out: dict[TextKey, dict[str, str]] = {}
    for before in befores:
        key = (before["target"], before["code"], before.get("indicator"), before["field"])
        out[key] = {code: before["text"].get(code) or "" for code in LANGUAGES}
    return out


def version_data(version: FrameworkVersion) -> dict:
    """The version as a report names it: label, endorsing meeting in every language, dates."""
    return {
        "label": version.label,
        "meeting": {code: getattr(version, f"meeting_{code.replace('-', '_')}") or "" for code in LANGUAGES},
        "endorsed_on": version.endorsed_on.isoformat() if version.endorsed_on else None,
        "applies_from": version.applies_from,
    }


def version_changes_data(old: FrameworkVersion, new: FrameworkVersion) -> dict | None:
    """What changed from the previous edition's version to this one's, in every language; None
    when they are the same, or when old is not an earlier version of new (nothing to report)."""
    if old.pk == new.pk or old.framework_id != new.framework_id:
        return None
    try:
        by_language = {code: version_compare(old, new, language=code) for code in LANGUAGES}
    except ValidationError:  # not an earlier version: the previous edition reports a later one
        return None
    return {"from": old.label, "to": new.label, "by_language": by_language}
