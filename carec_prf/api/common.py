"""Shared pieces of the REST API: languages (?lang= or Accept-Language, ?lang=all for all
three), translated fields, typed values, pagination, and errors as 400/403 with messages."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler as drf_exception_handler

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class LanguageMixin:
    """?lang=en|zh-hans|ru picks the language of translated fields; ?lang=all returns all three."""

    def initial(self, request, *args, **kwargs):
        lang = request.query_params.get("lang")
        if lang and lang != "all":
            if lang not in LANGUAGE_CODES:
                raise exceptions.ValidationError(
                    {
                        "lang": _("Unknown language “%(lang)s”; use %(codes)s or all.")
                        % {"lang": lang, "codes": ", ".join(LANGUAGE_CODES)}
                    }
                )
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        super().initial(request, *args, **kwargs)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string"},
            {"type": "object", "properties": {code: {"type": "string"} for code in LANGUAGE_CODES}},
        ],
        "description": "The text in the requested language (English where no translation exists), or with ?lang=all "
        "an object with every language.",
    }
)
class TranslatedField(serializers.Field):
    def __init__(self, field: str, **kwargs):
        self.base = field
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        request = self.context.get("request")
        if request is not None and request.query_params.get("lang") == "all":
            return {code: getattr(obj, f"{self.base}_{code.replace('-', '_')}") or "" for code in LANGUAGE_CODES}
        return getattr(obj, self.base)


@extend_schema_field(
    {
        "oneOf": [{"type": "number"}, {"type": "boolean"}, {"type": "string"}],
        "nullable": True,
        "description": "A number, a yes/no, a level code of an ordinal scale, or for a set of countries its count; "
        "null when not applicable or not available.",
    }
)
class TypedValueField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, row):
        if getattr(row, "availability", "value") != "value":
            return None
        if row.value_type == "boolean":
            return row.value_boolean
        if row.value_type == "ordinal":
            return row.value_text or None
        return None if row.value_number is None else float(row.value_number)


class Pagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


def exception_handler(exc, context):
    """Django's ValidationError (raised by services) becomes a 400 with its messages."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError({"detail": exc.messages})
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)


class CodeLookupMixin:
    """Codes with spaces ("TRD OC 1") may be written with dashes in URLs ("TRD-OC-1")."""

    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_object(self):
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].replace("-", " ")
        return super().get_object()


class PublicCacheMixin:
    """Anonymous GETs are served from the public page cache, which every recompute clears."""

    @classmethod
    def as_view(cls, *args, **kwargs):
        from clusters.cache import cached_page

        return cached_page(super().as_view(*args, **kwargs))


def response_example(summary: str, value):
    """An example response for the OpenAPI documentation."""
    from drf_spectacular.utils import OpenApiExample

    return OpenApiExample(summary, value=value, response_only=True)
