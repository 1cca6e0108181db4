"""What every kind of change shares: the languages, the texts a change must give in each, and
how a value reads in the comparison."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from indicators.values import typed_value

LANGUAGES = [code for code, _name in settings.LANGUAGES]

REWORDABLE = {
    "result": ("statement", "lead", "risks", "assumptions"),
    "indicator": ("statement", "data_sources", "notes"),
    "part": ("name",),
}


def texts_of(obj, field: str) -> dict[str, str]:
    return {code: getattr(obj, f"{field}_{code.replace('-', '_')}") or "" for code in LANGUAGES}


def texts_required(raw, what: str) -> dict[str, str]:
    """A text in every language, or a translated refusal naming what is missing."""
    if not isinstance(raw, dict):
        raise ValidationError(
            _("%(what)s must give a text in each language (%(languages)s)."),
            code="not_translated",
            params={"what": what, "languages": ", ".join(LANGUAGES)},
        )
    unknown = sorted(set(raw) - set(LANGUAGES))
    if unknown:
        raise ValidationError(
            _("%(what)s has unknown languages: %(languages)s."),
            code="unknown_language",
            params={"what": what, "languages": ", ".join(unknown)},
        )
    missing = [code for code in LANGUAGES if not str(raw.get(code) or "").strip()]
    if missing:
        raise ValidationError(
            _("%(what)s has no text in %(languages)s."),
            code="missing_language",
            params={"what": what, "languages": ", ".join(missing)},
        )
    return {code: str(raw[code]).strip() for code in LANGUAGES}


def _plain(number: Decimal | None) -> str | None:
    return None if number is None else format(number.normalize(), "f")


def _shown(row) -> str | None:
    """A typed value (a row or TypedValueFields) as plain text for the comparison."""
    if row is None:
        return None
    if row.value_number is not None:
        return _plain(row.value_number)
    if row.value_boolean is not None:
        return str(row.value_boolean).lower()
    return row.value_text or None


def _number(raw, what: str) -> Decimal:
    try:
        return typed_value(value_type="number", value=raw).value_number
    except ValidationError:
        raise ValidationError(
            _("%(what)s must be a number, not “%(value)s”."), code="not_a_number", params={"what": what, "value": raw}
        ) from None


def _required(payload: dict, *keys: str) -> None:
    missing = [key for key in keys if payload.get(key) in (None, "", [], {})]
    if missing:
        raise ValidationError(_("This change needs %(keys)s."), code="missing_key", params={"keys": ", ".join(missing)})
