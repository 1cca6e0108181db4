"""Helpers for writing django-modeltranslation fields from {language: text} mappings."""

from django.conf import settings
from django.core.exceptions import ValidationError


def lang_suffix(language: str) -> str:
    return language.replace("-", "_")


def translated_fields(field: str, texts: dict | None, *, required: bool = False, where: str = "") -> dict:
    """{"name": {"en": "Trade", "ru": ...}} -> {"name_en": "Trade", "name_ru": ...}.

    Every configured language must be present when required; an absent mapping gives empty
    strings so that an optional field can be cleared."""
    texts = texts or {}
    if not isinstance(texts, dict):
        raise ValidationError(f"{where}: {field} must map each language to a text, got {texts!r}.")
    unknown = set(texts) - {code for code, _name in settings.LANGUAGES}
    if unknown:
        raise ValidationError(f"{where}: {field} has unknown languages {sorted(unknown)}.")
    out = {}
    for code, _name in settings.LANGUAGES:
        text = (texts.get(code) or "").strip()
        if required and not text:
            raise ValidationError(f"{where}: {field} has no {code} text.")
        out[f"{field}_{lang_suffix(code)}"] = text
    return out
