"""Writes of the review workflow. Every function checks the user's rights (workflow.permissions),
refuses locked years, works in one transaction and leaves an audit entry."""

import datetime
import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from clusters.cache import page_cache_clear
from clusters.models import Country, Sector
from indicators.display import format_value
from indicators.models import Indicator, IndicatorPart, Observation, ReportingYear
from indicators.values import TypedValueFields
from progress.services import recompute_request
from workflow import notifications
from workflow.audit import audit_many, audit_record, snapshot
from workflow.entry import (
    PENDING,
    REGION,
    ConflictError,
    Entry,
    EntryErrors,
    after_approval,
    entries_check,
    entries_write,
    facts_load,
    framework_years,
    year_range_problem,
    year_status_problem,
)
from workflow.models import Attachment, AuditEntry, Comment, FocalPointAssignment, Narrative, Role
from workflow.permissions import Access, narrative_separation_problem


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def year_check_open(year: int) -> None:
    """The reporting year must be open (workflow.entry.year_status_problem states the rule)."""
    status = ReportingYear.objects.filter(year=year).values_list("status", flat=True).first()
    problem = year_status_problem(year, status)
    if problem:
        raise ValidationError(problem, code="year_not_open")


def _sector_id(part: IndicatorPart) -> int | None:
    return part.indicator.result.sector_id


def entry_of(
    *,
    part: IndicatorPart,
    country: Country | None,
    year: int,
    value: TypedValueFields,
    **fields,
) -> Entry:
    """An already-typed value (a test, a restore, a script) as the raw entry every way in gives,
    so that it meets the same checks."""
    raw = value.value_boolean if value.value_boolean is not None else value.value_text or value.value_number
    return Entry(
        indicator=part.indicator.code,
        part=part.code,
        country=country.code if country else REGION,
        year=year,
        value=None if value.countries else raw,
        qualifier=value.qualifier,
        countries=value.countries,
        availability=value.availability,
        **fields,
    )


def entries_save(*, user, entries: list[Entry], status: str = Observation.Status.DRAFT, decimal_comma: bool = False):
    """Check and write entries: the path of the grid, the API and scripts. Raises EntryErrors
    with every problem, and writes nothing, when any entry is wrong."""
    facts = facts_load(user=user, part_ids=_part_ids(entries))
    checked = entries_check(entries, facts, decimal_comma=decimal_comma)
    if checked.errors:
        raise EntryErrors(checked.errors, checked.denied)
    return entries_write(user=user, rows=checked.rows, status=status)


def _part_ids(entries: list[Entry]) -> list[int]:
    """The parts of the indicators the entries name: enough to tell an unknown part from an
    unknown indicator, without loading the whole framework for one value."""
    named = Q(pk__in=[])
    for code in {str(e.indicator).strip() for e in entries}:
        named |= Q(indicator__code__iexact=code)
    return list(IndicatorPart.objects.filter(named).values_list("id", flat=True))


def observation_save(
    *,
    user,
    part: IndicatorPart,
    country: Country | None,
    year: int,
    value: TypedValueFields,
    expected_version: int | None,
    kind: str = Observation.Kind.ACTUAL,
    citation: str | None = None,
    evidence_url: str | None = None,
    note: str | None = None,
    revision_reason: str = "",
) -> Observation:
    """Enter or edit one value (a draft). expected_version is the version the user saw (None for
    a cell that was empty); a different one means someone else saved meanwhile."""
    entry = entry_of(
        part=part,
        country=country,
        year=year,
        value=value,
        kind=kind,
        citation=citation,
        evidence_url=evidence_url,
        note=note,
        revision_reason=revision_reason,
        version=expected_version,
        ref="value",
    )
    _raise_denied_first(user, part, country)
    written = entries_save(user=user, entries=[entry])
    return written.observations["value"]


def _raise_denied_first(user, part: IndicatorPart, country: Country | None) -> None:
    """A denial is a 403, not a 400: say it before any other problem."""
    if not Access(user).can_enter(_sector_id(part), country.pk if country else None):
        raise _deny(_("You may not enter values for this sector or country."))


def observation_submit(*, user, observation: Observation, expected_version: int | None = None) -> Observation:
    return observations_submit(user=user, observations=[observation], expected_version=expected_version)[0]


