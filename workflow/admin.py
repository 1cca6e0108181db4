"""The admin, audited: every model of the framework, its data and the workflow is registered here,
above the apps it edits, because every change in the admin leaves an audit entry (workflow.audit)."""

from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin

from indicators.models import ReportingYear
from workflow import admin_clusters, admin_indicators, admin_progress  # noqa: F401  (they register)
from workflow.audit import AuditedAdminMixin
from workflow.models import (
    Attachment,
    AuditEntry,
    Comment,
    FocalPointAssignment,
    Narrative,
    NotificationPreference,
)


@admin.register(FocalPointAssignment)
class FocalPointAssignmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "sector", "country", "assigned_at")
    list_filter = ("sector", "country")
    autocomplete_fields = ("user",)

    def save_model(self, request, obj, form, change):
        """A new assignment goes through the same service as any other (rights, group, audit)."""
        if change:
            return super().save_model(request, obj, form, change)
        from workflow.services import focal_point_assign

        saved = focal_point_assign(user=request.user, assignee=obj.user, sector=obj.sector, country=obj.country)
        obj.pk = saved.pk
        obj._state.adding = False
        return None


@admin.register(ReportingYear)
class ReportingYearAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("year", "status", "deadline", "reminder_sent_on")

    def save_model(self, request, obj, form, change):
        """Opening, locking and publishing go through the service: it recomputes what the public
        sees and clears the page cache."""
        from workflow.services import reporting_year_set

        saved = reporting_year_set(user=request.user, year=obj.year, status=obj.status, deadline=obj.deadline)
        obj.pk = saved.pk
        obj._state.adding = False


@admin.register(Narrative)
class NarrativeAdmin(TabbedTranslationAdmin):
    list_display = ("indicator", "year", "status", "updated_at", "updated_by", "reviewed_by")
    list_filter = ("status", "year", "indicator__result__sector")
    list_select_related = ("indicator", "updated_by", "reviewed_by")

    # Narratives are written and reviewed on the indicator-year page, which checks rights, keeps
    # every language and sends them through review; here they are only looked at.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("indicator", "year", "author", "created_at")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "on_returned", "on_review", "on_deadline", "language")


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("name", "observation", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = [f.name for f in Attachment._meta.fields]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The trail is read-only: nobody edits or deletes history."""

    list_display = ("at", "actor", "action", "object_repr", "indicator")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "reason")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
