import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The shared actors fixture creates seven accounts; Argon2 would make each test take a second.
    These tests sign in with force_login, so the hasher's strength is irrelevant here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


AUDIT_TRUNCATE_TRIGGER = "core_auditentry_no_truncate"


@pytest.fixture(scope="module")
def _audit_truncate_trigger_restored(django_db_blocker):
    """Module teardown runs after pytest-django's flush: switch the trigger back on."""
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE core_auditentry ENABLE TRIGGER {AUDIT_TRUNCATE_TRIGGER}")


@pytest.fixture
def audit_truncate_allowed(_audit_truncate_trigger_restored, transactional_db):
    """A transaction=True test ends with TRUNCATE of every table, which the audit log's
    append-only trigger refuses on PostgreSQL (core migration 0002). Disable that one trigger for
    the flush only; the module fixture above re-enables it."""
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE core_auditentry DISABLE TRIGGER {AUDIT_TRUNCATE_TRIGGER}")