@transaction.atomic
def observations_submit(*, user, observations, expected_version: int | None = None) -> list[Observation]:
    """Submit drafts or returned values for review (a grid's worth at once): each is checked, all
    are written and audited together, and the reviewers get one e-mail for the whole batch."""
    access = Access(user)
    order = [o.pk for o in observations]
    locked = {o.pk: o for o in _locked(order)}
    statuses = dict(
        ReportingYear.objects.filter(year__in={o.year for o in locked.values()}).values_list("year", "status")
    )
    submitted = [locked[pk] for pk in order]
    for observation in submitted:
        if not access.can_enter(_sector_id(observation.part), observation.country_id):
            raise _deny(_("You may not submit values for this sector or country."))
        problem = year_status_problem(observation.year, statuses.get(observation.year))
        if problem:
            raise ValidationError(problem, code="year_not_open")
        if expected_version is not None and expected_version != observation.version:
            raise ConflictError(theirs=format_value(observation), mine="—", by=str(observation.created_by or "?"))
        if observation.status not in (Observation.Status.DRAFT, Observation.Status.RETURNED):
            raise ValidationError(
                _("Only a draft or returned value can be submitted; this one is “%(status)s”."),
                code="not_draft",
                params={"status": Observation.Status(observation.status).label},
            )
    befores = {o.pk: snapshot(o) for o in submitted}
    now = timezone.now()
    for observation in submitted:
        observation.status = Observation.Status.SUBMITTED
        observation.version += 1
        observation.updated_at = now
    Observation.objects.bulk_update(submitted, ["status", "version", "updated_at"])
    _audit(user, AuditEntry.Action.SUBMIT, submitted, befores)
    notifications.notify_submitted(submitted)
    return submitted


def _locked(pks: list[int]) -> list[Observation]:
    """The values, locked for this transaction, with what the checks read."""
    return list(
        Observation.objects.select_for_update(of=("self",))
        .select_related("part__indicator__result", "country", "created_by")
        .prefetch_related("countries")
        .filter(pk__in=pks)
        .order_by("pk")
    )


def _audit(user, action: str, observations: list[Observation], befores: dict[int, dict], reason: str = "") -> None:
    audit_many(
        actor=user,
        entries=[(action, Observation, o, befores[o.pk], befores[o.pk].get("countries", [])) for o in observations],
        indicator_of={o.part_id: o.part.indicator_id for o in observations},
        reason=reason,
    )


def separation_problem(user, observation: Observation) -> str | None:
    """Separation of duties (settings.SEPARATION_OF_DUTIES, on by default): whoever entered or last
    changed a value does not review it."""
    if not settings.SEPARATION_OF_DUTIES or not getattr(user, "pk", None):
        return None
    if user.pk in (observation.created_by_id, observation.updated_by_id):
        return _("You entered or last changed this value: someone else must review it.")
    return None


@dataclass
class ReviewOutcome:
    done: list[Observation]
    skipped: list[tuple[Observation, str]]  # with the reason, in the reviewer's language
    denied: set[int] = field(default_factory=set)  # skipped for want of the right to review them


