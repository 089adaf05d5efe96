"""Readings, progress, claims (frozen, statuses, corrections) and the claims list, over a real
encrypted caseload."""

import json
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import col, select

from familyworker.domain.claims import ClaimRoute, ClaimStatus
from familyworker.domain.errors import ValidationError
from familyworker.domain.family import FamilyStatus
from familyworker.domain.outcome_plan import PlanError
from familyworker.domain.outcome_progress import ProgressState
from familyworker.domain.quarter import Quarter
from familyworker.resources import resources_dir
from familyworker.services import claims, families, outcome_evidence
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import AuditEventRow, OutboxRow, OutcomeClaimRow
from familyworker.sync.row_schema import check_fields

TODAY = date(2026, 8, 20)


def make_family(store: CaseloadStore, reference: str = "FAM-0200") -> tuple[str, str, str]:
    """A family with two problems (domestic abuse, crime), a parent and a child."""
    family = families.add_family(store, reference=reference, household_name="Claim household",
                                 postcode="LS1 4AB", referred_on=date(2025, 11, 1))
    families.change_status(store, family.id, FamilyStatus.OPEN, on=date(2025, 11, 5))
    mum = families.add_person(store, family.id, name="Parent", relationship="Mum",
                              date_of_birth=date(1990, 1, 1))
    child = families.add_person(store, family.id, name="Child", relationship="Son",
                                date_of_birth=date(2015, 3, 3))
    for key in ("domestic-abuse", "crime"):
        families.add_need(store, family.id, criterion_key=key, identified_on=date(2025, 11, 5),
                          evidence=f"{key} at referral")
    return family.id, mum.id, child.id


def clean_months(store: CaseloadStore, family_id: str, measure: str, months: range,
                 person_id: str | None = None) -> None:
    for number in months:
        end = date(2026, number + 1, 1) - date.resolution
        outcome_evidence.record_reading(
            store, family_id, measure_key=measure, period_start=date(2026, number, 1),
            period_end=end, value="0", source="Police log", source_reference=f"LOG-{number}",
            verified_by="Police data officer", person_id=person_id, today=TODAY)


def ready_family(store: CaseloadStore) -> tuple[str, str, str]:
    # January to June clean for both measures: both met on 30 June 2026, so ready on 20 August.
    family_id, mum, child = make_family(store)
    clean_months(store, family_id, "no-da-callouts", range(1, 7))
    clean_months(store, family_id, "no-offences", range(1, 7), person_id=child)
    return family_id, mum, child


def test_progress_in_words_and_a_not_ready_claim_is_refused(store: CaseloadStore) -> None:
    family_id, _, _ = make_family(store)
    clean_months(store, family_id, "no-da-callouts", range(1, 7))
    progress = outcome_evidence.family_progress(store, family_id, on=TODAY)
    assert [p.state for p in progress.problems] == [ProgressState.MET, ProgressState.NOT_MET]
    with pytest.raises(ValidationError, match="Not ready to claim: No readings of"):
        claims.submit_claim(store, family_id, claim_reference="CL-1", on=TODAY)
    with store.read() as session:
        assert session.exec(select(OutcomeClaimRow)).all() == []


def test_a_submitted_claim_is_frozen_against_later_edits(store: CaseloadStore) -> None:
    family_id, _, child = ready_family(store)
    claim = claims.submit_claim(store, family_id, claim_reference="CL-7", on=TODAY)
    assert (claim.status, claim.quarter, claim.version) == (ClaimStatus.CLAIMED, "2026Q3", 1)
    with store.read() as session:
        before = session.get(OutcomeClaimRow, claim.id)
        assert before is not None
        frozen = json.dumps(before.snapshot, sort_keys=True)
    assert [p["state"] for p in before.snapshot["problems"]] == ["met", "met"]
    assert len(before.snapshot["readings"]) == 12
    # After submission: an offence in July and a renamed household. The family's progress
    # changes; the claim's snapshot does not.
    outcome_evidence.record_reading(store, family_id, measure_key="no-offences", person_id=child,
                                    period_start=date(2026, 7, 1), period_end=date(2026, 7, 31),
                                    value="1", source="Police log", today=TODAY)
    families.update_family(store, family_id, household_name="Renamed household")
    assert not outcome_evidence.family_progress(store, family_id, on=TODAY).plan_met
    with store.read() as session:
        after = session.get(OutcomeClaimRow, claim.id)
        assert after is not None
        assert json.dumps(after.snapshot, sort_keys=True) == frozen
        audit = session.exec(select(AuditEventRow).where(
            AuditEventRow.entity == "outcome_claim")).all()
    assert len(audit) == 1 and "Claim household" not in audit[0].detail
    with pytest.raises(ValidationError, match="already been claimed"):
        claims.submit_claim(store, family_id, claim_reference="CL-8", on=TODAY)


def test_statuses_move_forward_and_rejection_needs_a_reason(store: CaseloadStore) -> None:
    family_id, _, _ = ready_family(store)
    claims.submit_claim(store, family_id, claim_reference="CL-9", on=TODAY)
    with pytest.raises(ValidationError, match="cannot become paid"):
        claims.set_claim_status(store, "CL-9", ClaimStatus.PAID, on=TODAY)
    with pytest.raises(ValidationError, match="reason"):
        claims.set_claim_status(store, "CL-9", ClaimStatus.REJECTED, on=TODAY)
    assert claims.set_claim_status(store, "CL-9", ClaimStatus.VERIFIED,
                                   on=TODAY).status is ClaimStatus.VERIFIED
    rejected = claims.set_claim_status(store, "CL-9", ClaimStatus.REJECTED, on=TODAY,
                                       reason="Police log reference not found")
    assert rejected.rejected_reason == "Police log reference not found"
    with pytest.raises(ValidationError, match="cannot become verified"):
        claims.set_claim_status(store, "CL-9", ClaimStatus.VERIFIED, on=TODAY)


