import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet


@pytest.mark.django_db
def test_healthz_reports_database_and_worker_state(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["status"] == "ok"
    assert body["worker"]["status"] in {"idle", "busy"}


@pytest.mark.django_db
def test_healthz_says_stalled_when_a_ready_task_waits_too_long():
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from gongzhi.core.views import worker_state

    row = DBTaskResult.objects.create(
        status="READY",
        args_kwargs={"args": [], "kwargs": {}},
        task_path="gongzhi.x",
        backend_name="default",
        run_after=timezone.now() - timezone.timedelta(minutes=10),
        exception_class_path="",
        traceback="",
    )
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=timezone.now() - timezone.timedelta(minutes=10))
    assert worker_state()["status"] == "stalled"


def _run(env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"}
    }
    env.update(env_extra)
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "gongzhi", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_secrets(tmp_path):
    result = _run({"GONGZHI_ENV": "production", "GONGZHI_VAR_DIR": str(tmp_path)}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("x" * 20 + "-production-secret-key-with-enough-entropy-0123456789")
    result = _run(
        {
            "GONGZHI_ENV": "production",
            "GONGZHI_VAR_DIR": str(tmp_path),
            "SECRET_KEY_FILE": str(secret),
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "BLIND_INDEX_KEY": "k" * 32,
            "ALLOWED_HOSTS": "gongzhi.example.cn",
            "SMS_BACKEND": "gongzhi.core.tests.sms_gateway.RecordingGateway",  # the console one is an error
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