@transaction.atomic
def observations_review(*, user, observations, decision: str, comment: str = "") -> ReviewOutcome:
    """Approve or return many submitted values at once (a whole upload, a whole indicator-year).
    Each value is checked as if reviewed alone; those the reviewer may not review (their own
    entries, another sector, a locked year) are skipped with the reason. One recompute is queued."""
    if decision not in ("approve", "return"):
        raise ValidationError(_("Choose approve or return."), code="bad_decision")
    if decision == "return" and not comment.strip():
        raise ValidationError(
            _("Say what needs to change: a comment is required to return a value."), code="comment_required"
        )
    access = Access(user)
    locked = _locked([o.pk for o in observations])
    statuses = dict(ReportingYear.objects.filter(year__in={o.year for o in locked}).values_list("year", "status"))
    done, skipped, denied = [], [], set()
    for observation in locked:
        if not access.can_review(_sector_id(observation.part), observation.country_id):
            skipped.append((observation, _("Only a focal point of this sector may review its values.")))
            denied.add(observation.pk)
        elif observation.status != Observation.Status.SUBMITTED:
            message = (
                _("Only a submitted value can be approved; this one is “%(status)s”.")
                if decision == "approve"
                else _("Only a submitted value can be returned; this one is “%(status)s”.")
            )
            skipped.append((observation, message % {"status": Observation.Status(observation.status).label}))
        elif problem := year_status_problem(observation.year, statuses.get(observation.year)):
            skipped.append((observation, problem))
        elif problem := separation_problem(user, observation):
            skipped.append((observation, problem))
            denied.add(observation.pk)
        else:
            done.append(observation)
    now = timezone.now()
    befores = {o.pk: snapshot(o) for o in done}
    if decision == "approve":
        # the approved values these revise are kept as superseded: found and updated in two queries
        cells = {o.cell for o in done}
        replaced = [
            pk
            for pk, *cell in Observation.objects.filter(
                part_id__in={c[0] for c in cells}, year__in={c[2] for c in cells}, status=Observation.Status.APPROVED
            ).values_list("pk", "part_id", "country_id", "year", "breakdown")
            if tuple(cell) in cells
        ]
        Observation.objects.filter(pk__in=replaced).update(status=Observation.Status.SUPERSEDED, updated_at=now)
        for observation in done:
            observation.status = Observation.Status.APPROVED
    else:
        for observation in done:
            observation.status = Observation.Status.RETURNED
            observation.review_comment = comment.strip()
    for observation in done:
        observation.reviewed_by, observation.reviewed_at = user, now
        observation.version += 1
        observation.updated_at = now
    Observation.objects.bulk_update(
        done, ["status", "review_comment", "version", "reviewed_by", "reviewed_at", "updated_at"], batch_size=2000
    )
    action = AuditEntry.Action.APPROVE if decision == "approve" else AuditEntry.Action.RETURN
    _audit(user, action, done, befores, reason=comment.strip())
    if decision == "approve" and done:
        after_approval(done)
    for observation in done if decision == "return" else []:
        notifications.notify_returned(observation, comment.strip())
    return ReviewOutcome(done=done, skipped=skipped, denied=denied)


def _review_one(*, user, observation: Observation, decision: str, comment: str = "") -> Observation:
    """One value through the batch review: a value the user may not review is a 403, any other
    reason it was left a 400."""
    outcome = observations_review(user=user, observations=[observation], decision=decision, comment=comment)
    if outcome.skipped:
        skipped, reason = outcome.skipped[0]
        if skipped.pk in outcome.denied:
            raise _deny(reason)
        raise ValidationError(reason, code="not_reviewable")
    return outcome.done[0]


def observation_approve(*, user, observation: Observation) -> Observation:
    """Approve a submitted value. The value it revises (same part, place and year) stays in
    force until this moment, then is kept as superseded; the ratings that depend on the part
    are recomputed once the transaction commits."""
    return _review_one(user=user, observation=observation, decision="approve")


def observation_return(*, user, observation: Observation, comment: str) -> Observation:
    return _review_one(user=user, observation=observation, decision="return", comment=comment)


@transaction.atomic
def reporting_year_set(*, user, year: int, status: str, deadline=None) -> ReportingYear:
    if not Access(user).can_manage():
        raise _deny(_("Only the secretariat may open or lock a reporting year."))
    if status not in ReportingYear.Status.values:
        raise ValidationError(_("Unknown status “%(status)s”."), params={"status": status}, code="bad_status")
    year_check_known(year)
    if deadline is not None and not isinstance(deadline, datetime.date):
        try:
            deadline = datetime.date.fromisoformat(str(deadline))
        except ValueError:
            raise ValidationError(
                _("“%(value)s” is not a date: write it as YYYY-MM-DD."), code="bad_date", params={"value": deadline}
            ) from None
    reporting, created = ReportingYear.objects.select_for_update(of=("self",)).get_or_create(year=year)
    before = snapshot(reporting) if not created else {}
    was_public = not created and before.get("status") == ReportingYear.Status.PUBLISHED
    reporting.status = status
    if deadline is not None:
        reporting.deadline = deadline
    reporting.save()
    action = {"open": AuditEntry.Action.OPEN, "locked": AuditEntry.Action.LOCK}.get(status, AuditEntry.Action.PUBLISH)
    audit_record(actor=user, action=action, obj=reporting, before=before)
    # What the public sees changed with the year's status (a year never opened was public too):
    # recompute the parts that have values in it, and stop serving cached pages at once.
    if created or was_public != (status == ReportingYear.Status.PUBLISHED):
        parts = sorted(
            set(
                Observation.objects.filter(year=year, status=Observation.Status.APPROVED).values_list(
                    "part_id", flat=True
                )
            )
        )
        if parts:
            recompute_request(part_ids=parts)
    transaction.on_commit(page_cache_clear)
    return reporting


