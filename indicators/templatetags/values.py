from django import template

from indicators.display import format_number, format_value

register = template.Library()


@register.filter
def typed_value(row) -> str:
    """A baseline, milestone or observation's value as text in the active language."""
    return format_value(row)


@register.filter
def number(value) -> str:
    """A plain number as the active language writes it (indicators.display.format_number)."""
    return "" if value is None else format_number(value)


@register.filter
def milestone_phrase(milestone) -> str:
    """A milestone as a person says it: "target 0.84 by 2023", "at least 7 countries by 2023"."""
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    from indicators.models import Milestone, ValueType

    value, year = format_value(milestone), milestone.year
    if milestone.value_type == ValueType.COUNTRY_SET and milestone.value_number is not None:
        n = int(milestone.value_number)
        phrases = {
            Milestone.Kind.EXACT: ngettext("%(n)s country by %(year)s", "%(n)s countries by %(year)s", n),
            Milestone.Kind.AT_LEAST: ngettext(
                "at least %(n)s country by %(year)s", "at least %(n)s countries by %(year)s", n
            ),
            Milestone.Kind.AT_MOST: ngettext(
                "at most %(n)s country by %(year)s", "at most %(n)s countries by %(year)s", n
            ),
        }
        if milestone.kind in phrases:
            return phrases[milestone.kind] % {"n": n, "year": year}
    phrases = {
        Milestone.Kind.EXACT: _("target %(value)s by %(year)s"),
        Milestone.Kind.AT_LEAST: _("at least %(value)s by %(year)s"),
        Milestone.Kind.AT_MOST: _("at most %(value)s by %(year)s"),
    }
    if milestone.kind in phrases:
        return phrases[milestone.kind] % {"value": value, "year": year}
    return f"{year}: {milestone.get_kind_display()}"


@register.filter
def footnote_mark(value, prefix: str) -> str:
    """A flagged value's footnote mark in a table, linked to its note (id "<prefix>-note-<mark>"
    under the table); nothing for any other cell. The mark is a number and says "note" to a
    screen reader, so a flag is never told by colour alone."""
    from django.utils.html import format_html
    from django.utils.translation import gettext as _

    flag = getattr(value, "flag", None)
    if flag is None or not flag.mark:
        return ""
    return format_html(
        '<sup class="fn"><a href="#{}-note-{}"><span class="visually-hidden">{} </span>{}</a></sup>',
        prefix,
        flag.mark,
        _("note"),
        flag.mark,
    )
