"""What every config model shares: strictness (unknown keys fail, values frozen), the error
type, and checks of cron expressions and time zones."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ConfigError(ValueError):
    """A config file is missing, unreadable or invalid; the message says where and why."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def check_cron(value: str) -> str:
    """Five cron fields or an @preset; Airflow checks the rest when it parses the DAG."""
    if not (value.startswith("@") or len(value.split()) == 5):
        raise ValueError(f"not a cron expression (5 fields or @preset): {value!r}")
    return value


def check_timezone(value: str) -> str:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r}") from exc
    return value
