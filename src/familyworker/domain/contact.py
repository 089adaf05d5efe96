"""Contact notes: visits, calls and meetings. Finalised notes never change; addenda correct them."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from familyworker.domain.errors import ImmutableRecord, ValidationError

MAX_NARRATIVE_LENGTH = 20_000


class NoteKind(StrEnum):
    HOME_VISIT = "home-visit"
    PHONE = "phone"
    TEXT_EMAIL = "text-email"
    SCHOOL = "school"
    MULTI_AGENCY_MEETING = "multi-agency-meeting"
    TEAM_AROUND_FAMILY = "team-around-the-family"
    OFFICE = "office"
    OVERSIGHT = "oversight"  # management oversight, shown in the chronology

    @property
    def label(self) -> str:
        return {
            "home-visit": "Home visit", "phone": "Phone call", "text-email": "Text or email",
            "school": "School visit", "multi-agency-meeting": "Multi-agency meeting",
            "team-around-the-family": "Team around the family meeting",
            "office": "Office appointment", "oversight": "Management oversight",
        }[self.value]

    @property
    def is_face_to_face(self) -> bool:
        return self in {NoteKind.HOME_VISIT, NoteKind.SCHOOL, NoteKind.MULTI_AGENCY_MEETING,
                        NoteKind.TEAM_AROUND_FAMILY, NoteKind.OFFICE}

    @property
    def is_meeting(self) -> bool:
        return self in {NoteKind.MULTI_AGENCY_MEETING, NoteKind.TEAM_AROUND_FAMILY}


# Contact with the family: a worker spoke to them or saw them. A meeting between
# professionals, a text sent and management oversight are recorded but are not contact.
CONTACT_KINDS = frozenset({NoteKind.HOME_VISIT, NoteKind.PHONE, NoteKind.SCHOOL,
                           NoteKind.OFFICE, NoteKind.TEAM_AROUND_FAMILY})


class ContactOutcome(StrEnum):
    """Whether the contact the note records happened."""

    MADE = "made"
    NO_ANSWER = "no-answer"
    DID_NOT_ATTEND = "did-not-attend"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"made": "Contact made", "no-answer": "No answer / not in",
                "did-not-attend": "Did not attend", "cancelled": "Cancelled"}[self.value]


class ChildSeen(StrEnum):
    NOT_RECORDED = "not-recorded"
    NOT_SEEN = "not-seen"
    SEEN = "seen"
    SEEN_ALONE = "seen-alone"

    @property
    def label(self) -> str:
        return {"not-recorded": "Not recorded", "not-seen": "Child not seen",
                "seen": "Child seen", "seen-alone": "Child seen alone"}[self.value]


def counts_as_contact(kind: str, status: str, outcome: str) -> bool:
    """The one definition of "contact made" (caseload, team view, My week, reports): a
    finalised note of a contact kind whose contact happened. Drafts and failed attempts never
    count. Takes stored values so queries and domain objects share it."""
    return (status == NoteStatus.FINAL.value and outcome == ContactOutcome.MADE.value
            and kind in _CONTACT_KIND_VALUES)


class NoteStatus(StrEnum):
    DRAFT = "draft"
    FINAL = "final"


_CONTACT_KIND_VALUES = frozenset(k.value for k in CONTACT_KINDS)


@dataclass(frozen=True, slots=True)
class ContactNote:
    id: str
    family_id: str
    kind: NoteKind
    occurred_at: datetime
    narrative: str = ""
    present: tuple[str, ...] = field(default=())
    agencies: tuple[str, ...] = field(default=())
    duration_minutes: int | None = None
    follow_ups: str = ""
    author_id: str | None = None
    status: NoteStatus = NoteStatus.DRAFT
    finalised_at: datetime | None = None
    outcome: ContactOutcome = ContactOutcome.MADE
    child_seen: ChildSeen = ChildSeen.NOT_RECORDED
    # The child's own words, as said: the voice of the child (Working Together 2023).
    child_voice: str = ""
    next_meeting_on: date | None = None

    def __post_init__(self) -> None:
        if len(self.child_voice) > MAX_NARRATIVE_LENGTH:
            raise ValidationError("The child's words are too long.")
        if len(self.narrative) > MAX_NARRATIVE_LENGTH:
            raise ValidationError(
                f"A note is longer than {MAX_NARRATIVE_LENGTH:,} characters; split it.")
        if self.duration_minutes is not None and not 0 <= self.duration_minutes <= 24 * 60:
            raise ValidationError("A contact lasts between 0 minutes and a day.")
        if self.status is NoteStatus.FINAL:
            if not self.narrative.strip():
                raise ValidationError("A note needs some words before it is finalised.")
            if self.finalised_at is None:
                raise ValidationError("A finalised note records when it was finalised.")

    @property
    def is_final(self) -> bool:
        return self.status is NoteStatus.FINAL

    @property
    def counts_as_contact(self) -> bool:
        return counts_as_contact(self.kind.value, self.status.value, self.outcome.value)

    def edit(self, **changes: object) -> "ContactNote":
        if self.is_final:
            raise ImmutableRecord("A finalised note cannot be changed; add an addendum instead.")
        forbidden = set(changes) & {"id", "family_id", "status", "finalised_at", "author_id"}
        if forbidden:
            raise ValidationError(f"Cannot change {', '.join(sorted(forbidden))} by editing.")
        return replace(self, **changes)  # type: ignore[arg-type]

    def finalise(self, *, at: datetime) -> "ContactNote":
        if self.is_final:
            raise ImmutableRecord("This note is already finalised.")
        return replace(self, status=NoteStatus.FINAL, finalised_at=at)


@dataclass(frozen=True, slots=True)
class Addendum:
    """A later correction or addition to a finalised note; itself never edited."""

    id: str
    note_id: str
    family_id: str
    text: str
    written_at: datetime
    author_id: str | None = None

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise ValidationError("An addendum needs some words.")
        if len(self.text) > MAX_NARRATIVE_LENGTH:
            raise ValidationError("An addendum is too long.")


def addendum_for(note: ContactNote, *, addendum_id: str, text: str, at: datetime,
                 author_id: str | None) -> Addendum:
    if not note.is_final:
        raise ValidationError("Only a finalised note takes an addendum; edit the draft instead.")
    return Addendum(id=addendum_id, note_id=note.id, family_id=note.family_id, text=text,
                    written_at=at, author_id=author_id)
