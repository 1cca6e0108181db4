"""Writes of the review workflow. Every function checks the user's rights (workflow.permissions),
refuses locked years, works in one transaction and leaves an audit entry."""

import mimetypes
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import Country, Sector
from indicators.display import format_value
from indicators.models import Indicator, IndicatorPart, Observation, Source
from indicators.values import TypedValueFields
from workflow import notifications
from workflow.audit import audit_record, snapshot
from workflow.models import Attachment, AuditEntry, Comment, FocalPointAssignment, Narrative, ReportingYear
from workflow.permissions import Access

PENDING = (Observation.Status.DRAFT, Observation.Status.SUBMITTED, Observation.Status.RETURNED)


class ConflictError(ValidationError):
    """Someone else saved the same value since this user loaded it."""

    def __init__(self, *, theirs: str, mine: str, by: str) -> None:
        super().__init__(
            _(
                "Someone else (%(by)s) changed this value while you were editing it: it is now %(theirs)s; you "
                "entered %(mine)s. Nothing of yours was saved: check the value and save again."
            )
            % {"by": by, "theirs": theirs, "mine": mine},
            code="conflict",
        )
        self.theirs, self.mine = theirs, mine


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def year_check_open(year: int) -> None:
    reporting = ReportingYear.objects.filter(year=year).first()
    if reporting is None:
        raise ValidationError(
            _("The reporting year %(year)s is not open for entry; the secretariat opens reporting years."),
            code="year_not_open",
            params={"year": year},
        )
    if reporting.status != ReportingYear.Status.OPEN:
        raise ValidationError(
            _(
                "The reporting year %(year)s is locked: its values can no longer be changed. Ask the secretariat "
                "to reopen it."
            ),
            code="year_locked",
            params={"year": year},
        )


def _sector_id(part: IndicatorPart) -> int | None:
    return part.indicator.result.sector_id


@transaction.atomic
def observation_save(
    *,
    user,
    part: IndicatorPart,
    country: Country | None,
    year: int,
    value: TypedValueFields,
    expected_version: int | None,
    kind: str = Observation.Kind.ACTUAL,
    source: Source | None = None,
    citation: str = "",
    evidence_url: str = "",
    note: str = "",
    revision_reason: str = "",
) -> Observation:
    """Enter or edit a value (a draft). expected_version is the version the user saw (None for a
    cell that was empty); a different one means someone else saved meanwhile."""
    access = Access(user)
    if not access.can_enter(_sector_id(part), country.pk if country else None):
        raise _deny(_("You may not enter values for this sector or country."))
    year_check_open(year)
    pending = (
        Observation.objects.select_for_update(of=("self",))
        .filter(part=part, country=country, year=year, status__in=PENDING)
        .first()
    )
    approved = Observation.objects.filter(
        part=part, country=country, year=year, status=Observation.Status.APPROVED
    ).exists()
    fields = {
        "availability": value.availability,
        **value.model_fields(),
        "kind": kind,
        "source": source,
        "citation": citation,
        "evidence_url": evidence_url,
        "note": note,
        "revision_reason": revision_reason,
    }
    if pending is not None:
        if expected_version != pending.version:
            raise ConflictError(
                theirs=format_value(pending),
                mine=format_value(value),
                by=str(pending.updated_by or pending.created_by or _("unknown")),
            )
        if approved and not revision_reason.strip() and not pending.revision_reason:
            raise ValidationError(_("Give a reason for revising the approved value."), code="reason_required")
        before = snapshot(pending)
        for name, field_value in fields.items():
            setattr(pending, name, field_value)
        if not revision_reason:
            pending.revision_reason = before.get("revision_reason", "")
        pending.status = Observation.Status.DRAFT
        pending.updated_by = user
        pending.version += 1
        pending.full_clean(exclude=["part", "country", "countries", "source", "created_by"], validate_unique=False)
        pending.save()
        pending.countries.set(Country.objects.filter(code__in=value.countries))
        audit_record(actor=user, action=AuditEntry.Action.UPDATE, obj=pending, before=before)
        return pending
    if expected_version not in (None, 0):
        raise ConflictError(theirs=_("removed"), mine=format_value(value), by=_("someone else"))
    if approved and not revision_reason.strip():
        raise ValidationError(_("Give a reason for revising the approved value."), code="reason_required")
    try:
        with transaction.atomic():  # a savepoint: someone may create the same cell at this moment
            observation = Observation.objects.create(
                part=part,
                country=country,
                year=year,
                status=Observation.Status.DRAFT,
                created_by=user,
                updated_by=user,
                **fields,
            )
    except IntegrityError:
        raise ConflictError(
            theirs=_("a value entered at the same moment"), mine=format_value(value), by=_("someone else")
        ) from None
    observation.countries.set(Country.objects.filter(code__in=value.countries))
    audit_record(actor=user, action=AuditEntry.Action.CREATE, obj=observation, before={})
    return observation


