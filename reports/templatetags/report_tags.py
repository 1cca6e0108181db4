"""Template helpers of the report templates."""

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from reports.formatting import Text, long_date, period_label

register = template.Library()


@register.filter
def tx(text) -> str:
    """A framework text; where the reader's language has none, the English, marked as such."""
    if isinstance(text, Text) and text.fallback:
        return format_html(
            '<span lang="{}">{}</span><sup class="untranslated" title="{}">{}</sup>',
            text.lang,
            str(text),
            _("not yet translated"),
            text.lang.upper(),
        )
    return format_html("{}", str(text or ""))


@register.filter
def period(edition) -> str:
    """An edition's period in the reader's language (reports.formatting.period_label)."""
    return period_label(edition.period_start, edition.period_end)


@register.filter
def day(moment) -> str:
    """A date or a moment as a date in full, in the reader's language and time zone."""
    if moment is None:
        return ""
    if isinstance(moment, datetime.datetime):
        moment = timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()
    return long_date(moment)
