"""What the claims screens read from the services: the frozen result of a claim (from its
snapshot, not re-assessed), the family id on each claims-list line, the adults offered for
employment, and the evidence pack held in memory for the print preview."""

from datetime import date

from sqlmodel import select
from tests.services.test_claim_services import TODAY, make_family, ready_family

from familyworker.domain.quarter import Quarter
from familyworker.services import claims, families, outcome_evidence
from familyworker.services.claim_pack import preview_claim_pack
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import AuditEventRow


def test_the_frozen_result_is_read_from_the_snapshot(store: CaseloadStore) -> None:
    family_id, _, child = ready_family(store)
    claims.submit_claim(store, family_id, claim_reference="CL-F", on=TODAY)
    frozen = claims.frozen_claim(store, "CL-F")
    assert frozen.assessed_on == TODAY and frozen.record.version == 1
    assert [line.split(":")[1].strip().split(" on ")[0] for line in frozen.lines] == [
        "met", "met"]
    # An offence recorded since changes the family's progress, not the frozen result.
    outcome_evidence.record_reading(
        store, family_id, measure_key="no-offences", period_start=date(2026, 7, 1),
        period_end=date(2026, 7, 31), value="1", source="Police log", person_id=child,
        today=TODAY)
    assert claims.frozen_claim(store, "CL-F").lines == frozen.lines


def test_claims_list_lines_carry_the_family_to_open(store: CaseloadStore) -> None:
    family_id, _, _ = ready_family(store)
    [line] = claims.claims_list(store, Quarter.of(TODAY), today=TODAY)
    assert (line.state, line.family_id, line.family_reference) == ("ready", family_id,
                                                                   "FAM-0200")


def test_only_adults_or_unknown_ages_are_offered_for_employment(store: CaseloadStore) -> None:
    family_id, mum, _child = make_family(store)
    unknown = families.add_person(store, family_id, name="Lodger")
    adults = outcome_evidence.household_adults(store, family_id, on=TODAY)
    assert adults == ((unknown.id, "Lodger"), (mum, "Parent"))  # not the child


def test_the_pack_preview_is_held_in_memory_and_not_yet_audited(store: CaseloadStore) -> None:
    family_id, _, _ = ready_family(store)
    claims.submit_claim(store, family_id, claim_reference="CL/P", on=TODAY)
    with store.read() as session:
        before = len(session.exec(select(AuditEventRow)).all())
    preview = preview_claim_pack(store, "CL/P", printed_on=TODAY)
    assert preview.data.startswith(b"%PDF") and preview.family_id == family_id
    assert preview.file_name == "FAM-0200-claim-CL-P-v1.pdf"  # references only
    assert preview.description == "Evidence pack — claim CL/P, version 1"
    with store.read() as session:
        # audited when saved or printed, not when previewed
        assert len(session.exec(select(AuditEventRow)).all()) == before
