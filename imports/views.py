"""Upload pages: the form, the live progress of one upload and its result, the error report and
the templates. Thin: who may do what is decided in workflow.permissions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from clusters.models import Country, Sector
from imports.models import Upload
from imports.problems import kinds_described
from imports.selectors import PROGRESS, uploads_list, uploads_visible
from imports.services import problems_file_temporary, upload_create
from imports.template_files import template_csv, template_dimensions, template_rows, template_xlsx
from workflow.permissions import Access
from workflow.services import year_check_known


def _may_upload(user) -> Access:
    access = Access(user)
    if not access.can_upload():
        raise PermissionDenied(_("Only the secretariat and focal points upload values."))
    return access


def _own(user, pk: int, fields: tuple[str, ...] = ()) -> Upload:
    uploads = uploads_visible(access=_may_upload(user))
    return get_object_or_404(uploads.only(*fields) if fields else uploads, pk=pk)


@login_required
def upload_page(request):
    from django.conf import settings

    access = _may_upload(request.user)
    if request.method == "POST":
        uploaded = request.FILES.get("file")
        if uploaded is None:
            messages.error(request, _("Choose a file to upload."))
        elif uploaded.size > settings.UPLOAD_MAX_BYTES:
            messages.error(
                request,
                _("The file is %(size)s MB; uploads may be at most %(limit)s MB.")
                % {"size": round(uploaded.size / 1e6, 1), "limit": round(settings.UPLOAD_MAX_BYTES / 1e6, 1)},
            )
        else:
            upload = upload_create(
                user=request.user,
                name=uploaded.name,
                data=uploaded.read(),
                dry_run="dry_run" in request.POST,
                language=get_language() or "en",
            )
            queue(upload.pk)
            return redirect("imports:detail", pk=upload.pk)
    sectors = Sector.objects.order_by("cluster__number", "order")
    if not access.is_secretariat:
        sectors = sectors.filter(pk__in=[s for s, _c in access.assignments])
    return render(request, "imports/upload.html", {"uploads": uploads_list(access=access)[:20], "sectors": sectors})


def queue(upload_id: int) -> None:
    from imports.tasks import upload_process_task

    transaction.on_commit(lambda: upload_process_task.delay(upload_id))


@login_required
def upload_detail(request, pk: int):
    upload = _own(request.user, pk)
    problems = (
        kinds_described(upload.problem_kinds, upload.problems_total, len(upload.errors)) if upload.errors else None
    )
    return render(request, "imports/detail.html", {"upload": upload, "errors": upload.errors, "problems": problems})


@login_required
def upload_progress(request, pk: int):
    from django.core.cache import cache

    from imports.services import progress_key

    upload = _own(request.user, pk, PROGRESS)
    live = cache.get(progress_key(upload.pk)) or {}
    return JsonResponse(
        {
            "status": upload.status,
            "status_label": upload.get_status_display(),
            "finished": upload.finished,
            "rows_total": upload.rows_total,
            "rows_validated": max(upload.rows_validated, live.get("validated", 0)),
            "rows_imported": max(upload.rows_imported, live.get("imported", 0)),
            "message": upload.message,
        }
    )


@login_required
def upload_errors(request, pk: int):
    upload = _own(request.user, pk, ("id", "original_name", "file", "problems_file", "problems_total", "message"))
    return problems_file_response(request, upload)


def problems_file_response(request, upload: Upload):
    """The file with a column of problems, streamed from storage a chunk at a time."""
    stem = upload.original_name.rsplit(".", 1)[0]
    if upload.problems_file:
        content = upload.problems_file.open("rb")
        name = f"{stem}-problems.{upload.problems_file.name.rsplit('.', 1)[-1]}"
    else:
        upload.refresh_from_db(fields=["errors"])  # only an upload refused before problems files were kept
        if not upload.errors:
            # A file refused as a whole (too large, binary, a zip bomb, not UTF-8) has no rows to mark.
            messages.error(
                request, _("This upload has no problems by row to download: %(message)s") % {"message": upload.message}
            )
            return redirect("imports:detail", pk=upload.pk)
        content, name = problems_file_temporary(upload)
    return FileResponse(content, as_attachment=True, filename=name, content_type=_TYPES[name.rsplit(".", 1)[-1]])


_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@login_required
def template_download(request):
    access = _may_upload(request.user)
    sector = get_object_or_404(Sector, code=request.GET.get("sector", ""))
    if not (access.is_secretariat or access.covers_sector(sector.pk)):
        raise PermissionDenied(_("You may not upload values for this sector."))
    text = request.GET.get("year", "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 6):
        messages.error(request, _("Give the year as four digits, such as 2024."))
        return redirect("imports:upload")
    year = int(text)
    try:
        year_check_known(year)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("imports:upload")
    dimensions = template_dimensions()
    rows = template_rows(sector=sector, year=year, dimensions=dimensions)
    if request.GET.get("format") == "csv":
        content, content_type, extension = template_csv(rows, dimensions=dimensions), "text/csv", "csv"
    else:
        countries = list(Country.objects.members_in(year).order_by("order").values_list("code", flat=True))
        content = template_xlsx(rows, dimensions=dimensions, sector_name=sector.name, year=year, countries=countries)
        content_type, extension = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"carec-{sector.code}-{year}.{extension}")
    return response
