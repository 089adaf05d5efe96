"""The demo caseload has a consent register (one consent withdrawn, one due for review) and
decided safeguarding concerns, so the Consent and Safeguarding tabs and History have
something to show; nothing awaits a decision, so My week is unchanged."""

from datetime import date

from familyworker.domain.consent import ConsentDecision, may_share_with
from familyworker.services import consent, safeguarding
from familyworker.services.demo import import_demo
from familyworker.services.family_file import load_family_file
from familyworker.store.caseload_store import CaseloadStore

TODAY = date(2026, 12, 7)


def test_the_demo_has_consent_with_a_withdrawal_and_decided_concerns(
        store: CaseloadStore) -> None:
    import_demo(store, today=TODAY)
    first = load_family_file(store, reference="FAM-0001")
    found = consent.family_consent(store, first.family.id, today=TODAY)
    assert found.glance.in_words() == "Consent: 2 of 3 people · 1 withdrawn · 1 due for review"
    matei = next(p for p in first.members if p.name == "Matei Ionescu")
    assert [s.decision for s in found.statements if s.person_id == matei.id] == [
        ConsentDecision.GIVEN, ConsentDecision.WITHDRAWN]
    assert not may_share_with(found.statements, matei.id, "Riverside Primary School", TODAY)
    andreea = next(p for p in first.members if p.name == "Andreea Ionescu")
    assert may_share_with(found.statements, andreea.id, "Riverside Primary School", TODAY)

    assert safeguarding.awaiting_decision(store) == []
    decided = [h for ref in ("FAM-0012", "FAM-0020")
               for h in safeguarding.family_concerns(
                   store, load_family_file(store, reference=ref).family.id)]
    assert len(decided) == 2 and all(h.decisions for h in decided)
    assert any(h.current and h.current.referral_reference == "MASH-DEMO-0412"
               for h in decided)
