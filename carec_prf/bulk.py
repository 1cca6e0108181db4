"""Moving many rows quickly: PostgreSQL's COPY where available, plain SQL elsewhere. Rows are
plain dicts keyed by field attname, so no model instance is built per row on the fast path.

- insert_rows: add rows.
- rows_sync: make a set of stored rows equal to the given ones, touching only those that differ.
- read_columns: a query's numeric columns as NumPy arrays, without a Python object per value."""

import json
import math
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
    sync = _Sync(scope, fields, key, stamp)
    with connection.cursor() as cursor:
        empty = "WITH NO DATA" if connection.vendor == "postgresql" else "WHERE 0 = 1"
        cursor.execute(f"CREATE TEMPORARY TABLE {sync.stage} AS SELECT {sync.staged} FROM {sync.table} {empty}")  # noqa: S608
        _stage(cursor, sync.stage, fields, sync.columns, _columns(fields, rows))
        if connection.vendor == "postgresql":
            written = sync.merge(cursor, now)
        else:
            written = sync.merge_in_steps(cursor, now, n_rows)
        cursor.execute(f"DROP TABLE {sync.stage}")
        if written > 50 + n_rows // 10:
            # as autovacuum's analyze would (its threshold): the next, small runs plan on the new size
            cursor.execute(f"ANALYZE {sync.table}")


class _Sync:
    """The statements of rows_sync, built only from quoted names of the model's table and columns
    and the scope's compiled SQL; every value is a parameter (hence the noqa: S608)."""

    def __init__(self, scope: models.QuerySet, fields: list[models.Field], key: tuple[str, ...], stamp: str) -> None:
        model, quote = scope.model, connection.ops.quote_name
        self.scope, self.fields, self.quote = scope, fields, quote
        self.table, self.stage = quote(model._meta.db_table), quote(f"stage_{model._meta.db_table}")
        self.index = quote(f"stage_{model._meta.db_table}_key")
        self.pk = quote(model._meta.pk.column)
        self.columns = [quote(f.column) for f in fields]
        self.keys = [quote(model._meta.get_field(name).column) for name in key]
        self.content = [c for c in self.columns if c not in self.keys]
        self.stamp = quote(model._meta.get_field(stamp).column)
        self.listed = ", ".join(self.columns)
        # PostgreSQL: JSON is staged as text, as parsing a few hundred thousand JSON values costs
        # more than printing the stored ones to compare (merge)
        postgresql = connection.vendor == "postgresql"
        self.json = {
            quote(f.column): f.db_type(connection) for f in fields if postgresql and isinstance(f, models.JSONField)
        }
        self.staged = ", ".join(f"{c}::text AS {c}" if c in self.json else c for c in self.columns)

    def _value(self, alias: str, column: str) -> str:
        """A staged column as the stored column's type."""
        return f"{alias}.{column}::{self.json[column]}" if column in self.json else f"{alias}.{column}"

    def _differs(self, column: str) -> str:
        """The stored value differs from the staged one; JSON first compared as printed, and only
        where the text differs (another spacing or key order) as JSON."""
        if column not in self.json:
            return f"t.{column} IS DISTINCT FROM s.{column}"
        typed = self._value("s", column)
        return f"(t.{column}::text IS DISTINCT FROM s.{column} AND t.{column} IS DISTINCT FROM {typed})"

    def merge(self, cursor, now) -> int:
        """PostgreSQL: one statement, so one join of the staged rows with the stored ones (a
        full join: a hash of the smaller side, whatever the planner believes of either) finds
        what is gone, changed and new; only those rows are then written. Returns their number."""
        scope_sql, scope_params = (
            self.scope.order_by().values_list("pk", *(f.attname for f in self.fields)).query.sql_with_params()
        )
        marker = self.quote("_stored_id")  # the stored row's id, NULL for a new key
        same_key = " AND ".join(f"s.{c} = t.{c}" for c in self.keys)
        differs = " OR ".join(map(self._differs, self.content)) or "FALSE"
        gone, new = f"s.{self.keys[0]} IS NULL", f"t.{self.pk} IS NULL"
        staged = ", ".join(f"s.{c}" for c in self.columns)
        sql = (
            f"WITH diff AS (SELECT t.{self.pk} AS {marker}, {staged} FROM {self.stage} AS s"  # noqa: S608
            f" FULL JOIN ({scope_sql}) AS t ({self.pk}, {self.listed}) ON {same_key}"
            f" WHERE {new} OR {gone} OR {differs}),"
            f" gone AS (DELETE FROM {self.table} WHERE {self.pk} IN"
            f" (SELECT {marker} FROM diff WHERE {self.keys[0]} IS NULL) RETURNING 1),"
        )
        params = [*scope_params]
        if self.content:
            assigned = ", ".join(f"{c} = {self._value('d', c)}" for c in self.content)
            sql += (
                f" changed AS (UPDATE {self.table} SET {assigned},"  # noqa: S608
                f" {self.stamp} = %s FROM diff AS d WHERE {self.table}.{self.pk} = d.{marker}"
                f" AND d.{self.keys[0]} IS NOT NULL RETURNING 1),"
            )
            params.append(now)
        sql += (
            f" added AS (INSERT INTO {self.table} ({self.listed}, {self.stamp})"  # noqa: S608
            f" SELECT {', '.join(self._value('d', c) for c in self.columns)}, %s FROM diff AS d"
            f" WHERE {marker} IS NULL RETURNING 1)"
            f" SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM added)"
            + (" + (SELECT count(*) FROM changed)" if self.content else "")
        )
        params.append(now)
        cursor.execute(sql, params)
        return cursor.fetchone()[0]

    def merge_in_steps(self, cursor, now, n_rows: int) -> int:
        """Elsewhere (SQLite): delete, update, insert, each a statement of its own."""
        table, stage, keys = self.table, self.stage, self.keys
        same_key = " AND ".join(f"s.{c} = {table}.{c}" for c in keys)
        scope_sql, scope_params = self.scope.order_by().values("pk").query.sql_with_params()
        # Statistics on the staged rows (a temporary table has none), and an index when there are
        # many: every join below then costs a probe per row, whatever the planner believes of the
        # stored table (just emptied or filled, not yet analysed).
        if n_rows > 1000:
            cursor.execute(f"CREATE INDEX {self.index} ON {stage} ({', '.join(keys)})")
        cursor.execute(f"ANALYZE {stage}")
        cursor.execute(
            f"DELETE FROM {table} WHERE {self.pk} IN ({scope_sql})"  # noqa: S608
            f" AND NOT EXISTS (SELECT 1 FROM {stage} AS s WHERE {same_key})",
            scope_params,
        )
        written = cursor.rowcount
        if self.content:
            cursor.execute(
                f"UPDATE {table} SET {', '.join(f'{c} = s.{c}' for c in self.content)}, {self.stamp} = %s"  # noqa: S608
                f" FROM {stage} AS s WHERE {same_key}"
                f" AND ({' OR '.join(f'{table}.{c} IS DISTINCT FROM s.{c}' for c in self.content)})",
                [now],
            )
            written += cursor.rowcount
        # what is left to insert: the keys not stored (dropped from the stage first, as a NOT
        # EXISTS on the table being filled would rescan the rows it adds)
        staged_key = " AND ".join(f"{stage}.{c} = {table}.{c}" for c in keys)
        cursor.execute(f"DELETE FROM {stage} WHERE EXISTS (SELECT 1 FROM {table} WHERE {staged_key})")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {table} ({self.listed}, {self.stamp}) SELECT {self.listed}, %s FROM {stage}",  # noqa: S608
            [now],
        )
        return written + cursor.rowcount


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


