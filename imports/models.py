"""An uploaded spreadsheet and what became of it: kept with who, when, the row counts, the first
problems found with a count of every kind, and the first changes made. The fields that hold lists
are loaded only by the one upload's page (imports.selectors), never by a list or a progress poll."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Upload(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("being processed")
        REFUSED = "refused", _("refused")
        CHECKED = "checked", _("checked, nothing imported (dry run)")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed")

    file = models.FileField(_("file"), upload_to="uploads/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    language = models.CharField(max_length=10, default="en")
    dry_run = models.BooleanField(_("check only"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_validated = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(_("new values"), default=0)
    changed = models.PositiveIntegerField(_("changed values"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged values"), default=0)
    message = models.TextField(_("message"), blank=True)
    errors = models.JSONField(default=list)  # [[file row, column, message, row name], ...], the first KEPT
    problems_total = models.PositiveIntegerField(_("problems"), default=0)
    # [{column, kind, example, count, listed}], the most frequent kinds first (imports.problems)
    problem_kinds = models.JSONField(default=list)
    problems_file = models.FileField(upload_to="uploads/%Y/%m/", blank=True)  # the file with every problem
    notes = models.JSONField(default=list)
    changes = models.JSONField(default=list)  # [{row, what, old, new}] for the first changes
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.uploaded_at:%Y-%m-%d})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.REFUSED, self.Status.CHECKED, self.Status.DONE, self.Status.FAILED)