def _locked_pending(observation: Observation) -> Observation:
    return (
        Observation.objects.select_for_update(of=("self",))
        .select_related("part__indicator__result", "country")
        .get(pk=observation.pk)
    )


@transaction.atomic
def observation_submit(*, user, observation: Observation, expected_version: int | None = None) -> Observation:
    observation = _locked_pending(observation)
    access = Access(user)
    if not access.can_enter(_sector_id(observation.part), observation.country_id):
        raise _deny(_("You may not submit values for this sector or country."))
    year_check_open(observation.year)
    if expected_version is not None and expected_version != observation.version:
        raise ConflictError(theirs=format_value(observation), mine="—", by=str(observation.created_by or "?"))
    if observation.status not in (Observation.Status.DRAFT, Observation.Status.RETURNED):
        raise ValidationError(
            _("Only a draft or returned value can be submitted; this one is “%(status)s”."),
            code="not_draft",
            params={"status": Observation.Status(observation.status).label},
        )
    before = snapshot(observation)
    observation.status = Observation.Status.SUBMITTED
    observation.version += 1
    observation.save(update_fields=["status", "version", "updated_at"])
    audit_record(actor=user, action=AuditEntry.Action.SUBMIT, obj=observation, before=before)
    notifications.notify_review_waiting(observation)
    return observation


@transaction.atomic
def observation_approve(*, user, observation: Observation) -> Observation:
    """Approve a submitted value. The value it revises (same part, place and year) stays in
    force until this moment, then is kept as superseded; the ratings that depend on the part
    are recomputed once the transaction commits."""
    observation = _locked_pending(observation)
    if not Access(user).can_review(_sector_id(observation.part), observation.country_id):
        raise _deny(_("Only a focal point of this sector may approve its values."))
    year_check_open(observation.year)
    if observation.status != Observation.Status.SUBMITTED:
        raise ValidationError(
            _("Only a submitted value can be approved; this one is “%(status)s”."),
            code="not_submitted",
            params={"status": Observation.Status(observation.status).label},
        )
    before = snapshot(observation)
    Observation.objects.filter(
        part_id=observation.part_id,
        country_id=observation.country_id,
        year=observation.year,
        status=Observation.Status.APPROVED,
    ).update(status=Observation.Status.SUPERSEDED)
    observation.status = Observation.Status.APPROVED
    observation.reviewed_by, observation.reviewed_at = user, timezone.now()
    observation.version += 1
    observation.save(update_fields=["status", "version", "reviewed_by", "reviewed_at", "updated_at"])
    audit_record(actor=user, action=AuditEntry.Action.APPROVE, obj=observation, before=before)
    _queue_recompute([observation.part_id])
    return observation


def _queue_recompute(part_ids: list[int]) -> None:
    from progress.services import recompute_request

    recompute_request(part_ids=part_ids)


