"""The printed chronology includes safeguarding concerns and each decision on them."""

from datetime import UTC, date, datetime
from pathlib import Path

from tests.reports.family_data import make_family
from tests.reports.helpers import pdf_text

from familyworker.domain.contact import NoteKind
from familyworker.services import safeguarding
from familyworker.services.family_file import load_family_file
from familyworker.services.notes import save_note
from familyworker.services.printing import print_chronology
from familyworker.store.caseload_store import CaseloadStore


def test_chronology_lists_a_concern_and_its_decisions_in_time_order(
        store: CaseloadStore, tmp_path: Path) -> None:
    family = make_family(store)
    save_note(store, family_id=family.family_id, kind=NoteKind.HOME_VISIT,
              occurred_at=datetime(2025, 4, 14, 9, 0, tzinfo=UTC),
              narrative="Talked about mornings.", finalise=True)
    file = load_family_file(store, family_id=family.family_id)
    zoe = next(m for m in file.members if m.name.startswith("Zo"))
    concern = safeguarding.raise_concern(store, family_id=family.family_id,
                                         about_person_id=zoe.id,
                                         seen_or_heard="Zoë had a burn on her hand.",
                                         immediate_action="Rang the school's lead.")
    today = date.today()
    safeguarding.record_decision(store, concern.id, decision="referral-to-social-care",
                                 referral_to="MASH", referral_on=today,
                                 referral_reference="MASH-123")
    safeguarding.record_decision(store, concern.id, decision="referral-to-social-care",
                                 referral_to="MASH", referral_on=today,
                                 outcome="early-help", outcome_on=today,
                                 note="Strategy discussion held.")
    household = safeguarding.raise_concern(store, family_id=family.family_id,
                                           seen_or_heard="Loud argument heard outside.")
    out = tmp_path / "chronology.pdf"
    print_chronology(store, reference=family.reference, out_path=out, today=today)
    text = " ".join(pdf_text(out.read_bytes()).split())
    assert "Safeguarding concern about Zoë O'Neill" in text
    assert "Seen or heard: Zoë had a burn on her hand." in text
    assert "Immediate action: Rang the school's lead." in text
    assert "Decision: Referral to children's social care (MASH)" in text
    assert "reference MASH-123" in text
    assert "Decision: Referral to children's social care (MASH) — Early help" in text
    assert "Note: Strategy discussion held." in text
    assert "Safeguarding concern about the whole household" in text
    assert household.id and text.count("Awaiting decision.") == 1
    assert text.index("Talked about mornings") < text.index("burn on her hand") \
        < text.index("MASH-123") < text.index("Early help") < text.index("Loud argument")
