"""Moving many rows quickly: PostgreSQL's COPY where available, plain SQL elsewhere. Rows are
plain dicts keyed by field attname, so no model instance is built per row on the fast path.

- insert_rows: add rows.
- rows_sync: make a set of stored rows equal to the given ones, touching only those that differ.
- read_columns: a query's numeric columns as NumPy arrays, without a Python object per value."""

import json
import operator
from collections.abc import Sequence

import numpy as np
from django.db import connection, models, transaction
from django.utils import timezone


def insert_rows(model: type[models.Model], rows: list[dict], batch_size: int = 5000) -> None:
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=batch_size)
        return
    specs = [(f.attname, isinstance(f, models.JSONField), _default(f)) for f in fields]
    table = model._meta.db_table
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            values = []
            for name, is_json, default in specs:
                value = row.get(name)
                if value is None:
                    value = default
                elif is_json:
                    value = json.dumps(value)
                values.append(value)
            copy.write_row(values)


def _default(field: models.Field):
    """What a missing value becomes: NULL where allowed, now() for auto timestamps, the field's
    default otherwise ("" for text fields)."""
    if isinstance(field, models.JSONField):
        return json.dumps(field.get_default())
    if field.null:
        return None
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        return timezone.now()
    return field.get_default()


def rows_sync(
    scope: models.QuerySet, rows: list[dict] | dict[str, Sequence], *, key: tuple[str, ...], stamp: str, now
) -> None:
    """Make the stored rows of `scope` exactly `rows`: delete the stored rows whose key is not
    among them, insert the new keys, and update a row whose content differs, setting `stamp` to
    `now`; a row whose content is the same keeps its stamp and is not written. Set-based: the
    rows are staged in a temporary table (with COPY on PostgreSQL) and compared there, so no
    stored row is read into Python. rows may also be columns: a dict of equally long sequences
    keyed by attname (a field left out takes its default). Every row must lie in scope (its key
    decides it). Runs inside the caller's transaction."""
    n_rows = _n_rows(rows)
    model = scope.model
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.attname != stamp]
    quote = connection.ops.quote_name
    table, stage = quote(model._meta.db_table), quote(f"stage_{model._meta.db_table}")
    columns = [quote(f.column) for f in fields]
    keys = [quote(model._meta.get_field(name).column) for name in key]
    content = [c for c in columns if c not in keys]
    stamp_column = quote(model._meta.get_field(stamp).column)
    listed = ", ".join(columns)
    same_key = " AND ".join(f"s.{c} = {table}.{c}" for c in keys)
    scope_sql, scope_params = scope.order_by().values("pk").query.sql_with_params()
    # The statements below are built only from quoted names of the model's table and columns and
    # the scope's compiled SQL; every value is a parameter (hence the noqa: S608).
    with connection.cursor() as cursor:
        empty = "WITH NO DATA" if connection.vendor == "postgresql" else "WHERE 0 = 1"
        cursor.execute(f"CREATE TEMPORARY TABLE {stage} AS SELECT {listed} FROM {table} {empty}")  # noqa: S608
        _stage(cursor, stage, columns, _columns(fields, rows))
        # Statistics on the staged rows (a temporary table has none), and an index when there are
        # many: every join below then costs a probe per row, whatever the planner believes of the
        # stored table (just emptied or filled, not yet analysed).
        if n_rows > 1000:
            index = quote(f"stage_{model._meta.db_table}_key")
            cursor.execute(f"CREATE INDEX {index} ON {stage} ({', '.join(keys)})")
        analysed = f" ({', '.join(keys)})" if connection.vendor == "postgresql" else ""
        cursor.execute(f"ANALYZE {stage}{analysed}")
        cursor.execute(
            f"DELETE FROM {table} WHERE {quote(model._meta.pk.column)} IN ({scope_sql})"  # noqa: S608
            f" AND NOT EXISTS (SELECT 1 FROM {stage} AS s WHERE {same_key})",
            scope_params,
        )
        written = cursor.rowcount
        if content:
            cursor.execute(
                f"UPDATE {table} SET {', '.join(f'{c} = s.{c}' for c in content)}, {stamp_column} = %s"  # noqa: S608
                f" FROM {stage} AS s WHERE {same_key}"
                f" AND ({' OR '.join(f'{table}.{c} IS DISTINCT FROM s.{c}' for c in content)})",
                [now],
            )
            written += cursor.rowcount
        # what is left to insert: the keys not stored (dropped from the stage first, as a NOT
        # EXISTS on the table being filled would rescan the rows it adds)
        staged_key = " AND ".join(f"{stage}.{c} = {table}.{c}" for c in keys)
        cursor.execute(f"DELETE FROM {stage} WHERE EXISTS (SELECT 1 FROM {table} WHERE {staged_key})")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {table} ({listed}, {stamp_column}) SELECT {listed}, %s FROM {stage}",  # noqa: S608
            [now],
        )
        written += cursor.rowcount
        cursor.execute(f"DROP TABLE {stage}")
        if written > 50 + n_rows // 10:
            # as autovacuum's analyze would (its threshold): the next, small runs plan on the new size
            cursor.execute(f"ANALYZE {table}")


