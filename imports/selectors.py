"""Reading uploads: who may see which, and which fields each page loads. A list or a progress poll
never loads the fields that hold lists (problems, notes, changes), so they stay the same size
however many problems an upload has."""

from django.db.models import QuerySet

from imports.models import Upload
from workflow.permissions import Access

# What a list of uploads or a progress poll shows, and nothing that grows with an upload.
LISTED = (
    "id",
    "original_name",
    "size",
    "sha256",
    "uploaded_by",
    "uploaded_at",
    "language",
    "dry_run",
    "status",
    "rows_total",
    "rows_validated",
    "rows_imported",
    "created",
    "changed",
    "unchanged",
    "problems_total",
    "message",
    "finished_at",
)
PROGRESS = ("id", "status", "rows_total", "rows_validated", "rows_imported", "message")


def uploads_visible(*, access: Access) -> QuerySet[Upload]:
    """The secretariat sees every upload; anyone else their own."""
    uploads = Upload.objects.all()
    return uploads if access.is_secretariat else uploads.filter(uploaded_by=access.user)


def uploads_list(*, access: Access) -> QuerySet[Upload]:
    return uploads_visible(access=access).select_related("uploaded_by").only(*LISTED, "uploaded_by__username")
