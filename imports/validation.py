"""Checking every row of an uploaded table before anything is written. Pure: the framework
facts come in a Context (loaded once), rows come in as text, and out come the typed rows and
every problem with its file row and column, in the active language."""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from imports.reading import Table
from indicators.models import ValueType
from indicators.values import TypedValueFields, availability_of_text, parse_boolean_text, typed_value

REGION = "CAREC"
_QUALIFIERS = {"": "", "<": "<", "<=": "<=", ">": ">", ">=": ">=", "~": "~", "≤": "<=", "≥": ">=", "≈": "~"}


@dataclass(frozen=True)
class PartFacts:
    id: int
    sector_id: int | None
    value_type: str
    region_only: bool
    unit_names: frozenset[str]  # the unit's code, names and symbols, lower-cased
    unit_label: str
    min_value: Decimal | None
    max_value: Decimal | None
    scale: tuple[str, ...]


@dataclass
class Context:
    parts: dict[tuple[str, str], PartFacts]
    countries: dict[str, int]
    first_year: int
    last_year: int
    year_status: dict[int, str]  # reporting years: open / locked / published
    can_enter: object  # callable(sector_id, country_id) -> bool
    decimal_comma: bool = False


@dataclass(frozen=True)
class Row:
    number: int
    part_id: int
    country_id: int | None
    year: int
    value: TypedValueFields
    source: str
    note: str

    @property
    def key(self) -> tuple[int, int | None, int]:
        return (self.part_id, self.country_id, self.year)


@dataclass
class Checked:
    rows: list[Row] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (file row, column, message)
    skipped: int = 0  # rows of a template left without a value


def parse_number(text: str, *, decimal_comma: bool) -> Decimal:
    """1234.5, 1 234,5, 1,234.5, 12%: thousands separators and the decimal mark as the file
    writes them (a semicolon-separated file writes decimal commas)."""
    raw = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    if raw.endswith("%"):
        raw = raw[:-1].strip()
    raw = raw.replace(" ", "").replace("'", "")
    if "," in raw and "." in raw:
        decimal_mark = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        raw = raw.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in raw:
        grouped = re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+", raw) is not None
        if decimal_comma or not grouped:
            if raw.count(",") > 1:
                raise ValueError(text)
            raw = raw.replace(",", ".")
        else:
            raw = raw.replace(",", "")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(text)
    return number


