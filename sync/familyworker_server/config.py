"""Server settings: where the database is and the limits requests must respect."""

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from familyworker.sync import protocol


class ServerSettings(BaseModel):
    """Everything create_app needs; no module-level singletons, so tests build many apps."""

    model_config = ConfigDict(frozen=True)

    database_url: str = ""
    data_dir: Path | None = None
    max_body_bytes: int = protocol.MAX_BODY_BYTES
    max_batch_ops: int = protocol.MAX_BATCH_OPS
    max_field_chars: int = protocol.MAX_FIELD_CHARS
    enrolment_code_hours: int = 72
    run_migrations: bool = True

    def resolved_url(self) -> str:
        """The SQLAlchemy URL: an explicit URL, else an SQLite file in the data dir."""
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
            return url
        if self.data_dir is None:
            raise ValueError("Give either --data DIR or --database-url URL.")
        return f"sqlite:///{self.data_dir / 'familyworker-server.db'}"
