"""accounts' hand-written statements, each with the decision that justifies it.

- `token_user_touched` (PostgreSQL) — decision 0030: the bearer-token look-up and its `last_used_at`
  compare-and-set in one data-modifying CTE, read with a plain cursor (ballot path, issue #7).
- `token_user` (SQLite and the tests) — decision 0028: the same filter as a raw query with the
  person's name for the audit row; compiling the select_related queryset was a fifth of the API
  worker's CPU per intake (issue #3).
- `serialise_code_requests` — decision 0038: one transaction-level advisory lock so counting and
  inserting one-time-code requests is one step on PostgreSQL.
"""

import datetime

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from gongzhi.accounts.models import ApiToken, User
from gongzhi.core.cache import pure


def _tables() -> tuple[str, str, str]:
    from gongzhi.people.models import Person  # people's table name only, at first use (sibling app)

    q = connection.ops.quote_name
    return q(User._meta.db_table), q(ApiToken._meta.db_table), q(Person._meta.db_table)


@pure(maxsize=1)
def _token_sql() -> str:
    # The same filter as ApiToken.objects.filter(key_hash=…, revoked_at__isnull=True,
    # expires_at__gt=now, user__is_active=True), written once: compiling that select_related queryset was a fifth of the
    # API worker's CPU per intake (py-spy, issue #3), the query itself is one index lookup. The
    # person is no longer joined: user.person loads on first use (residents' own-channel intake).
    # The person's name comes along (LEFT JOIN, one index lookup) because every write's audit row
    # names its actor: loading the whole Person for that was one more query per intake.
    q = connection.ops.quote_name
    user, token, person = _tables()
    return (
        f"SELECT {user}.*, {token}.{q('id')} AS token_pk, {token}.{q('last_used_at')} AS token_last_used_at, "  # noqa: S608
        f"{person}.{q('name')} AS audit_person_name "
        f"FROM {token} INNER JOIN {user} ON {token}.{q('user_id')} = {user}.{q('id')} "
        f"LEFT JOIN {person} ON {user}.{q('person_id')} = {person}.{q('id')} "
        f"WHERE {token}.{q('key_hash')} = %s AND {token}.{q('revoked_at')} IS NULL "
        f"AND {token}.{q('expires_at')} > %s AND {user}.{q('is_active')}"
    )


_USER_FIELDS = list(User._meta.concrete_fields)


@pure(maxsize=1)
def _token_touch_sql() -> str:
    # PostgreSQL: the lookup and the last_used_at compare-and-set in one statement (a data-modifying
    # CTE runs to completion whether or not the query reads it). A resident's app uses its token a
    # few times, so nearly every request was a lookup plus an UPDATE — two round trips and a compiled
    # queryset per request (issue #7, bench/ballots.py). Same rule: at most one write per minute.
    # The user's columns are listed in field order, so the row builds the User directly (from_db).
    # Expiry (decision 0038) is one more condition on the row already read: no extra statement.
    q = connection.ops.quote_name
    user, token, person = _tables()
    columns = ", ".join(f"{user}.{q(f.column)}" for f in _USER_FIELDS)
    return (
        "WITH found AS ("  # noqa: S608
        f"SELECT t.id, t.user_id, t.last_used_at FROM {token} t INNER JOIN {user} u ON t.user_id = u.id "
        "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND t.expires_at > %s AND u.is_active), "
        f"touched AS (UPDATE {token} SET last_used_at = %s FROM found WHERE {token}.id = found.id "
        f"AND ({token}.last_used_at IS NULL OR {token}.last_used_at <= %s) RETURNING {token}.id) "
        f"SELECT {columns}, found.id, {person}.name "
        f"FROM found INNER JOIN {user} ON found.user_id = {user}.id "
        f"LEFT JOIN {person} ON {user}.person_id = {person}.id"
    )


def token_user_touched(key_hash: str, now: datetime.datetime, stale: datetime.datetime) -> User | None:
    """PostgreSQL: the active user of an unexpired, unrevoked token, with last_used_at written at most
    once a minute, in one statement; None for an unknown token."""
    # A plain cursor rather than User.objects.raw: the raw queryset maps its columns to the model
    # on every request, a fifth of the authentication's CPU; psycopg already returns Python types.
    with connection.cursor() as cursor:
        cursor.execute(_token_touch_sql(), [key_hash, now, now, stale])
        row = cursor.fetchone()
    if row is None:
        return None
    n = len(_USER_FIELDS)
    user = User.from_db(connection.alias, [f.attname for f in _USER_FIELDS], row[:n])
    user.token_pk, user.audit_person_name = row[n], row[n + 1]
    return user


def token_user(key_hash: str, now: datetime.datetime) -> User | None:
    """The active user of an unexpired, unrevoked token (with `token_pk`, `token_last_used_at` and
    `audit_person_name` set), or None."""
    # The raw query's parameters skip the field adapters: the stored text form, as Django writes it.
    now_text = connection.ops.adapt_datetimefield_value(now)
    user = next(iter(User.objects.raw(_token_sql(), [key_hash, now_text])), None)
    if user is None:
        return None
    last_used = user.token_last_used_at  # raw extra column: no converters (SQLite gives text, UTC)
    if isinstance(last_used, str):
        last_used = parse_datetime(last_used)
    if last_used is not None and timezone.is_naive(last_used):
        last_used = timezone.make_aware(last_used, datetime.UTC)
    user.token_last_used_at = last_used
    return user


CODE_REQUEST_LOCK = 0x677A_6F74  # "gzot"


def serialise_code_requests() -> None:
    """The request limits are counts of committed rows; two requests counting at once could both
    pass. SQLite's IMMEDIATE transactions already queue writers; on PostgreSQL one advisory lock
    (code requests are a few per second at most) makes count-then-insert one step."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CODE_REQUEST_LOCK])
