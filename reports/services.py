"""Writes of report editions: create, submit for review, return to draft, publish (which freezes
the snapshot), and rendering jobs. Each checks who may do it and leaves an audit record.

`user=None` is the system itself (a management command such as load_demo_editions); every
request passes its user, anonymous or not, and is checked."""

import datetime
import gc
import logging
import time
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carec_prf.translated import translated_fields
from clusters.models import Sector
from progress.models import RatingMethod
from progress.services import rating_method_default
from reports.content import SCHEMA, content_build
from reports.models import RenderJob, ReportEdition, ReportSnapshot
from reports.render import FORMATS, report_render
from reports.selectors import edition_can_see, edition_content, edition_previous_content, edition_scope
from reports.tasks import report_render_task
from versions.editions import edition_version
from versions.selectors import framework_default
from workflow.audit import audit_record, snapshot
from workflow.models import AuditEntry
from workflow.permissions import Access

logger = logging.getLogger(__name__)


def _require_manager(user) -> None:
    if user is not None and not Access(user).can_manage():
        raise PermissionDenied(_("Only the secretariat may manage report editions."))


@transaction.atomic
def report_edition_create(
    *,
    user,
    code: str,
    titles: dict[str, str],
    period_start: datetime.date,
    period_end: datetime.date,
    cut_off: int,
    method: RatingMethod | None = None,
    previous: ReportEdition | None = None,
    sector: Sector | None = None,
    summaries: dict[str, str] | None = None,
) -> ReportEdition:
    _require_manager(user)
    if period_end < period_start:
        raise ValidationError(_("The period must end after it starts."), code="period")
    if not period_start.year <= cut_off <= period_end.year:
        raise ValidationError(
            _("The cut-off year must fall within the period (%(start)s to %(end)s).")
            % {"start": period_start.year, "end": period_end.year},
            code="cut_off",
        )
    if ReportEdition.objects.filter(code=code).exists():
        raise ValidationError(_("An edition with the code %(code)s exists already.") % {"code": code}, code="code")
    if not (titles or {}).get("en"):
        raise ValidationError(_("The edition needs an English title."), code="title")
    edition = ReportEdition.objects.create(
        code=code,
        kind=ReportEdition.Kind.SECTOR if sector else ReportEdition.Kind.REVIEW,
        sector=sector,
        period_start=period_start,
        period_end=period_end,
        cut_off=cut_off,
        method=method or rating_method_default(),
        version=_version_in_force(cut_off),
        previous=previous,
        created_by=user,
        **translated_fields("title", titles, where="title"),
        **translated_fields("summary", summaries, where="summary"),
    )
    audit_record(actor=user, action=AuditEntry.Action.CREATE, obj=edition, before={})
    return edition


def _locked(edition: ReportEdition) -> ReportEdition:
    return ReportEdition.objects.select_for_update(of=("self",)).get(pk=edition.pk)


def _version_in_force(cut_off: int):
    """The framework version in force for a cut-off year; None before any framework is loaded."""
    framework = framework_default()
    return None if framework is None else edition_version(framework, cut_off=cut_off)


def _version_follow(edition: ReportEdition) -> None:
    """A draft follows the version in force for its cut-off year (a revision may be endorsed
    while it is drafted); the edition keeps the version it names once published."""
    version = _version_in_force(edition.cut_off)
    if version is not None and edition.version_id != version.pk:
        edition.version = version
        edition.save(update_fields=["version"])


@transaction.atomic
def report_editions_version_bind(*, user=None) -> list[ReportEdition]:
    """Name the version of every edition made before editions named one (the migration binds
    them only where the framework's versions already existed): the version in force for its
    cut-off year, which for a published edition is the one its snapshot was built against."""
    _require_manager(user)
    bound = []
    for edition in ReportEdition.objects.select_for_update().filter(version__isnull=True).order_by("cut_off", "code"):
        before = snapshot(edition)
        _version_follow(edition)
        if edition.version_id is not None:
            audit_record(
                actor=user,
                action=AuditEntry.Action.UPDATE,
                obj=edition,
                before=before,
                reason=_("Bound to the framework version in force for its cut-off year."),
            )
            bound.append(edition)
    return bound


