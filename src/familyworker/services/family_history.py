"""A family's History: who opened, changed, printed or exported what, and when, in words
(docs/consent.md § History; SECURITY I1, I4).

Read from this device's audit events for the family, which hold identifiers and kinds only,
never case content, so nothing here can show a note's words. Workers are named from the team
list this device holds. A worker's device holds only their own families' rows, and a
supervisor's only their team's (the server's scope), so the History a supervisor sees is of
their team's families only.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from sqlmodel import col, select

from familyworker.domain.audit import AuditAction
from familyworker.services.queries import family_by_id
from familyworker.store.caseload_store import SETTING_WORKER_NAME, CaseloadStore
from familyworker.store.tables import AuditEventRow, WorkerRow

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
    if action == AuditAction.PURGE.value:
        return "removed the family from a laptop (closed case)"
    return f"{action.replace('-', ' ')} ({record})"


def family_history(store: CaseloadStore, family_id: str,
                   kinds: frozenset[HistoryKind] | None = None) -> list[HistoryEntry]:
    """The family's audit events in words, newest first; ``kinds`` filters (None: all)."""
    with store.read() as session:
        family_by_id(session, family_id)
        names = {w.id: w.name for w in session.exec(select(WorkerRow)).all()}
        names.setdefault(store.worker_id, str(store.setting(SETTING_WORKER_NAME, "Me",
                                                            session=session)))
        rows = session.exec(select(AuditEventRow).where(
            col(AuditEventRow.family_id) == family_id,
            col(AuditEventRow.deleted_at).is_(None))).all()
    found = []
    for row in rows:
        kind = _KIND_OF.get(row.action, HistoryKind.OTHER)
        if kinds is not None and kind not in kinds:
            continue
        who = names.get(row.actor_id or "", "a worker not in this team") \
            if row.actor_id else "the system"
        found.append(HistoryEntry(at=row.at, who=who, kind=kind,
                                  what=describe(row.action, row.entity, row.detail)))
    return _grouped(sorted(found, key=lambda e: e.at, reverse=True))


def record_opened(store: CaseloadStore, family_id: str) -> None:
    """Audit that this worker opened the family file (SECURITY I1): ids only."""
    with store.unit_of_work() as uow:
        family_by_id(uow.session, family_id)
        uow.audit(AuditAction.VIEW, entity="family", entity_id=family_id, family_id=family_id)
