"""A family's History: who opened, changed, printed or exported what, and when, in words
(docs/consent.md § History; SECURITY I1, I4).

Read from audit events, which hold identifiers and kinds only, never case content, so nothing
here can show a note's words. ``family_history``: this device's events, workers named from the
team list it holds. ``family_history_with_server``: every device's events from the server
(issue 16), which answers only for a family the caller holds (a worker: their families; a
supervisor: their team's; SECURITY I4), merged with this laptop's events not yet sent; offline,
this laptop's alone, and it says so.
"""

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

import httpx
from sqlmodel import col, select

from familyworker.domain.audit import AuditAction
from familyworker.services.queries import family_by_id
from familyworker.store.caseload_store import SETTING_WORKER_NAME, CaseloadStore
from familyworker.store.tables import AuditEventRow, WorkerRow
from familyworker.sync.client import ServerUnreachable, SyncError
from familyworker.sync.engine import is_enrolled
from familyworker.sync.server_history import fetch_family_history

log = logging.getLogger(__name__)

# What each record kind is called in the History (lower case: it follows a verb).
RECORD_WORDS: dict[str, str] = {
    "family": "the family file", "family_criterion": "a programme criterion",
    "person": "a household member", "agency_involvement": "an agency involved",
    "star_assessment": "a Web Star", "plan": "the plan", "plan_goal": "a plan goal",
    "plan_action": "a plan action", "contact_note": "a contact note",
    "note_addendum": "an addendum to a note", "outcome": "an outcome",
    "outcome_claim": "a claim", "sustainability_review": "a sustainability review",
    "oversight_note": "an oversight note", "family_co_worker": "a co-worker allocation",
    "task": "a task", "safeguarding_concern": "a safeguarding concern",
    "concern_decision": "a safeguarding decision",
    "measure_reading": "an outcome measure reading", "employment_spell": "an employment spell",
    "consent_record": "a consent statement",
}
# The server's record of someone reading a family's History (familyworker_server.family_history).
VIEW_HISTORY = "view-history"
REPORT_WORDS = {"plan": "the plan on a page", "star": "the Web Star progress",
                "chronology": "the chronology"}


class HistoryKind(StrEnum):
    """The History's filter."""

    OPENED = "opened"
    CHANGED = "changed"
    PRINTED = "printed"  # printed, or saved as a file (exported)
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"opened": "Opened", "changed": "Changed", "printed": "Printed or saved",
                "other": "Other"}[self.value]


_KIND_OF: dict[str, HistoryKind] = {
    AuditAction.VIEW.value: HistoryKind.OPENED,
    AuditAction.CREATE.value: HistoryKind.CHANGED,
    AuditAction.UPDATE.value: HistoryKind.CHANGED,
    AuditAction.DELETE.value: HistoryKind.CHANGED,
    AuditAction.RESTORE.value: HistoryKind.CHANGED,
    AuditAction.PRINT.value: HistoryKind.PRINTED,
    AuditAction.EXPORT.value: HistoryKind.PRINTED,
}


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime  # UTC
    who: str
    kind: HistoryKind
    what: str  # "added a contact note", "printed the chronology"
    times: int = 1  # the same thing done several times in the same minute (an import, a plan)

    def line(self) -> str:
        local = self.at.astimezone()
        again = f" (×{self.times})" if self.times > 1 else ""
        return f"{local:%d %b %Y %H:%M} · {self.who} {self.what}{again}"


