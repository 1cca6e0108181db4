"""Indicators and their data: parts (series), units, baselines and milestones with every revision
kept, and observations. Values are typed: a number, a yes/no, a level on an ordinal scale or a
set of countries, each in its own column, with check constraints that keep them apart."""

from django.conf import settings
from django.db import models
from django.db.models import ExpressionWrapper, Q
from django.utils.translation import gettext_lazy as _

from clusters.models import Country, Framework, InForceQuerySet, InForceYears, Result, Theme, in_force_in


class ValueType(models.TextChoices):
    NUMBER = "number", _("number")
    PERCENT = "percent", _("percent")
    COUNT = "count", _("count")
    MONEY = "money", _("money (USD)")
    RANK = "rank", _("rank (lower is better)")
    BOOLEAN = "boolean", _("yes/no")
    ORDINAL = "ordinal", _("level on a scale")
    COUNTRY_SET = "country_set", _("set of countries")


NUMERIC_TYPES = [ValueType.NUMBER, ValueType.PERCENT, ValueType.COUNT, ValueType.MONEY, ValueType.RANK]


class Availability(models.TextChoices):
    VALUE = "value", _("value")
    NOT_APPLICABLE = "not_applicable", _("not applicable")
    NOT_AVAILABLE = "not_available", _("not available")


class Qualifier(models.TextChoices):
    NONE = "", _("exact")
    LT = "<", _("less than")
    LE = "<=", _("at most")
    GT = ">", _("more than")
    GE = ">=", _("at least")
    APPROX = "~", _("about")


class Source(models.Model):
    """A citation reused across baselines, milestones and observations."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("citation"), max_length=400)
    url = models.URLField(_("URL"), blank=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    symbol = models.CharField(_("symbol"), max_length=30, blank=True)
    min_value = models.DecimalField(_("lowest plausible value"), max_digits=20, decimal_places=6, null=True, blank=True)
    max_value = models.DecimalField(
        _("highest plausible value"), max_digits=20, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="unit_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.symbol or self.name


class IndicatorQuerySet(models.QuerySet):
    def measured_in(self, year: int) -> "IndicatorQuerySet":
        """The indicators with a part measured in a reporting year: one a revision retired, or
        added from a later year, is not."""
        return self.filter(pk__in=IndicatorPart.objects.in_force(year).values("indicator_id"))


class Indicator(models.Model):
    class Level(models.TextChoices):
        PRF = "prf", _("PRF indicator")
        SECTOR = "sector", _("sector-level indicator")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="indicators")
    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=20)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.PRF)
    statement = models.TextField(_("statement"))
    data_sources = models.TextField(_("data sources"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="indicators", verbose_name=_("themes"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["result__sector__cluster__number", "result__sector__order", "result__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="indicator_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def slug(self) -> str:
        """The code as it appears in URLs: "TRD OC 1" -> "TRD-OC-1"."""
        return self.code.replace(" ", "-")


class Dimension(models.Model):
    """A way a value may be broken down, such as sex or age group (an SDMX dimension, an Open SDG
    disaggregation column). Its categories are a code list; a value with no category is the total."""

    code = models.CharField(
        _("code"), max_length=20, unique=True, help_text=_("Upper-case letters, digits and _, such as SEX.")
    )
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z][A-Z0-9_]*$"), name="dimension_code_upper_snake"),
        ]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """One entry of a dimension's code list, such as F (female) of SEX."""

    dimension = models.ForeignKey(
        Dimension, on_delete=models.CASCADE, related_name="categories", verbose_name=_("dimension")
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("Upper-case letters, digits and _, such as F."))
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["dimension", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="category_code_unique"),
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z0-9_]+$"), name="category_code_upper_snake"),
        ]

    def __str__(self) -> str:
        return self.name


def _governs(year: int) -> Q:
    """A baseline or milestone row governs a year when it is in force then and either current
    or replaced by a framework revision only from a later year (a correction leaves no years)."""
    return in_force_in(year) & (Q(is_current=True) | Q(in_force_until__isnull=False))


