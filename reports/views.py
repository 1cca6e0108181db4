"""Report pages: the list of editions, an edition as a web page with its contents, downloads
rendered by a Celery task whose progress the page polls, and the secretariat's actions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reports import selectors, services
from reports.builder import report_document
from reports.forms import EditionForm
from reports.models import RenderJob
from reports.render import CONTENT_TYPES, FORMATS, step_text
from workflow.permissions import Access


def edition_list(request):
    access = Access(request.user)
    form = None
    if access.can_manage():
        form = EditionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                edition = services.report_edition_create(
                    user=request.user,
                    code=data["code"],
                    titles=form.titles(),
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    cut_off=data["cut_off"],
                    sector=data["sector"],
                    previous=data["previous"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("reports:edition_detail", code=edition.code)
    elif request.method == "POST":
        raise PermissionDenied
    editions = selectors.edition_list(user=request.user)
    return render(request, "reports/edition_list.html", {"editions": editions, "form": form, "access": access})


@require_GET
def edition_detail(request, code: str):
    edition = selectors.edition_get(user=request.user, code=code)
    language = get_language()
    document = report_document(
        selectors.edition_content(edition, request.user),
        selectors.edition_previous_content(edition, request.user),
        language=language,
    )
    ready = selectors.render_jobs_ready(edition=edition)
    from django.conf import settings
    from django.utils.translation import get_language_info

    downloads = [
        {
            "language": code_,
            "name": get_language_info(code_)["name_local"],
            "formats": [
                {
                    "format": fmt,
                    "ready": reverse("reports:render_job_file", args=[ready[(code_, fmt)].pk])
                    if (code_, fmt) in ready
                    else "",
                }
                for fmt in FORMATS
            ],
        }
        for code_, _name in settings.LANGUAGES
    ]
    every_file_ready = len(ready) == len(settings.LANGUAGES) * len(FORMATS)
    return render(
        request,
        "reports/edition_detail.html",
        {
            "edition": edition,
            "document": document,
            "downloads": downloads,
            "downloads_note": "" if every_file_ready else _downloads_note(),
            # renderings newer than this one are those asked for from this page
            "last_job": 0 if every_file_ready else selectors.render_job_last_id(),
            "access": Access(request.user),
        },
    )


def _downloads_note() -> str:
    """What a reader waits for when a file is not there yet, from how long the last ones took."""
    note = _("The files are made on the server when you ask for them; the bar shows each step.")
    seconds = selectors.render_seconds_typical(format="pdf")
    if seconds is None:
        return note
    took = ngettext(
        "A PDF took about %(seconds)s second lately.", "A PDF took about %(seconds)s seconds lately.", seconds
    ) % {"seconds": seconds}
    return f"{note} {took}"


def _transition(request, code: str, action, done: str):
    edition = selectors.edition_get(user=request.user, code=code)
    try:
        action(user=request.user, edition=edition)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("reports:edition_detail", code=code)


@require_POST
def edition_submit(request, code: str):
    return _transition(request, code, services.report_edition_submit, _("The edition is now under review."))


@require_POST
def edition_return(request, code: str):
    return _transition(request, code, services.report_edition_return, _("The edition is a draft again."))


@require_POST
def edition_publish(request, code: str):
    return _transition(
        request, code, services.report_edition_publish, _("The edition is published; its content is now frozen.")
    )


def _failure_text(job: RenderJob) -> str:
    """Why a rendering failed, in the reader's language where the cause is known."""
    if job.error == "stale":
        return _("The server stopped before the file was finished. Ask for it again.")
    if job.step == "fonts" and job.format == "docx":
        return _(
            "No font with Chinese characters is installed on the server, so the charts of the Chinese Word file "
            "cannot be drawn. The administrator can install one (on Debian: apt-get install fonts-noto-cjk)."
        )
    if job.step == "fonts":
        return _(
            "No font with Chinese characters is installed on the server, so the Chinese PDF cannot be made. "
            "The administrator can install one (on Debian: apt-get install fonts-noto-cjk)."
        )
    return _("Failed at “%(step)s”: %(reason)s") % {"step": step_text(job.step), "reason": job.error}


def _job_json(job: RenderJob) -> dict:
    """A rendering as the page's script shows it: a bar (moving, or animated while no step can
    say how far it got), the step in words, and plainly done or failed with the reason."""
    done, failed = job.status == RenderJob.Status.DONE, job.status == RenderJob.Status.FAILED
    if done:
        label = _("Ready")
    elif failed:
        label = _("Failed")
    elif job.status == RenderJob.Status.QUEUED:
        label = _("Waiting for the server")
    else:
        label = step_text(job.step)
    return {
        "id": job.pk,
        "status": job.status,
        "progress": job.progress,
        "step": job.step,
        "label": label,
        "indeterminate": job.status == RenderJob.Status.QUEUED,
        "error": _failure_text(job) if failed else "",
        "file": reverse("reports:render_job_file", args=[job.pk]) if done else "",
        "status_url": reverse("reports:render_job_status", args=[job.pk]),
    }


@require_POST
def edition_render(request, code: str):
    """Queue a rendering; answers with the job as JSON (the page's script), or, without script,
    redirects to the file when it is ready and back to the edition otherwise."""
    edition = selectors.edition_get(user=request.user, code=code)
    try:
        job = services.render_job_request(
            user=request.user,
            edition=edition,
            language=request.POST.get("language", get_language()),
            format=request.POST.get("format", ""),
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    job.refresh_from_db()
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(_job_json(job), status=202 if job.status != RenderJob.Status.DONE else 200)
    if job.status == RenderJob.Status.DONE:
        return redirect("reports:render_job_file", pk=job.pk)
    messages.info(request, _("The file is being prepared; reload this page in a moment."))
    return redirect("reports:edition_detail", code=code)


@require_GET
def edition_render_status(request, code: str):
    """The newest rendering of one file (language and format) after job `after`, as JSON; 204
    while there is none yet."""
    edition = selectors.edition_get(user=request.user, code=code)
    try:
        after = int(request.GET.get("after", 0))
    except ValueError:
        after = 0
    job = selectors.render_job_latest(
        user=request.user,
        edition=edition,
        language=request.GET.get("language", ""),
        format=request.GET.get("format", ""),
        after=after,
    )
    return HttpResponse(status=204) if job is None else JsonResponse(_job_json(job))


@require_GET
def render_job_status(request, pk: int):
    job = selectors.render_job_get(user=request.user, pk=pk)
    return JsonResponse(_job_json(job))


@require_GET
def render_job_file(request, pk: int):
    job = selectors.render_job_get(user=request.user, pk=pk)
    if job.status != RenderJob.Status.DONE or not job.file:
        raise Http404
    name = f"carec-report-{job.edition.code}-{job.language}.{job.format}"
    response = FileResponse(
        job.file.open("rb"),
        content_type=CONTENT_TYPES[job.format],
        as_attachment=job.format != "html",
        filename=name,
    )
    if not job.frozen:
        response["Cache-Control"] = "private, no-store"
    return response
