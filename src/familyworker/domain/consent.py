"""The consent register: per person, what for, given or refused, how (docs/consent.md).

Each entry is a statement made on a day and is never edited: a withdrawal or a renewal is a new
entry, so the history is the list itself and the current answer is the latest statement for the
same person, purpose and agency. Pure rules only; the service reads and writes the rows.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from familyworker.domain.errors import ValidationError

MAX_AGENCY_LENGTH = 120
MAX_GIVEN_BY_LENGTH = 120
MAX_NOTE_LENGTH = 2_000


class ConsentPurpose(StrEnum):
    SHARE_WITH_AGENCY = "share-with-agency"  # names the agency
    DATA_MATCHING = "data-matching"  # the programme's matching against council and partner data
    PHOTOGRAPHS = "photographs"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"share-with-agency": "Sharing with an agency",
                "data-matching": "The programme's data matching",
                "photographs": "Photographs",
                "other": "Other"}[self.value]


class ConsentDecision(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ConsentHow(StrEnum):
    WRITTEN = "written"
    VERBAL = "verbal"


def agency_key(agency: str) -> str:
    """The agency as compared: case and spacing do not make a different agency."""
    return " ".join(agency.split()).casefold()


def _text(value: str, what: str, limit: int, *, one_line: bool = True) -> str:
    text = " ".join(value.split()) if one_line else value.strip()
    if len(text) > limit:
        raise ValidationError(f"{what} is longer than {limit:,} characters.")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise ValidationError(f"{what} contains control characters.")
    return text


@dataclass(frozen=True, slots=True)
class ConsentStatement:
    """One statement in the register: given, refused or withdrawn on ``stated_on``."""

    id: str
    family_id: str
    person_id: str
    purpose: ConsentPurpose
    decision: ConsentDecision
    stated_on: date
    how: ConsentHow
    agency: str = ""
    given_by: str = ""
    review_on: date | None = None
    note: str = ""
    recorded_by: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "agency", _text(self.agency, "The agency", MAX_AGENCY_LENGTH))
        object.__setattr__(self, "given_by",
                           _text(self.given_by, "Who answered", MAX_GIVEN_BY_LENGTH))
        object.__setattr__(self, "note", _text(self.note, "The note", MAX_NOTE_LENGTH,
                                                 one_line=False))
        sharing = self.purpose is ConsentPurpose.SHARE_WITH_AGENCY
        if sharing and not self.agency:
            raise ValidationError("Say which agency the consent to share is for.")
        if not sharing and self.agency:
            raise ValidationError("An agency is named only for consent to share with one.")
        if self.review_on is not None:
            if self.decision is not ConsentDecision.GIVEN:
                raise ValidationError("Only consent that is given has a review date.")
            if self.review_on <= self.stated_on:
                raise ValidationError("The review date must be after the date consent was "
                                      "given.")

    @property
    def key(self) -> "ConsentKey":
        return ConsentKey(self.person_id, self.purpose, agency_key(self.agency))

    @property
    def what_for(self) -> str:
        if self.purpose is ConsentPurpose.SHARE_WITH_AGENCY:
            return f"Sharing with {self.agency}"
        return self.purpose.label

    def is_due_for_review(self, today: date) -> bool:
        """Given consent whose review date has come: still the answer, but ask again."""
        return (self.decision is ConsentDecision.GIVEN and self.review_on is not None
                and self.review_on <= today)


@dataclass(frozen=True, slots=True, order=True)
class ConsentKey:
    """What a statement answers: this person, this purpose, this agency (compared folded)."""

    person_id: str
    purpose: ConsentPurpose
    agency: str  # agency_key(...), "" unless sharing


def _order(statement: ConsentStatement) -> tuple[date, str]:
    # Ids are UUIDv7 (time-ordered): two statements on one day are ordered as recorded.
    return statement.stated_on, statement.id


def current_answers(statements: Iterable[ConsentStatement],
                    on: date | None = None) -> dict[ConsentKey, ConsentStatement]:
    """The latest statement per (person, purpose, agency), counting only statements made on or
    before ``on`` (default: all of them)."""
    latest: dict[ConsentKey, ConsentStatement] = {}
    for statement in sorted(statements, key=_order):
        if on is None or statement.stated_on <= on:
            latest[statement.key] = statement
    return latest


def answer_for(statements: Iterable[ConsentStatement], person_id: str,
               purpose: ConsentPurpose, agency: str = "",
               on: date | None = None) -> ConsentStatement | None:
    """The answer in force for this person and purpose (and agency) on a day; None: never
    asked."""
    wanted = ConsentKey(person_id, purpose, agency_key(agency))
    return current_answers(statements, on).get(wanted)


def may_share_with(statements: Iterable[ConsentStatement], person_id: str, agency: str,
                   on: date) -> bool:
    """May this person's information be shared with this agency on this day? Only when the
    latest statement about exactly that agency, made by then, is consent given. Absent,
    refused or withdrawn: no. A review date passing does not end consent (it is flagged)."""
    if not agency_key(agency):
        raise ValidationError("Say which agency the information is for.")
    found = answer_for(statements, person_id, ConsentPurpose.SHARE_WITH_AGENCY, agency, on)
    return found is not None and found.decision is ConsentDecision.GIVEN


def may_use_for_data_matching(statements: Iterable[ConsentStatement], person_id: str,
                              on: date) -> bool:
    """May this person's information be used in the programme's data matching on this day?"""
    found = answer_for(statements, person_id, ConsentPurpose.DATA_MATCHING, on=on)
    return found is not None and found.decision is ConsentDecision.GIVEN


def data_matching_refused(statements: Iterable[ConsentStatement], person_id: str,
                          on: date | None = None) -> bool:
    """Has this person refused, or withdrawn, consent to data matching (by ``on``)? Unlike
    ``may_use_for_data_matching``, never asked is not a refusal: a claim's evidence pack rests
    on the household's consent to the programme and leaves out only those who said no."""
    found = answer_for(statements, person_id, ConsentPurpose.DATA_MATCHING, on=on)
    return found is not None and found.decision in (ConsentDecision.REFUSED,
                                                     ConsentDecision.WITHDRAWN)


