from django import template

from indicators.display import format_value

register = template.Library()


@register.filter
def typed_value(row) -> str:
    """A baseline, milestone or observation's value as text in the active language."""
    return format_value(row)
