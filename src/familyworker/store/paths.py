"""Where one caseload's files live inside its data directory."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class StorePaths:
    data_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "caseload.db"

    @property
    def key_file(self) -> Path:
        return self.data_dir / "caseload.key"

    @property
    def server_file(self) -> Path:
        """The enrolled server's address, readable while the caseload is locked: after 10
        wrong passphrases the caseload asks that server to confirm an unlock code (B2)."""
        return self.data_dir / "server.json"

    @property
    def lock_file(self) -> Path:
        return self.data_dir / ".caseload.lock"

    @property
    def quarantine_dir(self) -> Path:
        return self.data_dir / "quarantine"

    def database_files(self) -> list[Path]:
        db = self.database
        return [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"),
                db.with_name(db.name + "-journal")]

    def exists(self) -> bool:
        return self.key_file.exists() or self.database.exists()
