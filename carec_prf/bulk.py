"""Inserting many computed rows quickly: PostgreSQL's COPY where available, bulk_create
elsewhere. Rows are plain dicts keyed by field attname, so no model instance is built per row
on the fast path."""

import json

from django.db import connection, models
from django.utils import timezone


def insert_rows(model: type[models.Model], rows: list[dict], batch_size: int = 5000) -> None:
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in fields]
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        encoders = [_encoder(f) for f in fields]
        with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([encode(row.get(name)) for encode, name in zip(encoders, names, strict=True)])
        return
    model.objects.bulk_create([model(**row) for row in rows], batch_size=batch_size)


def _encoder(field: models.Field):
    if isinstance(field, models.JSONField):
        return lambda value: json.dumps(value if value is not None else field.get_default())
    if field.null:
        return lambda value: value
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        now = timezone.now()
        return lambda value: now if value is None else value
    default = field.get_default()  # "" for text fields without a default
    return lambda value: default if value is None else value