@transaction.atomic
def report_edition_submit(*, user, edition: ReportEdition) -> ReportEdition:
    """Draft -> under review: the secretariat circulates the preview."""
    _require_manager(user)
    edition = _locked(edition)
    if edition.status != ReportEdition.Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted for review."), code="status")
    before = snapshot(edition)
    _version_follow(edition)
    edition.status = ReportEdition.Status.UNDER_REVIEW
    edition.save(update_fields=["status"])
    audit_record(actor=user, action=AuditEntry.Action.SUBMIT, obj=edition, before=before)
    return edition


@transaction.atomic
def report_edition_return(*, user, edition: ReportEdition, reason: str = "") -> ReportEdition:
    """Under review -> draft, to change what it covers."""
    _require_manager(user)
    edition = _locked(edition)
    if edition.status != ReportEdition.Status.UNDER_REVIEW:
        raise ValidationError(_("Only an edition under review can go back to draft."), code="status")
    before = snapshot(edition)
    edition.status = ReportEdition.Status.DRAFT
    edition.save(update_fields=["status"])
    audit_record(actor=user, action=AuditEntry.Action.RETURN, obj=edition, before=before, reason=reason)
    return edition


@transaction.atomic
def report_edition_publish(
    *, user, edition: ReportEdition, at: datetime.datetime | None = None, render_files: bool = True
) -> ReportEdition:
    """Under review -> published: freeze everything the edition shows into its snapshot. From
    then on it renders from the snapshot alone, and its files are rendered at once for the
    readers (`render_files=False` leaves them to the first reader who asks). `at` backdates a
    historical edition (demo data)."""
    _require_manager(user)
    edition = _locked(edition)
    if edition.status != ReportEdition.Status.UNDER_REVIEW:
        raise ValidationError(_("Only an edition under review can be published."), code="status")
    if edition.previous_id and not edition.previous.is_published:
        raise ValidationError(
            _("Publish the previous edition (%(code)s) first: this one compares itself with it.")
            % {"code": edition.previous.code},
            code="previous",
        )
    before = snapshot(edition)
    _version_follow(edition)  # from here on the edition keeps it
    edition.status = ReportEdition.Status.PUBLISHED
    edition.published_at = at or timezone.now()
    edition.published_by = user if user is not None and user.is_authenticated else None
    content = content_build(edition_scope(edition), version=edition.version)
    content["edition"]["published_at"] = edition.published_at.isoformat()
    edition.save(update_fields=["status", "published_at", "published_by"])
    ReportSnapshot.objects.create(edition=edition, content=content, schema=SCHEMA)
    audit_record(actor=user, action=AuditEntry.Action.PUBLISH, obj=edition, before=before)
    if render_files:
        edition_files_render(edition=edition, requested_by=edition.published_by)
    return edition


# The quick files first, so that most of them are there within seconds of the publication.
PRERENDER_FIRST = ("html", "xlsx", "docx")


def edition_files_render(*, edition: ReportEdition, requested_by=None) -> list[RenderJob]:
    """Queue the rendering of a published edition's every file (each language and format) once
    the transaction commits, so that readers download them at once. A file already rendered or
    on its way is left as it is."""
    from django.conf import settings

    jobs = []
    for format in sorted(FORMATS, key=lambda format: format not in PRERENDER_FIRST):
        for language, _name in settings.LANGUAGES:
            job, created = _frozen_job(edition=edition, language=language, format=format, requested_by=requested_by)
            if created:
                transaction.on_commit(partial(report_render_task.delay, job.pk))
            jobs.append(job)
    return jobs


