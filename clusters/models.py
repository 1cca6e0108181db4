"""The shape of a results framework: framework, clusters, sectors or pillars, results (impact,
outcomes, outputs), cross-cutting themes and the member countries."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Framework(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    version = models.CharField(_("version"), max_length=40)
    endorsed_on = models.DateField(_("endorsement date"), null=True, blank=True)
    milestone_years = models.JSONField(
        _("milestone years"), default=list, help_text=_("The years the framework sets milestones for.")
    )

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"


class Theme(models.Model):
    """A cross-cutting theme (ICT, climate change, gender) tagged on sectors and indicators."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("cross-cutting theme")
        verbose_name_plural = _("cross-cutting themes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CountryQuerySet(models.QuerySet):
    def members_in(self, year: int) -> "CountryQuerySet":
        """Countries that were members at any point of the given year."""
        return self.filter(member_from__year__lte=year).filter(
            Q(member_until__isnull=True) | Q(member_until__year__gte=year)
        )


class Country(models.Model):
    code = models.CharField(_("ISO 3166 alpha-3 code"), max_length=3, unique=True)
    adb_code = models.CharField(_("ADB code"), max_length=3)
    name = models.CharField(_("name"), max_length=100)
    member_from = models.DateField(_("member from"))
    member_until = models.DateField(
        _("member until"), null=True, blank=True, help_text=_("Empty while the country takes part.")
    )
    membership_note = models.TextField(_("membership note"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = CountryQuerySet.as_manager()

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{3}$"), name="country_code_is_alpha3"),
            models.CheckConstraint(
                condition=Q(member_until__isnull=True) | Q(member_until__gte=models.F("member_from")),
                name="country_membership_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Cluster(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="clusters")
    number = models.PositiveSmallIntegerField(pgettext_lazy("position in a list", "number"))
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=200)
    outcome = models.TextField(_("cluster outcome"), blank=True)
    lead = models.TextField(_("lead"), blank=True)
    risks = models.TextField(_("risks"), blank=True)
    assumptions = models.TextField(_("assumptions"), blank=True)

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="cluster_code_unique"),
            models.UniqueConstraint(fields=["framework", "number"], name="cluster_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Sector(models.Model):
    class Kind(models.TextChoices):
        SECTOR = "sector", _("sector")
        PILLAR = "pillar", _("pillar")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="sectors")
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="sectors")
    code = models.CharField(_("code"), max_length=10)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SECTOR)
    name = models.CharField(_("name"), max_length=200)
    lead = models.TextField(_("lead"), blank=True)
    risks = models.TextField(_("risks"), blank=True)
    assumptions = models.TextField(_("assumptions"), blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="sectors", verbose_name=_("themes"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("sector or pillar")
        verbose_name_plural = _("sectors and pillars")
        ordering = ["cluster__number", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="sector_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


def in_force_in(year: int) -> Q:
    """The condition that a row with in_force_from and in_force_until (reporting years, empty
    meaning open) governs the year: the one place that reads the two fields (in_force_holds,
    beside it, states the same for a row already read)."""
    return (Q(in_force_from__isnull=True) | Q(in_force_from__lte=year)) & (
        Q(in_force_until__isnull=True) | Q(in_force_until__gte=year)
    )


def in_force_holds(year: int, in_force_from: int | None, in_force_until: int | None) -> bool:
    """in_force_in for a row whose two fields were already read: the one way in checks a whole
    file of entries against the parts it loaded once, without a query per row."""
    return (in_force_from is None or in_force_from <= year) and (in_force_until is None or in_force_until >= year)


class InForceYears(models.Model):
    """The reporting years a row of the framework is in force: a result or part from the revision
    that added it to the one that retired it; a baseline or milestone from the revision that set
    it to the one that replaced it. Set only by a framework revision (versions.changes); read
    through in_force_in."""

    in_force_from = models.PositiveSmallIntegerField(
        _("in force from"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("First reporting year it is in force, set by a framework revision; empty: from the start."),
    )
    in_force_until = models.PositiveSmallIntegerField(
        _("in force until"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Last reporting year it is in force, set by a framework revision; empty: still in force."),
    )

    class Meta:
        abstract = True


class InForceQuerySet(models.QuerySet):
    def in_force(self, year: int) -> "InForceQuerySet":
        """The rows in force in a reporting year: a revision adds rows and retires others from
        the first year it governs."""
        return self.filter(in_force_in(year))


class Result(InForceYears):
    """An impact, outcome or output; outputs point to the outcome they serve."""

    class Level(models.TextChoices):
        IMPACT = "impact", _("impact")
        OUTCOME = "outcome", _("outcome")
        OUTPUT = "output", _("output")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="results")
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="results", null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
        verbose_name=_("contributes to"),
    )
    code = models.CharField(_("code"), max_length=20)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    statement = models.TextField(_("statement"))
    lead = models.TextField(_("lead"), blank=True)
    risks = models.TextField(_("risks"), blank=True)
    assumptions = models.TextField(_("assumptions"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = InForceQuerySet.as_manager()

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["sector__cluster__number", "sector__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="result_code_unique"),
            models.CheckConstraint(
                condition=Q(level="impact", sector__isnull=True)
                | Q(level__in=["outcome", "output"], sector__isnull=False),
                name="result_impact_has_no_sector",
            ),
            models.CheckConstraint(
                condition=~Q(level="output") | Q(parent__isnull=False), name="result_output_has_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.code
