"""The encrypted caseload: create, unlock, lock, change passphrase, and units of work."""

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool
from sqlmodel import Session

from familyworker.domain.hlc import HybridLogicalClock, Timestamp
from familyworker.domain.ids import new_id
from familyworker.store import migrations
from familyworker.store.database import (
    Connection,
    connect,
    connect_unencrypted_for_benchmark,
    integrity_ok,
    verify_settings,
)
from familyworker.store.errors import (
    CaseloadExists,
    CaseloadMissing,
    CorruptDatabase,
    KeyFileInvalid,
    SchemaTooNew,
    StoreError,
    WrongPassphrase,
)
from familyworker.store.keys import (
    KdfParams,
    KeyFile,
    new_data_key,
    read_key_file,
    self_test,
    unwrap_data_key,
    wrap_data_key,
    write_key_file,
)
from familyworker.store.paths import StorePaths
from familyworker.store.process_lock import ProcessLock
from familyworker.store.salvage import Salvage
from familyworker.store.set_aside import (
    latest_salvage,
    set_aside,
    set_aside_error,
    was_set_aside,
)
from familyworker.store.tables import LocalSettingRow
from familyworker.store.unit_of_work import UnitOfWork

SETTING_DEVICE_ID = "device_id"
SETTING_WORKER_ID = "worker_id"
SETTING_WORKER_NAME = "worker_name"
SETTING_HLC = "hlc"
# Set when the caseload is enrolled with a server: who this worker is there.
SETTING_ROLE = "sync_role"
SETTING_TEAM_ID = "sync_team_id"
# Set by ``recover`` until the changes saved from a damaged caseload have been put back.
SETTING_RECOVERY_PENDING = "recovery_pending"


def _wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


