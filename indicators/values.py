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

# What a stored number may be: the value columns are DECIMAL(20, 6), so at most 14 digits before
# the point on either database. A value with more decimals is rounded to six, the column's scale.
STORED_DECIMALS = 6
STORED_LIMIT = Decimal(10) ** 14
_QUANTUM = Decimal(1).scaleb(-STORED_DECIMALS)


def decimal_comma_for(language: str | None, *, delimiter: str = "") -> bool:
    """How numbers are written: the one statement of it, used by every way in.

    Russian writes a decimal comma and groups thousands with spaces (1 234,5); English and Chinese
    write a decimal point and group thousands with commas (1,234.5). A semicolon-separated file is
    written by a spreadsheet that uses decimal commas, whatever the reader's language."""
    return (language or "en").startswith("ru") or delimiter == ";"


def parse_number_text(text: str, *, decimal_comma: bool) -> tuple[str, str]:
    """Read a number typed by a person: "1 234,5" (Russian), "1,234.5" (English), "<1", "12%".
    Returns (qualifier, canonical decimal string); raises ValidationError saying what is wrong.

    Spaces and apostrophes always group thousands. With a decimal point (English, Chinese) a comma
    groups thousands, so it must be followed by three digits: "1,5" is refused, never guessed. With
    a decimal comma (Russian) a point may group thousands before the comma ("1.234,5"), and a lone
    point is read as a decimal point ("1.5"), as people paste it from English sources."""
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
    decimal_mark, group_mark = (",", ".") if decimal_comma else (".", ",")
    if decimal_comma and "," not in compact and compact.count(".") == 1:
        decimal_mark, group_mark = ".", ","  # a lone point is a decimal point, even in Russian
    if compact.count(decimal_mark) > 1:
        raise ValidationError(
            _("“%(value)s” has more than one decimal mark."), code="bad_number", params={"value": text}
        )
    whole, mark, fraction = compact.partition(decimal_mark)
    if group_mark in fraction:
        raise ValidationError(_bad_grouping(decimal_comma), code="bad_number", params={"value": text})
    if group_mark in whole:
        sign = whole[:1] if whole[:1] in ("+", "-") else ""
        groups = whole[len(sign) :].split(group_mark)
        if not groups[0] or len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:]):
            raise ValidationError(_bad_grouping(decimal_comma), code="bad_number", params={"value": text})
        whole = sign + "".join(groups)
    canonical = whole + ("." + fraction if mark else "")
    try:
        number = Decimal(canonical)
    except InvalidOperation:
        raise ValidationError(_("“%(value)s” is not a number."), code="not_a_number", params={"value": text}) from None
    if not number.is_finite():
        raise ValidationError(_("“%(value)s” is not a number."), code="not_a_number", params={"value": text})
    return qualifier, str(number)


def _bad_grouping(decimal_comma: bool) -> str:
    if decimal_comma:
        return _(
            "“%(value)s” is not a number: use a comma for decimals (1234,5) and spaces between thousands (1 234,5)."
        )
    return _("“%(value)s” is not a number: use a point for decimals (1234.5) or commas between thousands (1,234.5).")


def check_storable(number: Decimal) -> Decimal:
    """The number as the database stores it, or a ValidationError when no column could hold it."""
    if abs(number) >= STORED_LIMIT:
        raise ValidationError(
            _("%(value)s is too large: values must be smaller than 100 000 000 000 000 in size."),
            code="too_large",
            params={"value": f"{number:,.0f}" if abs(number) < Decimal(10) ** 40 else f"{number:.3e}"},
        )
    if number.as_tuple().exponent < -STORED_DECIMALS:  # type: ignore[operator]
        number = number.quantize(_QUANTUM)
    return number


