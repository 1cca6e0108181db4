"""Turning a raw value (from a fixture, a form or a spreadsheet) into the typed columns of a
baseline, milestone or observation. Pure: no database access; the caller passes the part's
value type, its scale and the known country codes."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from indicators.models import NUMERIC_TYPES, Availability, Qualifier, ValueType

_QUALIFIER_VALUES = frozenset(Qualifier.values)  # enum .values is rebuilt on every access


@dataclass(frozen=True)
class TypedValueFields:
    value_type: str
    availability: str
    value_number: Decimal | None = None
    value_boolean: bool | None = None
    value_text: str = ""
    qualifier: str = ""
    countries: tuple[str, ...] = field(default_factory=tuple)

    def model_fields(self) -> dict:
        return {
            "value_type": self.value_type,
            "value_number": self.value_number,
            "value_boolean": self.value_boolean,
            "value_text": self.value_text,
            "qualifier": self.qualifier,
        }


def _decimal(raw: object) -> Decimal:
    if isinstance(raw, bool):
        raise ValidationError(_("Expected a number, got a yes/no value."), code="not_a_number")
    try:
        number = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("“%(value)s” is not a number."), code="not_a_number", params={"value": raw}) from None
    if not number.is_finite():
        raise ValidationError(_("“%(value)s” is not a number."), code="not_a_number", params={"value": raw})
    return number


def typed_value(
    *,
    value_type: str,
    availability: str = Availability.VALUE,
    value: object = None,
    countries: Iterable[str] = (),
    qualifier: str = "",
    scale_codes: Collection[str] = (),
    known_countries: Collection[str] = (),
    value_required: bool = True,
) -> TypedValueFields:
    """Validate a raw value against a value type and return the columns to store.

    value_required=False admits an empty value (a milestone "at least #")."""
    if qualifier not in _QUALIFIER_VALUES:
        raise ValidationError(
            _("“%(qualifier)s” is not a known qualifier (use <, <=, >, >= or ~)."),
            code="bad_qualifier",
            params={"qualifier": qualifier},
        )
    countries = tuple(countries or ())
    if availability != Availability.VALUE:
        if value not in (None, "") or countries:
            raise ValidationError(
                _("A value marked “%(availability)s” cannot also hold a value."),
                code="value_not_expected",
                params={"availability": Availability(availability).label},
            )
        return TypedValueFields(value_type=value_type, availability=availability)

    if value in (None, "") and not countries:
        if value_required:
            raise ValidationError(_("A value is required."), code="value_required")
        return TypedValueFields(value_type=value_type, availability=availability, qualifier=qualifier)

    if value_type in NUMERIC_TYPES:
        number = _decimal(value)
        if value_type == ValueType.COUNT and (number < 0 or number != number.to_integral_value()):
            raise ValidationError(
                _("A count must be a whole number of zero or more, not %(value)s."),
                code="bad_count",
                params={"value": value},
            )
        if value_type == ValueType.RANK and (number < 1 or number != number.to_integral_value()):
            raise ValidationError(
                _("A rank must be a whole number of 1 or more, not %(value)s."),
                code="bad_rank",
                params={"value": value},
            )
        return TypedValueFields(value_type, availability, value_number=number, qualifier=qualifier)

    if value_type == ValueType.BOOLEAN:
        if not isinstance(value, bool):
            raise ValidationError(
                _("Expected yes or no, got “%(value)s”."), code="not_boolean", params={"value": value}
            )
        if qualifier:
            raise ValidationError(_("A yes/no value takes no qualifier."), code="bad_qualifier")
        return TypedValueFields(value_type, availability, value_boolean=value)

    if value_type == ValueType.ORDINAL:
        code = str(value)
        if code not in scale_codes:
            raise ValidationError(
                _("“%(value)s” is not a level of this scale (%(levels)s)."),
                code="not_on_scale",
                params={"value": value, "levels": ", ".join(scale_codes)},
            )
        return TypedValueFields(value_type, availability, value_text=code, qualifier=qualifier)

    if value_type == ValueType.COUNTRY_SET:
        unknown = sorted(set(countries) - set(known_countries))
        if unknown:
            raise ValidationError(
                _("Unknown country codes: %(codes)s."), code="unknown_country", params={"codes": ", ".join(unknown)}
            )
        if len(set(countries)) != len(countries):
            raise ValidationError(_("A country is listed twice."), code="duplicate_country")
        count = Decimal(len(countries)) if countries else _decimal(value)
        if countries and value not in (None, "") and _decimal(value) != count:
            raise ValidationError(
                _("The count %(value)s does not match the %(count)s countries listed."),
                code="count_mismatch",
                params={"value": value, "count": len(countries)},
            )
        if count < 0 or count != count.to_integral_value():
            raise ValidationError(
                _("A number of countries must be a whole number of zero or more, not %(value)s."),
                code="bad_count",
                params={"value": value},
            )
        return TypedValueFields(
            value_type, availability, value_number=count, qualifier=qualifier, countries=tuple(sorted(countries))
        )

    raise ValidationError(_("Unknown value type “%(type)s”."), code="bad_type", params={"type": value_type})


_COLUMN_OF_TYPE = {
    ValueType.BOOLEAN: "boolean",
    ValueType.ORDINAL: "text",
}


def check_typed_columns(
    *,
    part,
    availability: str,
    milestone_kind: str | None,
    number,
    boolean,
    text: str,
    qualifier: str,
) -> TypedValueFields:
    """Check a row entered column by column (a form) against its part's value type: the value
    goes in the column of that type, and nothing is left in the others."""
    column = _COLUMN_OF_TYPE.get(part.value_type, "number")
    given = {"number": number is not None, "boolean": boolean is not None, "text": bool(text)}
    stray = [name for name, present in given.items() if present and name != column]
    if stray:
        raise ValidationError(
            _("This part takes a value of type “%(type)s”: leave the other value fields empty."),
            code="wrong_column",
            params={"type": ValueType(part.value_type).label},
        )
    raw = {"number": number, "boolean": boolean, "text": text}[column]
    if milestone_kind is not None:
        if milestone_kind in ("not_set", "not_applicable"):
            availability, required = Availability.NOT_AVAILABLE, False
        else:
            availability, required = Availability.VALUE, milestone_kind == "exact"
    else:
        required = True
    scale = [level.code for level in part.scale.all()] if part.value_type == ValueType.ORDINAL else []
    return typed_value(
        value_type=part.value_type,
        availability=availability,
        value=raw,
        qualifier=qualifier,
        scale_codes=scale,
        value_required=required,
    )


_QUALIFIER_PREFIXES = ("<=", ">=", "≤", "≥", "<", ">", "~", "≈")
_QUALIFIER_NORMAL = {"≤": "<=", "≥": ">=", "≈": "~"}
_NOT_AVAILABLE_WORDS = {"n/a", "na", "…", "...", "—", "-", "–", "н/д", "нет данных", "无数据", "不详"}
_NOT_APPLICABLE_WORDS = {"not applicable", "不适用", "неприменимо", "не применимо"}


def parse_number_text(text: str, *, decimal_comma: bool) -> tuple[str, str]:
    """Read a number typed by a person: "1 234,5" (Russian), "1,234.5" (English), "<1", "12%".
    Returns (qualifier, canonical decimal string); raises ValidationError saying what is wrong."""
    raw = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    qualifier = ""
    for prefix in _QUALIFIER_PREFIXES:
        if raw.startswith(prefix):
            qualifier = _QUALIFIER_NORMAL.get(prefix, prefix)
            raw = raw[len(prefix) :].strip()
            break
    if raw.endswith("%"):
        raw = raw[:-1].strip()
    compact = raw.replace(" ", "").replace("'", "")
    if decimal_comma:
        if compact.count(",") > 1:
            raise ValidationError(
                _("“%(value)s” has more than one decimal comma."), code="bad_number", params={"value": text}
            )
        compact = compact.replace(".", "") if "," in compact and "." in compact else compact
        compact = compact.replace(",", ".")
    elif "," in compact:
        groups = compact.split(".")[0].lstrip("-+").split(",")
        if any(len(g) != 3 for g in groups[1:]) or not groups[0]:
            raise ValidationError(
                _(
                    "“%(value)s” is not a number: use a point for decimals (1234.5) or commas between thousands "
                    "(1,234.5)."
                ),
                code="bad_number",
                params={"value": text},
            )
        compact = compact.replace(",", "")
    try:
        number = Decimal(compact)
    except InvalidOperation:
        raise ValidationError(_("“%(value)s” is not a number."), code="not_a_number", params={"value": text}) from None
    if not number.is_finite():
        raise ValidationError(_("“%(value)s” is not a number."), code="not_a_number", params={"value": text})
    return qualifier, str(number)


def availability_of_text(text: str) -> str | None:
    """ "N/A", "—", "…" mean not available; "不适用" means not applicable; None for anything else."""
    lowered = text.strip().lower()
    if lowered in _NOT_APPLICABLE_WORDS:
        return Availability.NOT_APPLICABLE
    if lowered in _NOT_AVAILABLE_WORDS:
        return Availability.NOT_AVAILABLE
    return None


_YES = {"yes", "y", "true", "1", "да", "是"}
_NO = {"no", "n", "false", "0", "нет", "否"}


def parse_boolean_text(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _YES:
        return True
    if lowered in _NO:
        return False
    raise ValidationError(_("Expected yes or no, got “%(value)s”."), code="not_boolean", params={"value": text})