class IndicatorPart(InForceYears):
    """One series of an indicator, such as "Road, speed with delay"."""

    class Direction(models.IntegerChoices):
        INCREASE = 1, _("higher is better")
        DECREASE = -1, _("lower is better")

    class Aggregation(models.TextChoices):
        REGION_ONLY = "region_only", _("reported only for the region")
        SUM = "sum", _("sum")
        MEAN = "mean", _("mean")
        WEIGHTED_MEAN = "weighted_mean", _("weighted mean")
        MEDIAN = "median", _("median")
        MIN = "min", _("minimum")
        MAX = "max", _("maximum")
        COUNT_MEETING = "count_meeting", _("count of countries meeting a condition")

    class Operator(models.TextChoices):
        LT = "<", "<"
        LE = "<=", "≤"
        GT = ">", ">"
        GE = ">=", "≥"
        EQ = "=", "="

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="parts")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=300)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="parts", verbose_name=_("unit"))
    value_type = models.CharField(_("value type"), max_length=12, choices=ValueType.choices)
    direction = models.SmallIntegerField(_("desired direction"), choices=Direction.choices)
    aggregation = models.CharField(
        _("regional aggregation"), max_length=14, choices=Aggregation.choices, default=Aggregation.REGION_ONLY
    )
    weight_part = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="weighted_parts",
        verbose_name=_("weights from"),
    )
    condition_part = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="counted_parts",
        verbose_name=_("condition tested on"),
        help_text=_(
            "For a count of countries meeting a condition: the part whose country values are tested "
            "(empty: this part's own)."
        ),
    )
    condition_operator = models.CharField(_("condition operator"), max_length=2, choices=Operator.choices, blank=True)
    condition_value = models.DecimalField(_("condition value"), max_digits=20, decimal_places=6, null=True, blank=True)
    dimensions = models.ManyToManyField(
        Dimension,
        blank=True,
        related_name="parts",
        verbose_name=_("broken down by"),
        help_text=_("The dimensions its values may be broken down by; a value with no category is the total."),
    )
    categories_add_up = models.BooleanField(
        _("categories add up to the total"),
        default=False,
        help_text=_("A count: the categories of a dimension must add up to the total. Not a share or an average."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = InForceQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator part")
        verbose_name_plural = _("indicator parts")
        ordering = ["indicator", "order", "id"]  # a split part's successors take its place, after it
        constraints = [
            models.UniqueConstraint(fields=["indicator", "code"], name="part_code_unique"),
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z0-9_]+$"), name="part_code_upper_snake"),
            models.CheckConstraint(
                condition=~Q(aggregation="weighted_mean") | Q(weight_part__isnull=False),
                name="part_weighted_mean_has_weights",
            ),
            models.CheckConstraint(
                condition=~Q(aggregation="count_meeting")
                | (~Q(condition_operator="") & Q(condition_value__isnull=False)),
                name="part_count_meeting_has_condition",
            ),
            models.CheckConstraint(
                condition=~Q(value_type__in=["boolean", "ordinal", "country_set"])
                | Q(aggregation__in=["region_only", "count_meeting"]),
                name="part_non_numeric_not_averaged",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} · {self.name}"


class OrdinalLevel(models.Model):
    """A level of an ordinal part's scale; `rank` 1 is the worst."""

    part = models.ForeignKey(IndicatorPart, on_delete=models.CASCADE, related_name="scale")
    code = models.CharField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=200)
    rank = models.PositiveSmallIntegerField(_("rank"))

    class Meta:
        verbose_name = _("scale level")
        verbose_name_plural = _("scale levels")
        ordering = ["part", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["part", "code"], name="ordinal_level_code_unique"),
            models.UniqueConstraint(fields=["part", "rank"], name="ordinal_level_rank_unique"),
        ]

    def __str__(self) -> str:
        return self.label


