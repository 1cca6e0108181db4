"""Uploading progress values in bulk: record the upload, check every row, and import all rows or
none in one transaction. Re-importing the same file changes nothing; a corrected file changes
only what differs, and the result lists what changed. A refused file keeps its first problems,
their counts by kind, and the file with a column of every problem (imports.problems)."""

import hashlib
import logging
import os
import shutil
import tempfile

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from imports.models import Upload
from imports.problems import ProblemSink, problems_csv_write, problems_header, problems_xlsx_write
from imports.reading import FileRefused, read_table
from imports.validation import check_table, row_labels
from indicators.models import Observation
from indicators.values import decimal_comma_for
from workflow.entry import Checked, EntryErrors, entries_write, facts_load

logger = logging.getLogger(__name__)


def upload_create(*, user, name: str, data: bytes, dry_run: bool, language: str) -> Upload:
    from django.core.files.base import ContentFile

    upload = Upload(
        original_name=name[:255],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=user,
        dry_run=dry_run,
        language=language,
    )
    upload.file.save(name, ContentFile(data), save=False)
    upload.save()
    return upload


def upload_batch(upload: Upload) -> str:
    """The tag its values carry, so that a reviewer can approve or return the whole upload."""
    return f"upload:{upload.pk}"


def progress_key(upload_id: int) -> str:
    return f"upload-progress-{upload_id}"


def upload_process(*, upload: Upload) -> Upload:
    """Check and (unless a dry run) import an upload. Safe to run again: a finished upload is left
    as it is, and an interrupted one is processed again from the start. Whatever happens, the
    upload ends as done, checked, refused or failed, never left running."""
    if upload.finished:
        return upload
    Upload.objects.filter(pk=upload.pk).update(status=Upload.Status.RUNNING)
    try:
        return _process(upload)
    except Exception:
        logger.exception("upload %s failed", upload.pk)
        with translation.override(upload.language):
            message = _("Processing this file failed on our side; nothing was imported. Try again, or tell the team.")
        return _finish(upload, status=Upload.Status.FAILED, message=message)


def _process(upload: Upload) -> Upload:
    with translation.override(upload.language):
        facts = facts_load(user=upload.uploaded_by)  # first: its dimensions name the file's columns of categories
        try:
            data = upload.file.open("rb").read()
            upload.file.close()
            table = read_table(
                data,
                upload.original_name,
                max_bytes=settings.UPLOAD_MAX_BYTES,
                max_inflated=settings.UPLOAD_MAX_INFLATED_BYTES,
                dimensions=facts.dimension_names,
            )
            del data  # the table holds what is needed of it
        except FileRefused as refusal:
            return _finish(upload, status=Upload.Status.REFUSED, message=str(refusal))
        Upload.objects.filter(pk=upload.pk).update(rows_total=len(table))

        def report(validated: int) -> None:
            Upload.objects.filter(pk=upload.pk).update(rows_validated=validated)
            cache.set(progress_key(upload.pk), {"validated": validated, "imported": 0}, 3600)

        sink = ProblemSink()
        try:
            return _check_and_import(upload, table=table, facts=facts, sink=sink, report=report)
        finally:
            sink.close()


def _check_and_import(upload: Upload, *, table, facts, sink: ProblemSink, report) -> Upload:
    with translation.override(upload.language):
        checked, skipped = check_table(
            table,
            facts,
            decimal_comma=decimal_comma_for(upload.language, delimiter=table.delimiter),
            progress=report,
            sink=sink,
        )
        upload.notes = table.notes + (
            [
                ngettext(
                    "%(count)s row without a value was skipped.",
                    "%(count)s rows without a value were skipped.",
                    skipped,
                )
                % {"count": skipped}
            ]
            if skipped
            else []
        )
        if sink.total:
            return _refuse(upload, table=table, problems=sink)
        if upload.dry_run:
            return _finish(
                upload,
                status=Upload.Status.CHECKED,
                rows_validated=len(table),
                message=_("Every row is valid. This was a check only: nothing was imported."),
            )
        try:
            result = rows_import(user=upload.uploaded_by, checked=checked, upload=upload)
            labels = row_labels(table, {change["row"] for change in result["changes"]})
            for change in result["changes"]:
                change["what"] = labels.get(change["row"], "")
        except EntryErrors as problems:  # found while writing: a conflict with a value saved meanwhile
            sink.extend(sorted(problems.errors, key=lambda error: error[0]))
            return _refuse(upload, table=table, problems=sink)
        return _finish(
            upload,
            status=Upload.Status.DONE,
            rows_validated=len(table),
            rows_imported=len(checked.table),
            created=result["created"],
            changed=result["changed"],
            unchanged=result["unchanged"],
            changes=result["changes"],
            message=_outcome(result),
        )