class CaseloadStore:
    """One unlocked caseload. Each service call opens its own unit of work; never share Sessions."""

    def __init__(self, paths: StorePaths, engine: Engine, data_key: bytearray | None,
                 process_lock: ProcessLock, *, device_id: str) -> None:
        self.paths = paths
        self._engine: Engine | None = engine
        self._data_key = data_key
        self._process_lock = process_lock
        self.device_id = device_id
        self._clock_lock = threading.Lock()
        self._write_lock = threading.RLock()  # one writer at a time within this process
        with self.read() as session:
            last = _get_setting(session, SETTING_HLC)
        self.clock = HybridLogicalClock(
            device_id, wall_clock_ms=_wall_clock_ms,
            last=Timestamp.parse(last) if isinstance(last, str) else None)

    def restart_clock(self, last: Timestamp) -> None:
        """Continue the clock from ``last`` even if it read later before: only after every
        stamp it issued later than ``last`` has been replaced (sync's re-stamping). The caller
        holds ``_clock_lock`` and saves the setting in the same transaction."""
        self.clock = HybridLogicalClock(self.device_id, wall_clock_ms=_wall_clock_ms, last=last)

    # ----- lifecycle -------------------------------------------------------------------------

    @classmethod
    def create(cls, data_dir: Path, passphrase: str, *, kdf: KdfParams | None = None,
               worker_name: str = "") -> "CaseloadStore":
        """A new, empty caseload. Refuses to touch an existing one."""
        self_test()
        paths = StorePaths(data_dir)
        if was_set_aside(paths):
            raise set_aside_error(paths)
        if paths.exists():
            raise CaseloadExists()
        _check_passphrase_strength(passphrase)
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        user_id, device_id = new_id(), new_id()
        data_key = new_data_key()
        key_file = wrap_data_key(data_key, passphrase, user_id=user_id, device_id=device_id,
                                 params=kdf or KdfParams())
        connection = connect(paths.database, data_key)
        try:
            migrations.migrate(connection)
            settings = {SETTING_DEVICE_ID: device_id, SETTING_WORKER_ID: user_id,
                        SETTING_WORKER_NAME: worker_name or "Me"}
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany("INSERT INTO local_setting (key, value) VALUES (?, ?)",
                                   [(k, json.dumps(v)) for k, v in settings.items()])
            connection.execute("COMMIT")
        finally:
            connection.close()
        write_key_file(paths.key_file, key_file)
        return cls._open(paths, data_key, key_file)

    @classmethod
    def unlock(cls, data_dir: Path, passphrase: str) -> "CaseloadStore":
        """Derive the key from the passphrase and open; WrongPassphrase changes nothing on disk."""
        self_test()
        paths = StorePaths(data_dir)
        key_file = cls._read_key_file(paths)
        data_key = unwrap_data_key(key_file, passphrase)
        return cls._open(paths, data_key, key_file)

    @classmethod
    def recover(cls, data_dir: Path, passphrase: str) -> tuple["CaseloadStore", Salvage | None]:
        """Start again after a set-aside: a new, empty database under the same key (so the same
        passphrase) with the device's settings as saved from the damaged one, marked
        ``recovery_pending`` until the caller has put the saved changes back
        (services/recovery.py). The new file is built aside and moved into place whole, so a
        killed recovery leaves the set-aside state as it was."""
        self_test()
        paths = StorePaths(data_dir)
        if not was_set_aside(paths):
            raise StoreError("There is no set-aside caseload here to recover.")
        key_file = read_key_file(paths.key_file)
        data_key = unwrap_data_key(key_file, passphrase)
        salvage = latest_salvage(paths, data_key)
        settings: dict[str, Any] = {SETTING_DEVICE_ID: key_file.device_id,
                                    SETTING_WORKER_ID: key_file.user_id,
                                    SETTING_WORKER_NAME: "Me"}
        if salvage is not None:
            settings.update(salvage.settings)
        settings[SETTING_RECOVERY_PENDING] = True
        building = paths.database.with_name(paths.database.name + ".recovering")
        building.unlink(missing_ok=True)
        connection = connect(building, data_key)
        try:
            migrations.migrate(connection)
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany("INSERT INTO local_setting (key, value) VALUES (?, ?)",
                                   [(k, json.dumps(v)) for k, v in settings.items()])
            connection.execute("COMMIT")
        finally:
            connection.close()
        building.replace(paths.database)
        return cls._open(paths, data_key, key_file), salvage

    def saved_changes(self) -> Salvage | None:
        """What the latest set-aside saved (for a recovery interrupted before it finished)."""
        if self._data_key is None:
            return None
        return latest_salvage(self.paths, self._data_key)

    @staticmethod
    def _read_key_file(paths: StorePaths) -> KeyFile:
        if not paths.key_file.exists():
            if paths.database.exists():
                raise KeyFileInvalid(
                    "The caseload's key file is missing, so the caseload cannot be opened.")
            raise CaseloadMissing()
        if not paths.database.exists():
            if was_set_aside(paths):
                raise set_aside_error(paths)
            raise CaseloadMissing()
        return read_key_file(paths.key_file)

    @classmethod
    def _open(cls, paths: StorePaths, data_key: bytearray, key_file: KeyFile) -> "CaseloadStore":
        lock = ProcessLock(paths.lock_file)
        lock.acquire()
        try:
            try:
                first = connect(paths.database, data_key)
            except WrongPassphrase:
                # The key file accepted the passphrase, so the database itself is damaged
                # (its first page: nothing of it can be read).
                raise CorruptDatabase(set_aside(paths, None, data_key)) from None
            try:
                _check_opened(paths, first, data_key)
            finally:
                first.close()
            engine = _make_engine(lambda: connect(paths.database, data_key))
            with engine.connect() as conn:
                device_id = json.loads(conn.exec_driver_sql(
                    "SELECT value FROM local_setting WHERE key = ?",
                    (SETTING_DEVICE_ID,)).scalar_one())
            return cls(paths, engine, data_key, lock, device_id=device_id)
        except BaseException:
            lock.release()
            raise

    @classmethod
    def open_unencrypted_for_benchmark(cls, data_dir: Path) -> "CaseloadStore":
        """The same store code over plain SQLite, only to measure what encryption costs."""
        paths = StorePaths(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        first = connect_unencrypted_for_benchmark(paths.database)
        migrations.migrate(first)
        if first.execute("SELECT count(*) FROM local_setting").fetchone()[0] == 0:
            device_id = new_id()
            first.executemany("INSERT INTO local_setting (key, value) VALUES (?, ?)",
                              [(SETTING_DEVICE_ID, json.dumps(device_id)),
                               (SETTING_WORKER_ID, json.dumps(new_id())),
                               (SETTING_WORKER_NAME, json.dumps("Benchmark"))])
        device_id = json.loads(first.execute(
            "SELECT value FROM local_setting WHERE key = 'device_id'").fetchone()[0])
        first.close()
        engine = _make_engine(lambda: connect_unencrypted_for_benchmark(paths.database),
                              module=None)
        lock = ProcessLock(paths.lock_file)
        lock.acquire()
        return cls(paths, engine, None, lock, device_id=device_id)

    @property
    def is_locked(self) -> bool:
        return self._engine is None

    def lock(self) -> None:
        """Close every connection and forget the data key (best effort: see docs/security.md)."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        if self._data_key is not None:
            for i in range(len(self._data_key)):
                self._data_key[i] = 0
            self._data_key = None
        self._process_lock.release()

    def check_passphrase(self, passphrase: str) -> None:
        """WrongPassphrase unless it opens this caseload's key file (SECURITY B4: asked again
        before an export). The unwrapped key is zeroed at once; nothing changes on disk."""
        key_file = self._read_key_file(self.paths)
        data_key = unwrap_data_key(key_file, passphrase)
        for i in range(len(data_key)):
            data_key[i] = 0

    @staticmethod
    def change_passphrase(data_dir: Path, old: str, new: str) -> None:
        """Re-wrap the data key under the new passphrase; the database is not touched (A9)."""
        self_test()
        paths = StorePaths(data_dir)
        key_file = CaseloadStore._read_key_file(paths)
        data_key = unwrap_data_key(key_file, old)
        _check_passphrase_strength(new)
        try:
            rewrapped = wrap_data_key(data_key, new, user_id=key_file.user_id,
                                      device_id=key_file.device_id, params=key_file.kdf)
            write_key_file(paths.key_file, rewrapped)
        finally:
            for i in range(len(data_key)):
                data_key[i] = 0

    # ----- work --------------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise StoreError("The caseload is locked.")
        return self._engine

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session (a consistent snapshot for its lifetime)."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        """One user action: one write transaction holding the change, its outbox and audit rows."""
        with self._write_lock:
            connection = self.engine.connect().execution_options(begin_mode="IMMEDIATE")
            try:
                with Session(bind=connection, expire_on_commit=False) as session:
                    uow = UnitOfWork(session, clock=self.clock, clock_lock=self._clock_lock,
                                     device_id=self.device_id,
                                     actor_id=self.setting(SETTING_WORKER_ID, session=session))
                    try:
                        yield uow
                        session.flush()
                        _set_setting(session, SETTING_HLC, str(self.clock.last()))
                        session.commit()
                    except BaseException:
                        session.rollback()
                        raise
            finally:
                connection.close()

    def setting(self, key: str, default: Any = None, *, session: Session | None = None) -> Any:
        if session is not None:
            return _get_setting(session, key, default)
        with self.read() as own:
            return _get_setting(own, key, default)

    def set_setting(self, key: str, value: Any, *, session: Session | None = None) -> None:
        if session is not None:
            _set_setting(session, key, value)
            return
        with self.unit_of_work() as uow:
            _set_setting(uow.session, key, value)

    @property
    def worker_id(self) -> str:
        return str(self.setting(SETTING_WORKER_ID))

    def raw_connection(self) -> Connection:
        """A DBAPI connection for checks and bulk work; the caller closes it."""
        return self.engine.raw_connection()


def _get_setting(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(LocalSettingRow, key)
    return default if row is None else json.loads(row.value)


def _set_setting(session: Session, key: str, value: Any) -> None:
    row = session.get(LocalSettingRow, key)
    if row is None:
        session.add(LocalSettingRow(key=key, value=json.dumps(value)))
    else:
        row.value = json.dumps(value)
        session.add(row)


def _make_engine(creator: Any, module: Any = sqlcipher3.dbapi2) -> Engine:
    kwargs: dict[str, Any] = {"creator": creator, "poolclass": QueuePool, "pool_size": 4,
                              "max_overflow": 4}
    if module is not None:
        kwargs["module"] = module  # so SQLAlchemy maps SQLCipher's own exception classes
    engine = create_engine("sqlite://", **kwargs)

    # The driver runs in autocommit mode; we issue BEGIN ourselves so transactions are real
    # (SQLAlchemy's documented recipe for pysqlite).
    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("begin_mode", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _check_opened(paths: StorePaths, connection: Connection,
                  data_key: bytes | bytearray) -> None:
    mismatched = verify_settings(connection)
    if mismatched:
        raise StoreError("The encryption settings are not as required "
                         f"({', '.join(mismatched)}); refusing to open the caseload.")
    if not integrity_ok(connection):
        raise CorruptDatabase(set_aside(paths, connection, data_key))
    if migrations.current_version(connection) > migrations.latest_version():
        raise SchemaTooNew()
    migrations.migrate(connection)


MIN_PASSPHRASE_LENGTH = 10


def _check_passphrase_strength(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise StoreError(
            f"Choose a passphrase of at least {MIN_PASSPHRASE_LENGTH} characters "
            "(three or four unrelated words work well).")