def _one_typed_value(prefix: str = "") -> Q:
    """Exactly the column that belongs to the row's value type holds a value.

    A set of countries keeps its count in value_number (the PRF sometimes gives only the count);
    the members, when named, are in the countries relation."""
    number, boolean, text = Q(value_number__isnull=False), Q(value_boolean__isnull=False), ~Q(value_text="")
    no_number, no_boolean, no_text = Q(value_number__isnull=True), Q(value_boolean__isnull=True), Q(value_text="")
    return (
        (Q(value_type__in=NUMERIC_TYPES) & number & no_boolean & no_text)
        | (Q(value_type=ValueType.COUNTRY_SET) & number & no_boolean & no_text)
        | (Q(value_type=ValueType.BOOLEAN) & boolean & no_number & no_text)
        | (Q(value_type=ValueType.ORDINAL) & text & no_number & no_boolean)
    )


def _no_value() -> Q:
    return Q(value_number__isnull=True, value_boolean__isnull=True, value_text="")


def _value_range_checks(name: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=~Q(value_type__in=[ValueType.COUNT, ValueType.COUNTRY_SET]) | ~Q(value_number__lt=0),
            name=f"{name}_count_not_negative",
        ),
        models.CheckConstraint(
            condition=~Q(value_type=ValueType.RANK) | ~Q(value_number__lt=1),
            name=f"{name}_rank_at_least_one",
        ),
    ]


class TypedValue(models.Model):
    """The value columns shared by baselines, milestones and observations.

    value_type is copied from the part when the row is written (by the services), so the
    database itself can check that the right column is filled."""

    value_type = models.CharField(_("value type"), max_length=12, choices=ValueType.choices)
    value_number = models.DecimalField(_("value"), max_digits=20, decimal_places=6, null=True, blank=True)
    value_boolean = models.BooleanField(_("yes/no value"), null=True, blank=True)
    value_text = models.CharField(_("level"), max_length=40, blank=True)
    qualifier = models.CharField(_("qualifier"), max_length=2, choices=Qualifier.choices, blank=True)

    class Meta:
        abstract = True


class BaselineQuerySet(models.QuerySet):
    def current(self) -> "BaselineQuerySet":
        return self.filter(is_current=True)

    def in_force(self, year: int) -> "BaselineQuerySet":
        """The rows that govern a reporting year: the current ones, less those a framework
        revision set for later years, and those a revision replaced from a later year on."""
        return self.filter(_governs(year))

    def seen_in(self, year: int) -> "BaselineQuerySet":
        """Every row but those a framework revision set for later years: the history as a report
        on the year knows it."""
        return self.exclude(in_force_from__gt=year)

    def known_in(self, year: int) -> "BaselineQuerySet":
        """seen_in, with `governs` marking the row in force in the year."""
        return self.seen_in(year).annotate(
            governs=ExpressionWrapper(_governs(year), output_field=models.BooleanField())
        )


class Baseline(TypedValue, InForceYears):
    """A baseline and its revisions: every row is kept, exactly one per part is current."""

    part = models.ForeignKey(IndicatorPart, on_delete=models.CASCADE, related_name="baselines")
    year = models.PositiveSmallIntegerField(_("year"))
    availability = models.CharField(
        _("availability"), max_length=14, choices=Availability.choices, default=Availability.VALUE
    )
    countries = models.ManyToManyField(Country, blank=True, related_name="+", verbose_name=_("countries"))
    is_current = models.BooleanField(_("current"), default=True)
    revised_on = models.DateField(_("date of this revision"))
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+", verbose_name=_("source"))
    reason = models.TextField(_("reason for the revision"), blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = BaselineQuerySet.as_manager()

    class Meta:
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        ordering = ["part", "-is_current", "-revised_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["part"], condition=Q(is_current=True), name="baseline_one_current_per_part"
            ),
            models.CheckConstraint(
                condition=(Q(availability=Availability.VALUE) & _one_typed_value())
                | (~Q(availability=Availability.VALUE) & _no_value()),
                name="baseline_typed_value",
            ),
            *_value_range_checks("baseline"),
        ]

    def __str__(self) -> str:
        return f"{self.part} · {self.year}"