def _columns(fields: list[models.Field], rows: list[dict] | dict[str, Sequence]) -> list:
    """The fields' values, one sequence per field, as the database takes them: JSON as text, None
    as the field's default where the column is NOT NULL (as insert_rows does). Rows come as
    dicts, taken apart in C (itemgetter, zip), or already as columns (a dict of sequences, as
    long as each other): a Python step per value costs a second on a million values."""
    names = [f.attname for f in fields]
    if isinstance(rows, dict):
        n = _n_rows(rows)
        columns = [rows[name] if name in rows else [None] * n for name in names]
    else:
        try:
            table = list(map(operator.itemgetter(*names), rows)) if len(names) > 1 else [(r[names[0]],) for r in rows]
        except KeyError:  # a row leaves some fields out: they take their default
            table = [tuple(row.get(name) for name in names) for row in rows]
        columns = list(zip(*table, strict=True)) if table else [() for _name in names]
    for i, field in enumerate(fields):
        values = columns[i]
        if not field.null and None in values:
            default = field.get_default()
            values = [default if value is None else value for value in values]
        if isinstance(field, models.JSONField):
            values = _json_texts(values)
        columns[i] = values
    return columns


def _json_texts(values: Sequence) -> list:
    """JSON values as text; a value repeated (the same flags, the same contributors) is encoded
    once. Lists and tuples are keyed by their items (both encode as a JSON array)."""
    texts: dict = {}
    out = []
    for value in values:
        if isinstance(value, list | tuple):
            key = tuple(value)
            try:
                text = texts[key]
            except KeyError:
                text = texts[key] = json.dumps(value)
            except TypeError:  # unhashable items
                text = json.dumps(value)
        else:
            text = None if value is None else json.dumps(value)
        out.append(text)
    return out


def _n_rows(rows: list[dict] | dict[str, Sequence]) -> int:
    if isinstance(rows, dict):
        return len(next(iter(rows.values()))) if rows else 0
    return len(rows)


def _stage(cursor, stage: str, columns: list[str], values: list[list]) -> None:
    if connection.vendor == "postgresql":
        with cursor.copy(f"COPY {stage} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in zip(*values, strict=True):
                copy.write_row(row)
    else:
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {stage} ({', '.join(columns)}) VALUES ({placeholders})",  # noqa: S608
            list(zip(*values, strict=True)),
        )


_BINARY = {"int2": ">i2", "int4": ">i4", "int8": ">i8", "float8": ">f8"}


def read_columns(sql: str, params, types: dict[str, str]) -> dict[str, np.ndarray]:
    """The rows of a query as one NumPy array per column. types names each selected column, in
    order, with its PostgreSQL type (int2, int4, int8 or float8); no value may be NULL. On
    PostgreSQL each column comes back as one value, its binary values joined (string_agg of
    int8send, float8send...; one aggregate step feeds every column the rows in the same order),
    read straight into an array: a million rows without a Python object each."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            names = [column[0] for column in cursor.description]  # in the query's order, not types'
        columns = dict(zip(names, zip(*rows, strict=True), strict=True)) if rows else {}
        return {name: np.array(columns.get(name, ()), dtype=_BINARY[kind][1:]) for name, kind in types.items()}
    quote = connection.ops.quote_name
    joined = ", ".join(f"string_agg({t}send(q.{quote(n)}::{t}), ''::bytea)" for n, t in types.items())
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        # One pass over the rows: compiling the query (JIT) would cost more than it saves.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(f"SELECT {joined} FROM ({sql}) AS q", params)  # noqa: S608 (quoted names only)
        values = cursor.fetchone()
    return {
        name: np.frombuffer(value or b"", dtype=_BINARY[t]).astype(_BINARY[t][1:])
        for (name, t), value in zip(types.items(), values, strict=True)
    }
