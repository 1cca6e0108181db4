"""Forms of the workflow pages. Values are not read here: every value goes through workflow.entry."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workflow.models import NotificationPreference


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What needs to change"), widget=forms.Textarea(attrs={"rows": 3}))


class NarrativeForm(forms.Form):
    text_en = forms.CharField(
        label=_("English"), required=False, widget=forms.Textarea(attrs={"rows": 14, "lang": "en"})
    )
    text_zh_hans = forms.CharField(
        label=_("Chinese"), required=False, widget=forms.Textarea(attrs={"rows": 14, "lang": "zh-Hans"})
    )
    text_ru = forms.CharField(
        label=_("Russian"), required=False, widget=forms.Textarea(attrs={"rows": 14, "lang": "ru"})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class EvidenceForm(forms.Form):
    citation = forms.CharField(label=_("Source citation"), max_length=500, required=False)
    evidence_url = forms.URLField(label=_("Evidence URL"), max_length=500, required=False, assume_scheme="https")
    file = forms.FileField(label=_("Attachment"), required=False)
    revision_reason = forms.CharField(
        label=_("Reason for the change (needed once the value is approved)"), max_length=5000, required=False
    )


class NotificationForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["weekly_digest", "on_returned", "on_review", "on_deadline", "language"]
