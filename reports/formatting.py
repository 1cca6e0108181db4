"""Values, texts, dates and periods of a report's content, written out in the active language. Pure:
plain data in, strings out; the content's typed values are those of reports.content. Dates and
periods are written with each language's own patterns (CLDR, through Babel), here and nowhere else."""

import calendar
import datetime
from decimal import Decimal

from babel.dates import format_date, format_interval
from babel.lists import format_list
from django.utils.formats import number_format
from django.utils.translation import get_language, to_locale
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


# The CLDR locale whose date patterns each interface language uses. English reports keep writing
# the day first ("21 November 2026"), the British pattern.
DATE_LOCALES = {"en": "en_GB", "zh-hans": "zh_Hans", "ru": "ru"}

# CLDR sets thin spaces around a range's dash and before "г."; the report's fonts (Liberation Sans,
# Noto Sans CJK) have no glyph for either, so the PDF would switch fonts for a space. A plain space,
# and a no-break one where the two sides must stay together, look the same.
_SPACES = str.maketrans({"\u2009": " ", "\u202f": "\u00a0"})


def date_locale(language: str | None = None) -> str:
    language = language or get_language() or SOURCE_LANGUAGE
    return DATE_LOCALES.get(language) or to_locale(language)


def period_label(start: datetime.date, end: datetime.date, language: str | None = None) -> str:
    """A report's period in `language` (the active one by default): whole years as years
    (2018 – 2020, 2018—2020, 2018–2020年); whole months by their names, in lowercase where the
    language writes them so inside a phrase (July 2021 – June 2022, июль 2021 г. — июнь 2022 г.,
    2021年7月 – 2022年6月); anything else day by day."""
    last_day = calendar.monthrange(end.year, end.month)[1]
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        skeleton = "y"
    elif start.day == 1 and end.day == last_day:
        skeleton = "yMMMM"
    else:
        skeleton = "yMMMd"
    return format_interval(start, end, skeleton, locale=date_locale(language)).translate(_SPACES)


def long_date(day: datetime.date, language: str | None = None) -> str:
    """A date in full: 21 November 2026, 2026年11月21日, 21 ноября 2026 г."""
    return format_date(day, "long", locale=date_locale(language)).translate(_SPACES)


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


def listed(items: list[str], language: str | None = None) -> str:
    """Items joined as the language joins a list: "a, b and c", "a、b和c", "a, b и c"."""
    return format_list(items, locale=date_locale(language)) if items else ""
