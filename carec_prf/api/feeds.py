"""What BI tools and scripts that poll the data need: `updated_since` (one parser, one message),
and ETag / Last-Modified with 304 answers through Django's own `condition` decorator, computed
from a data version (one query) rather than from the body, so streamed files get them too."""

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import condition
from django_filters import rest_framework as filters
from rest_framework import exceptions

PARAMETER = "updated_since"
# Last-Modified of an empty answer (a zero timestamp would be taken for "none" by Django).
_NO_DATA_SINCE = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def updated_since_parse(text: str) -> datetime.datetime:
    """An ISO 8601 date (midnight UTC) or date and time; without a timezone it is read as UTC. A
    '+' of an offset that a URL turned into a space is put back."""
    raw = text.strip()
    if " " in raw and "T" in raw:
        raw = raw.replace(" ", "+")
    try:
        moment = parse_datetime(raw)
        day = None if moment else parse_date(raw)
    except ValueError:
        moment = day = None
    if moment is None and day is None:
        raise ValidationError(
            _(
                "“%(value)s” is not a date or time: write %(parameter)s in ISO 8601, for example 2025-01-31 "
                "or 2025-01-31T14:30:00Z."
            ),
            code="bad_updated_since",
            params={"value": text, "parameter": PARAMETER},
        )
    if moment is None:
        moment = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    # in UTC: the database takes offsets up to ±15:59 only, ISO 8601 up to ±23:59
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError:  # before year 1 in UTC: before every row
        return datetime.datetime.min.replace(tzinfo=datetime.UTC)


def updated_since_from(request) -> datetime.datetime | None:
    """The request's updated_since for views without a filter set: a bad value is a 400."""
    text = request.GET.get(PARAMETER, "")
    if not text:
        return None
    try:
        return updated_since_parse(text)
    except ValidationError as error:
        raise exceptions.ValidationError({PARAMETER: error.messages}) from None


class _UpdatedSinceField(forms.Field):
    def to_python(self, value):
        return updated_since_parse(value) if value not in (None, "") else None


class UpdatedSinceFilter(filters.Filter):
    """?updated_since=: the rows changed after the moment (updated_at > it)."""

    field_class = _UpdatedSinceField

    def __init__(self, **kwargs):
        kwargs.setdefault("field_name", "updated_at")
        kwargs.setdefault("lookup_expr", "gt")
        kwargs.setdefault(
            "help_text", "Only rows changed after this ISO 8601 date or time (UTC unless it has an offset)"
        )
        super().__init__(**kwargs)


@dataclass(frozen=True)
class DataVersion:
    """What a response is made of, in one query: when it last changed and how many rows it has
    (the count catches a row that disappears)."""

    changed: datetime.datetime | None
    rows: int
    extra: str = ""


def data_version(queryset, *stamps: str) -> DataVersion:
    """The version of a queryset from its latest updated_at (or the given fields) and its count."""
    from django.db.models import Count, Max

    fields = stamps or ("updated_at",)
    found = queryset.order_by().aggregate(n=Count("pk"), **{f"s{i}": Max(f) for i, f in enumerate(fields)})
    moments = [found[f"s{i}"] for i in range(len(fields)) if found[f"s{i}"] is not None]
    return DataVersion(changed=max(moments) if moments else None, rows=found["n"])


def _who(request) -> str:
    """Whose view of the data: the answer differs by reader, so the ETag does too."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    header = request.META.get("HTTP_AUTHORIZATION", "")
    return "token:" + hashlib.sha256(header.encode()).hexdigest() if header else "public"


def conditional(version: Callable[..., DataVersion]):
    """Django's `condition` with the ETag and Last-Modified of a data version: computed once per
    request, only for GET and HEAD. The ETag also covers the URL with its query, the language
    and the reader, since each changes the body."""

    def compute(request, *args, **kwargs) -> DataVersion | None:
        if request.method not in ("GET", "HEAD"):
            return None
        if not hasattr(request, "data_version"):
            from clusters.cache import public_memo

            request.data_version = public_memo(
                request, "feed-version:" + request.get_full_path(), lambda: version(request, *args, **kwargs)
            )
        return request.data_version

    def etag(request, *args, **kwargs):
        found = compute(request, *args, **kwargs)
        if found is None:
            return None
        key = "|".join(
            [
                found.changed.isoformat() if found.changed else "",
                str(found.rows),
                found.extra,
                request.get_full_path(),
                request.META.get("HTTP_ACCEPT_LANGUAGE", ""),
                get_language() or "",
                _who(request),
            ]
        )
        return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'

    def last_modified(request, *args, **kwargs):
        found = compute(request, *args, **kwargs)
        if found is None:
            return None
        return found.changed or _NO_DATA_SINCE

    return condition(etag_func=etag, last_modified_func=last_modified)


class ConditionalMixin:
    """For a viewset: ETag, Last-Modified and 304 from `feed_version(request)`. Listed before
    PublicCacheMixin, it wraps the page cache, so a cached answer carries the headers too."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not callable(getattr(cls, "feed_version", None)):
            raise TypeError(f"{cls.__name__} must define feed_version(request) -> DataVersion")

    @classmethod
    def as_view(cls, *args, **kwargs):
        return conditional(lambda request, *a, **k: cls.feed_version(request))(super().as_view(*args, **kwargs))