def _frozen_job(*, edition: ReportEdition, language: str, format: str, requested_by) -> tuple[RenderJob, bool]:
    """The one job that renders a published edition's file, created if there is none (or its
    worker died); the unique constraint settles two requests racing to create it."""
    existing = RenderJob.objects.filter(edition=edition, language=language, format=format, frozen=True).exclude(
        status=RenderJob.Status.FAILED
    )
    job = existing.first()
    if job is not None and not _stale(job):
        return job, False
    if job is not None:  # its worker died: let a new job take its place
        RenderJob.objects.filter(pk=job.pk).update(
            status=RenderJob.Status.FAILED, error="stale", finished_at=timezone.now()
        )
    try:
        with transaction.atomic():
            job = RenderJob.objects.create(
                edition=edition, language=language, format=format, frozen=True, requested_by=requested_by
            )
    except IntegrityError:  # another request created it first
        return existing.get(), False
    return job, True


def render_job_request(*, user, edition: ReportEdition, language: str, format: str) -> RenderJob:
    """Queue a rendering. A published edition's file is rendered once and then served as it is;
    asking again returns the same job. A draft is rendered afresh each time."""
    from django.conf import settings

    if not edition_can_see(user=user, edition=edition):
        raise PermissionDenied
    if format not in FORMATS or language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language or format."), code="format")
    requester = user if user is not None and user.is_authenticated else None
    if edition.is_published:
        job, created = _frozen_job(edition=edition, language=language, format=format, requested_by=requester)
        if not created:
            return job
    else:
        job = RenderJob.objects.create(edition=edition, language=language, format=format, requested_by=requester)
    transaction.on_commit(partial(report_render_task.delay, job.pk))
    return job


# A job still queued or running after this long lost its worker (a rendering takes seconds).
STALE_AFTER = datetime.timedelta(minutes=15)


def _stale(job: RenderJob) -> bool:
    return job.status in (RenderJob.Status.QUEUED, RenderJob.Status.RUNNING) and (
        timezone.now() - (job.started_at or job.created_at) > STALE_AFTER
    )


# Progress is written at most this often within one step (a page laid out takes a tenth of a
# second; the page polls every 0.7 s).
PROGRESS_EVERY_SECONDS = 0.25


def _progress(job_id: int):
    last = {"step": None, "at": 0.0}

    def report(percent: int, step: str) -> None:
        kind, now = step.split(":")[0], time.monotonic()
        if kind == last["step"] and now - last["at"] < PROGRESS_EVERY_SECONDS:
            return
        last.update(step=kind, at=now)
        RenderJob.objects.filter(pk=job_id).update(progress=min(percent, 99), step=step[:40])

    return report


def render_job_run(*, job_id: int) -> RenderJob | None:
    """Claim a queued job (a second delivery of the task finds it taken and does nothing),
    render it and store the file, reporting progress on the way."""
    claimed = RenderJob.objects.filter(pk=job_id, status=RenderJob.Status.QUEUED).update(
        status=RenderJob.Status.RUNNING, started_at=timezone.now(), progress=1, step="start"
    )
    if not claimed:
        return None
    job = RenderJob.objects.select_related(
        "edition__sector", "edition__method", "edition__previous", "requested_by"
    ).get(pk=job_id)
    progress = _progress(job.pk)
    try:
        edition = job.edition
        reader = None if job.frozen else job.requested_by  # a draft is rendered for who asked
        progress(2, "content")
        content = edition_content(edition, reader)
        previous = edition_previous_content(edition, reader)
        data = report_render(content, previous, language=job.language, format=job.format, progress=progress)
        name = f"{edition.code}-{job.language}-{job.pk}.{job.format}"
        job.file.save(name, ContentFile(data), save=False)
        RenderJob.objects.filter(pk=job.pk).update(
            file=job.file.name, status=RenderJob.Status.DONE, progress=100, step="done", finished_at=timezone.now()
        )
    except Exception as error:  # the job says it failed; the page shows why
        logger.exception("Rendering %s failed", job)
        RenderJob.objects.filter(pk=job.pk).update(
            status=RenderJob.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
    # what the rendering left behind, collected now that the reader has the file (half a second)
    gc.collect()
    job.refresh_from_db()
    return job
