"""Management oversight: a supervisor records a decision, actions and a review date on a family.

The note is an append-only synced row, so it reaches the worker's device on their next sync and
appears in the family's chronology there and in print.
"""

from datetime import date

from familyworker.domain.errors import ValidationError
from familyworker.domain.ids import new_id
from familyworker.domain.oversight import OversightNote
from familyworker.services.queries import family_by_id
from familyworker.services.team_roles import require_manager
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import OversightNoteRow


def add_oversight_note(store: CaseloadStore, *, family_id: str, decision: str,
                       actions: str = "", review_due: date | None = None) -> OversightNote:
    """One transaction: the note, its outbox entry and its audit event (ids only)."""
    require_manager(store)
    with store.unit_of_work() as uow:
        family_by_id(uow.session, family_id)
        note = OversightNote(id=new_id(), family_id=family_id, supervisor_id=uow.actor_id,
                             written_at=uow.now, decision=decision.strip(),
                             actions=actions.strip(), review_due=review_due)
        if review_due is not None and review_due < uow.now.date():
            raise ValidationError("The oversight review date cannot be in the past.")
        uow.add(OversightNoteRow(id=note.id, family_id=family_id,
                                 supervisor_id=note.supervisor_id, written_at=note.written_at,
                                 decision=note.decision, actions=note.actions,
                                 review_due=note.review_due))
        return note
