"""Import a year's progress values from a CSV or XLSX file: python manage.py import_progress FILE."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from imports.models import Upload
from imports.services import upload_create, upload_process


class Command(BaseCommand):
    help = "Check and import progress values from a CSV or XLSX file; nothing is written if any row is wrong."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check every row, import nothing.")
        parser.add_argument("--user", help="The user the values are entered as (must be allowed to enter them).")

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user, is_active=True).first()
            if account is None:
                raise CommandError(f"No active user named {user!r}.")
        else:
            account = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
            if account is None:
                raise CommandError("Name the user the values are entered as with --user.")
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}.") from None
        language = translation.get_language() or "en"
        upload = upload_process(
            upload=upload_create(user=account, name=file.name, data=data, dry_run=dry_run, language=language)
        )
        for note in upload.notes:
            self.stdout.write(f"note: {note}")
        for row, column, message, *_name in upload.errors:
            self.stderr.write(f"{file.name}: row {row}, column {column}: {message}")
        if upload.problems_total > len(upload.errors):
            for kind in upload.problem_kinds:
                self.stderr.write(
                    f"{file.name}: {kind['count']:,} problems in column {kind['column']} like: {kind['example']}"
                )
            self.stderr.write(
                f"{file.name}: the first {len(upload.errors):,} of {upload.problems_total:,} problems are listed; "
                f"every one is in {upload.problems_file.name if upload.problems_file else 'the upload page'}."
            )
        if upload.status in (Upload.Status.REFUSED, Upload.Status.FAILED):
            raise CommandError(upload.message)
        self.stdout.write(self.style.SUCCESS(upload.message))
        for change in upload.changes[:50]:
            self.stdout.write(f"  row {change['row']}: {change['old']} -> {change['new']}")
