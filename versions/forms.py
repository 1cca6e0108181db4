"""Forms of the revision screen. They only parse what the secretariat typed (a label, a year, a
JSON payload, texts in each language); whether a change applies, and whether the texts are all
there, is for versions.services to say, so that its translated messages are the only ones."""

import copy
import json

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from reports.opendata import SDMX_VERSION_PATTERN
from versions.models import Change

LANGUAGE_NAMES = dict(settings.LANGUAGES)

# A payload of each kind, on the shipped PRF's codes (versions.changes documents every field);
# tests/versions/test_staff_screen.py checks that each applies to the shipped PRF as it stands.
_PART = {
    "code": "ROAD_SWD_EW",
    "name": {
        "en": "Road, east–west corridors: speed with delay",
        "zh-hans": "公路（东西走廊）：有延误速度",
        "ru": "Автомобильный транспорт, коридоры восток – запад: скорость с учётом задержек",
    },
    "unit": "km_h",
    "value_type": "number",
    "direction": "increase",
    "aggregation": "region_only",
    "baseline": {"year": 2017, "availability": "not_available", "source": "PRF2020"},
    "milestones": [{"year": 2029, "kind": "not_set", "source": "PRF2020"}],
}
_TEXTS = {"en": "…", "zh-hans": "…", "ru": "…"}
_MONEY = {**_PART, "name": _TEXTS, "unit": "usd_million", "value_type": "money", "aggregation": "sum"}


def _indicator(code: str, *parts: dict) -> dict:
    return {"code": code, "level": "sector", "statement": _TEXTS, "data_sources": _TEXTS, "parts": list(parts)}


EXAMPLES = {
    Change.Kind.ADD_RESULT: {
        "sector": "TRP",
        "level": "output",
        "code": "TRP OP 3",
        "statement": _TEXTS,
        "outcome": "TRP OC 1",
    },
    Change.Kind.RETIRE_RESULT: {"result": "TRD OP 4"},
    Change.Kind.ADD_INDICATOR: {
        "result": "TRP OC 1",
        "indicator": {
            "code": "TRP OC 1.9",
            "level": "sector",
            "statement": _TEXTS,
            "data_sources": _TEXTS,
            "parts": [{**_PART, "code": "SECTIONS_MONITORED", "name": _TEXTS, "unit": "count", "value_type": "count"}],
        },
    },
    Change.Kind.RETIRE_INDICATOR: {"indicator": "TRD OC 1.1"},
    Change.Kind.ADD_PART: {"indicator": "TRP OC 1", "part": {**_PART, "code": "ROAD_SWD_BCP", "name": _TEXTS}},
    Change.Kind.RETIRE_PART: {
        "indicator": "TRP OC 1",
        "part": "ROAD_SWOD",
        "went_to": [{"indicator": "TRP OC 1", "part": "ROAD_SWD"}],
    },
    Change.Kind.REWORD: {"target": "result", "code": "TRP OC 1", "field": "statement", "text": _TEXTS},
    Change.Kind.SPLIT_PART: {
        "indicator": "TRP OC 1",
        "part": "ROAD_SWD",
        "into": [_PART, {**_PART, "code": "ROAD_SWD_NS", "name": _TEXTS}],
    },
    Change.Kind.MERGE_PARTS: {
        "indicator": "TRD OC 1",
        "parts": ["FUEL_CAREC", "NONFUEL_CAREC"],
        "into": {**_PART, "code": "TRADE_CAREC", "name": _TEXTS, "unit": "pct_gdp", "value_type": "percent"},
    },
    Change.Kind.SPLIT_INDICATOR: {
        "indicator": "TRP OC 1",
        "into": [
            {
                "code": "TRP OC 1.1",
                "statement": _TEXTS,
                "data_sources": _TEXTS,
                "parts": [
                    {**_PART, "code": "ROAD_SWD", "name": _TEXTS, "from": "ROAD_SWD"},
                    {**_PART, "code": "ROAD_SWOD", "name": _TEXTS, "from": "ROAD_SWOD"},
                ],
            },
            {
                "code": "TRP OC 1.2",
                "result": "TRP OC 1",
                "statement": _TEXTS,
                "data_sources": _TEXTS,
                "parts": [
                    {**_PART, "code": "RAIL_SWD", "name": _TEXTS, "from": "RAIL_SWD"},
                    {**_PART, "code": "RAIL_SWOD", "name": _TEXTS, "from": "RAIL_SWOD"},
                ],
            },
        ],
    },
    Change.Kind.MERGE_INDICATORS: {
        "indicators": ["TRD OC 1.2", "TRD OC 1.3"],
        "into": {
            "code": "TRD OC 1.5",
            "level": "sector",
            "statement": _TEXTS,
            "data_sources": _TEXTS,
            "parts": [
                {
                    **_PART,
                    "code": "GOODS_TRADE",
                    "name": _TEXTS,
                    "unit": "usd_million",
                    "value_type": "money",
                    "aggregation": "sum",
                    "from": [{"indicator": "TRD OC 1.2", "part": "GOODS_TRADE"}],
                },
                {
                    **_PART,
                    "code": "FDI_INFLOWS",
                    "name": _TEXTS,
                    "unit": "usd_million",
                    "value_type": "money",
                    "aggregation": "sum",
                    "from": [{"indicator": "TRD OC 1.3", "part": "FDI_INFLOWS"}],
                },
            ],
        },
    },
    Change.Kind.SPLIT_RESULT: {
        "result": "TRD OC 1",
        "into": [
            {
                "code": "TRD OC 2",
                "statement": _TEXTS,
                "indicators": [
                    _indicator(
                        "TRD OC 2.1",
                        {**_MONEY, "code": "GOODS_TRADE", "from": {"indicator": "TRD OC 1.2", "part": "GOODS_TRADE"}},
                    )
                ],
            },
            {
                "code": "TRD OC 3",
                "level": "outcome",
                "statement": _TEXTS,
                "indicators": [
                    _indicator(
                        "TRD OC 3.1",
                        {**_MONEY, "code": "FDI_INFLOWS", "from": {"indicator": "TRD OC 1.3", "part": "FDI_INFLOWS"}},
                    )
                ],
            },
        ],
    },
    Change.Kind.MERGE_RESULTS: {
        "results": ["TRD OP 2", "TRD OP 3"],
        "into": {
            "code": "TRD OP 5",
            "level": "output",
            "outcome": "TRD OC 1",
            "statement": _TEXTS,
            "indicators": [
                _indicator(
                    "TRD OP 5",
                    {
                        **_PART,
                        "code": "RESPONDENTS_IMPROVED",
                        "name": _TEXTS,
                        "unit": "pct",
                        "value_type": "percent",
                        "from": [{"indicator": "TRD OP 2", "part": "RESPONDENTS_IMPROVED"}],
                    },
                    {
                        **_PART,
                        "code": "BODIES_FUNCTIONING",
                        "name": _TEXTS,
                        "unit": "yes_no",
                        "value_type": "boolean",
                        "from": [{"indicator": "TRD OP 3", "part": "BODIES_FUNCTIONING"}],
                    },
                )
            ],
        },
    },
    Change.Kind.REBASE: {"indicator": "TRD OC 1", "part": "FUEL_WORLD", "factor": "1.1", "note": _TEXTS},
    Change.Kind.RETARGET: {
        "indicator": "TRP OC 1",
        "part": "RAIL_SWD",
        "milestones": [{"year": 2029, "kind": "at_least", "value": 40, "source": "PRF2020", "note": _TEXTS}],
    },
}