def _grouped(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    """Runs of the same worker doing the same thing in the same minute, as one line."""
    found: list[HistoryEntry] = []
    for entry in entries:
        last = found[-1] if found else None
        if (last is not None and (last.who, last.what) == (entry.who, entry.what)
                and last.at.replace(second=0, microsecond=0)
                == entry.at.replace(second=0, microsecond=0)):
            found[-1] = replace(last, times=last.times + 1)
        else:
            found.append(entry)
    return found


def _detail(detail: str, key: str) -> str:
    for part in detail.split():
        name, _, value = part.partition("=")
        if name == key:
            return value
    return ""


def describe(action: str, entity: str, detail: str) -> str:
    """The event in words from its action, kind and detail (identifiers and kinds only)."""
    record = RECORD_WORDS.get(entity, "a record")
    if action == AuditAction.VIEW.value:
        return ("reviewed the family file (team view)" if detail.startswith("supervisor")
                else "opened the family file")
    if action in (AuditAction.PRINT.value, AuditAction.EXPORT.value):
        report = REPORT_WORDS.get(_detail(detail, "report"), "a report")
        if detail.startswith("denied"):
            return f"was asked for the passphrase again and did not save {report}"
        verb = "printed" if action == AuditAction.PRINT.value else "saved a PDF of"
        return f"{verb} {report}"
    if action == AuditAction.CREATE.value:
        return f"added {record}"
    if action == AuditAction.UPDATE.value:
        return f"changed {record}"
    if action == AuditAction.DELETE.value:
        return f"deleted {record}"
    if action == AuditAction.RESTORE.value:
        return f"restored {record}"
    if action == VIEW_HISTORY:
        return "looked at this History"
    if action == AuditAction.PURGE.value:
        return "removed the family from a laptop (closed case)"
    return f"{action.replace('-', ' ')} ({record})"


@dataclass(frozen=True, slots=True)
class _Event:
    """One audit event, from this laptop or from the server, before it is put in words."""

    id: str
    at: datetime
    action: str
    entity: str
    detail: str
    who: str


def _local_events(store: CaseloadStore, family_id: str) -> tuple[list[_Event], dict[str, str]]:
    """This laptop's events for the family, and the worker names it holds."""
    with store.read() as session:
        family_by_id(session, family_id)
        names = {w.id: w.name for w in session.exec(select(WorkerRow)).all()}
        names.setdefault(store.worker_id, str(store.setting(SETTING_WORKER_NAME, "Me",
                                                            session=session)))
        rows = session.exec(select(AuditEventRow).where(
            col(AuditEventRow.family_id) == family_id,
            col(AuditEventRow.deleted_at).is_(None))).all()
    events = [_Event(row.id, row.at, row.action, row.entity, row.detail,
                     names.get(row.actor_id or "", "a worker not in this team")
                     if row.actor_id else "the system") for row in rows]
    return events, names


def _in_words(events: list[_Event], kinds: frozenset[HistoryKind] | None) -> list[HistoryEntry]:
    found = []
    for event in events:
        kind = _KIND_OF.get(event.action, HistoryKind.OTHER)
        if kinds is not None and kind not in kinds:
            continue
        found.append(HistoryEntry(at=event.at, who=event.who, kind=kind,
                                  what=describe(event.action, event.entity, event.detail)))
    return _grouped(sorted(found, key=lambda e: e.at, reverse=True))


def family_history(store: CaseloadStore, family_id: str,
                   kinds: frozenset[HistoryKind] | None = None) -> list[HistoryEntry]:
    """This laptop's audit events for the family in words, newest first; ``kinds`` filters
    (None: all)."""
    return _in_words(_local_events(store, family_id)[0], kinds)


@dataclass(frozen=True, slots=True)
class HistoryReading:
    """The History and where it came from, for the dialog's and the CLI's source line."""

    entries: list[HistoryEntry]
    from_server: bool
    source: str  # "From the server, as of 14:05." / "This laptop only: ..."


def _server_time_words(at: datetime) -> str:
    return f"{at.astimezone():%H:%M}"


def family_history_with_server(
        store: CaseloadStore, family_id: str, kinds: frozenset[HistoryKind] | None = None, *,
        http: httpx.Client | None = None) -> HistoryReading:
    """Every device's events from the server (colleagues' and supervisors' too), with this
    laptop's not yet sent (the same event once: by its id). Not enrolled, or the server not
    reached or refusing: this laptop's events alone, and the reason in words. Blocking."""
    local, names = _local_events(store, family_id)
    if not is_enrolled(store):
        return HistoryReading(_in_words(local, kinds), False,
                              "This laptop only: it is not connected to a server.")
    try:
        answer = fetch_family_history(store, family_id, http=http)
    except SyncError as error:
        why = ("the server could not be reached" if isinstance(error, ServerUnreachable)
               else "the server did not give it")
        log.info("history: server copy not read (%s)", error.code)
        return HistoryReading(_in_words(local, kinds), False, f"This laptop only: {why}.")
    remote = [_Event(e.id, e.at, e.action, e.entity, e.detail,
                     e.actor or names.get(e.worker_id or "", "a worker not in this team")
                     if e.worker_id else "the system") for e in answer.events]
    sent = {e.id for e in remote}
    merged = remote + [e for e in local if e.id not in sent]
    cut = " (the oldest events are not shown)" if answer.cut else ""
    return HistoryReading(_in_words(merged, kinds), True,
                          f"From the server, as of {_server_time_words(answer.server_time)}, "
                          f"with this laptop's events not yet sent{cut}.")


def record_opened(store: CaseloadStore, family_id: str) -> None:
    """Audit that this worker opened the family file (SECURITY I1): ids only."""
    with store.unit_of_work() as uow:
        family_by_id(uow.session, family_id)
        uow.audit(AuditAction.VIEW, entity="family", entity_id=family_id, family_id=family_id)
