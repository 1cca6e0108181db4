"""Report editions (the DEfR and the sectors' progress reports), the frozen snapshot a published
edition renders from, and the rendering jobs that turn an edition into HTML, PDF, XLSX or DOCX."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from clusters.models import Sector
from progress.models import RatingMethod
from versions.models import FrameworkVersion


class ReportEdition(models.Model):
    """One edition: what it covers (a period, a cut-off year, optionally one sector), with which
    rating method, and where it stands. A published edition renders from its snapshot only."""

    class Kind(models.TextChoices):
        REVIEW = "review", _("Development Effectiveness Review")
        SECTOR = "sector", _("sector progress report")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        UNDER_REVIEW = "under_review", _("under review")
        PUBLISHED = "published", _("published")

    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("How the edition is named in addresses, e.g. 2024.")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REVIEW)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, help_text=_("Printed on the summary page, optional."))
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_editions",
        verbose_name=_("sector"),
        help_text=_("Only for a sector progress report."),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    cut_off = models.PositiveSmallIntegerField(
        _("cut-off year"), help_text=_("Ratings are as of this year; later values are left out.")
    )
    method = models.ForeignKey(
        RatingMethod, on_delete=models.PROTECT, related_name="report_editions", verbose_name=_("rating method")
    )
    # Empty only for an edition made before editions named their version, until it is bound
    # (reports.services.report_editions_version_bind); the content then falls back to the version
    # in force for the cut-off year.
    version = models.ForeignKey(
        FrameworkVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_editions",
        verbose_name=_("framework version"),
        help_text=_(
            "The version of the results framework the edition reports against: the one in force for its "
            "cut-off year, kept once the edition is published."
        ),
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_editions",
        verbose_name=_("previous edition"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("report edition")
        verbose_name_plural = _("report editions")
        ordering = ["-period_end", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="edition_period_ordered"),
            models.CheckConstraint(
                condition=Q(kind="review", sector__isnull=True) | Q(kind="sector", sector__isnull=False),
                name="edition_sector_report_has_sector",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="edition_published_has_date",
            ),
            models.CheckConstraint(condition=~Q(previous=F("pk")), name="edition_not_its_own_previous"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ReportSnapshot(models.Model):
    """Everything a published edition shows, as plain data in every language: framework texts,
    values, ratings with their explanations, narratives, baselines, milestones and the method.
    Written once when the edition is published; never updated."""

    edition = models.OneToOneField(ReportEdition, on_delete=models.PROTECT, related_name="snapshot")
    content = models.JSONField()
    schema = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")

    def __str__(self) -> str:
        return f"{self.edition.code} · {self.created_at:%Y-%m-%d}"


class RenderJob(models.Model):
    """One rendering of an edition in a language and format, run by a Celery task that reports
    its progress here; the page polls it. A published edition's file is rendered once and kept."""

    class Format(models.TextChoices):
        HTML = "html", "HTML"
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"
        DOCX = "docx", "DOCX"

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    edition = models.ForeignKey(ReportEdition, on_delete=models.CASCADE, related_name="render_jobs")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    # Set when the edition is published: the file then depends on the snapshot alone.
    frozen = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=40, blank=True)
    file = models.FileField(upload_to="reports/", blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rendering")
        verbose_name_plural = _("renderings")
        ordering = ["-created_at"]
        constraints = [
            # A published edition is rendered once per language and format; a failed attempt
            # does not block the next.
            models.UniqueConstraint(
                fields=["edition", "language", "format"],
                condition=Q(frozen=True) & ~Q(status="failed"),
                name="render_job_one_per_published_file",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="render_job_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.edition.code} · {self.language} · {self.format} · {self.status}"