def _outcome(result: dict) -> str:
    """What an import did, in words with the right plural forms."""
    created, changed, unchanged = result["created"], result["changed"], result["unchanged"]
    if not (created or changed):
        return ngettext(
            "Nothing changed: the %(n)s value is already recorded.",
            "Nothing changed: all %(n)s values are already recorded.",
            unchanged,
        ) % {"n": unchanged}
    counts = ", ".join(
        [
            ngettext("%(n)s new value", "%(n)s new values", created) % {"n": created},
            ngettext("%(n)s changed", "%(n)s changed", changed) % {"n": changed},
            ngettext("%(n)s unchanged", "%(n)s unchanged", unchanged) % {"n": unchanged},
        ]
    )
    return _("%(counts)s; the new and changed values wait for review.") % {"counts": counts}


def _refuse(upload: Upload, *, table, problems: ProblemSink) -> Upload:
    """Refused: the first problems keep their row, column, message and the row's name; every
    problem is counted by kind and written into the file with a column of problems."""
    first, kinds, total = problems.summary.result()
    labels = row_labels(table, {row for row, _column, _message in first})
    return _finish(
        upload,
        status=Upload.Status.REFUSED,
        rows_validated=len(table),
        errors=[[row, column, message, labels.get(row, "")] for row, column, message in first],
        problem_kinds=kinds,
        problems_total=total,
        problems_file=_problems_file_save(upload, table=table, problems=problems, header=problems_header(total, total)),
        message=ngettext(
            "%(count)s problem found; nothing was imported.",
            "%(count)s problems found; nothing was imported.",
            total,
        )
        % {"count": number_format(total, force_grouping=True)},
    )


def _problems_file_save(upload: Upload, *, table, problems, header: str) -> str:
    """Write the uploaded file with a column of problems to a temporary file a row at a time, then
    into storage; returns its name there. XLSX in, XLSX out; CSV in, CSV out."""
    stem = upload.original_name.rsplit(".", 1)[0]
    with tempfile.TemporaryDirectory() as folder:
        with upload.file.open("rb") as source:
            if table.kind == "xlsx":
                path, name = os.path.join(folder, "problems.xlsx"), f"{stem}-problems.xlsx"
                problems_xlsx_write(source, path, problems=problems, header=header)
            else:
                path, name = os.path.join(folder, "problems.csv"), f"{stem}-problems.csv"
                with open(path, "wb") as out:
                    problems_csv_write(source, out, problems=problems, delimiter=table.delimiter, header=header)
        with open(path, "rb") as written:
            return upload.problems_file.storage.save(
                upload.problems_file.field.generate_filename(upload, name), File(written)
            )


def problems_file_temporary(upload: Upload):
    """For an upload refused before its problems file was kept (it kept only its first problems):
    the file with those problems in a temporary file, and the name to give it."""
    header = problems_header(upload.problems_total or len(upload.errors), len(upload.errors))
    problems = sorted((row, column, message) for row, column, message, *_name in upload.errors)
    stem = upload.original_name.rsplit(".", 1)[0]
    out = tempfile.TemporaryFile()  # noqa: SIM115 -- handed to the FileResponse, which closes it
    with upload.file.open("rb") as source:
        if upload.original_name.lower().endswith(".xlsx"):
            with tempfile.TemporaryDirectory() as folder:
                path = os.path.join(folder, "problems.xlsx")
                problems_xlsx_write(source, path, problems=problems, header=header)
                with open(path, "rb") as written:
                    shutil.copyfileobj(written, out)
            name = f"{stem}-problems.xlsx"
        else:
            first_line = source.readline().decode("utf-8-sig", errors="replace")
            source.seek(0)
            delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
            problems_csv_write(source, out, problems=problems, delimiter=delimiter, header=header)
            name = f"{stem}-problems.csv"
    out.seek(0)
    return out, name


def _finish(upload: Upload, **fields) -> Upload:
    fields["finished_at"] = timezone.now()
    fields.setdefault("notes", upload.notes)
    Upload.objects.filter(pk=upload.pk).update(**fields)
    cache.delete(progress_key(upload.pk))
    upload.refresh_from_db()
    return upload


def rows_import(*, user, checked: Checked, upload: Upload | None = None) -> dict:
    """Write checked rows as submitted values through the one way in, all in one transaction."""
    reason = _("Bulk upload of %(name)s") % {"name": upload.original_name} if upload else _("Bulk upload")
    try:
        written = entries_write(
            user=user,
            rows=checked,
            status=Observation.Status.SUBMITTED,
            reason=reason,
            batch=upload_batch(upload) if upload else "",
            fetch=False,
        )
    finally:
        if upload is not None:
            cache.set(progress_key(upload.pk), {"validated": len(checked.table), "imported": len(checked.table)}, 3600)
    return written.as_dict()