@transaction.atomic
def observation_return(*, user, observation: Observation, comment: str) -> Observation:
    observation = _locked_pending(observation)
    if not Access(user).can_review(_sector_id(observation.part), observation.country_id):
        raise _deny(_("Only a focal point of this sector may return its values."))
    year_check_open(observation.year)
    if not comment.strip():
        raise ValidationError(
            _("Say what needs to change: a comment is required to return a value."), code="comment_required"
        )
    if observation.status != Observation.Status.SUBMITTED:
        raise ValidationError(
            _("Only a submitted value can be returned; this one is “%(status)s”."),
            code="not_submitted",
            params={"status": Observation.Status(observation.status).label},
        )
    before = snapshot(observation)
    observation.status = Observation.Status.RETURNED
    observation.review_comment = comment.strip()
    observation.reviewed_by, observation.reviewed_at = user, timezone.now()
    observation.version += 1
    observation.save(update_fields=["status", "review_comment", "version", "reviewed_by", "reviewed_at", "updated_at"])
    audit_record(actor=user, action=AuditEntry.Action.RETURN, obj=observation, before=before, reason=comment)
    notifications.notify_returned(observation, comment.strip())
    return observation


@transaction.atomic
def reporting_year_set(*, user, year: int, status: str, deadline=None) -> ReportingYear:
    if not Access(user).can_manage():
        raise _deny(_("Only the secretariat may open or lock a reporting year."))
    if status not in ReportingYear.Status.values:
        raise ValidationError(_("Unknown status “%(status)s”."), params={"status": status}, code="bad_status")
    reporting, _created = ReportingYear.objects.select_for_update(of=("self",)).get_or_create(year=year)
    before = snapshot(reporting) if not _created else {}
    reporting.status = status
    if deadline is not None:
        reporting.deadline = deadline
    reporting.save()
    action = {"open": AuditEntry.Action.OPEN, "locked": AuditEntry.Action.LOCK}.get(status, AuditEntry.Action.PUBLISH)
    audit_record(actor=user, action=action, obj=reporting, before=before)
    return reporting


@transaction.atomic
def focal_point_assign(*, user, assignee, sector: Sector, country: Country | None = None) -> FocalPointAssignment:
    from django.contrib.auth.models import Group

    from workflow.models import Role

    if not Access(user).can_manage():
        raise _deny(_("Only the secretariat may assign focal points."))
    assignment, _created = FocalPointAssignment.objects.get_or_create(user=assignee, sector=sector, country=country)
    assignee.groups.add(Group.objects.get_or_create(name=Role.FOCAL_POINT)[0])
    audit_record(actor=user, action=AuditEntry.Action.ASSIGN, obj=assignment, before={})
    return assignment


@transaction.atomic
def narrative_save(*, user, indicator: Indicator, year: int, texts: dict[str, str], expected_version: int | None):
    if not Access(user).can_write_narrative(indicator.result.sector_id):
        raise _deny(_("You may not write narratives for this sector."))
    year_check_open(year)
    narrative = Narrative.objects.select_for_update(of=("self",)).filter(indicator=indicator, year=year).first()
    if narrative is None:
        narrative = Narrative(indicator=indicator, year=year, version=0)
        before = {}
    else:
        if expected_version != narrative.version:
            raise ConflictError(
                theirs=narrative.text_en[:80], mine=(texts.get("en") or "")[:80], by=str(narrative.updated_by or "?")
            )
        before = snapshot(narrative)
    for language, _name in settings.LANGUAGES:
        setattr(narrative, f"text_{language.replace('-', '_')}", (texts.get(language) or "").strip())
    narrative.status = Narrative.Status.DRAFT
    narrative.version += 1
    narrative.updated_by = user
    narrative.save()
    audit_record(
        actor=user,
        action=AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE,
        obj=narrative,
        before=before,
    )
    return narrative


@transaction.atomic
def narrative_approve(*, user, narrative: Narrative) -> Narrative:
    narrative = (
        Narrative.objects.select_for_update(of=("self",)).select_related("indicator__result").get(pk=narrative.pk)
    )
    if not Access(user).can_approve_narrative(narrative.indicator.result.sector_id):
        raise _deny(_("Only a focal point of this sector may approve its narratives."))
    year_check_open(narrative.year)
    missing = [code for code, _n in settings.LANGUAGES if not getattr(narrative, f"text_{code.replace('-', '_')}")]
    if missing:
        raise ValidationError(
            _("The narrative needs its text in every language before approval; missing: %(languages)s."),
            code="languages_missing",
            params={"languages": ", ".join(missing)},
        )
    before = snapshot(narrative)
    narrative.status = Narrative.Status.APPROVED
    narrative.version += 1
    narrative.save(update_fields=["status", "version", "updated_at"])
    audit_record(actor=user, action=AuditEntry.Action.APPROVE, obj=narrative, before=before)
    return narrative


