"""Database-level guarantees of the ledger (decision 0012).

PostgreSQL:
- entries and transactions refuse UPDATE and DELETE (row triggers), so history cannot be rewritten
  even from a shell; corrections are reversing transactions. TRUNCATE (a DBA's operation, and how
  the test runner empties tables) is not refused.
- a deferred constraint trigger checks at COMMIT that every transaction written has two or more
  entries summing to zero — a bug that posts one leg cannot commit.
SQLite: UPDATE of entries and transactions is refused by triggers; DELETE is refused by the models
(and PROTECT foreign keys) but not by a trigger, because the test runner's flush deletes rows there
(see docs/points.md); the zero-sum rule is enforced by posting.post, with no deferred triggers.
"""

from django.db import migrations

TABLES = ("points_entry", "points_transaction")

SQLITE = [
    f"""CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t}
       BEGIN SELECT RAISE(ABORT, 'points ledger is append-only'); END;"""
    for t in TABLES
]
SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS {t}_no_update;" for t in TABLES]

POSTGRES = [
    """CREATE OR REPLACE FUNCTION points_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'points ledger is append-only (%)', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql;""",
    *[
        f"""CREATE TRIGGER {t}_no_change BEFORE UPDATE OR DELETE ON {t}
           FOR EACH ROW EXECUTE FUNCTION points_append_only();"""
        for t in TABLES
    ],
    """CREATE OR REPLACE FUNCTION points_check_balanced() RETURNS trigger AS $$
       DECLARE txn_id bigint; total bigint; legs integer;
       BEGIN
         IF TG_TABLE_NAME = 'points_entry' THEN txn_id := NEW.transaction_id; ELSE txn_id := NEW.id; END IF;
         SELECT coalesce(sum(amount), 0), count(*) INTO total, legs FROM points_entry WHERE transaction_id = txn_id;
         IF total <> 0 OR legs < 2 THEN
           RAISE EXCEPTION 'points transaction % is unbalanced: % entries summing to %', txn_id, legs, total;
         END IF;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql;""",
    *[
        f"""CREATE CONSTRAINT TRIGGER {t}_balanced AFTER INSERT ON {t}
           DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION points_check_balanced();"""
        for t in TABLES
    ],
]
POSTGRES_REVERSE = [
    *[f"DROP TRIGGER IF EXISTS {t}_no_change ON {t};" for t in TABLES],
    *[f"DROP TRIGGER IF EXISTS {t}_balanced ON {t};" for t in TABLES],
    "DROP FUNCTION IF EXISTS points_append_only();",
    "DROP FUNCTION IF EXISTS points_check_balanced();",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES:
            # execute() passes params, so psycopg reads % as a placeholder: RAISE's % must be doubled
            schema_editor.execute(sql.replace("%", "%%"))
    else:
        for sql in SQLITE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("points", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