def check_table(table: Table, context: Context, *, progress=None) -> Checked:
    out = Checked()
    seen: dict[tuple, tuple[int, TypedValueFields]] = {}
    positions = list(table.columns.items())

    for count, (number, cells) in enumerate(table.rows, start=1):
        if progress and count % 2000 == 0:
            progress(count)
        width = len(cells)
        values = {column: cells[index].strip() if index < width else "" for column, index in positions}
        problems: list[tuple[str, str]] = []
        if not values.get("value", "") and not values.get("qualifier", ""):
            out.skipped += 1  # a template row left empty: nothing to enter
            continue
        indicator, part_code = values.get("indicator", ""), values.get("part", "")
        facts = context.parts.get((indicator.upper(), part_code.upper()))
        if facts is None:
            if not any(key[0] == indicator.upper() for key in context.parts):
                problems.append(("indicator", _("Unknown indicator code “%(code)s”.") % {"code": indicator}))
            else:
                problems.append(
                    (
                        "part",
                        _("Indicator %(indicator)s has no part “%(part)s”.")
                        % {"indicator": indicator, "part": part_code},
                    )
                )
        country_code = values.get("country", "").upper()
        country_id = None
        if country_code != REGION:
            country_id = context.countries.get(country_code)
            if country_id is None:
                problems.append(
                    (
                        "country",
                        _("Unknown country “%(code)s”: use an ISO alpha-3 code or CAREC.")
                        % {"code": values.get("country", "")},
                    )
                )
            elif facts is not None and facts.region_only:
                problems.append(("country", _("This part is reported only for the whole region: use CAREC.")))
        year_text = values.get("year", "")
        year = int(year_text) if year_text.isdigit() else None
        if year is None:
            problems.append(("year", _("“%(value)s” is not a year.") % {"value": year_text}))
        elif not context.first_year <= year <= context.last_year:
            problems.append(
                (
                    "year",
                    _("%(year)s is outside the framework's years (%(first)s–%(last)s).")
                    % {"year": year, "first": context.first_year, "last": context.last_year},
                )
            )
        elif context.year_status.get(year) != "open":
            problems.append(
                ("year", _("The reporting year %(year)s is locked or not open for entry.") % {"year": year})
            )
        placed = country_id is not None or country_code == REGION
        if facts is not None and placed and not context.can_enter(facts.sector_id, country_id):
            problems.append(("indicator", _("You may not enter values for this sector or country.")))
        value = None
        if facts is not None:
            try:
                value = _value(values, facts, context)
            except ValidationError as error:
                problems.append(("value", " ".join(error.messages)))
            except ValueError:
                problems.append(("value", _("“%(value)s” is not a number.") % {"value": values.get("value", "")}))
            unit = values.get("unit", "")
            if unit and unit.lower() not in facts.unit_names:
                problems.append(
                    (
                        "unit",
                        _("Unit “%(unit)s” does not match the part's unit, %(expected)s.")
                        % {"unit": unit, "expected": facts.unit_label},
                    )
                )
        if not problems and value is not None and year is not None:
            key = (facts.id, country_id, year)
            if key in seen:
                first, earlier = seen[key]
                if earlier == value:
                    problems.append(("value", _("Duplicate of row %(row)s.") % {"row": first}))
                else:
                    problems.append(
                        (
                            "value",
                            _(
                                "Conflicts with row %(row)s, which gives another value for the same "
                                "part, place and year."
                            )
                            % {"row": first},
                        )
                    )
            else:
                seen[key] = (number, value)
        if problems:
            out.errors.extend((number, column, message) for column, message in problems)
        else:
            out.rows.append(
                Row(number, facts.id, country_id, year, value, values.get("source", ""), values.get("note", ""))
            )
    return out


def _value(values: dict[str, str], facts: PartFacts, context: Context) -> TypedValueFields:
    raw = values.get("value", "")
    qualifier_text = values.get("qualifier", "")
    if qualifier_text not in _QUALIFIERS:
        raise ValidationError(_("“%(value)s” is not a qualifier (use <, <=, >, >= or ~).") % {"value": qualifier_text})
    qualifier = _QUALIFIERS[qualifier_text]
    for prefix in ("<=", ">=", "≤", "≥", "<", ">", "~"):
        if raw.startswith(prefix):
            qualifier, raw = _QUALIFIERS[prefix], raw[len(prefix) :].strip()
            break
    if not raw:
        raise ValidationError(_("The value is empty: write N/A when it is not available."))
    availability = availability_of_text(raw)
    if availability:
        return typed_value(value_type=facts.value_type, availability=availability)
    if facts.value_type == ValueType.BOOLEAN:
        return typed_value(value_type=facts.value_type, value=parse_boolean_text(raw))
    if facts.value_type == ValueType.ORDINAL:
        return typed_value(value_type=facts.value_type, value=raw, scale_codes=facts.scale)
    if facts.value_type == ValueType.COUNTRY_SET:
        codes = [c.strip().upper() for c in raw.replace(";", ",").split(",") if c.strip()]
        if all(c.isalpha() for c in codes):
            return typed_value(value_type=facts.value_type, countries=codes, known_countries=set(context.countries))
    number = parse_number(raw, decimal_comma=context.decimal_comma)
    if (facts.min_value is not None and number < facts.min_value) or (
        facts.max_value is not None and number > facts.max_value
    ):
        raise ValidationError(
            _("%(value)s is outside the plausible range of %(unit)s (%(low)s to %(high)s).")
            % {"value": raw, "unit": facts.unit_label, "low": _plain(facts.min_value), "high": _plain(facts.max_value)}
        )
    return typed_value(value_type=facts.value_type, value=str(number), qualifier=qualifier)


def _plain(value) -> str:
    return "—" if value is None else str(Decimal(value).normalize())
