"""Contact notes record whether the contact happened, the child seen and their words."""

from datetime import UTC, date, datetime

from familyworker.domain.contact import ChildSeen, ContactOutcome, NoteKind
from familyworker.services import notes
from familyworker.services.families import add_family
from familyworker.services.family_file import load_family_file
from familyworker.store.caseload_store import CaseloadStore

WHEN = datetime(2026, 11, 3, 10, 30, tzinfo=UTC)


def test_a_failed_visit_is_stored_and_does_not_count_as_contact(store: CaseloadStore) -> None:
    family = add_family(store, reference="FAM-0500", household_name="Test household",
                        postcode="AB1 2CD")
    note = notes.save_note(store, family_id=family.id, kind=NoteKind.HOME_VISIT,
                           occurred_at=WHEN, narrative="Knocked twice; nobody in.",
                           outcome=ContactOutcome.NO_ANSWER, finalise=True)
    stored = load_family_file(store, family_id=family.id).notes[0]
    assert stored.id == note.id and stored.is_final
    assert stored.outcome is ContactOutcome.NO_ANSWER
    assert not stored.counts_as_contact


def test_the_child_and_a_meeting_round_trip_and_a_draft_keeps_them_on_edit(
        store: CaseloadStore) -> None:
    family = add_family(store, reference="FAM-0501", household_name="Test household",
                        postcode="AB1 2CD")
    draft = notes.save_note(store, family_id=family.id, kind=NoteKind.TEAM_AROUND_FAMILY,
                            occurred_at=WHEN, narrative="School to offer breakfast club.",
                            present=("Mum", "Health visitor"), agencies=("School",),
                            child_seen=ChildSeen.SEEN_ALONE,
                            child_voice="I like it when Mum walks me in.",
                            next_meeting_on=date(2026, 12, 15))
    again = notes.save_note(store, family_id=family.id, note_id=draft.id,
                            kind=NoteKind.TEAM_AROUND_FAMILY, occurred_at=WHEN,
                            narrative="School to offer breakfast club from Monday.",
                            present=("Mum", "Health visitor"), agencies=("School",),
                            child_seen=ChildSeen.SEEN_ALONE,
                            child_voice="I like it when Mum walks me in.",
                            next_meeting_on=date(2026, 12, 15), finalise=True)
    stored = load_family_file(store, family_id=family.id).notes[0]
    assert stored == again
    assert stored.child_seen is ChildSeen.SEEN_ALONE
    assert stored.child_voice == "I like it when Mum walks me in."
    assert stored.next_meeting_on == date(2026, 12, 15)
    assert stored.present == ("Mum", "Health visitor")
    assert stored.counts_as_contact  # a TAF meeting with the family is contact
