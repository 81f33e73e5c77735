"""INSERTs of model rows from SQL text built once per shape, and several writes sent as one
statement on PostgreSQL — for the API intake path (decision 0031).

Compiling an INSERT through the ORM (quoting every column, walking every field's converters) cost
more CPU than PostgreSQL spent running it: a third of an API intake's worker time went to four
small writes. The values still go through each field's own `pre_save` and `get_db_prep_save`, so
auto_now, JSON and every other conversion is the ORM's; only the statement text is reused.

Also core's one other hand-written statement: `ping()`, the health check's `SELECT 1` (docs/deploy.md:
"is the database reachable" must not depend on any table or migration)."""

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

from gongzhi.core.cache import pure

Statement = tuple[str, list[Any]]


@pure(maxsize=None)
def _fields(model: type[models.Model], with_pk: bool) -> list["models.Field[Any, Any]"]:
    fields = [f for f in model._meta.local_concrete_fields if not f.generated]
    if any(f.has_db_default() for f in fields):  # the ORM would leave these to the database
        raise ValueError(f"{model.__name__} has database defaults: use the ORM")
    return fields if with_pk else [f for f in fields if not f.primary_key]


@pure(maxsize=256)
def _insert_sql(model: type[models.Model], with_pk: bool, rows: int) -> str:
    q = connection.ops.quote_name
    fields = _fields(model, with_pk)
    columns = ", ".join(q(str(f.column)) for f in fields)
    group = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return f"INSERT INTO {q(model._meta.db_table)} ({columns}) VALUES {', '.join([group] * rows)}"  # noqa: S608


def insert(objs: Sequence[models.Model]) -> Statement:
    """INSERT of unsaved instances of one model, all with their primary key set or all without
    (then the database numbers them and the instances do not learn it)."""
    model = type(objs[0])
    with_pk = objs[0].pk is not None
    if any(type(obj) is not model or (obj.pk is not None) != with_pk for obj in objs):
        raise ValueError("insert() takes rows of one model, all with or all without a primary key")
    fields = _fields(model, with_pk)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in objs for f in fields]
    if with_pk:
        for obj in objs:  # as save() leaves them: stored, no longer adding
            obj._state.adding = False
            obj._state.db = connection.alias
    return _insert_sql(model, with_pk, len(objs)), params


def execute(statements: Sequence[Statement]) -> None:
    """Run the writes in order. PostgreSQL: one round trip, as data-modifying CTEs of one statement
    (each runs exactly once, to completion; foreign keys are checked at commit, so a row may name
    one inserted by an earlier part). Elsewhere: one after the other on the same connection."""
    if not statements:
        return
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            for sql, params in statements:
                cursor.execute(sql, params)
            return
        *first, (last_sql, last_params) = statements
        parts = ", ".join(f"w{n} AS ({sql})" for n, (sql, _params) in enumerate(first))
        params = [p for _sql, ps in first for p in ps] + list(last_params)
        cursor.execute(_bound(f"WITH {parts} {last_sql}" if first else last_sql, params))


def _bound(sql: str, params: list[Any]) -> str:
    """The statement with its values merged in as literals, by psycopg's own adapters — what
    Django's client-side binding does, except that psycopg re-parses for placeholders every
    statement longer than 4 kB or with over 50 values (MAX_CACHED_STATEMENT_*), and an intake's
    writes are both: that parse alone was an eighth of the worker's CPU. Here the template is
    split once per shape (the values differ, the text does not)."""
    from psycopg.adapt import Transformer

    transformer = Transformer.from_context(connection.connection)
    literals = tuple(transformer.as_literal(p) if p is not None else b"NULL" for p in params)
    return (_template(sql) % literals).decode(transformer.encoding)


@pure(maxsize=256)
def _template(sql: str) -> bytes:
    if sql.count("%") != sql.count("%s"):
        raise ValueError("rowsql statements take %s placeholders only")
    return sql.encode()


def ping() -> None:
    """Raise if the database does not answer (the health check)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