def year_check_known(year: int) -> None:
    """A year the framework covers, for every form and URL that names one."""
    problem = year_range_problem(year, *framework_years())
    if problem:
        raise ValidationError(problem, code="year_outside")


@transaction.atomic
def focal_point_assign(*, user, assignee, sector: Sector, country: Country | None = None) -> FocalPointAssignment:
    if not Access(user).can_manage():
        raise _deny(_("Only the secretariat may assign focal points."))
    assignment, _created = FocalPointAssignment.objects.get_or_create(user=assignee, sector=sector, country=country)
    assignee.groups.add(Group.objects.get_or_create(name=Role.FOCAL_POINT)[0])
    audit_record(actor=user, action=AuditEntry.Action.ASSIGN, obj=assignment, before={})
    return assignment


def narrative_missing_languages(texts: dict[str, str]) -> list[str]:
    """The languages a narrative still lacks, named in words in the reader's language: it goes to
    review, and is approved, only in every language the report is published in."""
    return [
        str(get_language_info(code)["name_translated"]) for code, _name in settings.LANGUAGES if not texts.get(code)
    ]


def _narrative_texts(narrative: Narrative) -> dict[str, str]:
    return {code: getattr(narrative, f"text_{code.replace('-', '_')}") or "" for code, _name in settings.LANGUAGES}


def _narrative_complete(narrative: Narrative, message: str) -> None:
    missing = narrative_missing_languages(_narrative_texts(narrative))
    if missing:
        raise ValidationError(message, code="languages_missing", params={"languages": ", ".join(missing)})


@transaction.atomic
def narrative_save(
    *, user, indicator: Indicator, year: int, texts: dict[str, str], expected_version: int | None, submit: bool = False
) -> Narrative:
    """Write a narrative. It is a draft until submitted; `submit` sends it to the sector's focal
    points for review at once. Changing a submitted, returned or approved narrative makes it a
    draft again: the report prints only what a focal point approved."""
    if not Access(user).can_write_narrative(indicator.result.sector_id):
        raise _deny(_("You may not write narratives for this sector."))
    year_check_known(year)
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
    if submit:
        _narrative_complete(
            narrative, _("Write the narrative in every language before you submit it; missing: %(languages)s.")
        )
    narrative.status = Narrative.Status.SUBMITTED if submit else Narrative.Status.DRAFT
    narrative.version += 1
    narrative.updated_by = user
    narrative.save()
    audit_record(
        actor=user,
        action=AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE,
        obj=narrative,
        before=before,
    )
    if submit:
        notifications.notify_narrative_submitted(narrative)
    return narrative


@transaction.atomic
def narrative_submit(*, user, narrative: Narrative) -> Narrative:
    """A draft or returned narrative, as it stands, goes to the sector's focal points."""
    narrative = (
        Narrative.objects.select_for_update(of=("self",)).select_related("indicator__result").get(pk=narrative.pk)
    )
    if not Access(user).can_write_narrative(narrative.indicator.result.sector_id):
        raise _deny(_("You may not write narratives for this sector."))
    year_check_open(narrative.year)
    if narrative.status not in (Narrative.Status.DRAFT, Narrative.Status.RETURNED):
        raise ValidationError(
            _("Only a draft or returned narrative can be submitted; this one is “%(status)s”."),
            code="status",
            params={"status": narrative.get_status_display()},
        )
    _narrative_complete(
        narrative, _("Write the narrative in every language before you submit it; missing: %(languages)s.")
    )
    before = snapshot(narrative)
    narrative.status = Narrative.Status.SUBMITTED
    narrative.version += 1
    narrative.updated_by = user
    narrative.save(update_fields=["status", "version", "updated_by", "updated_at"])
    audit_record(actor=user, action=AuditEntry.Action.SUBMIT, obj=narrative, before=before)
    notifications.notify_narrative_submitted(narrative)
    return narrative


