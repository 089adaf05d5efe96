"""Server settings: where the database is and the limits requests must respect."""

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from familyworker.sync import protocol

# Answers smaller than this go out plain: below about one packet, compressing saves nothing.
GZIP_MINIMUM_BYTES = 1_000
# SECURITY B3's default policy (as Bitwarden's offline sessions) and the longest one accepted.
OFFLINE_POLICY_DAYS = 30
OFFLINE_POLICY_MAX_DAYS = 3650
# SECURITY J1: a worker's laptop keeps a closed family this many days (and at most this).
CLOSED_GRACE_DAYS = 28
CLOSED_GRACE_MAX_DAYS = 365
# The embedded SQLite database's file name inside --data DIR.
DATABASE_FILE = "familyworker-server.db"

class ServerSettings(BaseModel):
    """Everything create_app needs; no module-level singletons, so tests build many apps."""

    model_config = ConfigDict(frozen=True)

    database_url: str = ""
    data_dir: Path | None = None
    max_body_bytes: int = protocol.MAX_BODY_BYTES
    max_batch_ops: int = protocol.MAX_BATCH_OPS
    max_field_chars: int = protocol.MAX_FIELD_CHARS
    enrolment_code_hours: int = 72
    # E1: access tokens live at most 15 minutes (checked against the database on every request
    # as well, so a revocation bites at once).
    access_token_seconds: int = Field(default=15 * 60, ge=1, le=15 * 60)
    # How long after a rotation the previous refresh token may be presented again while its
    # successor has never been used (a lost answer); see accounts.refresh.
    refresh_grace_seconds: int = Field(default=60 * 60, ge=0, le=24 * 60 * 60)
    run_migrations: bool = True
    # SECURITY B3, organisation policy sent to devices in /status: after this many days without
    # reaching the server a caseload opens only once it has (0: no limit).
    max_offline_days: int = Field(default=OFFLINE_POLICY_DAYS, ge=0, le=OFFLINE_POLICY_MAX_DAYS)
    # SECURITY J1, sent in /status: a worker's laptop keeps a closed family this many days.
    closed_grace_days: int = Field(default=CLOSED_GRACE_DAYS, ge=0, le=CLOSED_GRACE_MAX_DAYS)

    # /metrics answers a request bearing this token from anywhere; without one only this
    # machine's own, unproxied requests (health.may_read_metrics). Empty: no token.
    metrics_token: str = ""

    def resolved_url(self) -> str:
        """The SQLAlchemy URL: an explicit URL, else an SQLite file in the data dir."""
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
            return url
        if self.data_dir is None:
            raise ValueError("Give either --data DIR or --database-url URL.")
        return f"sqlite:///{self.data_dir / DATABASE_FILE}"
