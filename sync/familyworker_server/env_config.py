"""Settings from environment variables, for containers and systemd units: options win.

One table (``OPTIONS``) says, for each setting, its option, its variable, its default and its
meaning; docs/deploy.md prints the same table. A bad value stops the server with one sentence
naming the variable or option, and exit code 2 (cli.main).
"""

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from familyworker_server import tombstones
from familyworker_server.config import (
    CLOSED_GRACE_DAYS,
    CLOSED_GRACE_MAX_DAYS,
    OFFLINE_POLICY_DAYS,
    OFFLINE_POLICY_MAX_DAYS,
)


class ConfigError(ValueError):
    """A setting's value cannot be used; the message is one sentence for the administrator."""


def _whole(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise ConfigError(f"must be a whole number from {low} to {high}") from None
        if not low <= value <= high:
            raise ConfigError(f"must be a whole number from {low} to {high}")
        return value
    return parse


def _days(text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise ConfigError("must be a number of days (0 or more)") from None
    if not 0 <= value <= 3650:
        raise ConfigError("must be a number of days from 0 to 3650")
    return value


def _flag(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError("must be true or false")


def _choice(*choices: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text.strip().lower() not in choices:
            raise ConfigError(f"must be one of {', '.join(choices)}")
        return text.strip().lower()
    return parse


def _text(text: str) -> str:
    return text.strip()


@dataclass(frozen=True)
class EnvOption:
    dest: str  # the argparse destination
    option: str
    variable: str
    default: Any
    parse: Callable[[str], Any]
    meaning: str
    serve_only: bool = True


OPTIONS: tuple[EnvOption, ...] = (
    EnvOption("database_url", "--database-url", "FAMILYWORKER_DATABASE_URL", None, _text,
              "PostgreSQL database, postgresql://user@host/db (instead of a data folder)",
              serve_only=False),
    EnvOption("data", "--data", "FAMILYWORKER_DATA_DIR", None, _text,
              "folder of the embedded SQLite database (made 0700)", serve_only=False),
    EnvOption("host", "--host", "FAMILYWORKER_HOST", "127.0.0.1", _text,
              "address to listen on (0.0.0.0 in a container, behind the TLS proxy)"),
    EnvOption("port", "--port", "FAMILYWORKER_PORT", 8765, _whole(1, 65535),
              "port to listen on"),
    EnvOption("workers", "--workers", "FAMILYWORKER_WORKERS", 1, _whole(1, 64),
              "server processes sharing the port"),
    EnvOption("tombstone_days", "--tombstone-days", "FAMILYWORKER_TOMBSTONE_DAYS",
              tombstones.DEFAULT_MAX_OFFLINE_DAYS, _days,
              "purge deletion records older than this once a day (0: off)"),
    EnvOption("closed_grace_days", "--closed-grace-days", "FAMILYWORKER_CLOSED_GRACE_DAYS",
              CLOSED_GRACE_DAYS, _whole(0, CLOSED_GRACE_MAX_DAYS),
              "days a laptop keeps a closed family"),
    EnvOption("max_offline_days", "--max-offline-days", "FAMILYWORKER_MAX_OFFLINE_DAYS",
              OFFLINE_POLICY_DAYS, _whole(0, OFFLINE_POLICY_MAX_DAYS),
              "days a laptop may go without reaching the server (0: no limit)"),
    EnvOption("retention_daily", "--retention-daily", "FAMILYWORKER_RETENTION_DAILY", False,
              _flag, "delete closed families past their retention time once a day"),
    EnvOption("metrics_token", "--metrics-token", "FAMILYWORKER_METRICS_TOKEN", "", _text,
              "bearer token that lets Prometheus read /metrics from another machine "
              "(prefer the variable: options show in the process list)"),
    EnvOption("log_format", "--log-format", "FAMILYWORKER_LOG_FORMAT", "json",
              _choice("json", "text"), "log lines on stderr: json or text"),
    EnvOption("ssl_keyfile", "--ssl-keyfile", "FAMILYWORKER_SSL_KEYFILE", None, _text,
              "TLS key, when the server terminates TLS itself (usually the proxy does)"),
    EnvOption("ssl_certfile", "--ssl-certfile", "FAMILYWORKER_SSL_CERTFILE", None, _text,
              "TLS certificate, with --ssl-keyfile"),
)


def apply_environment(args: argparse.Namespace, environ: Mapping[str, str]) -> None:
    """Fill every setting not given as an option from its variable, else its default.

    Options were parsed with default None, so None means "not given". Raises ConfigError.
    """
    given_place = args.data is not None or args.database_url is not None
    for option in OPTIONS:
        if not hasattr(args, option.dest):
            continue  # a command without this setting
        if getattr(args, option.dest) is not None:
            continue  # the option wins
        raw = environ.get(option.variable)
        if option.dest in ("data", "database_url") and given_place:
            raw = None  # an option naming the database wins over either variable
        if raw is None or (raw.strip() == "" and option.default is not None):
            setattr(args, option.dest, option.default)
            continue
        try:
            setattr(args, option.dest, option.parse(raw))
        except ConfigError as error:
            raise ConfigError(f"{option.variable} {error}, not {raw.strip()[:40]!r}.") from None
    if getattr(args, "data", None) and getattr(args, "database_url", None):
        raise ConfigError("Both FAMILYWORKER_DATA_DIR and FAMILYWORKER_DATABASE_URL are set; "
                          "set only one.")


def markdown_table() -> str:
    """The table docs/deploy.md shows (a test keeps the two the same)."""
    lines = ["| Option | Variable | Default | Meaning |", "|---|---|---|---|"]
    for option in OPTIONS:
        default = "" if option.default in (None, "") else f"`{option.default}`"
        lines.append(f"| `{option.option}` | `{option.variable}` | {default} | "
                     f"{option.meaning} |")
    return "\n".join(lines)
