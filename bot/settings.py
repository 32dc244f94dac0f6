"""All configuration in one pydantic-settings class, read from the environment and `.env`."""

from __future__ import annotations

import re
from datetime import date, time
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """Aduan's settings; every field is documented in `.env.example`."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = "sqlite:///./data/aduan.db"
    media_dir: Path = Path("./data/media")
    default_locale: Literal["id", "en"] = "id"
    ticket_prefix: str = Field(default="ADU", pattern=r"^[A-Z]{2,8}$")
    timezone: str = "Asia/Jakarta"
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_driver: Literal["ptb", "aiogram"] = "ptb"
    telegram_mode: Literal["polling", "webhook"] = "polling"
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_max_connections: int = Field(default=40, ge=1, le=100)
    metrics_token: SecretStr | None = None

    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    public_base_url: str | None = None
    open311_requests_per_minute: int = Field(default=120, ge=1)
    open311_posts_per_minute: int = Field(default=30, ge=1)
    open311_media_hosts: Annotated[tuple[str, ...], NoDecode] = ()
    map_tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_whatsapp_from: str | None = None
    twilio_api_url: str = "https://api.twilio.com"
    twilio_template_status_sid: str | None = None

    max_photo_mb: float = Field(default=10.0, gt=0, le=20)
    max_photos: int = Field(default=5, ge=1, le=10)
    album_wait_seconds: float = Field(default=1.0, ge=0, le=10)
    privacy_retention_years: int = Field(default=5, ge=1)

    # Scheduled messages, deadlines and the outbox (scheduler/).
    operator_chat_id: str | None = Field(default=None, pattern=r"^-?\d+$")
    status_update_every_days: int = Field(default=3, ge=1)
    draft_reminder_minutes: int = Field(default=60, ge=1)
    followup_window_hours: float = Field(default=72.0, ge=0)
    draft_expiry_hours: float = Field(default=24.0, gt=0)
    quiet_hours_start: time = time(21, 0)
    quiet_hours_end: time = time(6, 0)
    local_holidays: Annotated[tuple[date, ...], NoDecode] = ()
    verify_days: int = Field(default=3, ge=1)
    followup_days: int = Field(default=5, ge=1)
    feedback_days: int = Field(default=10, ge=1)
    telegram_rate_per_second: int = Field(default=30, ge=1)
    telegram_rate_per_chat_per_second: int = Field(default=1, ge=1)
    telegram_rate_per_group_per_minute: int = Field(default=20, ge=1)
    whatsapp_rate_per_second: int = Field(default=80, ge=1)
    outbox_max_attempts: int = Field(default=8, ge=1)

    # The authority's area and repeated reports (handlers/geography, handlers/before_summary).
    jurisdiction_geojson: Path | None = None
    neighbours_geojson: Path | None = None
    kelurahan_geojson: Path | None = None
    duplicate_radius_m: float = Field(default=150.0, gt=0, le=5000)
    duplicate_days: int = Field(default=30, ge=1)

    @field_validator("local_holidays", "open311_media_hosts", mode="before")
    @classmethod
    def _comma_dates(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("jurisdiction_geojson", "neighbours_geojson", "kelurahan_geojson", mode="before")
    @classmethod
    def _blank_path_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("operator_chat_id", mode="before")
    @classmethod
    def _blank_chat_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_api_url", "twilio_api_url", "public_base_url")
    @classmethod
    def _strip_slash(cls, value: str | None) -> str | None:
        return value.strip().rstrip("/") if value else value

    @field_validator("telegram_bot_token", "twilio_auth_token", "telegram_webhook_secret", "metrics_token")
    @classmethod
    def _blank_is_none(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().strip():
            return None
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _telegram_secret_alphabet(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram accepts 1-256 characters of A-Z, a-z, 0-9, _ and - (and refuses setWebhook otherwise).
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("TELEGRAM_WEBHOOK_SECRET: 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @property
    def max_photo_bytes(self) -> int:
        """The photo size limit in bytes."""
        return int(self.max_photo_mb * 1024 * 1024)

    @property
    def whatsapp_configured(self) -> bool:
        """Whether the WhatsApp channel (Twilio) has everything it needs to run."""
        return bool(self.twilio_account_sid and self.twilio_auth_token and self.twilio_whatsapp_from
                    and self.public_base_url)

    @property
    def telegram_webhook(self) -> bool:
        """Whether Telegram reaches this service by webhook (needs PUBLIC_BASE_URL) rather than polling."""
        return self.telegram_bot_token is not None and self.telegram_mode == "webhook"

    def secrets(self) -> list[str]:
        """Every configured secret value, for the log redaction filter."""
        values = [self.telegram_bot_token, self.twilio_auth_token, self.telegram_webhook_secret,
                  self.metrics_token]
        return [v.get_secret_value() for v in values if v is not None]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
