"""SQLModel tables of the local caseload. Every synced row carries the sync columns (DESIGN §5)."""

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel, col


class SyncedRow(SQLModel):
    """Columns every synced row has: a device-made UUIDv7, per-field HLC stamps, a tombstone."""

    # Fields that are not editable content (never merged field-by-field).
    SYNC_COLUMNS: ClassVar[frozenset[str]] = frozenset(
        {"id", "server_seq", "field_hlc", "deleted_at", "deleted_hlc"})
    # Rows of append-only tables are written once and never conflict.
    APPEND_ONLY: ClassVar[bool] = False

    id: str = Field(primary_key=True)
    server_seq: int | None = None  # not indexed: rows are found by id or family (migration 8)
    field_hlc: str = Field(default="{}", sa_type=Text)  # JSON {"*": hlc, field: hlc}
    deleted_at: datetime | None = None
    deleted_hlc: str | None = None

    @classmethod
    def content_fields(cls) -> list[str]:
        return [name for name in cls.model_fields if name not in cls.SYNC_COLUMNS]


class TeamRow(SyncedRow, table=True):
    __tablename__ = "team"
    name: str
    area: str = ""


class WorkerRow(SyncedRow, table=True):
    __tablename__ = "worker"
    name: str
    role: str = "worker"
    team_id: str | None = None
    contact: str = ""


class FamilyRow(SyncedRow, table=True):
    __tablename__ = "family"
    family_id: str = Field(index=True)  # equals id: the scope root, so every synced row has one
    team_id: str | None = None
    reference: str = Field(index=True)
    household_name: str
    address: str = ""
    postcode: str = ""
    locality: str = ""
    lead_worker_id: str | None = Field(default=None, index=True)
    status: str = "referred"
    closure_reason: str | None = None
    referred_on: date | None = None
    opened_on: date | None = None
    closed_on: date | None = None
    consent_given_on: date | None = None
    consent_scope: str = ""
    next_visit_due: date | None = None
    review_due: date | None = None
    sustainability_review_due: date | None = None  # booked when the case closes
    status_since: date | None = None
    status_reason: str = ""
    stepped_down_to: str = ""
    phone: str = ""
    preferred_language: str = ""
    interpreter_needed: int = 0
    safety_information: str = ""  # lone-working safety; never printed for the family
    next_visit_at: datetime | None = None
    next_visit_where: str = ""
    lead_professional_name: str = ""
    lead_professional_agency: str = ""
    lead_professional_contact: str = ""
    intervention_level: str = ""  # domain.family.InterventionLevel, "" until assessed


class FamilyCriterionRow(SyncedRow, table=True):
    __tablename__ = "family_criterion"
    family_id: str = Field(index=True)
    criterion_key: str
    evidence: str = ""
    identified_on: date | None = None


class PersonRow(SyncedRow, table=True):
    __tablename__ = "person"
    family_id: str = Field(index=True)
    name: str
    relationship: str = ""
    date_of_birth: date | None = None
    school_setting: str = ""
    flags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    flag_since: Any = Field(default=None, sa_column=Column(JSON))  # {flag: "YYYY-MM-DD"}
    sex: str = ""  # domain.person.Sex, "" when not recorded


class AgencyInvolvementRow(SyncedRow, table=True):
    __tablename__ = "agency_involvement"
    family_id: str = Field(index=True)
    agency: str
    role: str = ""
    contact: str = ""
    from_date: date | None = None
    to_date: date | None = None


class StarAssessmentRow(SyncedRow, table=True):
    __tablename__ = "star_assessment"
    APPEND_ONLY: ClassVar[bool] = True
    family_id: str = Field(index=True)
    person_id: str | None = None
    assessed_on: date
    template_key: str
    template_version: int
    # [{"domain_key": str, "score": int, "note": str}]
    scores: list[dict[str, Any]] = Field(default_factory=list,
                                         sa_column=Column(JSON, nullable=False))
    family_words: str = ""
    completed_by: str | None = None


class PlanRow(SyncedRow, table=True):
    __tablename__ = "plan"
    family_id: str = Field(index=True)
    version: int
    status: str = "draft"
    working_well: str = ""
    worried_about: str = ""
    needs_to_happen: str = ""
    family_words: str = ""
    agreed_on: date | None = None
    review_due: date | None = None
    created_by: str | None = None


class PlanGoalRow(SyncedRow, table=True):
    __tablename__ = "plan_goal"
    family_id: str = Field(index=True)
    plan_id: str = Field(index=True)
    position: int = 0
    text: str
    star_domain_key: str | None = None


class PlanActionRow(SyncedRow, table=True):
    __tablename__ = "plan_action"
    family_id: str = Field(index=True)
    plan_id: str = Field(index=True)
    goal_id: str = Field(index=True)
    position: int = 0
    what: str
    who: str
    by_when: date | None = None
    status: str = "not-started"