@transaction.atomic
def narrative_review(*, user, narrative: Narrative, decision: str, comment: str = "") -> Narrative:
    """A sector-wide focal point approves a submitted narrative, or returns it with what needs to
    change. As with values, whoever last wrote it does not review it (separation of duties)."""
    narrative = (
        Narrative.objects.select_for_update(of=("self",)).select_related("indicator__result").get(pk=narrative.pk)
    )
    if not Access(user).can_approve_narrative(narrative.indicator.result.sector_id):
        raise _deny(_("Only a focal point of this sector may review its narratives."))
    if decision not in ("approve", "return"):
        raise ValidationError(_("Choose approve or return."), code="bad_decision")
    if decision == "return" and not comment.strip():
        raise ValidationError(
            _("Say what needs to change: a comment is required to return a narrative."), code="comment_required"
        )
    year_check_open(narrative.year)
    if narrative.status != Narrative.Status.SUBMITTED:
        raise ValidationError(
            _("Only a submitted narrative can be reviewed; this one is “%(status)s”."),
            code="status",
            params={"status": narrative.get_status_display()},
        )
    if problem := narrative_separation_problem(user, narrative):
        raise _deny(problem)
    _narrative_complete(
        narrative, _("The narrative needs its text in every language before approval; missing: %(languages)s.")
    )
    before = snapshot(narrative)
    narrative.status = Narrative.Status.APPROVED if decision == "approve" else Narrative.Status.RETURNED
    narrative.review_comment = "" if decision == "approve" else comment.strip()
    narrative.reviewed_by, narrative.reviewed_at = user, timezone.now()
    narrative.version += 1
    narrative.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at", "version", "updated_at"])
    action = AuditEntry.Action.APPROVE if decision == "approve" else AuditEntry.Action.RETURN
    audit_record(actor=user, action=action, obj=narrative, before=before, reason=comment.strip())
    if decision == "return":
        notifications.notify_narrative_returned(narrative)
    return narrative


def narrative_approve(*, user, narrative: Narrative) -> Narrative:
    return narrative_review(user=user, narrative=narrative, decision="approve")


def narrative_return(*, user, narrative: Narrative, comment: str) -> Narrative:
    return narrative_review(user=user, narrative=narrative, decision="return", comment=comment)


def comment_add(*, user, indicator: Indicator, year: int, text: str) -> Comment:
    if not Access(user).can_comment(indicator.result.sector_id):
        raise _deny(_("Only the secretariat and this sector's focal points may comment here."))
    year_check_known(year)
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
    year_check_open(observation.year)
    if observation.status not in PENDING:
        raise ValidationError(
            _("Evidence is added to a value under review: start a revision of the approved value first."),
            code="not_pending",
        )
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
    if entry.content_type.model_class() is Observation:
        return _observation_restore(user=user, entry=entry, reason=reason)
    return audit_restore(entry=entry, actor=user, reason=reason)


def _observation_restore(*, user, entry: AuditEntry, reason: str) -> Observation:
    """A value is restored through the one way in: the recorded value becomes the working copy
    again (a revision of the approved value, under review like any other), in an open year only."""
    from decimal import Decimal

    observation = Observation.objects.select_related("part__indicator", "country").filter(pk=entry.object_id).first()
    state = entry.state or {}
    needed = {"value_type", "availability", "value_number", "value_boolean", "value_text", "qualifier"}
    if observation is None or not needed <= set(state):
        raise ValidationError(
            _("This history entry does not hold a complete earlier version, so it cannot be restored."),
            code="incomplete",
        )
    codes = dict(Country.objects.values_list("id", "code"))
    number = state["value_number"]
    typed = TypedValueFields(
        value_type=state["value_type"],
        availability=state["availability"],
        value_number=None if number is None else Decimal(str(number)),
        value_boolean=state["value_boolean"],
        value_text=state["value_text"] or "",
        qualifier=state["qualifier"] or "",
        countries=tuple(sorted(codes[pk] for pk in state.get("countries", []))),
    )
    restored = entry_of(
        part=observation.part,
        country=observation.country,
        year=observation.year,
        value=typed,
        citation=state.get("citation"),
        evidence_url=state.get("evidence_url"),
        revision_reason=reason
        or _("Restored the version of %(date)s.") % {"date": entry.at.strftime("%Y-%m-%d %H:%M")},
        ref="value",
        force=True,
    )
    facts = facts_load(user=user, part_ids=[observation.part_id])
    checked = entries_check([restored], facts, decimal_comma=False)
    if checked.errors:
        raise EntryErrors(checked.errors, checked.denied)
    written = entries_write(
        user=user, rows=checked.rows, status=Observation.Status.DRAFT, audit_action=AuditEntry.Action.RESTORE
    )
    return written.observations["value"]


