"""Rating methods are versioned: a method's settings are read-only once saved; a change is made
by "Save as new" with a higher version, so earlier ratings and reports keep their method."""

import json

from django import forms
from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin

from progress.method import MethodSettings
from progress.models import RatingMethod, RecomputeRun
from workflow.audit import AuditedAdminMixin


class RatingMethodForm(forms.ModelForm):
    class Meta:
        model = RatingMethod
        fields = [
            "version",
            "name",
            "description",
            "settings",
            "is_default",
        ]

    def clean_settings(self):
        settings = self.cleaned_data["settings"]
        if isinstance(settings, str):
            settings = json.loads(settings)
        try:
            MethodSettings.from_dict(settings)
        except (TypeError, ValueError) as error:
            raise forms.ValidationError(str(error)) from None
        return settings


@admin.register(RatingMethod)
class RatingMethodAdmin(AuditedAdminMixin, TabbedTranslationAdmin):
    form = RatingMethodForm
    list_display = ("version", "name", "is_default", "created_at")
    save_as = True

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and "_saveasnew" not in request.POST:
            return ("version", "settings")
        return ()


@admin.register(RecomputeRun)
class RecomputeRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "finished_at", "full", "n_parts", "status")
    list_filter = ("status", "full")
    readonly_fields = [f.name for f in RecomputeRun._meta.fields]

    def has_add_permission(self, request):
        return False