def check_withdrawal(statements: Iterable[ConsentStatement], key: ConsentKey,
                     on: date) -> ConsentStatement:
    """The given statement a withdrawal on ``on`` withdraws; refused or never given: an error."""
    current = current_answers(statements).get(key)
    if current is None or current.decision is not ConsentDecision.GIVEN:
        raise ValidationError("There is no consent given for that to withdraw.")
    if on < current.stated_on:
        raise ValidationError("Consent cannot be withdrawn before the day it was given.")
    return current


@dataclass(frozen=True, slots=True)
class ConsentAtAGlance:
    """For the family file's header: how many members have consent given, withdrawn, due."""

    people: int
    with_consent: int  # at least one current answer "given"
    withdrawn: int  # at least one current answer "withdrawn"
    due_for_review: int  # at least one given answer whose review date has come
    recorded: bool  # any statement at all for this household

    def in_words(self) -> str:
        if not self.recorded:
            return "Consent: none recorded"
        parts = [f"Consent: {self.with_consent} of {self.people} "
                 f"{'person' if self.people == 1 else 'people'}"]
        if self.withdrawn:
            parts.append(f"{self.withdrawn} withdrawn")
        if self.due_for_review:
            parts.append(f"{self.due_for_review} due for review")
        return " · ".join(parts)


def at_a_glance(person_ids: Sequence[str], statements: Iterable[ConsentStatement],
                today: date) -> ConsentAtAGlance:
    members = set(person_ids)
    answers = [s for s in current_answers(statements, today).values() if s.person_id in members]
    given = {s.person_id for s in answers if s.decision is ConsentDecision.GIVEN}
    withdrawn = {s.person_id for s in answers if s.decision is ConsentDecision.WITHDRAWN}
    due = {s.person_id for s in answers if s.is_due_for_review(today)}
    return ConsentAtAGlance(people=len(members), with_consent=len(given),
                            withdrawn=len(withdrawn), due_for_review=len(due),
                            recorded=bool(answers))


def names_person(text: str, full_name: str) -> bool:
    """Does the text name this person: their full name or first name as whole words, ignoring
    case? (A surname alone or a nickname is not found: say so where this is relied on.)"""
    words = full_name.split()
    if not words or not text:
        return False
    candidates = {" ".join(words), words[0]}
    for name in candidates:
        pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in name.split()) + r"(?!\w)"
        if re.search(pattern, text, flags=re.IGNORECASE):
            return True
    return False
