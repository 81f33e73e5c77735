import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The shared actors fixture creates seven accounts; Argon2 would make each test take a second.
    These tests sign in with force_login, so the hasher's strength is irrelevant here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
