"""Contact notes: drafts edit freely, finalised notes never change, addenda only on final notes."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from familyworker.domain.contact import (
    MAX_NARRATIVE_LENGTH,
    ContactNote,
    NoteKind,
    NoteStatus,
    addendum_for,
)
from familyworker.domain.errors import ImmutableRecord, ValidationError

WHEN = datetime(2024, 3, 4, 10, 30, tzinfo=UTC)
words = st.text(min_size=1, max_size=200).filter(lambda t: t.strip())
kinds = st.sampled_from(list(NoteKind))


def _draft(narrative: str = "Visited; mum feels calmer.", kind: NoteKind = NoteKind.HOME_VISIT
           ) -> ContactNote:
    return ContactNote(id="n1", family_id="f1", kind=kind, occurred_at=WHEN,
                       narrative=narrative, author_id="w1")


edits = st.fixed_dictionaries({}, optional={
    "narrative": words, "follow_ups": st.text(max_size=50), "kind": kinds,
    "duration_minutes": st.integers(0, 24 * 60),
    "present": st.lists(words, max_size=3).map(tuple)})


@given(words, kinds, edits)
def test_a_finalised_note_refuses_every_edit(narrative, kind, changes):
    final = _draft(narrative, kind).finalise(at=WHEN + timedelta(hours=1))
    assert final.is_final and final.status is NoteStatus.FINAL
    assert final.finalised_at == WHEN + timedelta(hours=1)
    with pytest.raises(ImmutableRecord):
        final.edit(**changes)
    with pytest.raises(ImmutableRecord):
        final.finalise(at=WHEN + timedelta(hours=2))


@given(words, edits)
def test_a_draft_takes_edits_and_stays_a_draft(narrative, changes):
    draft = _draft(narrative)
    edited = draft.edit(**changes)
    assert edited.status is NoteStatus.DRAFT
    for key, value in changes.items():
        assert getattr(edited, key) == value
    assert (edited.id, edited.family_id, edited.author_id) == ("n1", "f1", "w1")


@pytest.mark.parametrize("field", ["id", "family_id", "status", "finalised_at", "author_id"])
def test_editing_cannot_change_identity_or_status(field):
    with pytest.raises(ValidationError):
        _draft().edit(**{field: "x"})


@given(words, words)
def test_addendum_only_on_a_finalised_note(narrative, text):
    draft = _draft(narrative)
    with pytest.raises(ValidationError):
        addendum_for(draft, addendum_id="a1", text=text, at=WHEN, author_id="w1")
    final = draft.finalise(at=WHEN)
    addendum = addendum_for(final, addendum_id="a1", text=text, at=WHEN + timedelta(days=1),
                            author_id="w2")
    assert (addendum.note_id, addendum.family_id, addendum.text) == ("n1", "f1", text)


@given(st.text(" \t\n", max_size=4))
def test_an_empty_addendum_or_empty_final_note_raises(blank):
    final = _draft().finalise(at=WHEN)
    with pytest.raises(ValidationError):
        addendum_for(final, addendum_id="a1", text=blank, at=WHEN, author_id=None)
    with pytest.raises(ValidationError):
        _draft(narrative=blank).finalise(at=WHEN)


@given(st.integers().filter(lambda m: not 0 <= m <= 24 * 60))
def test_duration_outside_a_day_raises(minutes):
    with pytest.raises(ValidationError):
        ContactNote(id="n", family_id="f", kind=NoteKind.PHONE, occurred_at=WHEN,
                    duration_minutes=minutes)


def test_narrative_limit_and_final_needs_finalised_at():
    ContactNote(id="n", family_id="f", kind=NoteKind.PHONE, occurred_at=WHEN,
                narrative="x" * MAX_NARRATIVE_LENGTH)
    with pytest.raises(ValidationError):
        ContactNote(id="n", family_id="f", kind=NoteKind.PHONE, occurred_at=WHEN,
                    narrative="x" * (MAX_NARRATIVE_LENGTH + 1))
    with pytest.raises(ValidationError):
        ContactNote(id="n", family_id="f", kind=NoteKind.PHONE, occurred_at=WHEN,
                    narrative="words", status=NoteStatus.FINAL)