def _stage(cursor, stage: str, fields: list[models.Field], columns: list[str], values: list[list]) -> None:
    if connection.vendor == "postgresql":
        # one block of COPY text, made a column at a time: a write_row per row costs a second on
        # a few hundred thousand rows
        texts = [_copy_texts(field, column) for field, column in zip(fields, values, strict=True)]
        block = "\n".join(map("\t".join, zip(*texts, strict=True)))
        with cursor.copy(f"COPY {stage} ({', '.join(columns)}) FROM STDIN") as copy:
            if block:
                copy.write(f"{block}\n".encode())
    else:
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {stage} ({', '.join(columns)}) VALUES ({placeholders})",  # noqa: S608
            list(zip(*values, strict=True)),
        )


_NULL = "\\N"
_FLOAT_WORDS = {math.inf: "Infinity", -math.inf: "-Infinity"}
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_texts(field: models.Field, values: Sequence) -> list[str]:
    """A column's values as COPY text: NULL as \\N, text escaped, a float as its shortest repr
    (which PostgreSQL reads back as the same double). Values repeat (years, ids, labels, flags,
    a baseline for every year), so each distinct one is converted once, but for decimals (1.0
    and 1.00 are one key)."""
    if isinstance(field, models.DecimalField):
        return [_text(value) for value in values]
    if not isinstance(field, models.FloatField):
        texts = {value: _text(value) for value in set(values)}
        return list(map(texts.__getitem__, values))
    texts = {value: _float_text(value) for value in set(values)}
    out = list(map(texts.__getitem__, values))
    if 0 in texts:  # 0.0 and -0.0 are one key: each zero keeps its own sign
        for i in np.flatnonzero(np.asarray(values, dtype=object) == 0).tolist():
            out[i] = _float_text(values[i])
    return out


def _float_text(value) -> str:
    if value is None:
        return _NULL
    value = float(value)
    if value != value:
        return "NaN"
    return _FLOAT_WORDS.get(value) or repr(value)


def _text(value) -> str:
    if value is None:
        return _NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).translate(_ESCAPES)


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
