"""Settings, read once from MATCHMAKER_* environment variables when the app is created."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """A setting has a value the service cannot run with."""


def _flag(value: str) -> bool:
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"expected a yes/no value (true, false, 1, 0), got {value!r}")


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"expected a whole number, got {value!r}") from exc


def _at_least(minimum: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        number = _int(value)
        if number < minimum:
            raise ConfigError(f"expected a whole number of at least {minimum}, got {value!r}")
        return number

    return parse


def _log_format(value: str) -> str:
    if value.lower() not in ("plain", "json"):
        raise ConfigError(f"expected plain or json, got {value!r}")
    return value.lower()


# name -> (default, parser, description); the README lists the same table.
SETTINGS: dict[str, tuple[str | None, object, str]] = {
    "DATABASE_URL": (None, str, "SQLAlchemy URL; default: SQLite file instance/matchmaker.db"),
    "SECRET_KEY": (None, str, "session signing key; default: generated once into instance/"),
    "DATA_DIR": (str(PROJECT_ROOT / "data"), str, "folder of reference and demo data"),
    "SESSION_COOKIE_SECURE": ("false", _flag, "send the session cookie over HTTPS only"),
    "RATELIMIT_STORAGE_URI": ("memory://", str, "rate-limit store, e.g. redis://127.0.0.1:6379"),
    "SQLITE_BUSY_TIMEOUT_MS": ("15000", _int, "how long SQLite writers wait for the lock"),
    "MAX_UPLOAD_BYTES": ("2097152", _int, "largest request body accepted (413 above)"),
    "API_TOKEN_DAYS": ("90", _int, "lifetime of API tokens"),
    "SESSION_IDLE_MINUTES": ("30", _at_least(1), "sign a session out after this long unused"),
    "SESSION_MAX_HOURS": ("12", _at_least(1), "sign a session out this long after sign-in"),
    "PAGE_CACHE_SECONDS": ("10", _at_least(0), "cache public pages this long (0: off)"),
    "PAGE_CACHE_MEGABYTES": ("64", _at_least(1), "memory for those pages, per process"),
    "LOG_LEVEL": ("INFO", str, "logging level"),
    "LOG_FORMAT": ("plain", _log_format, "plain lines, or json (one object per line)"),
    "BASE_URL": ("http://127.0.0.1:5000", str, "public address, for links in e-mails"),
    "SMTP_HOST": ("", str, "SMTP server; empty: e-mails are written to the log"),
    "SMTP_PORT": ("25", _int, "SMTP port"),
    "SMTP_USERNAME": ("", str, "SMTP user (optional)"),
    "SMTP_PASSWORD": ("", str, "SMTP password (optional)"),
    "SMTP_STARTTLS": ("false", _flag, "upgrade the SMTP connection with STARTTLS"),
    "MAIL_FROM": ("matchmaker@localhost", str, "sender address of e-mails"),
    "IATI_REPORTING_ORG_REF": ("XX-MATCHMAKER", str, "IATI identifier of the publisher"),
    "IATI_REPORTING_ORG_NAME": ("Matchmaker", str, "name of the IATI reporting organisation"),
    "IATI_REPORTING_ORG_TYPE": ("90", str, "IATI OrganisationType code of the publisher"),
}


def read_settings(environ: Mapping[str, str], instance_path: Path) -> dict[str, object]:
    """Turn MATCHMAKER_* variables into Flask config keys, failing loudly on bad values."""
    values: dict[str, object] = {}
    for name, (default, parse, _description) in SETTINGS.items():
        raw = environ.get(f"MATCHMAKER_{name}", default)
        if raw is None:
            continue
        try:
            values[name] = parse(raw)  # type: ignore[operator]
        except ConfigError as exc:
            raise ConfigError(f"MATCHMAKER_{name}: {exc}") from exc
    database_url = (
        values.pop("DATABASE_URL", None) or f"sqlite:///{instance_path / 'matchmaker.db'}"
    )
    secret_key = values.pop("SECRET_KEY", None) or _instance_secret(instance_path)
    return {
        **values,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(str(database_url)),
        "MAX_CONTENT_LENGTH": values["MAX_UPLOAD_BYTES"],
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": values["SESSION_COOKIE_SECURE"],
        "RATELIMIT_STORAGE_URI": values["RATELIMIT_STORAGE_URI"],
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True},  # no values in logs or errors
    }


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgresql:// URLs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _instance_secret(instance_path: Path) -> str:
    """A key generated once and kept in instance/ (outside git); concurrent first starts agree."""
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        draft = instance_path / f".secret_key.{os.getpid()}"
        draft.write_text(secrets.token_hex(32))
        draft.chmod(0o600)
        try:
            os.link(draft, key_file)  # atomic: exactly one process wins
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return key_file.read_text().strip()
