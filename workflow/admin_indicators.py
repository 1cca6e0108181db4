"""Indicators in the admin: parts inline under their indicator, and each part's baselines and
milestones (with every revision) inline under the part, all on the indicator's page."""

import nested_admin
from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationInlineModelAdmin, TranslationTabularInline

from indicators.models import (
    Availability,
    Baseline,
    Category,
    Dimension,
    Indicator,
    IndicatorPart,
    Milestone,
    Observation,
    OrdinalLevel,
    Source,
    Unit,
)
from indicators.values import check_typed_columns
from workflow.audit import AuditedAdminMixin

COMPACT_TEXT = {models.TextField: {"widget": forms.TextInput(attrs={"size": 28})}}
ROOMY_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 80})}}


class TypedValueForm(forms.ModelForm):
    """The value type of a baseline, milestone or observation is the part's: it is copied here,
    and the entered value is checked against it with the same rules as every other entry path."""

    def clean(self):
        cleaned = super().clean()
        part = cleaned.get("part") or (self.instance.part if self.instance.part_id else None)
        if part is None:
            return cleaned
        self.instance.value_type = part.value_type
        try:
            check_typed_columns(
                part=part,
                availability=cleaned.get("availability", Availability.VALUE),
                milestone_kind=cleaned.get("kind") if isinstance(self.instance, Milestone) else None,
                number=cleaned.get("value_number"),
                boolean=cleaned.get("value_boolean"),
                text=cleaned.get("value_text") or "",
                qualifier=cleaned.get("qualifier") or "",
            )
        except forms.ValidationError as error:
            self.add_error(None, error)
        return cleaned


class BaselineInline(TranslationInlineModelAdmin, nested_admin.NestedTabularInline):
    model = Baseline
    form = TypedValueForm
    formfield_overrides = COMPACT_TEXT
    fields = (
        "is_current",
        "year",
        "availability",
        "value_number",
        "value_boolean",
        "value_text",
        "qualifier",
        "countries",
        "revised_on",
        "source",
        "reason",
        "note",
    )
    autocomplete_fields = ("countries", "source")
    extra = 0
    classes = ("collapse",)


class MilestoneInline(TranslationInlineModelAdmin, nested_admin.NestedTabularInline):
    model = Milestone
    form = TypedValueForm
    formfield_overrides = COMPACT_TEXT
    fields = (
        "is_current",
        "year",
        "kind",
        "value_number",
        "value_boolean",
        "value_text",
        "set_on",
        "source",
        "reason",
        "note",
    )
    autocomplete_fields = ("source",)
    extra = 0


class OrdinalLevelInline(TranslationInlineModelAdmin, nested_admin.NestedTabularInline):
    model = OrdinalLevel
    fields = ("rank", "code", "label")
    extra = 0


class PartInline(TranslationInlineModelAdmin, nested_admin.NestedStackedInline):
    model = IndicatorPart
    fk_name = "indicator"
    fields = (
        ("code", "order"),
        "name",
        ("unit", "value_type", "direction"),
        ("aggregation", "weight_part", "condition_operator", "condition_value"),
        ("dimensions", "categories_add_up"),
    )
    extra = 0
    inlines = [OrdinalLevelInline, BaselineInline, MilestoneInline]


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdminMixin, TabbedTranslationAdmin, nested_admin.NestedModelAdmin):
    formfield_overrides = ROOMY_TEXT
    list_display = ("code", "short_statement", "level", "sector", "cluster", "part_count")
    list_filter = ("level", "result__sector__cluster", "result__sector", "result__level", "themes")
    search_fields = ("code", "statement", "parts__name", "parts__code")
    list_select_related = ("result__sector__cluster",)
    filter_horizontal = ("themes",)
    autocomplete_fields = ("result",)
    inlines = [PartInline]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(part_total=Count("parts"))

    @admin.display(description=_("statement"))
    def short_statement(self, obj: Indicator) -> str:
        return obj.statement if len(obj.statement) <= 90 else obj.statement[:89] + "…"

    @admin.display(description=_("sector"), ordering="result__sector__code")
    def sector(self, obj: Indicator) -> str:
        return obj.result.sector.code if obj.result.sector_id else "—"

    @admin.display(description=_("cluster"), ordering="result__sector__cluster__number")
    def cluster(self, obj: Indicator) -> str:
        return str(obj.result.sector.cluster.number) if obj.result.sector_id else "—"

    @admin.display(description=_("parts"), ordering="part_total")
    def part_count(self, obj: Indicator) -> int:
        return obj.part_total


@admin.register(Source)
class SourceAdmin(AuditedAdminMixin, TabbedTranslationAdmin):
    list_display = ("code", "name", "url")
    search_fields = ("code", "name")


@admin.register(Unit)
class UnitAdmin(AuditedAdminMixin, TabbedTranslationAdmin):
    list_display = ("code", "name", "symbol", "min_value", "max_value")


class CategoryFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """A category that values are recorded under stays: its values would lose their meaning."""
        super().clean()
        for form in self.deleted_forms:
            category = form.instance
            if category.pk is None:
                continue
            used = Observation.objects.filter(
                breakdown__regex=rf"(^|;){category.dimension.code}={category.code}(;|$)"
            ).exists()
            if used:
                raise forms.ValidationError(
                    _("Values are recorded under %(category)s: it cannot be deleted.") % {"category": category.code}
                )
        for form in self.forms:  # a renamed code would orphan the values recorded under the old one
            if form.instance.pk is not None and "code" in form.changed_data:
                old = Category.objects.get(pk=form.instance.pk)
                if Observation.objects.filter(breakdown__regex=rf"(^|;){old.dimension.code}={old.code}(;|$)").exists():
                    form.add_error("code", _("Values are recorded under this code: it cannot change."))


class CategoryInline(TranslationTabularInline):
    model = Category
    formset = CategoryFormSet
    fields = ("order", "code", "name")
    extra = 0


@admin.register(Dimension)
class DimensionAdmin(AuditedAdminMixin, TabbedTranslationAdmin):
    """The dimensions values may be broken down by, with their code lists: the secretariat adds
    one (such as disability status) here, then names it on the parts broken down by it."""

    list_display = ("code", "name", "category_list", "order")
    fields = ("code", "name", "order")
    inlines = [CategoryInline]

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj is not None else ()  # values and parts name it by its code

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("categories")

    @admin.display(description=_("categories"))
    def category_list(self, obj: Dimension) -> str:
        return ", ".join(f"{c.code} ({c.name})" for c in obj.categories.all())


@admin.register(Observation)
class ObservationAdmin(AuditedAdminMixin, TabbedTranslationAdmin):
    form = TypedValueForm
    formfield_overrides = ROOMY_TEXT
    exclude = ("value_type",)
    list_display = ("part", "country", "year", "breakdown", "value_display", "kind", "status")
    list_filter = (
        "status",
        "kind",
        "year",
        "country",
        "part__indicator__result__sector__cluster",
        "part__indicator__result__sector",
    )
    search_fields = ("part__code", "part__indicator__code", "part__name")
    list_select_related = ("part__indicator", "country")
    autocomplete_fields = ("countries", "source")
    raw_id_fields = ("part",)
    readonly_fields = ("version", "created_at", "updated_at", "created_by")

    # Values come in through the one way in (the grid, the upload, the API, the loader), which
    # checks, reviews and audits them; here they are only looked at.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("value"))
    def value_display(self, obj: Observation) -> str:
        from indicators.display import format_value

        return format_value(obj)
