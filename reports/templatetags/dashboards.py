"""Template helpers of the public pages: the language switcher, framework text with its
"not yet translated" mark, numbers in the reader's language, chart data."""

from decimal import Decimal

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from carec_prf.translated import lang_suffix
from reports.dashboards.charts import Value

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One link per language to the same page (path and query string) in that language."""
    request = context.get("request")
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        url = f"/{code}/"
        if request is not None:
            translated = translate_url(request.get_full_path(), code)
            if translated != request.get_full_path() or code == current:
                url = translated
        info = get_language_info(code)
        links.append({"code": code, "name": info["name_local"], "url": url, "current": code == current})
    return links


@register.simple_tag
def tr(obj, field: str):
    """A translated framework field in the active language; where that language's text is
    missing, the English text marked as English and as not yet translated."""
    text = getattr(obj, field, "") or ""
    language = get_language() or settings.LANGUAGE_CODE
    if language == settings.LANGUAGE_CODE or not text:
        return text
    if getattr(obj, f"{field}_{lang_suffix(language)}", None):
        return text
    return format_html(
        '<span lang="en">{}</span> <span class="untranslated">{}</span>', text, _("(not yet translated)")
    )


def format_number(number: float | Decimal, qualifier: str = "") -> str:
    """Two decimals at most (three below one), trailing zeros dropped, grouped from 10,000."""
    number = float(number)
    decimal = Decimal(str(round(number, 2 if abs(number) >= 1 else 3))).normalize()
    text = number_format(decimal, use_l10n=True, force_grouping=abs(decimal) >= 10000)
    return f"{qualifier}{text}"


@register.filter
def num(value) -> str:
    """A Value, float or Decimal in the active language's format; "—" for nothing."""
    if value is None:
        return "—"
    if isinstance(value, Value):
        text = value.label or ("—" if value.number is None else format_number(value.number, value.qualifier))
        return f"{text} ({value.status})" if value.status else text
    return format_number(value)


@register.filter
def cell(value) -> str:
    """A cell of a chart's table: years stay plain, numbers follow the language."""
    if isinstance(value, int | str):
        return str(value)
    return num(value)


@register.filter
def chart_json(figure_json: str):
    """A figure's JSON (from plotly.io.to_json) made safe inside <script type="application/json">."""
    escaped = figure_json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(escaped)  # noqa: S308 - escaped above, the way json_script does