def examples() -> list[dict]:
    """Each kind with its example payload as the textarea takes it, for the screen's help."""
    return [
        {"kind": kind, "label": label, "payload": json.dumps(EXAMPLES[kind], ensure_ascii=False, indent=2)}
        for kind, label in Change.Kind.choices
    ]


def _translated(field: str, label, widget: forms.Widget) -> dict[str, forms.CharField]:
    """One optional field per language, named field_en, field_zh_hans, field_ru."""
    return {
        f"{field}_{code.replace('-', '_')}": forms.CharField(
            label=_("%(what)s (%(language)s)") % {"what": label, "language": name},
            required=False,
            widget=copy.deepcopy(widget),
        )
        for code, name in LANGUAGE_NAMES.items()
    }


class _TranslatedForm(forms.Form):
    """A form with, for each of `translated` (field, label, widget), one text per language."""

    translated: tuple[tuple, ...] = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field, label, widget in self.translated:
            self.fields.update(_translated(field, label, widget))

    def texts(self, field: str) -> dict[str, str]:
        """The texts of a translated field, keyed by language code, as the services take them."""
        return {code: self.cleaned_data.get(f"{field}_{code.replace('-', '_')}", "") for code in LANGUAGE_NAMES}


class DraftForm(forms.Form):
    label = forms.CharField(
        label=_("Label"),
        max_length=20,
        validators=[
            RegexValidator(
                f"^{SDMX_VERSION_PATTERN}$",
                _("Write the label in digits, such as 2027: the open data carry it as the SDMX version."),
            )
        ],
        help_text=_("Such as 2027. The open data carry it as the SDMX dataflow version."),
    )
    applies_from = forms.IntegerField(
        label=_("Applies from"),
        min_value=2000,
        max_value=2100,
        help_text=_("The first reporting year the revision governs."),
    )


class ChangeForm(_TranslatedForm):
    kind = forms.ChoiceField(label=_("Kind of change"), choices=Change.Kind.choices)
    payload = forms.CharField(
        label=_("What to change (JSON)"),
        widget=forms.Textarea(attrs={"rows": 14, "cols": 80, "spellcheck": "false"}),
        help_text=_("See the example of each kind below."),
    )
    translated = (("reason", _("Reason"), forms.Textarea(attrs={"rows": 2, "cols": 80})),)

    def clean_payload(self) -> dict:
        try:
            payload = json.loads(self.cleaned_data["payload"])
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("This is not JSON: %(error)s (line %(line)s, column %(column)s)."),
                code="bad_json",
                params={"error": error.msg, "line": error.lineno, "column": error.colno},
            ) from None
        if not isinstance(payload, dict):
            raise forms.ValidationError(_("Write the change as a JSON object: {…}."), code="bad_payload")
        return payload


class EndorseForm(_TranslatedForm):
    endorsed_on = forms.DateField(label=_("Endorsed on"), widget=forms.DateInput(attrs={"type": "date"}))
    translated = (("meeting", _("Endorsed at"), forms.TextInput(attrs={"size": 60})),)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why it is withdrawn"), required=False, max_length=500)
