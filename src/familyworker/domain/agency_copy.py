"""What a copy of a report prepared for a named agency leaves out (docs/consent.md).

A person's information goes to an agency only when the consent register says they gave consent
to share with exactly that agency, on the day the copy is made. Everything that is about them
or names them is left out of that agency's copy, and the copy says how much was left out
without naming whom: that someone refused or withdrew consent is itself their information.
The family's own copy (no agency) leaves nothing out.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from familyworker.domain.consent import ConsentStatement, may_share_with, names_person
from familyworker.domain.contact import Addendum, ContactNote
from familyworker.domain.oversight import OversightNote
from familyworker.domain.person import Person
from familyworker.domain.safeguarding import ConcernHistory


@dataclass(frozen=True, slots=True)
class AgencyCopy:
    """Who is withheld from one agency's copy, and the test for each entry."""

    agency: str
    withheld: tuple[Person, ...]

    def _names_withheld(self, texts: Iterable[str]) -> bool:
        joined = [t for t in texts if t]
        return any(names_person(text, person.name) for person in self.withheld
                   for text in joined)

    def leaves_out_note(self, note: ContactNote, addenda: Sequence[Addendum]) -> bool:
        """A note is left out when anyone withheld was present or is named in it, its child's
        words, its follow-ups or an addendum."""
        texts = [*note.present, note.narrative, note.child_voice, note.follow_ups,
                 *(a.text for a in addenda)]
        return self._names_withheld(texts)

    def leaves_out_oversight(self, item: OversightNote) -> bool:
        return self._names_withheld([item.decision, item.actions])

    def leaves_out_concern(self, history: ConcernHistory) -> bool:
        """About someone withheld, or naming them in the concern or any decision on it."""
        concern = history.concern
        if any(p.id == concern.about_person_id for p in self.withheld):
            return True
        texts = [concern.seen_or_heard, concern.immediate_action,
                 *(d.note for d in history.decisions)]
        return self._names_withheld(texts)

    def keeps_person(self, person_id: str | None) -> bool:
        return all(p.id != person_id for p in self.withheld)

    def line(self, entries_left_out: int) -> str:
        """The sentence printed at the top of the agency's copy (names nobody)."""
        if not self.withheld:
            return (f"Prepared for {self.agency}. Everyone in the household has consent "
                    f"recorded to share their information with {self.agency}.")
        count = len(self.withheld)
        who = "1 person" if count == 1 else f"{count} people"
        entries = "1 entry" if entries_left_out == 1 else f"{entries_left_out} entries"
        return (f"Prepared for {self.agency}. Information about {who} in this household is "
                f"left out ({entries}): consent to share it with {self.agency} has not been "
                f"given, or was withdrawn.")


def agency_copy(agency: str, members: Sequence[Person],
                statements: Iterable[ConsentStatement], on: date) -> AgencyCopy:
    """The members without consent given to share with ``agency`` on ``on`` are withheld."""
    found = list(statements)
    withheld = tuple(p for p in members if not may_share_with(found, p.id, agency, on))
    return AgencyCopy(agency=" ".join(agency.split()), withheld=withheld)