class ContactNoteRow(SyncedRow, table=True):
    __tablename__ = "contact_note"
    family_id: str = Field(index=True)
    kind: str
    occurred_at: datetime
    narrative: str = ""
    present: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    agencies: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    duration_minutes: int | None = None
    follow_ups: str = ""
    author_id: str | None = None
    status: str = "draft"
    finalised_at: datetime | None = None
    outcome: str = "made"  # contact made, or why not (domain.contact.ContactOutcome)
    child_seen: str = "not-recorded"
    child_voice: str = ""
    next_meeting_on: date | None = None


class NoteAddendumRow(SyncedRow, table=True):
    __tablename__ = "note_addendum"
    APPEND_ONLY: ClassVar[bool] = True
    family_id: str = Field(index=True)
    note_id: str = Field(index=True)
    text: str
    written_at: datetime
    author_id: str | None = None


class OutcomeRow(SyncedRow, table=True):
    __tablename__ = "outcome"
    family_id: str = Field(index=True)
    criterion_key: str
    achieved_on: date
    evidence: str
    recorded_by: str | None = None


class OutcomeClaimRow(SyncedRow, table=True):
    """A results claim made for a family; deleting it (a tombstone) withdraws the claim."""

    __tablename__ = "outcome_claim"
    family_id: str = Field(index=True)
    claimed_on: date
    claim_reference: str
    rule_key: str
    claimed_by: str | None = None
    route: str = "outcome-plan"  # domain.claims.ClaimRoute
    person_id: str | None = None  # the adult, on the continuous-employment route
    quarter: str = ""  # the return's quarter it is claimed in, "2026Q3"
    status: str = "claimed"  # domain.claims.ClaimStatus
    status_on: date | None = None
    rejected_reason: str = ""
    version: int = 1
    supersedes_id: str | None = None  # the claim this version corrects
    # What the claim rested on when submitted, frozen: later edits to the family change nothing.
    snapshot: Any = Field(default=None, sa_column=Column(JSON))


class SustainabilityReviewRow(SyncedRow, table=True):
    """The follow-up months after closure: outcomes held, or the case reopened."""

    __tablename__ = "sustainability_review"
    APPEND_ONLY: ClassVar[bool] = True
    family_id: str = Field(index=True)
    due_on: date | None = None
    reviewed_on: date
    result: str  # domain.claims.ReviewResult
    reviewed_by: str | None = None


class OversightNoteRow(SyncedRow, table=True):
    __tablename__ = "oversight_note"
    APPEND_ONLY: ClassVar[bool] = True
    family_id: str = Field(index=True)
    supervisor_id: str | None = None
    written_at: datetime
    decision: str
    actions: str = ""
    review_due: date | None = None


class FamilyCoWorkerRow(SyncedRow, table=True):
    """A worker allocated to a family besides its lead (SYNC §4.7): they receive the family
    and may work on it. Ended, not deleted, so the allocation's history stays."""

    __tablename__ = "family_co_worker"
    family_id: str = Field(index=True)
    worker_id: str
    added_on: date
    ended_on: date | None = None
    added_by: str | None = None


class TaskRow(SyncedRow, table=True):
    __tablename__ = "task"
    family_id: str = Field(index=True)
    text: str
    created_at: datetime
    due_on: date | None = None
    assigned_to: str | None = None
    created_by: str | None = None
    done_on: date | None = None
    source_note_id: str | None = None


class SafeguardingConcernRow(SyncedRow, table=True):
    """Append-only (docs/safeguarding.md): corrected only by later decision rows."""

    __tablename__ = "safeguarding_concern"
    APPEND_ONLY: ClassVar[bool] = True
    family_id: str = Field(index=True)
    about_person_id: str | None = None  # None: the whole household
    raised_at: datetime
    seen_or_heard: str
    immediate_action: str = ""
    raised_by: str | None = None


class ConcernDecisionRow(SyncedRow, table=True):
    """Append-only: the decision, and later the outcome, are each a new row."""

    __tablename__ = "concern_decision"
    APPEND_ONLY: ClassVar[bool] = True
    family_id: str = Field(index=True)
    concern_id: str = Field(index=True)
    decided_at: datetime
    decision: str
    referral_to: str = ""
    referral_on: date | None = None
    referral_reference: str = ""
    outcome: str = "none-yet"
    outcome_on: date | None = None
    note: str = ""
    decided_by: str | None = None


class MeasureReadingRow(SyncedRow, table=True):
    """One reading of an outcome measure from its source system (docs/claims.md): a value over
    a period, e.g. a term's attendance (93.5) or the police call-outs in a month (0)."""

    __tablename__ = "measure_reading"
    family_id: str = Field(index=True)
    person_id: str | None = None  # None: the household
    measure_key: str  # a measure of the council's outcome plan
    period_start: date | None = None  # None: a reading on one day
    period_end: date
    value: str  # a decimal number, kept as typed
    source: str = ""  # the source system, e.g. the school's attendance register
    source_reference: str = ""  # the record's number there, for the verifier
    verified_by: str = ""  # who confirmed it at the source (a role, not a name, where possible)
    note: str = ""
    recorded_by: str | None = None