def check_range(number: Decimal, *, low: Decimal | None, high: Decimal | None, unit: str) -> None:
    """The unit's plausible range: a hard limit for every way in. The numbers in the message are
    written the way the reader's language writes them."""
    if (low is not None and number < low) or (high is not None and number > high):
        raise ValidationError(
            _("%(value)s is outside the plausible range of %(unit)s (%(low)s to %(high)s)."),
            code="out_of_range",
            params={"value": _local(number), "unit": unit, "low": _local(low), "high": _local(high)},
        )


def _local(value) -> str:
    if value is None:
        return "—"
    from django.utils.formats import number_format

    return number_format(Decimal(value).normalize(), use_l10n=True, force_grouping=abs(value) >= 10000)


def read_value(
    raw: object,
    *,
    value_type: str,
    decimal_comma: bool,
    qualifier: str = "",
    availability: str | None = None,
    countries: Iterable[str] = (),
    scale_codes: Collection[str] = (),
    known_countries: Collection[str] = (),
) -> TypedValueFields:
    """The one reading of an entered value, whichever way it came in: text typed in the grid or a
    file cell, or a JSON or YAML value (a number, true/false, a code). A qualifier may lead the
    text ("<1"); "N/A" and "not applicable" in any of the three languages set the availability."""
    countries = [c.strip().upper() for c in countries or () if c and c.strip()]
    if isinstance(raw, str):
        raw = raw.strip()
        for prefix in _QUALIFIER_PREFIXES:
            if raw.startswith(prefix) and value_type not in (ValueType.BOOLEAN,):
                if qualifier and _QUALIFIER_NORMAL.get(prefix, prefix) != qualifier:
                    raise ValidationError(
                        _("The value starts with “%(prefix)s” but the qualifier given is “%(qualifier)s”."),
                        code="bad_qualifier",
                        params={"prefix": prefix, "qualifier": qualifier},
                    )
                qualifier, raw = _QUALIFIER_NORMAL.get(prefix, prefix), raw[len(prefix) :].strip()
                break
        qualifier = _QUALIFIER_NORMAL.get(qualifier, qualifier)
        said = availability_of_text(raw) if raw else None
        if said is not None:
            if availability not in (None, Availability.VALUE, said):
                raise ValidationError(
                    _("A value marked “%(availability)s” cannot also hold a value."),
                    code="value_not_expected",
                    params={"availability": Availability(availability).label},
                )
            availability, raw = said, ""
    availability = availability or Availability.VALUE
    if availability != Availability.VALUE or raw in (None, ""):
        if value_type == ValueType.COUNTRY_SET and countries:
            return typed_value(
                value_type=value_type,
                availability=availability,
                countries=countries,
                qualifier=qualifier,
                known_countries=known_countries,
            )
        return typed_value(value_type=value_type, availability=availability, value=raw, qualifier=qualifier)
    if value_type == ValueType.BOOLEAN:
        value = parse_boolean_text(raw) if isinstance(raw, str) else raw
        return typed_value(value_type=value_type, value=value, qualifier=qualifier)
    if value_type == ValueType.ORDINAL:
        return typed_value(value_type=value_type, value=raw, qualifier=qualifier, scale_codes=scale_codes)
    if value_type == ValueType.COUNTRY_SET and isinstance(raw, str) and not countries:
        codes = [c.strip().upper() for c in raw.replace(";", ",").split(",") if c.strip()]
        if codes and all(c.isalpha() for c in codes):
            return typed_value(
                value_type=value_type, countries=codes, qualifier=qualifier, known_countries=known_countries
            )
    if isinstance(raw, str):
        text_qualifier, raw = parse_number_text(raw, decimal_comma=decimal_comma)
        qualifier = qualifier or text_qualifier
    elif isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
        raise ValidationError(_("“%(value)s” is not a number."), code="not_a_number", params={"value": raw})
    number = check_storable(_decimal(raw))
    return typed_value(
        value_type=value_type,
        value=number,
        countries=countries,
        qualifier=qualifier,
        known_countries=known_countries,
    )


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
