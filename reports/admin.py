"""Editions in the admin: a draft's texts and scope can be edited there (audited); status changes
go through the edition page (services), and a published edition is read-only."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from reports.models import RenderJob, ReportEdition
from workflow.audit import AuditedAdminMixin


@admin.register(ReportEdition)
class ReportEditionAdmin(AuditedAdminMixin, TranslationAdmin):
    list_display = ("code", "title", "kind", "period_start", "period_end", "cut_off", "status", "published_at")
    list_filter = ("status", "kind")
    readonly_fields = ("status", "published_at", "published_by", "created_at", "created_by")

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(RenderJob)
class RenderJobAdmin(admin.ModelAdmin):
    list_display = ("edition", "language", "format", "status", "progress", "created_at", "finished_at")
    list_filter = ("status", "format", "language")
    readonly_fields = [f.name for f in RenderJob._meta.fields]

    def has_add_permission(self, request):
        return False
