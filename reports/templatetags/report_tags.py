"""Template helpers of the report templates."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from reports.formatting import Text

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
