"""Uploading progress values in bulk: record the upload, check every row, and import all rows or
none in one transaction. Re-importing the same file changes nothing; a corrected file changes
only what differs, and the result lists what changed."""

import hashlib
import logging
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from imports.models import Upload
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
        try:
            data = upload.file.open("rb").read()
            upload.file.close()
            table = read_table(
                data,
                upload.original_name,
                max_bytes=settings.UPLOAD_MAX_BYTES,
                max_inflated=settings.UPLOAD_MAX_INFLATED_BYTES,
            )
        except FileRefused as refusal:
            return _finish(upload, status=Upload.Status.REFUSED, message=str(refusal))
        facts = facts_load(user=upload.uploaded_by)
        Upload.objects.filter(pk=upload.pk).update(rows_total=len(table.rows))

        def report(validated: int) -> None:
            Upload.objects.filter(pk=upload.pk).update(rows_validated=validated)
            cache.set(progress_key(upload.pk), {"validated": validated, "imported": 0}, 3600)

        checked, skipped = check_table(
            table,
            facts,
            decimal_comma=decimal_comma_for(upload.language, delimiter=table.delimiter),
            progress=report,
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
        if checked.errors:
            return _refuse(upload, table=table, errors=checked.errors)
        if upload.dry_run:
            return _finish(
                upload,
                status=Upload.Status.CHECKED,
                rows_validated=len(table.rows),
                message=_("Every row is valid. This was a check only: nothing was imported."),
            )
        try:
            result = rows_import(user=upload.uploaded_by, checked=checked, upload=upload)
            labels = row_labels(table, {change["row"] for change in result["changes"]})
            for change in result["changes"]:
                change["what"] = labels.get(change["row"], "")
        except EntryErrors as problems:  # found while writing: a conflict with a value saved meanwhile
            return _refuse(upload, table=table, errors=problems.errors)
        return _finish(
            upload,
            status=Upload.Status.DONE,
            rows_validated=len(table.rows),
            rows_imported=len(checked.rows),
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


def _refuse(upload: Upload, *, table, errors: list) -> Upload:
    """Refused: each problem keeps its row, column and message, and the row's name."""
    labels = row_labels(table, {row for row, _column, _message in errors})
    return _finish(
        upload,
        status=Upload.Status.REFUSED,
        rows_validated=len(table.rows),
        errors=[[row, column, message, labels.get(row, "")] for row, column, message in errors],
        message=ngettext(
            "%(count)s problem found; nothing was imported.",
            "%(count)s problems found; nothing was imported.",
            len(errors),
        )
        % {"count": len(errors)},
    )


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
            rows=checked.rows,
            status=Observation.Status.SUBMITTED,
            reason=reason,
            batch=upload_batch(upload) if upload else "",
            fetch=False,
        )
    finally:
        if upload is not None:
            cache.set(progress_key(upload.pk), {"validated": len(checked.rows), "imported": len(checked.rows)}, 3600)
    return written.as_dict()


def error_report(upload: Upload) -> tuple[bytes, str, str]:
    """The uploaded file with an extra column listing each row's problems."""
    import csv
    import io

    data = upload.file.open("rb").read()
    upload.file.close()
    by_row = defaultdict(list)
    for number, column, message, *_name in upload.errors:
        by_row[number].append(f"{column}: {message}")
    header = _("problems")
    if upload.original_name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(data))
        sheet = workbook["data"] if "data" in workbook.sheetnames else workbook.worksheets[0]
        column = sheet.max_column + 1
        sheet.cell(row=1, column=column, value=header)
        for number, problems in by_row.items():
            sheet.cell(row=number, column=column, value="; ".join(problems))
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    text = data.decode("utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
        writer.writerow([*cells, header if number == 1 else "; ".join(by_row.get(number, []))])
    return ("\ufeff" + out.getvalue()).encode("utf-8"), "text/csv", "csv"
