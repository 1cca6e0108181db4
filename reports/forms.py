"""The secretariat's form for a new edition."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.models import Sector
from reports.models import ReportEdition


class EditionForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("How the edition is named in addresses, e.g. 2024.")
    )
    title_en = forms.CharField(label=_("Title in English"), max_length=200)
    title_zh_hans = forms.CharField(label=_("Title in Chinese"), max_length=200, required=False)
    title_ru = forms.CharField(label=_("Title in Russian"), max_length=200, required=False)
    period_start = forms.DateField(label=_("Period start"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Period end"), widget=forms.DateInput(attrs={"type": "date"}))
    cut_off = forms.IntegerField(label=_("Cut-off year"), min_value=2000, max_value=2100)
    sector = forms.ModelChoiceField(
        label=_("Sector (for a sector progress report)"), queryset=Sector.objects.order_by("code"), required=False
    )
    previous = forms.ModelChoiceField(
        label=_("Previous edition"), queryset=ReportEdition.objects.order_by("-period_end"), required=False
    )

    def titles(self) -> dict[str, str]:
        data = self.cleaned_data
        return {"en": data["title_en"], "zh-hans": data["title_zh_hans"], "ru": data["title_ru"]}
