"""Reading the entry grid's cells from a POST: one value per cell, checked against its part's
type, in the way the user's language writes numbers."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from indicators.models import ValueType
from indicators.values import TypedValueFields, availability_of_text, parse_boolean_text, parse_number_text, typed_value
from workflow.models import NotificationPreference


def decimal_comma() -> bool:
    return (get_language() or "en").startswith("ru")


def parse_cell(cell, data) -> tuple[TypedValueFields | None, str]:
    """The value entered in a cell, or None when the cell was left as it was."""
    part, key = cell.part, cell.key
    raw = (data.get(f"{key}-value") or "").strip()
    chosen = data.getlist(f"{key}-countries") if hasattr(data, "getlist") else []
    reason = (data.get(f"{key}-reason") or "").strip()
    if not raw and not chosen:
        return None, reason
    availability = availability_of_text(raw) if raw else None
    if availability:
        value = typed_value(value_type=part.value_type, availability=availability)
    elif part.value_type == ValueType.BOOLEAN:
        value = typed_value(value_type=part.value_type, value=parse_boolean_text(raw))
    elif part.value_type == ValueType.ORDINAL:
        value = typed_value(value_type=part.value_type, value=raw, scale_codes=[s.code for s in part.scale.all()])
    elif part.value_type == ValueType.COUNTRY_SET:
        codes = [c for c in chosen if c]
        value = typed_value(
            value_type=part.value_type,
            countries=codes,
            value=None if codes else raw,
            known_countries=set(codes) | _known_codes(),
        )
    else:
        qualifier, number = parse_number_text(raw, decimal_comma=decimal_comma())
        value = typed_value(value_type=part.value_type, value=number, qualifier=qualifier)
        _check_range(part, value)
    shown = cell.current
    if shown is not None and _same(shown, value):
        return None, reason
    return value, reason


def _known_codes() -> set[str]:
    from clusters.models import Country

    return set(Country.objects.values_list("code", flat=True))


def _check_range(part, value: TypedValueFields) -> None:
    unit = part.unit
    number = value.value_number
    if number is None:
        return
    if (unit.min_value is not None and number < unit.min_value) or (
        unit.max_value is not None and number > unit.max_value
    ):
        raise ValidationError(
            _("%(value)s is outside the plausible range of %(unit)s (%(low)s to %(high)s)."),
            code="out_of_range",
            params={
                "value": number,
                "unit": unit.name,
                "low": _plain(unit.min_value),
                "high": _plain(unit.max_value),
            },
        )


def _plain(value) -> str:
    return "—" if value is None else str(Decimal(value).normalize())


def _same(row, value: TypedValueFields) -> bool:
    fields = value.model_fields()
    same_columns = all(getattr(row, name) == fields[name] for name in fields if name != "value_type")
    same_countries = sorted(c.code for c in row.countries.all()) == sorted(value.countries)
    return same_columns and row.availability == value.availability and same_countries


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What needs to change"), widget=forms.Textarea(attrs={"rows": 3}))


class NarrativeForm(forms.Form):
    text_en = forms.CharField(label=_("English"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    text_zh_hans = forms.CharField(label=_("Chinese"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    text_ru = forms.CharField(label=_("Russian"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class EvidenceForm(forms.Form):
    citation = forms.CharField(label=_("Source citation"), max_length=500, required=False)
    evidence_url = forms.URLField(label=_("Evidence URL"), max_length=500, required=False, assume_scheme="https")
    file = forms.FileField(label=_("Attachment"), required=False)


class NotificationForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["on_returned", "on_review", "on_deadline", "language"]