class MilestoneQuerySet(models.QuerySet):
    def current(self) -> "MilestoneQuerySet":
        return self.filter(is_current=True)

    def in_force(self, year: int) -> "MilestoneQuerySet":
        """The rows that govern a reporting year: the current ones, less those a framework
        revision set for later years, and those a revision replaced from a later year on."""
        return self.filter(_governs(year))


class Milestone(TypedValue, InForceYears):
    """A target for a year. "At least #" is kind at_least with no value yet."""

    class Kind(models.TextChoices):
        EXACT = "exact", _("exact")
        AT_LEAST = "at_least", _("at least")
        AT_MOST = "at_most", _("at most")
        NOT_SET = "not_set", _("not set")
        NOT_APPLICABLE = "not_applicable", _("not applicable")

    part = models.ForeignKey(IndicatorPart, on_delete=models.CASCADE, related_name="milestones")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    is_current = models.BooleanField(_("current"), default=True)
    set_on = models.DateField(_("date set"))
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+", verbose_name=_("source"))
    reason = models.TextField(_("reason for the revision"), blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["part", "year", "-is_current", "-set_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["part", "year"], condition=Q(is_current=True), name="milestone_one_current_per_year"
            ),
            models.CheckConstraint(
                condition=(Q(kind="exact") & _one_typed_value())
                | (Q(kind__in=["at_least", "at_most"]) & (_one_typed_value() | _no_value()))
                | (Q(kind__in=["not_set", "not_applicable"]) & _no_value()),
                name="milestone_typed_value",
            ),
            *_value_range_checks("milestone"),
        ]

    def __str__(self) -> str:
        return f"{self.part} · {self.year}"

    @property
    def is_set(self) -> bool:
        return self.kind in (self.Kind.EXACT, self.Kind.AT_LEAST, self.Kind.AT_MOST) and not (
            self.value_number is None and self.value_boolean is None and self.value_text == ""
        )


class ReportingYear(models.Model):
    """A year of reporting: open for entry, locked for review, or published. Which values anyone
    may see depends on it (ObservationQuerySet.public), so it lives beside the observations."""

    class Status(models.TextChoices):
        OPEN = "open", _("open for entry")
        LOCKED = "locked", _("locked")
        PUBLISHED = "published", _("published")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    deadline = models.DateField(_("deadline for entry"), null=True, blank=True)
    reminder_sent_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("reporting year")
        verbose_name_plural = _("reporting years")
        ordering = ["-year"]
        db_table = "workflow_reportingyear"  # created by workflow's first migration

    def __str__(self) -> str:
        return str(self.year)


def public_years_excluded():
    """The years whose values the public may not see yet: every reporting year not published.
    A year never opened for entry holds only figures loaded from published reports."""
    return ReportingYear.objects.exclude(status=ReportingYear.Status.PUBLISHED).values("year")


def public_q(prefix: str = "") -> Q:
    """public() as a Q, for related lookups (prefix such as "observation__")."""
    return Q(**{f"{prefix}status": "approved"}) & ~Q(**{f"{prefix}year__in": public_years_excluded()})


class ObservationQuerySet(models.QuerySet):
    def approved(self) -> "ObservationQuerySet":
        """Approved values of any year: for staff and the workflow. What the public sees is public()."""
        return self.filter(status=Observation.Status.APPROVED)

    def public(self) -> "ObservationQuerySet":
        """What anyone may see, and what every public page, chart, rating, open-data file and
        report is made of: approved values of published (or never opened) years."""
        return self.filter(public_q())

    def regional(self) -> "ObservationQuerySet":
        return self.filter(country__isnull=True)