def observation_evidence_set(
    *,
    user,
    observation: Observation,
    citation: str,
    evidence_url: str,
    revision_reason: str = "",
    new_file: bool = False,
) -> Observation:
    """Change the source citation or evidence link of a value. Like a value revision: a pending
    value changes in place; an approved one gets a revision (with a reason) that waits for review
    while the approved value and its source stay public; a locked year refuses."""
    observation = Observation.objects.select_related("part__indicator__result", "country").get(pk=observation.pk)
    if (observation.citation, observation.evidence_url) == (citation, evidence_url) and not (
        new_file and observation.status == Observation.Status.APPROVED
    ):
        if new_file:
            year_check_open(observation.year)
        return observation
    if observation.status not in (*PENDING, Observation.Status.APPROVED):
        raise ValidationError(_("This value has been replaced; change the current one."), code="superseded")
    _raise_denied_first(user, observation.part, observation.country)
    entry = entry_of(
        part=observation.part,
        country=observation.country,
        year=observation.year,
        value=_typed_of(observation),
        kind=observation.kind,
        citation=citation,
        evidence_url=evidence_url,
        revision_reason=revision_reason,
        ref="value",
        force=new_file,
    )
    status = observation.status if observation.status in PENDING else Observation.Status.DRAFT
    return entries_save(user=user, entries=[entry], status=status).observations["value"]


def _typed_of(observation: Observation) -> TypedValueFields:
    return TypedValueFields(
        value_type=observation.value_type,
        availability=observation.availability,
        value_number=observation.value_number,
        value_boolean=observation.value_boolean,
        value_text=observation.value_text,
        qualifier=observation.qualifier,
        countries=tuple(sorted(c.code for c in observation.countries.all())),
    )


@transaction.atomic
def quality_follow_up(*, user, warning, followed_up: bool, comment: str = ""):
    """Mark a data-quality warning followed up (or not), with what was done: the secretariat and
    the sector's focal points. Audited."""
    from progress.models import QualityWarning

    warning = QualityWarning.objects.select_for_update().select_related("part__indicator__result").get(pk=warning.pk)
    if not Access(user).can_comment(warning.part.indicator.result.sector_id):
        raise _deny(_("Only the secretariat and this sector's focal points may follow up its data quality."))
    if len(comment) > 5000:
        raise ValidationError(
            _("This text has %(length)s characters; at most %(limit)s are kept.")
            % {"length": len(comment), "limit": 5000},
            code="too_long",
        )
    before = snapshot(warning)
    warning.followed_up = followed_up
    warning.follow_up_comment = comment.strip()
    warning.followed_up_by = user if followed_up else None
    warning.followed_up_at = timezone.now() if followed_up else None
    warning.save(update_fields=["followed_up", "follow_up_comment", "followed_up_by", "followed_up_at"])
    audit_record(actor=user, action=AuditEntry.Action.UPDATE, obj=warning, before=before)
    return warning


def quality_check_request(*, user, sector: Sector) -> None:
    """Run the checks over a sector's parts now (a worker's job)."""
    from progress.tasks import quality_check

    if not Access(user).can_comment(sector.pk):
        raise _deny(_("Only the secretariat and this sector's focal points may follow up its data quality."))
    part_ids = list(IndicatorPart.objects.filter(indicator__result__sector=sector).values_list("pk", flat=True))
    transaction.on_commit(lambda: quality_check.delay(part_ids))
