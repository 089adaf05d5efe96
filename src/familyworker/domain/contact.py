"""Contact notes: visits, calls and meetings. Finalised notes never change; addenda correct them."""

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from familyworker.domain.errors import ImmutableRecord, ValidationError

MAX_NARRATIVE_LENGTH = 20_000


class NoteKind(StrEnum):
    HOME_VISIT = "home-visit"
    PHONE = "phone"
    TEXT_EMAIL = "text-email"
    SCHOOL = "school"
    MULTI_AGENCY_MEETING = "multi-agency-meeting"
    OFFICE = "office"
    OVERSIGHT = "oversight"  # management oversight, shown in the chronology

    @property
    def label(self) -> str:
        return {
            "home-visit": "Home visit", "phone": "Phone call", "text-email": "Text or email",
            "school": "School visit", "multi-agency-meeting": "Multi-agency meeting",
            "office": "Office appointment", "oversight": "Management oversight",
        }[self.value]

    @property
    def is_face_to_face(self) -> bool:
        return self in {NoteKind.HOME_VISIT, NoteKind.SCHOOL, NoteKind.MULTI_AGENCY_MEETING,
                        NoteKind.OFFICE}


class NoteStatus(StrEnum):
    DRAFT = "draft"
    FINAL = "final"


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

    def __post_init__(self) -> None:
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
