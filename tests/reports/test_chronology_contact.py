"""The printed chronology says whether each contact happened, the child seen and their words."""

from datetime import UTC, date, datetime
from pathlib import Path

from tests.reports.family_data import make_family
from tests.reports.helpers import pdf_text

from familyworker.domain.contact import ChildSeen, ContactOutcome, NoteKind
from familyworker.services.notes import save_note
from familyworker.services.printing import print_chronology
from familyworker.store.caseload_store import CaseloadStore


def test_chronology_shows_outcome_child_seen_and_the_childs_words(
        store: CaseloadStore, tmp_path: Path) -> None:
    family = make_family(store)
    save_note(store, family_id=family.family_id, kind=NoteKind.HOME_VISIT,
              occurred_at=datetime(2025, 4, 14, 9, 0, tzinfo=UTC),
              narrative="Knocked and rang; nobody in.", outcome=ContactOutcome.NO_ANSWER,
              finalise=True)
    save_note(store, family_id=family.family_id, kind=NoteKind.HOME_VISIT,
              occurred_at=datetime(2025, 4, 15, 9, 0, tzinfo=UTC),
              narrative="Zoë showed me her room.", child_seen=ChildSeen.SEEN_ALONE,
              child_voice="I sleep better with the night light.", finalise=True)
    save_note(store, family_id=family.family_id, kind=NoteKind.TEAM_AROUND_FAMILY,
              occurred_at=datetime(2025, 4, 16, 14, 0, tzinfo=UTC),
              narrative="School offers breakfast club.", present=("Siobhán",),
              agencies=("School",), next_meeting_on=date(2025, 5, 28), finalise=True)
    out = tmp_path / "chronology.pdf"
    print_chronology(store, reference=family.reference, out_path=out, today=date(2025, 4, 20))
    text = pdf_text(out.read_bytes())
    assert "Home visit · No answer / not in" in text
    assert "Home visit · Contact made" in text
    assert "Child seen alone" in text
    assert "In the child's words: “I sleep better with the night light.”" in text
    assert "Team around the family meeting · Contact made" in text
    assert "Decisions: School offers breakfast club." in text
    assert "Next meeting: 28 May 2025" in text
    assert text.index("nobody in") < text.index("night light") < text.index("breakfast club")
