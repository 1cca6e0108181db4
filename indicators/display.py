"""Plain-text rendering of typed values, for the admin and tables."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from indicators.models import Availability, ValueType


def format_value(row) -> str:
    """A baseline, milestone or observation's value (or a TypedValueFields) as text, in the active
    language."""
    if getattr(row, "availability", Availability.VALUE) == Availability.NOT_APPLICABLE:
        return _("not applicable")
    if getattr(row, "availability", Availability.VALUE) == Availability.NOT_AVAILABLE:
        return _("not available")
    if row.value_type == ValueType.BOOLEAN:
        if row.value_boolean is None:
            return "—"
        return _("yes") if row.value_boolean else _("no")
    if row.value_type == ValueType.ORDINAL:
        return getattr(row, "level_label", "") or row.value_text or "—"
    if row.value_number is None:
        return "—"
    text = format_number(row.value_number)
    return f"{row.qualifier}{text}" if row.qualifier else text


def format_number(number) -> str:
    """A number as the active language writes it, with no trailing zeros (at most 6 decimals),
    grouped from 10,000 on: 13.6, 13,6, 1 234 567."""
    from decimal import Decimal

    value = (number if isinstance(number, Decimal) else Decimal(str(round(float(number), 6)))).normalize()
    return number_format(value, use_l10n=True, force_grouping=abs(value) >= 10000)
