"""The one declaration of every synced table's columns, as they travel on the wire.

The server validates pushed ops against it (a bad op is refused with a reason in words, never
stored), the client checks pulled rows against it before writing them (a row it cannot apply is
set aside, never a stopped pass), and the push body's OpenAPI schema is generated from it. The
client's SQLModel tables (``familyworker.store``) are typed classes for mypy's sake; a test
holds them to this declaration column by column, so a column added in one place and not the
other fails the suite rather than a device in the field.

Pure Python: no I/O, no database, shared by client and server.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Literal

from familyworker.domain.claims import ClaimRoute, ClaimStatus, ReviewResult
from familyworker.domain.consent import ConsentDecision, ConsentHow, ConsentPurpose
from familyworker.domain.contact import ChildSeen, ContactOutcome, NoteKind, NoteStatus
from familyworker.domain.family import ClosureReason, FamilyStatus, InterventionLevel
from familyworker.domain.person import PersonFlag, Sex
from familyworker.domain.plan import ActionStatus, PlanStatus
from familyworker.domain.safeguarding import ConcernOutcome, Decision
from familyworker.domain.team import Role

ColumnType = Literal["id", "text", "int", "date", "datetime", "text_list", "star_scores",
                     "json"]

MAX_TEXT = 100_000  # a long case note is ~10k characters (protocol.MAX_FIELD_CHARS)
MAX_LIST_ITEMS = 1_000
# SQLite and PostgreSQL BIGINT: a wider integer cannot be stored, so it cannot be synced.
MIN_INT, MAX_INT = -(2 ** 63), 2 ** 63 - 1
ID_PATTERN = re.compile(r"[0-9A-Za-z-]{1,64}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# With its offset: a time without one means nothing across devices (and SQLModel refuses it).
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})")
# Columns every synced row has besides its content: never sent as fields.
SYNC_COLUMNS = frozenset({"id", "server_seq", "field_hlc", "deleted_at", "deleted_hlc"})


@dataclass(frozen=True, slots=True)
class Column:
    """One content column. ``required``: an insert must name it (no default); ``server_set``:
    the server writes it from the token, whatever a device sends (who wrote a record, F2)."""

    name: str
    type: ColumnType
    nullable: bool = False
    required: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] | None = None
    server_set: bool = False
    default: Any = None
    min_value: int | None = None
    max_value: int | None = None


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    append_only: bool = False
    by_name: Mapping[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {c.name: c for c in self.columns})

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def _values(kind: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in kind)


def _id(name: str, *, nullable: bool = True, required: bool = False,
        server_set: bool = False) -> Column:
    return Column(name, "id", nullable=nullable, required=required, server_set=server_set)


def _text(name: str, max_length: int = MAX_TEXT, *, required: bool = False,
          nullable: bool = False, choices: tuple[str, ...] | None = None,
          default: str | None = "") -> Column:
    return Column(name, "text", nullable=nullable, required=required, max_length=max_length,
                  choices=choices, default=None if required or nullable else default)


def _date(name: str, *, required: bool = False) -> Column:
    return Column(name, "date", nullable=not required, required=required)


def _datetime(name: str, *, required: bool = False) -> Column:
    return Column(name, "datetime", nullable=not required, required=required)


def _author(name: str) -> Column:
    return _id(name, server_set=True)


def _family_id(*, nullable: bool = False) -> Column:
    # Set by the server from the op's family_id when absent; a different value is refused.
    return _id("family_id", nullable=nullable, server_set=True)


NAME = 200
SHORT = 500
KEY = 100

TABLES: Mapping[str, Table] = {t.name: t for t in (
    Table("team", (_text("name", NAME, required=True), _text("area", NAME))),
    Table("worker", (_text("name", NAME, required=True),
                     _text("role", 20, choices=_values(Role), default="worker"),
                     _id("team_id"), _text("contact", SHORT))),
    Table("family", (
        _family_id(), _id("team_id"),
        _text("reference", KEY, required=True), _text("household_name", NAME, required=True),
        _text("address", SHORT), _text("postcode", 20), _text("locality", NAME),
        _id("lead_worker_id"),
        _text("status", 40, choices=_values(FamilyStatus), default="referred"),
        _text("closure_reason", KEY, nullable=True, choices=_values(ClosureReason)),
        _date("referred_on"), _date("opened_on"), _date("closed_on"),
        _date("consent_given_on"), _text("consent_scope", SHORT),
        _date("next_visit_due"), _date("review_due"), _date("sustainability_review_due"),
        # Added in app 0.9 (docs/casework.md): case status detail, household and safety
        # details, the booked visit, a lead professional from a partner agency.
        _date("status_since"), _text("status_reason", SHORT), _text("stepped_down_to", SHORT),
        _text("phone", 40), _text("preferred_language", 60),
        Column("interpreter_needed", "int", default=0, min_value=0, max_value=1),
        _text("safety_information", 2_000), _datetime("next_visit_at"),
        _text("next_visit_where", SHORT), _text("lead_professional_name", NAME),
        _text("lead_professional_agency", NAME), _text("lead_professional_contact", SHORT),
        # Added in app 0.11 (docs/claims.md): counted by the quarterly return.
        _text("intervention_level", 20, choices=("", *_values(InterventionLevel))))),
    Table("family_criterion", (
        _family_id(), _text("criterion_key", KEY, required=True), _text("evidence"),
        _date("identified_on"))),
    Table("person", (
        _family_id(), _text("name", NAME, required=True), _text("relationship", KEY),
        _date("date_of_birth"), _text("school_setting", NAME),
        Column("flags", "text_list", choices=_values(PersonFlag), default=()),
        # {flag: "YYYY-MM-DD"}: the day each flag applied from, where known.
        Column("flag_since", "json", nullable=True, default=None),
        # Added in app 0.11 (docs/claims.md): counted by the quarterly return.
        _text("sex", 20, choices=("", *_values(Sex))))),
    Table("agency_involvement", (
        _family_id(), _text("agency", NAME, required=True), _text("role", NAME),
        _text("contact", SHORT), _date("from_date"), _date("to_date"))),
    Table("star_assessment", (
        _family_id(), _id("person_id"), _date("assessed_on", required=True),
        _text("template_key", KEY, required=True),
        Column("template_version", "int", required=True, min_value=0, max_value=1_000_000),
        Column("scores", "star_scores", default=()), _text("family_words"),
        _author("completed_by")), append_only=True),
    Table("plan", (
        _family_id(), Column("version", "int", required=True, min_value=0,
                             max_value=1_000_000),
        _text("status", 20, choices=_values(PlanStatus), default="draft"),
        _text("working_well"), _text("worried_about"), _text("needs_to_happen"),
        _text("family_words"), _date("agreed_on"), _date("review_due"),
        _author("created_by"))),
    Table("plan_goal", (
        _family_id(), _id("plan_id", nullable=False, required=True),
        Column("position", "int", default=0, min_value=MIN_INT, max_value=MAX_INT),
        _text("text", SHORT * 4, required=True), _text("star_domain_key", KEY,
                                                        nullable=True))),
    Table("plan_action", (
        _family_id(), _id("plan_id", nullable=False, required=True),
        _id("goal_id", nullable=False, required=True),
        Column("position", "int", default=0, min_value=MIN_INT, max_value=MAX_INT),
        _text("what", SHORT * 4, required=True), _text("who", SHORT, required=True),
        _date("by_when"),
        _text("status", 20, choices=_values(ActionStatus), default="not-started"))),
    Table("contact_note", (
        _family_id(), _text("kind", 40, required=True, choices=_values(NoteKind)),
        _datetime("occurred_at", required=True), _text("narrative"),
        Column("present", "text_list", max_length=NAME, default=()),
        Column("agencies", "text_list", max_length=NAME, default=()),
        Column("duration_minutes", "int", nullable=True, min_value=0, max_value=100_000),
        _text("follow_ups"), _author("author_id"),
        _text("status", 20, choices=_values(NoteStatus), default="draft"),
        _datetime("finalised_at"),
        _text("outcome", 20, choices=_values(ContactOutcome), default="made"),
        _text("child_seen", 20, choices=_values(ChildSeen), default="not-recorded"),
        _text("child_voice"), _date("next_meeting_on"))),
    Table("note_addendum", (
        _family_id(), _id("note_id", nullable=False, required=True),
        _text("text", required=True), _datetime("written_at", required=True),
        _author("author_id")), append_only=True),
    Table("outcome", (
        _family_id(), _text("criterion_key", KEY, required=True),
        _date("achieved_on", required=True), _text("evidence", required=True),
        _author("recorded_by"))),
    Table("outcome_claim", (
        _family_id(), _date("claimed_on", required=True),
        _text("claim_reference", KEY, required=True), _text("rule_key", KEY, required=True),
        _author("claimed_by"),
        # Added in app 0.11 (docs/claims.md): the route, the claim's progress, frozen versions.
        _text("route", 40, choices=_values(ClaimRoute), default="outcome-plan"),
        _id("person_id"), _text("quarter", 6),
        _text("status", 20, choices=_values(ClaimStatus), default="claimed"),
        _date("status_on"), _text("rejected_reason", SHORT),
        Column("version", "int", default=1, min_value=1, max_value=1_000_000),
        _id("supersedes_id"), Column("snapshot", "json", nullable=True, default=None))),
    Table("sustainability_review", (
        _family_id(), _date("due_on"), _date("reviewed_on", required=True),
        _text("result", 20, required=True, choices=_values(ReviewResult)),
        _author("reviewed_by")), append_only=True),
    Table("oversight_note", (
        _family_id(), _author("supervisor_id"), _datetime("written_at", required=True),
        _text("decision", required=True), _text("actions"), _date("review_due")),
        append_only=True),
    Table("family_co_worker", (
        _family_id(), _id("worker_id", nullable=False, required=True),
        _date("added_on", required=True), _date("ended_on"), _author("added_by"))),
    Table("task", (
        _family_id(), _text("text", 2_000, required=True),
        _datetime("created_at", required=True), _date("due_on"), _id("assigned_to"),
        _author("created_by"), _date("done_on"), _id("source_note_id"))),
    # Added in app 0.10 (docs/safeguarding.md): concerns and their decisions, never edited.
    Table("safeguarding_concern", (
        _family_id(), _id("about_person_id"), _datetime("raised_at", required=True),
        _text("seen_or_heard", 20_000, required=True), _text("immediate_action", 20_000),
        _author("raised_by")), append_only=True),
    Table("concern_decision", (
        _family_id(), _id("concern_id", nullable=False, required=True),
        _datetime("decided_at", required=True),
        _text("decision", 40, required=True, choices=_values(Decision)),
        _text("referral_to", NAME), _date("referral_on"), _text("referral_reference", NAME),
        _text("outcome", 40, choices=_values(ConcernOutcome), default="none-yet"),
        _date("outcome_on"), _text("note", 20_000), _author("decided_by")), append_only=True),
    # Added in app 0.11 (docs/claims.md, docs/consent.md).
    Table("measure_reading", (
        _family_id(), _id("person_id"), _text("measure_key", KEY, required=True),
        _date("period_start"), _date("period_end", required=True),
        _text("value", 40, required=True), _text("source", NAME),
        _text("source_reference", KEY), _text("verified_by", NAME), _text("note", 2_000),
        _author("recorded_by"))),
    Table("employment_spell", (
        _family_id(), _id("person_id", nullable=False, required=True),
        _date("benefit_ended_on"), _date("started_on", required=True), _date("ended_on"),
        Column("hours_per_week", "int", default=0, min_value=0, max_value=168),
        _text("source", NAME), _text("source_reference", KEY), _text("note", 2_000),
        _author("recorded_by"))),
    Table("consent_record", (
        _family_id(), _id("person_id", nullable=False, required=True),
        _text("purpose", 40, required=True, choices=_values(ConsentPurpose)),
        _text("agency", NAME),
        _text("decision", 20, required=True, choices=_values(ConsentDecision)),
        _text("given_by", NAME), _text("how", 20, choices=("", *_values(ConsentHow))),
        _date("stated_on", required=True), _date("review_on"), _text("note", 2_000),
        _author("recorded_by")), append_only=True),
    Table("audit_event", (
        _family_id(nullable=True), _datetime("at", required=True),
        _text("action", 40, required=True), _text("entity", 40, required=True),
        _id("entity_id"), _id("actor_id"), _id("device_id"), _text("detail", SHORT)),
        append_only=True),
    Table("sync_conflict", (
        _family_id(), _text("table_name", 40, required=True), _id("row_id", nullable=False,
                                                                   required=True),
        _text("field", 64, required=True), Column("kept_value", "json", nullable=True),
        _text("kept_hlc", 100, required=True), Column("other_value", "json", nullable=True),
        _text("other_hlc", 100, required=True), _datetime("detected_at", required=True),
        _text("resolution", 20, nullable=True), _id("resolved_by"),
        _datetime("resolved_at"))),
)}

AUTHOR_COLUMNS: frozenset[str] = frozenset(
    c.name for t in TABLES.values() for c in t.columns if c.server_set and c.name != "family_id")


# ---- checking values -------------------------------------------------------------------------

def _text_problem(column: Column, value: Any) -> str | None:
    if type(value) is not str:
        return "is not text"
    if column.max_length is not None and len(value) > column.max_length:
        return "is too long"
    if column.choices is not None and value not in column.choices:
        return "is not one of the allowed values"
    return None


def _int_problem(column: Column, value: Any) -> str | None:
    if type(value) is not int:
        return "is not a whole number"
    low = MIN_INT if column.min_value is None else column.min_value
    high = MAX_INT if column.max_value is None else column.max_value
    if not low <= value <= high:
        return "is out of range"
    return None


def _date_problem(_column: Column, value: Any) -> str | None:
    if type(value) is not str or len(value) != 10 or not _DATE.fullmatch(value):
        return "is not a date"
    try:
        date.fromisoformat(value)
    except ValueError:
        return "is not a date"
    return None


def _datetime_problem(_column: Column, value: Any) -> str | None:
    if type(value) is not str or len(value) > 40 or not _DATETIME.fullmatch(value):
        return "is not a date and time"
    try:
        datetime.fromisoformat(value).astimezone(UTC)  # every device stores it in UTC
    except (ValueError, OverflowError):
        return "is not a date and time"
    return None


def _id_problem(_column: Column, value: Any) -> str | None:
    if type(value) is not str or not ID_PATTERN.fullmatch(value):
        return "is not an identifier"
    return None


def _text_list_problem(column: Column, value: Any) -> str | None:
    if type(value) is not list or len(value) > MAX_LIST_ITEMS:
        return "is not a list of text"
    limit = column.max_length or MAX_TEXT
    for item in value:
        if type(item) is not str or len(item) > limit:
            return "is not a list of text"
        if column.choices is not None and item not in column.choices:
            return "holds a value that is not allowed"
    return None


_SCORE_KEYS = frozenset({"domain_key", "score", "note"})


def _star_scores_problem(_column: Column, value: Any) -> str | None:
    if type(value) is not list or len(value) > 100:
        return "is not a list of star scores"
    for item in value:
        if type(item) is not dict or not {"domain_key", "score"} <= item.keys() \
                or not item.keys() <= _SCORE_KEYS:
            return "is not a list of star scores"
        key, score, note = item["domain_key"], item["score"], item.get("note", "")
        if type(key) is not str or not 0 < len(key) <= KEY or type(note) is not str \
                or len(note) > 4_000:
            return "is not a list of star scores"
        if type(score) is not int or not 1 <= score <= 10:
            return "holds a score that is not from 1 to 10"
    return None


def _json_problem(_column: Column, value: Any) -> str | None:
    return None if _json_depth_ok(value, 0) else "is not plain JSON"


def _json_depth_ok(value: Any, depth: int) -> bool:
    if depth > 20:
        return False
    if value is None or type(value) in (str, bool, float):
        return True
    if type(value) is int:
        return MIN_INT <= value <= MAX_INT
    if type(value) is list:
        return len(value) <= MAX_LIST_ITEMS and all(_json_depth_ok(v, depth + 1) for v in value)
    if type(value) is dict:
        return len(value) <= MAX_LIST_ITEMS and all(
            type(k) is str and _json_depth_ok(v, depth + 1) for k, v in value.items())
    return False


_CHECKS: Mapping[ColumnType, Callable[[Column, Any], str | None]] = {
    "id": _id_problem, "text": _text_problem, "int": _int_problem, "date": _date_problem,
    "datetime": _datetime_problem, "text_list": _text_list_problem,
    "star_scores": _star_scores_problem, "json": _json_problem}


def value_problem(column: Column, value: Any) -> str | None:
    """Why ``value`` cannot be stored in ``column`` (words naming no value), or None."""
    if value is None:
        return None if column.nullable else "is empty but must have a value"
    return _CHECKS[column.type](column, value)


class RowProblem(ValueError):
    """A row or change that does not fit the declaration. ``code`` is the machine reason
    (unknown_table, unknown_field, missing_field, invalid_field); ``str()`` names the field and
    what is wrong, never the value (it is shown to people and written to logs)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def check_fields(table_name: str, fields: Mapping[str, Any], *, complete: bool,
                 allow_unknown: bool = False) -> None:
    """Raise RowProblem unless ``fields`` fit ``table_name``'s columns. ``complete``: the
    fields make a whole new row, so every required column must be there (an update names only
    what changed). ``allow_unknown``: a newer peer's extra columns are ignored (pulls), not
    refused (pushes)."""
    table = TABLES.get(table_name)
    if table is None:
        raise RowProblem("unknown_table", "")
    columns = table.by_name
    for name, value in fields.items():
        column = columns.get(name)
        if column is None:
            if allow_unknown and name not in SYNC_COLUMNS:
                continue
            raise RowProblem("unknown_field", str(name)[:64])
        problem = value_problem(column, value)
        if problem is not None:
            raise RowProblem("invalid_field", f"{name} {problem}")
    if complete:
        for name in table.required:
            if name not in fields:
                raise RowProblem("missing_field", name)


