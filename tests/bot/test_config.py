"""Settings come from the environment; a bad one stops start-up with one clear line."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, Settings, load_settings


def test_defaults_run_the_sandbox_on_sqlite() -> None:
    settings = load_settings(_env_file=None)

    assert settings.sandbox
    assert settings.database_url == "sqlite+aiosqlite:///hitl.db"
    assert settings.port == 3000
    assert settings.slack_api_url == "https://slack.com/api/"


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-2")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cret")
    monkeypatch.setenv("HITL_AGENT_CHANNEL", "C_AGENTS")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")

    settings = load_settings(_env_file=None)

    assert not settings.sandbox
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.database_url == "postgresql+asyncpg://u@h/db"
    assert settings.digest_channel == "C_AGENTS"


def test_dotenv_file_is_read_when_present(tmp_path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("HITL_TIMEZONE=Europe/Lisbon\nPORT=8080\n")

    settings = Settings(_env_file=env_file)  # type: ignore[call-arg]

    assert (settings.hitl_timezone, settings.port) == ("Europe/Lisbon", 8080)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("PORT", "eighty", "PORT:"),
        ("HITL_TIMEZONE", "Mars/Olympus", "HITL_TIMEZONE: unknown time zone"),
        ("SLACK_BOT_TOKEN", "xoxp-user-token", "SLACK_BOT_TOKEN: must be a bot token"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL: must be a sqlite"),
        ("HITL_DIGEST_TIME", "25:99", "HITL_DIGEST_TIME:"),
    ],
)
def test_malformed_setting_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(ConfigError) as raised:
        load_settings(_env_file=None)

    assert str(raised.value).startswith(expected)
    assert "\n" not in str(raised.value)


def test_token_without_signing_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-2")
    monkeypatch.setenv("HITL_AGENT_CHANNEL", "C1")

    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET is required"):
        load_settings(_env_file=None)


def test_socket_mode_needs_no_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-2")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-2")
    monkeypatch.setenv("HITL_AGENT_CHANNEL", "C1")

    assert load_settings(_env_file=None).slack_app_token is not None


def test_secrets_never_appear_in_the_settings_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "signing-very-secret")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-very-secret")
    monkeypatch.setenv("HITL_AGENT_CHANNEL", "C1")

    shown = repr(load_settings(_env_file=None))

    assert "very-secret" not in shown
