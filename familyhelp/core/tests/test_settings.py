"""Production settings refuse unsafe configuration, and pass Django's deployment checks."""

import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _check(**env):
    environment = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
        },
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "ALLOWED_HOSTS": "familyhelp.example.gov.uk",
        "NOTIFY_API_KEY": "production-" + str(uuid.uuid4()) + "-" + str(uuid.uuid4()),
        **env,
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_check_deploy():
    result = _check(SECRET_KEY=secrets.token_urlsafe(64))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_development_secret_key():
    result = _check()
    assert result.returncode != 0
    assert "Set SECRET_KEY to a long random value" in result.stderr


def test_production_refuses_debug():
    result = _check(SECRET_KEY=secrets.token_urlsafe(64), DEBUG="True")
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


def test_production_refuses_to_start_without_a_notify_api_key():
    result = _check(SECRET_KEY=secrets.token_urlsafe(64), NOTIFY_API_KEY="")
    assert result.returncode != 0
    assert "Set NOTIFY_API_KEY to the service's GOV.UK Notify API key." in result.stderr


def test_production_refuses_to_keep_messages_in_the_outbox():
    result = _check(
        SECRET_KEY=secrets.token_urlsafe(64),
        NOTIFICATIONS_BACKEND="familyhelp.core.notifications.backends.outbox.OutboxBackend",
    )
    assert result.returncode != 0
    assert "Production sends email through GOV.UK Notify" in result.stderr