def defaults(table_name: str) -> dict[str, Any]:
    """A new row's values for the columns a change did not name."""
    return {c.name: (list(c.default) if isinstance(c.default, tuple) else c.default)
            for c in TABLES[table_name].columns}


# ---- the OpenAPI schema ----------------------------------------------------------------------

_JSON_TYPES: Mapping[ColumnType, dict[str, Any]] = {
    "id": {"type": "string", "pattern": f"^{ID_PATTERN.pattern}$"},
    "text": {"type": "string"},
    "int": {"type": "integer"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "text_list": {"type": "array", "items": {"type": "string"}},
    "star_scores": {"type": "array", "items": {
        "type": "object", "required": ["domain_key", "score"], "additionalProperties": False,
        "properties": {"domain_key": {"type": "string", "minLength": 1, "maxLength": KEY},
                       "score": {"type": "integer", "minimum": 1, "maximum": 10},
                       "note": {"type": "string", "maxLength": 4_000}}}},
    "json": {},
}


def column_json_schema(column: Column) -> dict[str, Any]:
    schema = dict(_JSON_TYPES[column.type])
    if column.max_length is not None and column.type == "text":
        schema["maxLength"] = column.max_length
    if column.choices is not None:
        if column.type == "text_list":
            schema["items"] = {"type": "string", "enum": list(column.choices)}
        else:
            schema["enum"] = list(column.choices)
    if column.type == "int":
        schema["minimum"] = MIN_INT if column.min_value is None else column.min_value
        schema["maximum"] = MAX_INT if column.max_value is None else column.max_value
    if column.nullable and schema:
        return {"anyOf": [schema, {"type": "null"}]}
    return schema


def fields_json_schema(table_name: str) -> dict[str, Any]:
    """The JSON Schema of an op's ``fields`` for one table (every column optional: an update
    names only what changed; an insert's required columns are checked by the server)."""
    table = TABLES[table_name]
    return {"type": "object", "additionalProperties": False,
            "properties": {c.name: column_json_schema(c) for c in table.columns}}
