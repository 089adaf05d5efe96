"""The consent register over a real encrypted caseload, and what an agency's copy leaves out."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import select
from tests.reports.family_data import make_family
from tests.reports.helpers import pdf_text

from familyworker.domain.consent import ConsentDecision, may_share_with
from familyworker.domain.contact import NoteKind
from familyworker.domain.errors import ValidationError
from familyworker.services import consent, families, safeguarding
from familyworker.services.family_file import load_family_file
from familyworker.services.notes import save_note
from familyworker.services.printing import preview_chronology, print_chronology
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import AuditEventRow, ConsentRecordRow, OutboxRow

TODAY = date(2025, 6, 2)
SCHOOL = "Riverside Primary"


def _members(store: CaseloadStore, family_id: str) -> dict[str, str]:
    file = load_family_file(store, family_id=family_id)
    return {p.name.split()[0]: p.id for p in file.members}


def _give(store: CaseloadStore, family_id: str, person_id: str, on: date = date(2025, 3, 1),
          **extra: object) -> None:
    consent.record_statement(store, family_id=family_id, person_id=person_id,
                             purpose="share-with-agency", agency=SCHOOL, decision="given",
                             how="written", stated_on=on, given_by="Siobhán O'Neill",
                             today=TODAY, **extra)  # type: ignore[arg-type]


def test_a_statement_and_its_withdrawal_are_kept_appended_and_synced(
        store: CaseloadStore) -> None:
    family = make_family(store)
    siobhan = _members(store, family.family_id)["Siobhán"]
    _give(store, family.family_id, siobhan, review_on=date(2026, 3, 1))
    consent.withdraw(store, family_id=family.family_id, person_id=siobhan,
                     purpose="share-with-agency", agency=" riverside primary ", how="verbal",
                     withdrawn_on=date(2025, 5, 1), today=TODAY)
    history = consent.family_statements(store, family.family_id)
    assert [s.decision for s in history] == [ConsentDecision.GIVEN, ConsentDecision.WITHDRAWN]
    assert not may_share_with(history, siobhan, SCHOOL, TODAY)
    assert may_share_with(history, siobhan, SCHOOL, date(2025, 4, 1))
    with store.read() as session:
        assert session.exec(select(OutboxRow.kind).where(
            OutboxRow.table_name == "consent_record")).all() == ["append", "append"]
        assert len(session.exec(select(ConsentRecordRow)).all()) == 2
        audit = " ".join(f"{a.entity} {a.detail}" for a in session.exec(
            select(AuditEventRow)).all())
    assert "consent_record" in audit and "Siobhán" not in audit
    glance = consent.family_consent(store, family.family_id, today=TODAY).glance
    assert glance.in_words() == "Consent: 0 of 2 people · 1 withdrawn"


def test_bad_statements_are_refused_with_a_clear_sentence_and_nothing_saved(
        store: CaseloadStore) -> None:
    family = make_family(store)
    ids = _members(store, family.family_id)
    other = families.add_family(store, reference="FAM-0099", household_name="Other",
                                postcode="LS2 7AA")
    stranger = families.add_person(store, other.id, name="Pat Other").id
    cases: list[tuple[dict[str, object], str]] = [
        ({"stated_on": date(2025, 7, 1)}, "future"),
        ({"decision": "withdrawn"}, "Withdraw"),
        ({"purpose": "gossip"}, "must be one of"),
        ({"how": "telepathy"}, "must be one of"),
        ({"agency": ""}, "which agency"),
        ({"person_id": stranger}, "not a member"),
    ]
    for change, message in cases:
        fields: dict[str, object] = {
            "family_id": family.family_id, "person_id": ids["Zoë"],
            "purpose": "share-with-agency", "agency": SCHOOL, "decision": "given",
            "how": "written", "stated_on": date(2025, 3, 1), "today": TODAY, **change}
        with pytest.raises(ValidationError, match=message):
            consent.record_statement(store, **fields)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="no consent given"):
        consent.withdraw(store, family_id=family.family_id, person_id=ids["Zoë"],
                         purpose="share-with-agency", agency=SCHOOL, how="verbal",
                         withdrawn_on=date(2025, 5, 1), today=TODAY)
    assert consent.family_statements(store, family.family_id) == []


def test_withdrawn_consent_removes_that_person_from_an_agency_export(
        store: CaseloadStore, tmp_path: Path) -> None:
    """The issue's own test: Zoë's consent to share with the school is withdrawn, so the
    chronology prepared for the school leaves out everything about or naming her."""
    family = make_family(store)
    ids = _members(store, family.family_id)
    save_note(store, family_id=family.family_id, kind=NoteKind.PHONE,
              occurred_at=datetime(2025, 3, 4, 9, 0, tzinfo=UTC),
              narrative="Siobhán rang about her own housing appointment.", finalise=True)
    safeguarding.raise_concern(store, family_id=family.family_id, about_person_id=ids["Zoë"],
                               seen_or_heard="A bruise on the arm, explained as a fall.")
    _give(store, family.family_id, ids["Siobhán"])
    _give(store, family.family_id, ids["Zoë"])
    consent.withdraw(store, family_id=family.family_id, person_id=ids["Zoë"],
                     purpose="share-with-agency", agency=SCHOOL, how="written",
                     withdrawn_on=date(2025, 5, 1), today=TODAY)

    own = pdf_text(print_chronology(store, reference=family.reference,
                                    out_path=tmp_path / "own.pdf", today=TODAY
                                    ).path.read_bytes())
    assert "Zoë" in own and "bruise" in own and "Prepared for" not in own

    out = tmp_path / "school.pdf"
    print_chronology(store, reference=family.reference, out_path=out, today=TODAY,
                     for_agency=SCHOOL)
    text = pdf_text(out.read_bytes())
    assert "Zoë" not in text and "bruise" not in text
    assert "housing appointment" in text  # Siobhán consented: her entry stays
    # The first visit names Zoë, the school phone call too, and the concern is about her.
    assert (f"Prepared for {SCHOOL}. Information about 1 person in this household is left "
            "out (3 entries)") in text

    # Before the withdrawal she was in the school's copy.
    earlier = preview_chronology(store, family_id=family.family_id, today=date(2025, 4, 1),
                                 for_agency=SCHOOL)
    assert "Zoë" in pdf_text(earlier.data) and "Everyone in the household" in \
        pdf_text(earlier.data)


def test_an_agency_with_no_consent_recorded_gets_nobody(store: CaseloadStore) -> None:
    family = make_family(store)
    preview = preview_chronology(store, family_id=family.family_id, today=TODAY,
                                 for_agency="Health visiting")
    text = pdf_text(preview.data)
    assert "Siobhán" not in text and "Zoë" not in text
    assert "Information about 2 people in this household is left out" in text
    assert preview.description.startswith("Chronology for Health visiting")
    with pytest.raises(ValidationError, match="which agency"):
        preview_chronology(store, family_id=family.family_id, today=TODAY, for_agency="  ")
