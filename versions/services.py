"""Writes to framework versions: drafting a revision, adding its changes, sending it for review,
endorsing it (which applies every change at once) and withdrawing it. Only the secretariat acts;
every action leaves an audit entry."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carec_prf.translated import translated_fields
from clusters.cache import page_cache_clear
from clusters.models import Framework
from indicators.models import IndicatorPart
from progress.services import recompute_request
from versions.changes import Applier, texts_required
from versions.initial import version_initial_ensure
from versions.models import Change, FrameworkVersion
from versions.selectors import parts_in_force, versions_endorsed
from workflow.audit import audit_record, snapshot
from workflow.models import AuditEntry
from workflow.permissions import Access


class _DryRun(Exception):
    """Rolls back a trial application of a draft's changes."""


def manager_required(user) -> None:
    """Only the secretariat drafts, reviews, endorses or previews a revision."""
    if not Access(user).can_manage():
        raise PermissionDenied(_("Only the secretariat may revise the framework."))


def _locked(version: FrameworkVersion, *statuses: str) -> FrameworkVersion:
    version = FrameworkVersion.objects.select_for_update().select_related("framework").get(pk=version.pk)
    if version.status not in statuses:
        raise ValidationError(
            _("Version %(label)s is %(status)s: this cannot be done now."),
            code="bad_status",
            params={"label": version.label, "status": version.get_status_display()},
        )
    return version


def _stale_check(version: FrameworkVersion) -> None:
    """A draft revises the version in force when it was drafted; if another has been endorsed
    since, its changes were written against texts that may no longer be there."""
    in_force = versions_endorsed(version.framework)[-1]
    if version.based_on_id != in_force.pk:
        raise ValidationError(
            _("Version %(label)s revises %(based_on)s, but %(in_force)s is now in force: draft it again."),
            code="stale",
            params={"label": version.label, "based_on": version.based_on.label, "in_force": in_force.label},
        )


def _apply_all(
    version: FrameworkVersion, changes: list[Change], *, user, on: datetime.date, trial: Change | None = None
) -> tuple[Applier, list[tuple]]:
    """Apply changes in order; refuse, naming the change, one that no longer finds what it was
    drafted against or no longer applies (the trial change has no record of that yet)."""
    applier = Applier(version=version, user=user, on=on)
    results = []
    for change in changes:
        try:
            before, after = applier.apply(change)
        except ValidationError as error:
            raise ValidationError(
                [
                    _("Change %(order)s (%(kind)s): %(message)s")
                    % {"order": change.order, "kind": change.get_kind_display(), "message": message}
                    for message in error.messages
                ],
                code="does_not_apply",
            ) from None
        if change is not trial and change.before != before:
            raise ValidationError(
                _("Change %(order)s (%(kind)s): what it changes has been changed since it was drafted."),
                code="stale",
                params={"order": change.order, "kind": change.get_kind_display()},
            )
        results.append((change, before, after))
    return applier, results


def version_tried(*, user, version: FrameworkVersion, read):
    """What `read()` returns while every change of an open revision is applied as endorsement
    would apply it (the same stale checks, in order), inside a savepoint rolled back after:
    nothing of it stays. A change that no longer applies is refused as endorsement would."""
    manager_required(user)
    _stale_check(version)
    changes = list(version.changes.order_by("order"))
    try:
        with transaction.atomic():
            _apply_all(version, changes, user=user, on=timezone.now().date())
            raise _DryRun(read())
    except _DryRun as outcome:
        return outcome.args[0]


@transaction.atomic
def version_draft_create(*, user, framework: Framework, label: str, applies_from: int) -> FrameworkVersion:
    """Start a revision of the version in force. It holds no changes yet and nobody but the
    secretariat sees it."""
    manager_required(user)
    label = (label or "").strip()
    if not label:
        raise ValidationError(_("A version needs a label, such as 2027."), code="missing_label")
    if FrameworkVersion.objects.filter(framework=framework, label=label).exists():
        raise ValidationError(
            _("This framework already has a version %(label)s."), code="duplicate_label", params={"label": label}
        )
    if FrameworkVersion.objects.filter(
        framework=framework, status__in=[FrameworkVersion.Status.DRAFT, FrameworkVersion.Status.IN_REVIEW]
    ).exists():
        raise ValidationError(
            _("A revision of this framework is already under way; endorse or withdraw it first."), code="open_draft"
        )
    version_initial_ensure(framework=framework)
    in_force = versions_endorsed(framework)[-1]
    if applies_from <= in_force.applies_from:
        raise ValidationError(
            _("A revision must apply from a year after %(year)s, when version %(label)s took effect."),
            code="bad_year",
            params={"year": in_force.applies_from, "label": in_force.label},
        )
    version = FrameworkVersion.objects.create(
        framework=framework, label=label, applies_from=applies_from, based_on=in_force, created_by=user
    )
    audit_record(actor=user, action=AuditEntry.Action.CREATE, obj=version, before={}, reason=_("Revision drafted."))
    return version