class EmploymentSpellRow(SyncedRow, table=True):
    """An adult off out-of-work benefits and into work: the continuous-employment route."""

    __tablename__ = "employment_spell"
    family_id: str = Field(index=True)
    person_id: str
    benefit_ended_on: date | None = None  # the out-of-work benefit claim ended
    started_on: date
    ended_on: date | None = None  # None: still in work
    hours_per_week: int = 0
    source: str = ""
    source_reference: str = ""
    note: str = ""
    recorded_by: str | None = None


class ConsentRecordRow(SyncedRow, table=True):
    """Append-only: each a statement on a day; a withdrawal is a later one (docs/consent.md)."""

    __tablename__ = "consent_record"
    APPEND_ONLY: ClassVar[bool] = True
    family_id: str = Field(index=True)
    person_id: str
    purpose: str  # domain.consent.ConsentPurpose
    agency: str = ""  # for sharing with an agency
    decision: str  # domain.consent.ConsentDecision
    given_by: str = ""  # who answered (a parent for a young child)
    how: str = ""  # domain.consent.ConsentHow
    stated_on: date
    review_on: date | None = None
    note: str = ""
    recorded_by: str | None = None


class AuditEventRow(SyncedRow, table=True):
    """Append-only; identifiers and counts only, never case content (I3)."""

    __tablename__ = "audit_event"
    APPEND_ONLY: ClassVar[bool] = True
    family_id: str | None = Field(default=None, index=True)
    at: datetime
    action: str
    entity: str
    entity_id: str | None = None
    actor_id: str | None = None
    device_id: str | None = None
    detail: str = ""


class OutboxRow(SQLModel, table=True):
    """One local change waiting to be pushed; written in the same transaction as the change."""

    __tablename__ = "sync_outbox"
    seq: int | None = Field(default=None, primary_key=True)
    op_id: str = Field(unique=True)
    batch_id: str | None = None  # partial index below: only a batch's last row carries it
    table_name: str
    row_id: str
    family_id: str | None = Field(default=None, index=True)
    kind: str  # insert | update | delete | append
    hlc: str
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    base_server_seq: int | None = None
    schema_version: int
    created_at: datetime
    # Set when the server refused the op (e.g. "forbidden"): kept, not re-sent (needs attention).
    rejected_reason: str | None = None
    rejected_at: datetime | None = None


class LocalSettingRow(SQLModel, table=True):
    """Device-local settings and state (identity, clock, preferences) inside the encrypted file."""

    __tablename__ = "local_setting"
    key: str = Field(primary_key=True)
    value: str  # JSON


class FormDraftRow(SQLModel, table=True):
    """Unsaved form text kept when the app closes or locks, so typing is never lost."""

    __tablename__ = "form_draft"
    key: str = Field(primary_key=True)  # e.g. "note:<family id>"
    family_id: str | None = Field(default=None, index=True)
    payload: str  # JSON of the form's fields
    saved_at: datetime


class TeamReviewMarkRow(SQLModel, table=True):
    """Up to which server_seq this supervisor has reviewed a family. Device-local: each of a
    supervisor's devices keeps its own queue (docs/team.md)."""

    __tablename__ = "team_review_mark"
    family_id: str = Field(primary_key=True)
    reviewed_seq: int
    reviewed_at: datetime


# Last contact made per family (services.queries.last_contact_by_family) from the index alone.
Index("ix_contact_note_last_contact", *(col(c) for c in (
    ContactNoteRow.family_id, ContactNoteRow.occurred_at, ContactNoteRow.status,
    ContactNoteRow.outcome, ContactNoteRow.kind, ContactNoteRow.deleted_at)))
Index("ix_star_assessment_latest", *(col(c) for c in (
    StarAssessmentRow.family_id, StarAssessmentRow.assessed_on, StarAssessmentRow.deleted_at)))
Index("ix_sync_outbox_batch_id", OutboxRow.batch_id,  # type: ignore[arg-type]
      sqlite_where=col(OutboxRow.batch_id).is_not(None))

SYNCED_TABLES: dict[str, type[SyncedRow]] = {
    str(row.__tablename__): row
    for row in (TeamRow, WorkerRow, FamilyRow, FamilyCriterionRow, PersonRow,
                AgencyInvolvementRow, StarAssessmentRow, PlanRow, PlanGoalRow, PlanActionRow,
                ContactNoteRow, NoteAddendumRow, OutcomeRow, OutcomeClaimRow,
                SustainabilityReviewRow, OversightNoteRow, FamilyCoWorkerRow, TaskRow,
                SafeguardingConcernRow, ConcernDecisionRow, MeasureReadingRow,
                EmploymentSpellRow, ConsentRecordRow, AuditEventRow)
}