def test_a_correction_is_a_new_version_superseding_the_old(store: CaseloadStore) -> None:
    family_id, _, _ = ready_family(store)
    first = claims.submit_claim(store, family_id, claim_reference="CL-10", on=TODAY)
    claims.set_claim_status(store, "CL-10", ClaimStatus.REJECTED, on=TODAY,
                            reason="wrong quarter")
    second = claims.correct_claim(store, "CL-10", on=date(2026, 10, 2),
                                  new_reference="CL-10A")
    assert (second.version, second.supersedes_id, second.quarter) == (2, first.id, "2026Q4")
    with store.read() as session:
        old = session.get(OutcomeClaimRow, first.id)
        assert old is not None and old.status == "superseded"
    q3 = claims.claims_list(store, Quarter(2026, 3), today=date(2026, 10, 3))
    q4 = claims.claims_list(store, Quarter(2026, 4), today=date(2026, 10, 3))
    assert q3 == []  # the superseded version is not listed; the family is claimed, not ready
    assert [(line.state, line.claim_reference, line.version) for line in q4] == [
        ("claimed", "CL-10A", 2)]


def test_employment_claims_on_its_own_and_the_list_shows_ready(store: CaseloadStore) -> None:
    family_id, mum, child = make_family(store)
    # 26 weeks from Monday 2 February 2026 end on Sunday 2 August 2026.
    outcome_evidence.record_employment(store, family_id, person_id=mum, started_on=date(2026, 2, 2),
                                       benefit_ended_on=date(2026, 2, 1), hours_per_week=20,
                                       source="Payslips", today=TODAY)
    with pytest.raises(ValidationError, match="adults"):
        outcome_evidence.record_employment(store, family_id, person_id=child,
                                           started_on=date(2026, 2, 2), hours_per_week=20,
                                           source="Payslips", today=TODAY)
    listed = claims.claims_list(store, Quarter(2026, 3), today=TODAY)
    assert [(line.state, line.route, line.on) for line in listed] == [
        ("ready", ClaimRoute.CONTINUOUS_EMPLOYMENT, date(2026, 8, 2))]
    claim = claims.submit_claim(store, family_id, claim_reference="EMP-1",
                                route=ClaimRoute.CONTINUOUS_EMPLOYMENT, person_id=mum,
                                on=TODAY)
    with store.read() as session:
        row = session.get(OutcomeClaimRow, claim.id)
        assert row is not None
        assert row.snapshot["employment"][0]["met_on"] == "2026-08-02"
        assert row.snapshot["problems"] == [] and len(row.snapshot["spells"]) == 1
    assert [line.state for line in claims.claims_list(store, Quarter(2026, 3),
                                                      today=TODAY)] == ["claimed"]


def test_bad_readings_are_refused(store: CaseloadStore) -> None:
    family_id, _, _ = make_family(store)
    for kwargs, message in (({"value": "lots"}, "not a number"),
                            ({"measure_key": "astrology"}, "not a measure"),
                            ({"period_end": date(2026, 9, 1)}, "not ended"),
                            ({"source": " "}, "source is needed")):
        values = {"measure_key": "no-offences", "period_end": date(2026, 1, 31),
                  "value": "0", "source": "Police log", **kwargs}
        with pytest.raises(ValidationError, match=message):
            outcome_evidence.record_reading(store, family_id, today=TODAY, **values)  # type: ignore[arg-type]


def test_a_councils_copy_beside_the_caseload_is_used(store: CaseloadStore,
                                                     data_dir: Path) -> None:
    shipped = (resources_dir() / "criteria" / "outcome_plan_example.json").read_text()
    copy = data_dir / "outcome_plan.json"
    copy.write_text(shipped.replace('"name": "Example outcome plan',
                                    '"name": "Our council plan'))
    assert outcome_evidence.outcome_plan(store).name.startswith("Our council plan")
    copy.write_text(shipped.replace('"kind": "none-for-period"', '"kind": "never"', 1))
    with pytest.raises(PlanError, match=r"line \d+: measure 'no-child-protection'"):
        outcome_evidence.outcome_plan(store)


def test_every_queued_claim_reading_and_spell_fits_the_sync_row_schema(
        store: CaseloadStore) -> None:
    # What the server accepts: the frozen snapshot is plain JSON within the schema's limits.
    family_id, mum, _ = ready_family(store)
    outcome_evidence.record_employment(store, family_id, person_id=mum, started_on=date(2026, 2, 2),
                                       benefit_ended_on=date(2026, 2, 1), hours_per_week=20,
                                       source="Payslips", today=TODAY)
    claims.submit_claim(store, family_id, claim_reference="CL-SYNC", on=TODAY)
    claims.set_claim_status(store, "CL-SYNC", ClaimStatus.VERIFIED, on=TODAY)
    claims.correct_claim(store, "CL-SYNC", on=TODAY, new_reference="CL-SYNC-2")
    with store.read() as session:
        queued = session.exec(select(OutboxRow).where(col(OutboxRow.table_name).in_(
            ["outcome_claim", "measure_reading", "employment_spell"]))).all()
    assert {q.table_name for q in queued} == {"outcome_claim", "measure_reading",
                                              "employment_spell"}
    for op in queued:
        check_fields(op.table_name, op.fields, complete=op.kind == "insert")
