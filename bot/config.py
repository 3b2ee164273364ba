"""Settings read from the environment (and an optional `.env`), validated once at start-up."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_MODEL = "claude-sonnet-5-5"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///hitl.db"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class ConfigError(Exception):
    """A setting, a file it names or a service it reaches cannot be used.

    The message is one line naming the variable; the command line prints it and exits with 2.
    """


class UsageError(ConfigError):
    """A command's own argument or input file cannot be used; one line, exit status 2."""


class Settings(BaseSettings):
    """The contract with the operator: every variable of the SPEC, typed and validated."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str | None = None
    hitl_agent_channel: str | None = None
    hitl_digest_channel: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    port: int = Field(default=3000, ge=1, le=65535)
    hitl_model: str = DEFAULT_MODEL
    hitl_policy_file: Path | None = None
    hitl_kb_dir: Path | None = None
    hitl_digest_time: time = time(9, 0)
    hitl_timezone: str = "UTC"
    hitl_accounts_source: str | None = None
    hitl_status_source: str | None = None

    @field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "anthropic_api_key",
        "anthropic_base_url",
        "hitl_agent_channel",
        "hitl_digest_channel",
        "hitl_policy_file",
        "hitl_kb_dir",
        "hitl_accounts_source",
        "hitl_status_source",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        # An empty `FOO=` line in .env means "not set", not "set to the empty string".
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _slack_url_shape(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        # slack_sdk joins method names onto the base URL, so it must end with a slash.
        return value if value.endswith("/") else value + "/"

    @field_validator("hitl_accounts_source", "hitl_status_source")
    @classmethod
    def _file_or_https(cls, value: str | None) -> str | None:
        if value is None or "://" not in value:
            return value.strip() if value else value
        parts = urlsplit(value)
        loopback = parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
        if not (parts.scheme == "https" and parts.hostname) and not loopback:
            raise ValueError("must be a file path or an https:// URL")
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return async_database_url(value)

    @field_validator("hitl_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @model_validator(mode="after")
    def _token_needs_its_companions(self) -> Settings:
        if self.slack_bot_token is None:
            return self
        if self.slack_app_token is None and self.slack_signing_secret is None:
            raise ValueError("SLACK_SIGNING_SECRET is required with SLACK_BOT_TOKEN in HTTP mode")
        if self.hitl_agent_channel is None:
            raise ValueError("HITL_AGENT_CHANNEL is required with SLACK_BOT_TOKEN")
        return self

    @property
    def sandbox(self) -> bool:
        """Without a bot token the app runs against the local sandbox workspace."""
        return self.slack_bot_token is None

    @property
    def digest_channel(self) -> str | None:
        """The digest goes to the agent channel unless a channel of its own is set."""
        return self.hitl_digest_channel or self.hitl_agent_channel


def async_database_url(url: str) -> str:
    """Map plain SQLAlchemy URLs onto the async drivers the app runs on."""
    for plain, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    if not url.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
        raise ValueError("must be a sqlite:// or postgresql:// URL")
    return url


def load_settings(**overrides: Any) -> Settings:
    """Build the settings or raise ConfigError with one line naming the bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        # A rule across variables names them in its message; a single field is named here.
        raise ConfigError(f"{field.upper()}: {message}" if field else message) from None
