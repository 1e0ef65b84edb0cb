"""Insert and update many rows of one model with ``executemany``, for the population import.

Django's bulk_create and bulk_update prepare every value of every row through the field
machinery (and bulk_update builds one CASE branch per row): for two million residents that is
most of the import's time. Here the SQL is built once from the model's own field list, values
that the database driver cannot take as they are (dates, date-times, JSON) are adapted with
Django's own per-backend adapters, and the rows go to the driver's ``executemany``: one C-level
loop on SQLite; on PostgreSQL new rows go through ``COPY`` and updates through a pipelined
``executemany`` (psycopg 3). Fields a caller does not fill
get their model default, so a field added to the model later still gets a correct value.

Neither helper returns primary keys; the import looks up the few it needs (families by No. KK,
family heads by NIK) in one query per chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from django.db import connection, models

# Internal types whose Python values the drivers take unchanged (str, int, bool, None).
_AS_IS = frozenset(
    {
        "CharField",
        "TextField",
        "SlugField",
        "EmailField",
        "ForeignKey",
        "OneToOneField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
        "AutoField",
        "BigAutoField",
        "BooleanField",
    }
)


def _adapter(field: models.Field) -> Callable[[object], object] | None:
    """How a value of this field is turned into a driver parameter; None: unchanged."""
    kind = field.get_internal_type()
    if kind in _AS_IS:
        return None
    if kind == "DateField":
        return connection.ops.adapt_datefield_value
    prepare = field.get_db_prep_save
    if kind == "JSONField":
        # Almost every value is the empty list: prepare it once.
        empty = prepare([], connection)
        return lambda value: empty if value == [] else prepare(value, connection)
    return lambda value: prepare(value, connection)


def _columns(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if not field.primary_key]


class Inserter:
    """``INSERT`` rows whose values are given for ``varying`` fields, in that order.

    ``constants`` fills fields with one value for every row (for example ``created_at``);
    every other field gets its model default.
    """

    def __init__(
        self,
        model: type[models.Model],
        varying: Sequence[str],
        constants: dict[str, object],
    ):
        fields = _columns(model)
        by_attname = {field.attname: field for field in fields}
        unknown = (set(varying) | set(constants)) - set(by_attname)
        if unknown:
            raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
        # Columns in the order of a row's values, then every other column with one value.
        varying_fields = [by_attname[name] for name in varying]
        fixed_fields = [field for field in fields if field.attname not in set(varying)]
        self.constants = [
            field.get_db_prep_save(
                constants[field.attname] if field.attname in constants else field.get_default(),
                connection,
            )
            for field in fixed_fields
        ]
        self.adapters = [
            (index, adapt)
            for index, field in enumerate(varying_fields)
            if (adapt := _adapter(field)) is not None
        ]
        quote = connection.ops.quote_name
        columns = varying_fields + fixed_fields
        table = quote(model._meta.db_table)
        column_list = ", ".join(quote(field.column) for field in columns)
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(
            table, column_list, ", ".join(["%s"] * len(columns))
        )
        # PostgreSQL takes many rows fastest through COPY: one stream instead of one
        # statement per row (measured about 3x faster on a whole regency).
        self.copy_sql = f"COPY {table} ({column_list}) FROM STDIN"

    def insert(self, rows: Iterable[Sequence[object]]) -> int:
        adapters = self.adapters
        constants = self.constants
        params = []
        for row in rows:
            values = list(row)
            for index, adapt in adapters:
                value = values[index]
                if value is not None:
                    values[index] = adapt(value)
            values.extend(constants)
            params.append(values)
        if params:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(self.copy_sql) as copy:
                        for values in params:
                            copy.write_row(values)
                else:
                    cursor.executemany(self.sql, params)
        return len(params)


def update_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[object]],
) -> int:
    """``UPDATE ... SET fields WHERE id = ...`` for rows of ``(*values, id)``."""
    by_attname = {field.attname: field for field in _columns(model)}
    chosen = [by_attname[name] for name in fields]
    adapters = [_adapter(field) for field in chosen]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(model._meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in chosen),
        quote(model._meta.pk.column),
    )
    params = [
        [
            value if adapt is None or value is None else adapt(value)
            for value, adapt in zip(row[:-1], adapters, strict=True)
        ]
        + [row[-1]]
        for row in rows
    ]
    if not params:
        return 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _update_from_values(cursor, model, chosen, params)
        else:
            cursor.executemany(sql, params)
    return len(params)


# Rows per UPDATE ... FROM (VALUES ...) statement: well under PostgreSQL's 65,535 parameters.
_VALUES_PAGE = 2000


def _update_from_values(cursor, model, fields: Sequence[models.Field], params) -> None:
    """One ``UPDATE ... FROM (VALUES ...)`` per page of rows instead of one per row."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = model._meta.pk
    names = [f"c{index}" for index in range(len(fields))]
    assignments = ", ".join(
        f"{quote(field.column)} = v.{name}::{field.db_type(connection)}"
        for field, name in zip(fields, names, strict=True)
    )
    width = len(fields) + 1
    for start in range(0, len(params), _VALUES_PAGE):
        page = params[start : start + _VALUES_PAGE]
        row_sql = "(" + ", ".join(["%s"] * width) + ")"
        sql = (
            f"UPDATE {table} SET {assignments} "
            f"FROM (VALUES {', '.join([row_sql] * len(page))}) AS v({', '.join(names)}, id) "
            f"WHERE {table}.{quote(pk.column)} = v.id::{pk.db_type(connection)}"
        )
        cursor.execute(sql, [value for row in page for value in row])
