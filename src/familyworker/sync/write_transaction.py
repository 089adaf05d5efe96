"""A write transaction on the store's engine for the sync thread."""

from sqlalchemy import Connection

from familyworker.store.caseload_store import CaseloadStore


class WriteTransaction:
    """BEGIN IMMEDIATE on a store connection, serialised with the store's own writers."""

    def __init__(self, store: CaseloadStore) -> None:
        self.store = store

    def __enter__(self) -> Connection:
        # The store's in-process writer lock: SQLite allows one writer; the UI's units of work
        # and the sync thread take turns rather than meeting "database is locked".
        self.lock = self.store._write_lock
        self.lock.acquire()
        try:
            self.conn = self.store.engine.connect().execution_options(begin_mode="IMMEDIATE")
            self.tx = self.conn.begin()
        except BaseException:
            self.lock.release()
            raise
        return self.conn

    def __exit__(self, exc_type: object, *_rest: object) -> None:
        try:
            if exc_type is None:
                self.tx.commit()
            else:
                self.tx.rollback()
            self.conn.close()
        finally:
            self.lock.release()