def comment_add(*, user, indicator: Indicator, year: int, text: str) -> Comment:
    if not Access(user).can_comment(indicator.result.sector_id):
        raise _deny(_("Only the secretariat and this sector's focal points may comment here."))
    if not text.strip():
        raise ValidationError(_("The comment is empty."), code="empty")
    return Comment.objects.create(indicator=indicator, year=year, author=user, text=text.strip())


ALLOWED_EVIDENCE = {
    "application/pdf": {".pdf"},
    "image/png": {".png"},
    "image/jpeg": {".jpg", ".jpeg"},
    "text/csv": {".csv"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {".xlsx"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {".docx"},
}
_MAGIC = {b"%PDF": "application/pdf", b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"PK\x03\x04": "zip"}


def _sniff(head: bytes) -> str | None:
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    return None


@transaction.atomic
def attachment_add(*, user, observation: Observation, uploaded) -> Attachment:
    """Evidence file: the extension, the declared type and the file's first bytes must agree,
    and it must fit the size limit."""
    access = Access(user)
    if not access.can_enter(_sector_id(observation.part), observation.country_id):
        raise _deny(_("You may not add evidence to this value."))
    limit = settings.EVIDENCE_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("The file is %(size)s MB; evidence files may be at most %(limit)s MB."),
            code="too_big",
            params={"size": round(uploaded.size / 1e6, 1), "limit": round(limit / 1e6, 1)},
        )
    name = uploaded.name.rsplit("/", 1)[-1]
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    guessed = mimetypes.types_map.get(extension) or {
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }.get(extension)
    head = uploaded.read(8)
    uploaded.seek(0)
    sniffed = _sniff(head)
    text_like = guessed == "text/csv" and sniffed is None and b"\x00" not in head
    ok = guessed in ALLOWED_EVIDENCE and (
        text_like or sniffed == guessed or (sniffed == "zip" and extension in (".xlsx", ".docx"))
    )
    if not ok:
        raise ValidationError(
            _(
                "“%(name)s” is not an accepted evidence file (PDF, PNG, JPEG, CSV, XLSX or DOCX whose content "
                "matches its extension)."
            ),
            code="bad_type",
            params={"name": name},
        )
    attachment = Attachment.objects.create(
        observation=observation,
        file=uploaded,
        name=name[:255],
        content_type=guessed,
        size=uploaded.size,
        uploaded_by=user,
    )
    audit_record(actor=user, action=AuditEntry.Action.CREATE, obj=attachment, before={})
    return attachment


def observations_pending_for(*, user, statuses: Iterable[str]):
    """Values in the given statuses that this user may act on (selectors use it)."""
    access = Access(user)
    return Observation.objects.filter(access.observation_filter(), status__in=list(statuses))


def history_restore(*, user, entry: AuditEntry, reason: str = ""):
    """Restore an object to the state an audit entry recorded (the secretariat only)."""
    from workflow.audit import audit_restore

    if not Access(user).can_manage():
        raise _deny(_("Only the secretariat may restore an earlier version."))
    return audit_restore(entry=entry, actor=user, reason=reason)


@transaction.atomic
def observation_evidence_set(*, user, observation: Observation, citation: str, evidence_url: str) -> Observation:
    observation = _locked_pending(observation)
    if not Access(user).can_enter(_sector_id(observation.part), observation.country_id):
        raise _deny(_("You may not change the evidence of this value."))
    if (observation.citation, observation.evidence_url) == (citation, evidence_url):
        return observation
    before = snapshot(observation)
    observation.citation, observation.evidence_url = citation, evidence_url
    observation.save(update_fields=["citation", "evidence_url", "updated_at"])
    audit_record(actor=user, action=AuditEntry.Action.UPDATE, obj=observation, before=before)
    return observation
