"""The evidence pack read back as text (PDFium): measures, sources, the verification box, and
nothing about a person whose consent to data matching was withdrawn."""

import stat
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
from tests.services.test_claim_services import TODAY, make_family

from familyworker.domain.ids import new_id
from familyworker.services import claim_pack, claims, families, outcome_evidence
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import ConsentRecordRow


def pdf_text(path: Path) -> str:
    document = pdfium.PdfDocument(path.read_bytes())
    try:
        return " ".join(" ".join(page.get_textpage().get_text_range().split())
                        for page in document)
    finally:
        document.close()


def _readings(store: CaseloadStore, family_id: str, child: str) -> None:
    for number in range(1, 7):
        end = date(2026, number + 1, 1) - date.resolution
        start = date(2026, number, 1)
        outcome_evidence.record_reading(
            store, family_id, measure_key="no-da-callouts", period_start=start,
            period_end=end, value="0", source="Police log",
            source_reference=f"DA-LOG-{number}", verified_by="PC Data", today=TODAY)
        outcome_evidence.record_reading(
            store, family_id, measure_key="no-offences", person_id=child, period_start=start,
            period_end=end, value="0", source="Youth justice",
            source_reference=f"YJ-CHILD-{number}", verified_by="YOT officer", today=TODAY)


def _consent(store: CaseloadStore, family_id: str, person_id: str, decision: str,
             on: date) -> None:
    with store.unit_of_work() as uow:
        uow.add(ConsentRecordRow(id=new_id(), family_id=family_id, person_id=person_id,
                                 purpose="data-matching", decision=decision, given_by="Mum",
                                 how="written", stated_on=on))


def test_the_pack_holds_the_evidence_and_a_blank_verification_box(
        store: CaseloadStore, tmp_path: Path) -> None:
    family_id, _, child = make_family(store)
    families.update_family(store, family_id, consent_given_on=date(2025, 11, 5))
    _readings(store, family_id, child)
    claims.submit_claim(store, family_id, claim_reference="CL-PACK-1", on=TODAY)
    out = tmp_path / "pack.pdf"
    written = claim_pack.export_claim_pack(store, "CL-PACK-1", out_path=out, printed_on=TODAY)
    assert written.family_id == family_id and stat.S_IMODE(out.stat().st_mode) == 0o600
    text = pdf_text(out)
    for expected in ("Evidence pack: claim CL-PACK-1", "FAM-0200", "Claim household",
                     "No police call-outs for domestic abuse for 6 months",
                     "No offences or anti-social behaviour incidents for 6 months",
                     "Police domestic abuse incident log", "Police and youth justice records",
                     "none for 6 months", "DA-LOG-1", "YJ-CHILD-6", "domestic-abuse at referral",
                     "sustained period", "Who recorded what", "Claim CL-PACK-1 version 1 "
                     "submitted", "Verification", "Name", "Role", "Signature", "Date"):
        assert expected in text, expected


def test_a_withdrawn_persons_readings_are_left_out_and_the_pack_says_so(
        store: CaseloadStore, tmp_path: Path) -> None:
    family_id, _, child = make_family(store)
    families.update_family(store, family_id, consent_given_on=date(2025, 11, 5))
    _readings(store, family_id, child)
    claims.submit_claim(store, family_id, claim_reference="CL-PACK-2", on=TODAY)
    # Given, then withdrawn after the claim: the latest statement wins.
    _consent(store, family_id, child, "given", date(2025, 11, 5))
    _consent(store, family_id, child, "withdrawn", date(2026, 8, 25))
    out = tmp_path / "pack.pdf"
    claim_pack.export_claim_pack(store, "CL-PACK-2", out_path=out, printed_on=TODAY)
    text = pdf_text(out)
    assert "YJ-CHILD" not in text and "Child" not in text.replace("Children", "")
    assert "DA-LOG-3" in text  # the household's readings stay
    assert "consent to data matching was refused or withdrawn" in text


def test_no_programme_consent_prints_no_readings(store: CaseloadStore, tmp_path: Path) -> None:
    family_id, _, child = make_family(store)
    _readings(store, family_id, child)
    claims.submit_claim(store, family_id, claim_reference="CL-PACK-3", on=TODAY)
    out = tmp_path / "pack.pdf"
    claim_pack.export_claim_pack(store, "CL-PACK-3", out_path=out, printed_on=TODAY)
    text = pdf_text(out)
    assert "DA-LOG" not in text and "YJ-CHILD" not in text
    assert "consent to the programme is not recorded" in text
    assert "Signature" in text
