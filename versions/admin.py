"""Framework versions in the admin, to look at only: a revision is drafted, reviewed and endorsed
through versions.services (the revision screen), which check it, apply it all at once and audit
it, as values come in only through their one way in (see ObservationAdmin)."""

from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from versions.models import Change, FrameworkVersion, PartLineage, Retirement


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ChangeInline(ReadOnlyMixin, TranslationTabularInline):
    model = Change
    fields = ("order", "kind", "reason", "payload", "created_by", "created_at")
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(ReadOnlyMixin, TabbedTranslationAdmin):
    list_display = ("framework", "label", "status", "based_on", "applies_from", "endorsed_on", "meeting")
    list_filter = ("framework", "status")
    list_select_related = ("framework", "based_on")
    inlines = [ChangeInline]


@admin.register(Change)
class ChangeAdmin(ReadOnlyMixin, TabbedTranslationAdmin):
    list_display = ("version", "order", "kind", "reason", "created_by", "created_at")
    list_filter = ("version__framework", "version", "kind")
    list_select_related = ("version__framework", "created_by")
    readonly_fields = ("before", "after")


@admin.register(Retirement)
class RetirementAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("version", "indicator", "part", "fate", "change")
    list_filter = ("version", "fate")
    list_select_related = ("version__framework", "indicator", "part__indicator", "change")
    raw_id_fields = ("indicator", "part", "successors")


@admin.register(PartLineage)
class PartLineageAdmin(ReadOnlyMixin, TabbedTranslationAdmin):
    list_display = ("version", "part", "origin", "factor", "offset")
    list_filter = ("version", "origin")
    list_select_related = ("version__framework", "part__indicator")
    search_fields = ("part__code", "part__indicator__code")
    raw_id_fields = ("part", "sources")
