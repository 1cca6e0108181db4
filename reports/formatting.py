"""Values and texts of a report's content, written out in the active language. Pure: plain data in,
strings out; the content's typed values are those of reports.content."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from reports.dashboards.charts import Value

SOURCE_LANGUAGE = "en"


class Text(str):
    """A framework text in the reader's language; `lang` says which language it is in (English
    where the translation is missing), so that the page can mark it."""

    lang: str = SOURCE_LANGUAGE
    fallback: bool = False

    def __new__(cls, text: str, lang: str, fallback: bool = False):
        obj = super().__new__(cls, text)
        obj.lang, obj.fallback = lang, fallback
        return obj


def pick(translations: dict | None, language: str) -> Text:
    """The text in `language`, else the English, marked as such."""
    translations = translations or {}
    text = translations.get(language) or ""
    if text or language == SOURCE_LANGUAGE:
        return Text(text, language)
    english = translations.get(SOURCE_LANGUAGE) or ""
    return Text(english, SOURCE_LANGUAGE, fallback=bool(english))


def number(value: float | None, qualifier: str = "") -> str:
    """Two decimals at most (three below one), trailing zeros dropped, grouped from 10,000."""
    if value is None:
        return "—"
    value = float(value)
    decimal = Decimal(str(round(value, 2 if abs(value) >= 1 else 3))).normalize()
    if decimal == decimal.to_integral():
        decimal = decimal.quantize(Decimal(1))
    text = number_format(decimal, use_l10n=True, force_grouping=abs(decimal) >= 10000)
    return f"{qualifier}{text}"


def value_text(value: dict | None, language: str) -> str:
    """A typed value of the content as the reader sees it."""
    if not value:
        return "—"
    kind = value.get("t")
    if kind == "not_applicable":
        return _("not applicable")
    if kind == "not_available":
        return _("not available")
    if kind == "none" or value.get("n") is None:
        return "—"
    if kind == "boolean":
        return _("yes") if value["n"] >= 0.5 else _("no")
    if kind == "ordinal":
        label = pick(value.get("label"), language)
        return str(label) or number(value["n"])
    return number(value["n"], value.get("q", ""))


def chart_value(value: dict | None, language: str) -> Value:
    """A typed value as reports.dashboards.charts plots it (yes = 1, a level = its rank)."""
    if not value or value.get("t") in ("not_applicable", "not_available", "none"):
        return Value(None, label=value_text(value, language) if value else "")
    if value.get("t") in ("boolean", "ordinal"):
        return Value(value.get("n"), label=value_text(value, language))
    return Value(value.get("n"), qualifier=value.get("q", ""))