@transaction.atomic
def change_add(*, user, version: FrameworkVersion, kind: str, payload: dict, reason: dict) -> Change:
    """Add a change to a draft. It is tried at once after the draft's earlier changes, and rolled
    back, so that a payload that would not apply is refused now, naming what is wrong."""
    manager_required(user)
    version = _locked(version, FrameworkVersion.Status.DRAFT)
    if kind not in Change.Kind.values:
        raise ValidationError(
            _("“%(kind)s” is not a kind of change (%(kinds)s)."),
            code="bad_kind",
            params={"kind": kind, "kinds": ", ".join(Change.Kind.values)},
        )
    reason = texts_required(reason, _("The reason"))
    earlier = list(version.changes.order_by("order"))
    change = Change(
        version=version,
        order=len(earlier) + 1,
        kind=kind,
        payload=payload,
        created_by=user,
        **translated_fields("reason", reason),
    )
    try:
        with transaction.atomic():
            change.save()  # retirements made in the trial point at it
            _applier, results = _apply_all(
                version, [*earlier, change], user=user, on=timezone.now().date(), trial=change
            )
            raise _DryRun(results[-1][1:])
    except _DryRun as outcome:
        change.before, change.after = outcome.args[0]
    change.pk = None  # the trial's row was rolled back
    change.save()
    audit_record(actor=user, action=AuditEntry.Action.CREATE, obj=change, before={}, reason=reason["en"])
    return change


@transaction.atomic
def version_submit(*, user, version: FrameworkVersion) -> FrameworkVersion:
    """Send a draft for review: its changes are frozen."""
    manager_required(user)
    version = _locked(version, FrameworkVersion.Status.DRAFT)
    if not version.changes.exists():
        raise ValidationError(_("A revision with no changes cannot be sent for review."), code="empty")
    before = snapshot(version)
    version.status = FrameworkVersion.Status.IN_REVIEW
    version.save(update_fields=["status", "updated_at"])
    audit_record(actor=user, action=AuditEntry.Action.SUBMIT, obj=version, before=before, reason=_("Sent for review."))
    return version


@transaction.atomic
def version_endorse(*, user, version: FrameworkVersion, endorsed_on: datetime.date, meeting: dict) -> FrameworkVersion:
    """Record the endorsement and apply every change, in order, all or nothing. What the public
    sees of the framework changes only here."""
    manager_required(user)
    version = _locked(version, FrameworkVersion.Status.IN_REVIEW)
    meeting = texts_required(meeting, _("The endorsing meeting"))
    _stale_check(version)
    if endorsed_on < version.based_on.endorsed_on:
        raise ValidationError(
            _("A revision cannot be endorsed before the version it revises (%(date)s)."),
            code="bad_date",
            params={"date": version.based_on.endorsed_on},
        )
    applier, results = _apply_all(version, list(version.changes.order_by("order")), user=user, on=endorsed_on)
    for change, before, after in results:
        change.before, change.after = before, after
        change.save(update_fields=["before", "after"])
    before = snapshot(version)
    version.status = FrameworkVersion.Status.ENDORSED
    version.endorsed_on = endorsed_on
    version.endorsed_by = user
    for name, text in translated_fields("meeting", meeting).items():
        setattr(version, name, text)
    version.save()
    applier.lineage_same(parts_in_force(version))
    # ratings are per version: every part's ratings from the year the revision governs change
    recompute_request(
        part_ids=list(IndicatorPart.objects.filter(indicator__framework=version.framework).values_list("id", flat=True))
    )
    audit_record(
        actor=user,
        action=AuditEntry.Action.APPROVE,
        obj=version,
        before=before,
        reason=_("Endorsed at %(meeting)s.") % {"meeting": meeting["en"]},
    )
    transaction.on_commit(page_cache_clear)
    return version


@transaction.atomic
def version_withdraw(*, user, version: FrameworkVersion, reason: str = "") -> FrameworkVersion:
    """Abandon a draft or a revision in review; nothing of it was ever applied."""
    manager_required(user)
    version = _locked(version, FrameworkVersion.Status.DRAFT, FrameworkVersion.Status.IN_REVIEW)
    before = snapshot(version)
    version.status = FrameworkVersion.Status.WITHDRAWN
    version.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=user, action=AuditEntry.Action.UPDATE, obj=version, before=before, reason=reason or _("Withdrawn.")
    )
    return version
