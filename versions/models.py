"""Versions of a results framework. The framework's own tables hold what is in force; a version
records when a revision was endorsed and the changes it made, kept as data (lineage of each
part, retirements) so that old values, ratings and frozen editions keep their meaning."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusters.models import Framework
from indicators.models import Indicator, IndicatorPart


class FrameworkVersionQuerySet(models.QuerySet):
    def endorsed_latest_first(self) -> "FrameworkVersionQuerySet":
        """Endorsed versions, the one in force now first: the latest to apply, then the latest
        endorsed (the model's ordering, reversed)."""
        return self.filter(status="endorsed").order_by("-applies_from", "-endorsed_on", "-id")

    def visible_to(self, *, manager: bool) -> "FrameworkVersionQuerySet":
        """Who sees which versions: the public and readers only endorsed ones; the secretariat
        (manager) also the drafts under way, never a withdrawn one."""
        if manager:
            return self.exclude(status="withdrawn")
        return self.filter(status="endorsed")


class FrameworkVersion(models.Model):
    """The PRF endorsed in 2020, then each revision. A draft is invisible to the public and
    changes nothing in the framework's tables until it is endorsed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        IN_REVIEW = "in_review", _("in review")
        ENDORSED = "endorsed", _("endorsed")
        WITHDRAWN = "withdrawn", _("withdrawn")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="versions")
    label = models.CharField(_("label"), max_length=20, help_text=_("Such as 2020 or 2027."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
        verbose_name=_("revision of"),
        help_text=_("The version in force when this one was drafted; empty for the first version."),
    )
    meeting = models.CharField(_("endorsed at"), max_length=300, blank=True)
    endorsed_on = models.DateField(_("endorsement date"), null=True, blank=True)
    applies_from = models.PositiveSmallIntegerField(
        _("applies from"), help_text=_("The first reporting year this version governs.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = FrameworkVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        ordering = ["framework", "applies_from", "endorsed_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "label"], name="version_label_unique"),
            # one revision under way at a time: two drafts could not both apply to what is in force
            models.UniqueConstraint(
                fields=["framework"], condition=Q(status__in=["draft", "in_review"]), name="version_one_open_draft"
            ),
            models.CheckConstraint(
                condition=~Q(status="endorsed") | Q(endorsed_on__isnull=False), name="version_endorsed_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework.code} {self.label}"

    @property
    def is_endorsed(self) -> bool:
        return self.status == self.Status.ENDORSED

    @property
    def measured_year(self) -> int:
        """The reporting year whose parts this version measures: the first it governs. A draft
        measures what it revises until it is endorsed."""
        if self.is_endorsed or self.based_on is None:
            return self.applies_from
        return self.based_on.applies_from

    @staticmethod
    def governing(endorsed: list["FrameworkVersion"], year: int) -> "FrameworkVersion":
        """Of a framework's endorsed versions in the model's order, the one that governs a
        reporting year: the last to apply at or before it; the first for years before it."""
        governing = [v for v in endorsed if v.applies_from <= year]
        return governing[-1] if governing else endorsed[0]


class Change(models.Model):
    """One change of a draft, with its reason. `payload` says what to do (see versions.changes);
    `before` and `after` describe it in every language, for the comparison and to tell, at
    endorsement, whether what it changes has moved since it was drafted."""

    class Kind(models.TextChoices):
        ADD_RESULT = "add_result", _("result added")
        RETIRE_RESULT = "retire_result", _("result retired")
        ADD_INDICATOR = "add_indicator", _("indicator added")
        RETIRE_INDICATOR = "retire_indicator", _("indicator retired")
        RETIRE_PART = "retire_part", _("part retired")
        ADD_PART = "add_part", _("part added")
        REWORD = "reword", _("reworded")
        SPLIT_PART = "split_part", _("part split")
        MERGE_PARTS = "merge_parts", _("parts merged")
        SPLIT_INDICATOR = "split_indicator", _("indicator split")
        MERGE_INDICATORS = "merge_indicators", _("indicators merged")
        SPLIT_RESULT = "split_result", _("result split")
        MERGE_RESULTS = "merge_results", _("results merged")
        REBASE = "rebase", _("baseline re-set")
        RETARGET = "retarget", _("milestones re-set")

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="changes")
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    payload = models.JSONField(_("what to change"))
    reason = models.TextField(_("reason"))
    before = models.JSONField(default=dict, editable=False)
    after = models.JSONField(default=dict, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="change_order_unique")]

    def __str__(self) -> str:
        return f"{self.version} #{self.order} {self.kind}"


class Retirement(models.Model):
    """An indicator or a part that a version retired. Nothing is deleted: values and frozen
    editions still point at it. A retired part says where its series went, or that it stopped."""

    class Fate(models.TextChoices):
        DISCONTINUED = "discontinued", _("discontinued")
        SPLIT = "split", _("split into new parts")
        MERGED = "merged", _("merged into a new part")
        REPLACED = "replaced", _("continued by other parts")

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="retirements")
    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="retirements")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    part = models.ForeignKey(IndicatorPart, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    fate = models.CharField(_("what became of it"), max_length=12, choices=Fate.choices)
    successors = models.ManyToManyField(
        IndicatorPart, blank=True, related_name="predecessor_retirements", verbose_name=_("continued by")
    )

    class Meta:
        verbose_name = _("retirement")
        verbose_name_plural = _("retirements")
        constraints = [
            models.CheckConstraint(
                condition=Q(indicator__isnull=False, part__isnull=True) | Q(indicator__isnull=True, part__isnull=False),
                name="retirement_of_indicator_or_part",
            ),
            models.UniqueConstraint(
                fields=["indicator"], condition=Q(indicator__isnull=False), name="indicator_retired_once"
            ),
            models.UniqueConstraint(fields=["part"], condition=Q(part__isnull=False), name="part_retired_once"),
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.indicator or self.part}"


class PartLineage(models.Model):
    """Where a part's series comes from in a version: the same part, rebased (value × factor +
    offset), split from one part, merged from several, or new. Later work carries old values
    into the new version's charts with it."""

    class Origin(models.TextChoices):
        SAME = "same", _("same series")
        REBASED = "rebased", _("same series, rebased")
        SPLIT = "split", _("split from another part")
        MERGED = "merged", _("merged from other parts")
        NEW = "new", _("new series")

    part = models.ForeignKey(IndicatorPart, on_delete=models.CASCADE, related_name="lineages")
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="lineages")
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices)
    sources = models.ManyToManyField(
        IndicatorPart, blank=True, related_name="descendant_lineages", verbose_name=_("series from")
    )
    factor = models.DecimalField(_("factor"), max_digits=20, decimal_places=6, null=True, blank=True)
    offset = models.DecimalField(_("offset"), max_digits=20, decimal_places=6, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("part lineage")
        verbose_name_plural = _("part lineages")
        constraints = [
            models.UniqueConstraint(fields=["part", "version"], name="lineage_one_per_part_version"),
            models.CheckConstraint(
                condition=Q(origin="rebased") | Q(factor__isnull=True, offset__isnull=True),
                name="lineage_only_rebased_has_factor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.part} ({self.origin})"
