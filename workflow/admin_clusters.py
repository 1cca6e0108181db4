"""The secretariat's first tool: the framework structure, edited per language in tabs."""

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from clusters.models import Cluster, Country, Framework, Result, Sector, Theme
from workflow.audit import AuditedAdminMixin

admin.site.site_header = _("CAREC 2030 results administration")
admin.site.site_title = _("CAREC 2030 results")
admin.site.index_title = _("Framework and data")

ROOMY_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 80})}}


class SectorInline(TranslationTabularInline):
    model = Sector
    fields = ("code", "name", "kind", "order")
    extra = 0
    show_change_link = True


class ResultInline(TranslationTabularInline):
    model = Result
    fk_name = "sector"
    fields = ("code", "level", "parent", "statement", "order")
    extra = 0
    show_change_link = True


@admin.register(Framework)
class FrameworkAdmin(AuditedAdminMixin, TabbedTranslationAdmin):
    formfield_overrides = ROOMY_TEXT
    list_display = ("code", "name", "version", "endorsed_on")


@admin.register(Theme)
class ThemeAdmin(AuditedAdminMixin, TabbedTranslationAdmin):
    list_display = ("code", "name")


@admin.register(Country)
class CountryAdmin(AuditedAdminMixin, TabbedTranslationAdmin):
    formfield_overrides = ROOMY_TEXT
    list_display = ("code", "adb_code", "name", "member_from", "member_until")
    search_fields = ("code", "adb_code", "name")
    ordering = ("order",)


@admin.register(Cluster)
class ClusterAdmin(AuditedAdminMixin, TabbedTranslationAdmin):
    formfield_overrides = ROOMY_TEXT
    list_display = ("number", "code", "name", "framework")
    list_filter = ("framework",)
    inlines = [SectorInline]


@admin.register(Sector)
class SectorAdmin(AuditedAdminMixin, TabbedTranslationAdmin):
    formfield_overrides = ROOMY_TEXT
    list_display = ("code", "name", "kind", "cluster")
    list_filter = ("cluster", "kind", "themes")
    search_fields = ("code", "name")
    filter_horizontal = ("themes",)
    inlines = [ResultInline]


@admin.register(Result)
class ResultAdmin(AuditedAdminMixin, TabbedTranslationAdmin):
    formfield_overrides = ROOMY_TEXT
    list_display = ("code", "level", "short_statement", "sector", "parent")
    list_filter = ("level", "sector__cluster", "sector")
    search_fields = ("code", "statement")
    list_select_related = ("sector", "parent")
    autocomplete_fields = ("parent",)

    @admin.display(description=_("statement"))
    def short_statement(self, obj: Result) -> str:
        return obj.statement if len(obj.statement) <= 90 else obj.statement[:89] + "…"