class Observation(TypedValue):
    """A value for a part and year, for one country or (country empty) the whole region."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")
        SUPERSEDED = "superseded", _("superseded by a later approved value")

    class Kind(models.TextChoices):
        """The observation status, SDMX's OBS_STATUS (its code in OBS_STATUS below)."""

        ACTUAL = "actual", _("normal")
        ESTIMATE = "estimate", _("estimated")
        FORECAST = "forecast", _("forecast")
        PROVISIONAL = "provisional", _("provisional")
        BREAK = "break", _("break in series")
        IMPUTED = "imputed", _("imputed")
        MISSING = "missing", _("missing")

    part = models.ForeignKey(IndicatorPart, on_delete=models.CASCADE, related_name="observations")
    year = models.PositiveSmallIntegerField(_("year"))
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("country"),
        help_text=_("Empty for a value reported for the whole region."),
    )
    availability = models.CharField(
        _("availability"), max_length=14, choices=Availability.choices, default=Availability.VALUE
    )
    countries = models.ManyToManyField(Country, blank=True, related_name="+", verbose_name=_("countries"))
    breakdown = models.CharField(
        _("categories"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("The categories this value is for, such as SEX=F; empty for the total."),
    )
    kind = models.CharField(_("flag"), max_length=12, choices=Kind.choices, default=Kind.ACTUAL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("source")
    )
    note = models.TextField(_("note"), blank=True)
    citation = models.CharField(_("source citation"), max_length=500, blank=True)
    evidence_url = models.URLField(_("evidence URL"), max_length=500, blank=True)
    revision_reason = models.TextField(_("reason for revising the approved value"), blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    batch = models.CharField(
        _("batch"), max_length=40, blank=True, db_index=True, help_text=_("The upload that last wrote it, if any.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = ObservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["part", "year", "country__order"]
        constraints = [
            # NULL country (the region) needs its own constraint: NULLs never collide in UNIQUE.
            models.UniqueConstraint(
                fields=["part", "country", "year", "breakdown"],
                condition=Q(status="approved", country__isnull=False),
                name="observation_one_approved_per_country_year",
            ),
            models.UniqueConstraint(
                fields=["part", "year", "breakdown"],
                condition=Q(status="approved", country__isnull=True),
                name="observation_one_approved_per_region_year",
            ),
            # one working copy (a new value or a revision under way) per cell
            models.UniqueConstraint(
                fields=["part", "country", "year", "breakdown"],
                condition=Q(status__in=["draft", "submitted", "returned"], country__isnull=False),
                name="observation_one_pending_per_country_year",
            ),
            models.UniqueConstraint(
                fields=["part", "year", "breakdown"],
                condition=Q(status__in=["draft", "submitted", "returned"], country__isnull=True),
                name="observation_one_pending_per_region_year",
            ),
            models.CheckConstraint(
                condition=(Q(availability=Availability.VALUE) & _one_typed_value())
                | (~Q(availability=Availability.VALUE) & _no_value()),
                name="observation_typed_value",
            ),
            *_value_range_checks("observation"),
        ]
        indexes = [
            models.Index(fields=["part", "year"], name="observation_part_year"),
            # the latest year observed, which ends the report years of every recompute
            models.Index(fields=["year"], name="observation_year"),
        ]

    def __str__(self) -> str:
        where = self.country.code if self.country_id else "CAREC"
        return f"{self.part} · {where} · {self.year}" + (f" · {self.breakdown}" if self.breakdown else "")

    @property
    def cell(self) -> tuple[int, int | None, int, str]:
        """What one value is for: part, place (None: the region), year and categories."""
        return (self.part_id, self.country_id, self.year, self.breakdown)


# SDMX's OBS_STATUS code of each flag (the code list CL_OBS_STATUS), for the open data.
OBS_STATUS = {
    Observation.Kind.ACTUAL: "A",
    Observation.Kind.ESTIMATE: "E",
    Observation.Kind.FORECAST: "F",
    Observation.Kind.PROVISIONAL: "P",
    Observation.Kind.BREAK: "B",
    Observation.Kind.IMPUTED: "I",
    Observation.Kind.MISSING: "M",
}
