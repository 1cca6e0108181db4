"""Reads of report editions, with who may see what decided here: published editions are public;
drafts and editions under review are for the secretariat and officials (viewers)."""

import statistics

from django.db.models import Max
from django.http import Http404

from reports.content import ReportScope, content_build
from reports.models import RenderJob, ReportEdition
from workflow.permissions import Access


def edition_can_see(*, user, edition: ReportEdition) -> bool:
    return edition.is_published or Access(user).is_viewer


def editions_visible(*, user):
    """The editions this user may see: the one rule for the reports page and the API."""
    editions = ReportEdition.objects.select_related("sector", "method", "previous", "version")
    if not Access(user).is_viewer:
        editions = editions.filter(status=ReportEdition.Status.PUBLISHED)
    return editions


def edition_list(*, user) -> list[ReportEdition]:
    return list(editions_visible(user=user).order_by("-period_end", "code"))


def edition_get(*, user, code: str) -> ReportEdition:
    edition = ReportEdition.objects.select_related("sector", "method", "previous").filter(code=code).first()
    if edition is None or not edition_can_see(user=user, edition=edition):
        raise Http404
    return edition


def edition_scope(edition: ReportEdition) -> ReportScope:
    from reports.content import texts

    return ReportScope(
        code=edition.code,
        kind=edition.kind,
        title=texts(edition, "title"),
        summary=texts(edition, "summary"),
        period_start=edition.period_start,
        period_end=edition.period_end,
        cut_off=edition.cut_off,
        method=edition.method,
        sector_code=edition.sector.code if edition.sector_id else None,
        previous_code=edition.previous.code if edition.previous_id else None,
        status=edition.status,
    )


def edition_content(edition: ReportEdition, user=None) -> dict:
    """A published edition's frozen snapshot (built for the public); a draft's content built
    live from what this reader may see."""
    if edition.is_published:
        return edition.snapshot.content
    return content_build(edition_scope(edition), user)


def edition_previous_content(edition: ReportEdition, user=None) -> dict | None:
    """What the edition compares itself with: the previous edition's snapshot, or its live
    content while that one is not published either."""
    if edition.previous_id is None:
        return None
    previous = ReportEdition.objects.select_related("sector", "method").get(pk=edition.previous_id)
    return edition_content(previous, user)


def render_job_get(*, user, pk: int) -> RenderJob:
    """A rendering: of a published edition, for whoever may see the edition; of a draft, for the
    one who asked for it, since it is made of what they may see."""
    job = RenderJob.objects.select_related("edition").filter(pk=pk).first()
    if job is None or not edition_can_see(user=user, edition=job.edition):
        raise Http404
    if not job.frozen and job.requested_by_id != getattr(user, "pk", None):
        raise Http404
    return job


def render_job_last_id() -> int:
    """The newest rendering's id: those a page asks for after it was drawn have larger ones."""
    return RenderJob.objects.aggregate(last=Max("pk"))["last"] or 0


def render_job_latest(*, user, edition: ReportEdition, language: str, format: str, after: int = 0) -> RenderJob | None:
    """The newest rendering of a file this reader may follow, created after job `after`: of a
    published edition, its one file; of a draft, the last one this reader asked for. The page
    follows it while its request to render is still under way (with Celery eager, as in make
    run, that request returns only once the file is made)."""
    jobs = RenderJob.objects.filter(edition=edition, language=language, format=format, pk__gt=after)
    if edition.is_published:
        jobs = jobs.filter(frozen=True)
    else:
        jobs = jobs.filter(frozen=False, requested_by_id=getattr(user, "pk", None))
    return jobs.order_by("-pk").first()


def render_jobs_ready(*, edition: ReportEdition) -> dict[tuple[str, str], RenderJob]:
    """The files of a published edition already rendered, by (language, format)."""
    if not edition.is_published:
        return {}
    jobs = RenderJob.objects.filter(edition=edition, frozen=True, status=RenderJob.Status.DONE)
    return {(job.language, job.format): job for job in jobs}


def render_seconds_typical(*, format: str, last: int = 10) -> int | None:
    """How long the last renderings of a format took, the median in whole seconds (at least 1);
    None before the first."""
    rows = (
        RenderJob.objects.filter(format=format, status=RenderJob.Status.DONE, started_at__isnull=False)
        .order_by("-finished_at")
        .values_list("started_at", "finished_at")[:last]
    )
    seconds = [(finished - started).total_seconds() for started, finished in rows if finished]
    return max(1, round(statistics.median(seconds))) if seconds else None
