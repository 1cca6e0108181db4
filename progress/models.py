"""Computed results: regional values and ratings, with the versioned rating method that
produced them. Everything here is rebuilt by progress.services from approved observations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator, IndicatorPart
from progress.method import Movement, Rating

RATING_CHOICES = [(code, code.replace("_", " ")) for code in Rating.ALL]
MOVEMENT_CHOICES = [(code, Movement.LABELS[code]) for code in Movement.ALL]


class RatingMethod(models.Model):
    """A version of the rating method: thresholds, scores, labels and choices as data."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    settings = models.JSONField(_("settings"))
    is_default = models.BooleanField(_("default"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rating method")
        verbose_name_plural = _("rating methods")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_method")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class RegionalValue(models.Model):
    class Origin(models.TextChoices):
        REPORTED = "reported", _("reported for the region")
        AGGREGATED = "aggregated", _("aggregated from countries")

    part = models.ForeignKey(IndicatorPart, on_delete=models.CASCADE, related_name="regional_values")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(_("value"))
    qualifier = models.CharField(_("qualifier"), max_length=2, blank=True)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    contributors = models.JSONField(_("contributing countries"), default=list)
    n_contributors = models.PositiveSmallIntegerField(_("countries contributing"), null=True)
    n_members = models.PositiveSmallIntegerField(_("member countries"))
    # Set by a recompute only when the row's content changes (progress.services._replace), so
    # that feeds can answer `updated_since` and ETag / Last-Modified from the data.
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("regional value")
        verbose_name_plural = _("regional values")
        constraints = [models.UniqueConstraint(fields=["part", "year"], name="regional_value_unique")]

    def __str__(self) -> str:
        return f"{self.part} · {self.year}"

    @property
    def partial_coverage(self) -> bool:
        return self.origin == self.Origin.AGGREGATED and (self.n_contributors or 0) < self.n_members


class PartRating(models.Model):
    method = models.ForeignKey(RatingMethod, on_delete=models.CASCADE, related_name="part_ratings")
    part = models.ForeignKey(IndicatorPart, on_delete=models.CASCADE, related_name="ratings")
    as_of = models.PositiveSmallIntegerField(_("report year"))
    rating = models.CharField(_("rating"), max_length=20, choices=RATING_CHOICES)
    basis = models.CharField(_("basis"), max_length=10)
    latest_year = models.PositiveSmallIntegerField(_("latest year used"), null=True)
    actual = models.FloatField(_("latest value"), null=True)
    actual_qualifier = models.CharField(max_length=2, blank=True)
    baseline_year = models.PositiveSmallIntegerField(null=True)
    baseline_value = models.FloatField(null=True)
    baseline_qualifier = models.CharField(max_length=2, blank=True)
    expected = models.FloatField(_("expected value"), null=True)
    ratio = models.FloatField(_("ratio"), null=True)
    growth = models.FloatField(_("annual change"), null=True)
    milestone_year = models.PositiveSmallIntegerField(null=True)
    milestone_kind = models.CharField(max_length=10, blank=True)
    milestone_value = models.FloatField(null=True)
    outlook = models.CharField(_("outlook"), max_length=10, blank=True)
    projected = models.FloatField(null=True)
    origin = models.CharField(max_length=10, blank=True)
    n_contributors = models.PositiveSmallIntegerField(null=True)
    n_members = models.PositiveSmallIntegerField(null=True)
    flags = models.JSONField(_("flags"), default=list)
    # The scorecard's arrow (engine.direction_since); blank: nothing to compare.
    movement = models.CharField(
        _("change since the previous value"), max_length=10, choices=MOVEMENT_CHOICES, blank=True
    )
    # Set by a recompute only when the row's content changes (progress.services._replace), so
    # that feeds can answer `updated_since` and ETag / Last-Modified from the data.
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("part rating")
        verbose_name_plural = _("part ratings")
        constraints = [models.UniqueConstraint(fields=["method", "part", "as_of"], name="part_rating_unique")]

    def __str__(self) -> str:
        return f"{self.part} · {self.as_of}: {self.rating}"


class IndicatorRating(models.Model):
    method = models.ForeignKey(RatingMethod, on_delete=models.CASCADE, related_name="indicator_ratings")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="ratings")
    as_of = models.PositiveSmallIntegerField(_("report year"))
    rating = models.CharField(_("rating"), max_length=20, choices=RATING_CHOICES)
    score = models.FloatField(_("score"), null=True)
    n_parts = models.PositiveSmallIntegerField()
    n_rated = models.PositiveSmallIntegerField()
    flags = models.JSONField(_("flags"), default=list)
    # Set by a recompute only when the row's content changes (progress.services._replace), so
    # that feeds can answer `updated_since` and ETag / Last-Modified from the data.
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("indicator rating")
        verbose_name_plural = _("indicator ratings")
        constraints = [models.UniqueConstraint(fields=["method", "indicator", "as_of"], name="indicator_rating_unique")]
        indexes = [models.Index(fields=["method", "as_of", "rating"], name="indicator_rating_summary")]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.as_of}: {self.rating}"


class RecomputeRun(models.Model):
    """One recomputation: when, what it covered, how it ended. /healthz reads the last one."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)
    full = models.BooleanField(default=True)
    n_parts = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"


class RecomputeRequest(models.Model):
    """An outbox row: parts whose ratings must be recomputed. Written in the same transaction as
    the change that needs it, so a recompute is never lost when the broker is down; the worker
    drains the rows, and a beat task drains whatever is left."""

    part_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"recompute {len(self.part_ids)} parts"


class QualityWarning(models.Model):
    """A value that looks odd (progress.quality), kept so that the sector's data-quality page can
    list it and someone can mark it followed up. Rebuilt by quality_run; a warning that still
    holds keeps its mark."""

    class Check(models.TextChoices):
        CHANGE = "change", _("large change from the previous value")
        NEAR_LIMIT = "near_limit", _("close to the unit's plausible limit")
        COVERAGE = "coverage", _("regional value from few countries")
        OUTDATED = "outdated", _("latest value outdated for the next edition")
        CATEGORIES = "categories", _("categories that do not add up to the total")

    part = models.ForeignKey(IndicatorPart, on_delete=models.CASCADE, related_name="quality_warnings")
    country = models.ForeignKey("clusters.Country", on_delete=models.CASCADE, null=True, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("check"), max_length=12, choices=Check.choices)
    observation = models.ForeignKey(
        "indicators.Observation", on_delete=models.CASCADE, null=True, related_name="quality_warnings"
    )
    details = models.JSONField(default=dict)
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    followed_up = models.BooleanField(_("followed up"), default=False)
    follow_up_comment = models.TextField(_("follow-up comment"), blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    followed_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("data-quality warning")
        verbose_name_plural = _("data-quality warnings")
        indexes = [models.Index(fields=["part", "year"])]

    def __str__(self) -> str:
        return f"{self.part} · {self.year} · {self.kind}"

    @property
    def message(self) -> str:
        from progress.quality import finding_message

        return finding_message(self.kind, self.details)
