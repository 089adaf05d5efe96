"""Use-cases over a real encrypted caseload: one transaction per call, outbox + audit, no leaks."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from familyworker.domain.contact import NoteKind, NoteStatus
from familyworker.domain.errors import ImmutableRecord, ValidationError
from familyworker.domain.family import ClosureReason, FamilyStatus
from familyworker.domain.plan import Action, Goal, PlanStatus
from familyworker.services import families, notes, plans, stars
from familyworker.services.caseload import list_caseload
from familyworker.services.demo import import_demo
from familyworker.services.errors import FamilyNotFound
from familyworker.services.family_file import load_family_file
from familyworker.services.importing import ImportRejected, import_cohort
from familyworker.services.programme import default_star_template
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR
from familyworker.store.tables import SYNCED_TABLES, AuditEventRow, FamilyRow, OutboxRow

PASSPHRASE = "a long test passphrase"
CANARY = "Zqxjvandercanary"  # a household name that must never reach an audit event
TODAY = date(2024, 6, 1)
HEADER = "reference,household_name,postcode,address,locality,criteria,members\n"


@pytest.fixture
def store(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[CaseloadStore]:
    opened = CaseloadStore.create(tmp_path / "c", PASSPHRASE, kdf=KDF_FLOOR)
    request.addfinalizer(opened.lock)
    yield opened


@pytest.fixture
def family(store: CaseloadStore):
    return families.add_family(store, reference="FAM-0001",
                               household_name=f"The {CANARY} family", postcode="ls1 4ab",
                               referred_on=date(2024, 5, 1))


def snapshot(store: CaseloadStore) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to show that a failed call wrote nothing."""
    connection = store.raw_connection()
    try:
        names = [*SYNCED_TABLES, "sync_outbox", "local_setting"]
        return {name: sorted(map(tuple, connection.execute(f"SELECT * FROM {name}").fetchall()),
                             key=repr)
                for name in names}
    finally:
        connection.close()


def outbox(store: CaseloadStore) -> list[OutboxRow]:
    with store.read() as session:
        return list(session.exec(select(OutboxRow).order_by(OutboxRow.seq)).all())


def audits(store: CaseloadStore) -> list[AuditEventRow]:
    with store.read() as session:
        return list(session.exec(select(AuditEventRow)).all())


def assert_writes(store: CaseloadStore, call, *, tables: set[str]) -> Any:
    """Run `call`; it must add outbox rows for `tables` and audit events, all in one unit."""
    before_out = {o.op_id for o in outbox(store)}
    before_audit = {a.id for a in audits(store)}
    result = call()
    new_out = [o for o in outbox(store) if o.op_id not in before_out]
    new_audit = [a for a in audits(store) if a.id not in before_audit]
    assert new_audit, "the call wrote no audit event"
    assert tables <= {o.table_name for o in new_out}
    # every changed row and every audit event is queued for sync
    assert {a.id for a in new_audit} == {o.row_id for o in new_out
                                         if o.table_name == "audit_event"}
    changed = {(o.table_name, o.row_id) for o in new_out if o.table_name != "audit_event"}
    assert changed == {(a.entity, a.entity_id) for a in new_audit}
    # one transaction: one unit-of-work time on every row it wrote
    assert len({o.created_at for o in new_out} | {a.at for a in new_audit}) == 1
    return result


def assert_nothing_written(store: CaseloadStore, call, error: type[Exception]) -> None:
    before = snapshot(store)
    with pytest.raises(error):
        call()
    assert snapshot(store) == before


def _full_scores(value: int = 5) -> dict[str, int]:
    return dict.fromkeys(default_star_template().domain_keys(), value)


# ----- families and the caseload list ----------------------------------------------------------

def test_add_family_is_listed_with_due_and_overdue_facts(store):
    added = assert_writes(store, lambda: families.add_family(
        store, reference="fam-0001", household_name="The Test family", postcode="ls14ab",
        referred_on=date(2024, 5, 1)), tables={"family"})
    assert (added.reference, added.postcode) == ("FAM-0001", "LS1 4AB")
    on_time = list_caseload(store, today=date(2024, 5, 15))
    assert [(s.reference, s.household_name, s.postcode, s.status) for s in on_time] == [
        ("FAM-0001", "The Test family", "LS1 4AB", FamilyStatus.REFERRED)]
    assert on_time[0].next_visit_due == date(2024, 5, 15)  # referred + 14 days
    assert not on_time[0].overdue
    late = list_caseload(store, today=date(2024, 5, 16))[0]
    assert late.visit_overdue and late.overdue
    assert late.pending_changes >= 1

    # a contact moves the next visit on; an oversight note does not count as contact
    notes.save_note(store, family_id=added.id, kind=NoteKind.HOME_VISIT,
                    occurred_at=datetime(2024, 5, 20, 10, tzinfo=UTC), narrative="Visited.",
                    finalise=True)
    notes.save_note(store, family_id=added.id, kind=NoteKind.OVERSIGHT,
                    occurred_at=datetime(2024, 5, 30, 10, tzinfo=UTC), narrative="Reviewed.",
                    finalise=True)
    summary = list_caseload(store, today=date(2024, 6, 3))[0]
    assert summary.last_contact_on == date(2024, 5, 20)
    assert summary.next_visit_due == date(2024, 6, 3)
    assert not summary.overdue
    assert list_caseload(store, today=date(2024, 6, 4))[0].visit_overdue


def test_explicit_visit_date_wins_and_closed_cases_are_never_overdue(store, family):
    families.update_family(store, family.id, next_visit_due=date(2024, 7, 1))
    assert list_caseload(store, today=TODAY)[0].next_visit_due == date(2024, 7, 1)
    families.close_case(store, family.id, reason=ClosureReason.OUTCOMES_ACHIEVED,
                        on=date(2024, 5, 2))
    closed = list_caseload(store, today=date(2030, 1, 1))[0]
    assert closed.status is FamilyStatus.CLOSED
    assert closed.next_visit_due is None and not closed.overdue


def test_a_duplicate_reference_or_bad_family_writes_nothing(store, family):
    assert_nothing_written(store, lambda: families.add_family(
        store, reference="fam-0001", household_name="Other", postcode="LS2 7AA"),
        ValidationError)
    assert_nothing_written(store, lambda: families.add_family(
        store, reference="FAM-0002", household_name="Other", postcode="not a postcode"),
        ValidationError)
    assert_nothing_written(store, lambda: families.update_family(
        store, family.id, postcode="nowhere"), ValidationError)
    assert_nothing_written(store, lambda: families.update_family(
        store, family.id, reference="FAM-9"), ValidationError)
    assert_nothing_written(store, lambda: families.add_person(
        store, "no-such-family", name="Sam"), FamilyNotFound)


def test_every_service_call_writes_outbox_and_audit_and_audit_never_names_the_family(store):
    fam = assert_writes(store, lambda: families.add_family(
        store, reference="FAM-0001", household_name=f"The {CANARY} family",
        postcode="LS1 4AB", address=f"1 {CANARY} Street"), tables={"family"})
    assert_writes(store, lambda: families.update_family(
        store, fam.id, household_name=f"{CANARY} household", locality="Larchfield"),
        tables={"family"})
    person = assert_writes(store, lambda: families.add_person(
        store, fam.id, name=f"Robin {CANARY}", relationship="Mum"), tables={"person"})
    assert_writes(store, lambda: families.update_person(store, person.id, relationship="Dad"),
                  tables={"person"})
    assert_writes(store, lambda: families.add_agency(store, fam.id, agency="School"),
                  tables={"agency_involvement"})
    assert_writes(store, lambda: families.add_need(store, fam.id, criterion_key="health",
                                                   evidence=f"{CANARY} evidence"),
                  tables={"family_criterion"})
    note = assert_writes(store, lambda: notes.save_note(
        store, family_id=fam.id, kind=NoteKind.PHONE, occurred_at=datetime.now(UTC),
        narrative=f"Spoke to {CANARY}."), tables={"contact_note"})
    assert_writes(store, lambda: notes.finalise_note(store, note.id), tables={"contact_note"})
    assert_writes(store, lambda: notes.add_addendum(store, note.id, f"Also {CANARY}."),
                  tables={"note_addendum"})
    assert_writes(store, lambda: stars.score_star(store, family_id=fam.id,
                                                  scores=_full_scores(),
                                                  family_words=f"{CANARY} words"),
                  tables={"star_assessment"})
    draft = plans.new_draft_plan(store, fam.id)
    draft = draft.edit(worried_about=f"{CANARY} worries", goals=(
        Goal(id="g-1", text="Calmer mornings", actions=(
            Action(id="a-1", what="Bedtime routine", who="Mum"),)),))
    assert_writes(store, lambda: plans.save_plan(store, draft),
                  tables={"plan", "plan_goal", "plan_action"})
    assert_writes(store, lambda: plans.agree_plan(store, draft, on=TODAY), tables={"plan"})
    assert_writes(store, lambda: families.change_status(store, fam.id, FamilyStatus.OPEN,
                                                        on=TODAY), tables={"family"})
    assert_writes(store, lambda: families.close_case(store, fam.id,
                                                     reason=ClosureReason.MOVED_AWAY, on=TODAY),
                  tables={"family"})

    events = audits(store)
    assert len(events) >= 14
    for event in events:
        text = " ".join(str(v) for v in event.model_dump().values())
        assert CANARY.casefold() not in text.casefold()
    # the queued copies of the audit events carry no case content either
    for row in outbox(store):
        if row.table_name == "audit_event":
            assert CANARY.casefold() not in repr(row.fields).casefold()
    # the update's audit names only the fields changed
    updates = [e for e in events if e.action == "update" and e.entity == "family"]
    assert any(e.detail == "fields=household_name,locality" for e in updates)


# ----- notes -----------------------------------------------------------------------------------

def test_note_draft_finalise_then_immutable_then_addendum(store, family):
    draft = notes.save_note(store, family_id=family.id, kind=NoteKind.HOME_VISIT,
                            occurred_at=datetime(2024, 5, 3, 9, tzinfo=UTC),
                            narrative="First words")
    assert draft.status is NoteStatus.DRAFT
    edited = notes.edit_note(store, draft.id, narrative="Better words")
    assert edited.narrative == "Better words"
    final = notes.finalise_note(store, draft.id)
    assert final.is_final and final.narrative == "Better words"

    assert_nothing_written(store, lambda: notes.edit_note(store, draft.id, narrative="Changed"),
                           ImmutableRecord)
    assert_nothing_written(store, lambda: notes.save_note(
        store, family_id=family.id, kind=NoteKind.HOME_VISIT, occurred_at=final.occurred_at,
        narrative="Sneaky", note_id=draft.id), ImmutableRecord)
    assert_nothing_written(store, lambda: notes.finalise_note(store, draft.id), ImmutableRecord)
    assert_nothing_written(store, lambda: notes.delete_draft_note(store, draft.id),
                           ImmutableRecord)

    addendum = notes.add_addendum(store, draft.id, "Mum rang to add a detail.")
    file = load_family_file(store, family_id=family.id)
    assert [n.narrative for n in file.notes] == ["Better words"]
    assert file.notes[0].is_final
    assert [a.text for a in file.addenda_for(draft.id)] == ["Mum rang to add a detail."]
    assert file.addenda_for(draft.id)[0].id == addendum.id


def test_addendum_on_a_draft_writes_nothing(store, family):
    draft = notes.save_note(store, family_id=family.id, kind=NoteKind.PHONE,
                            occurred_at=datetime(2024, 5, 3, 9, tzinfo=UTC), narrative="Draft")
    assert_nothing_written(store, lambda: notes.add_addendum(store, draft.id, "Addendum"),
                           ValidationError)
    notes.delete_draft_note(store, draft.id)
    assert load_family_file(store, family_id=family.id).notes == ()


# ----- stars -----------------------------------------------------------------------------------

def test_score_star_with_missing_domain_or_score_of_eleven_writes_nothing(store, family):
    scores = _full_scores()
    missing = dict(scores)
    missing.pop(next(iter(missing)))
    assert_nothing_written(store, lambda: stars.score_star(store, family_id=family.id,
                                                           scores=missing), ValidationError)
    eleven = {**scores, next(iter(scores)): 11}
    assert_nothing_written(store, lambda: stars.score_star(store, family_id=family.id,
                                                           scores=eleven), ValidationError)
    assert_nothing_written(store, lambda: stars.score_star(
        store, family_id=family.id, scores={**scores, "astrology": 5}), ValidationError)
    assert_nothing_written(store, lambda: stars.score_star(
        store, family_id="no-such-family", scores=scores), FamilyNotFound)

    first = stars.score_star(store, family_id=family.id, scores=_full_scores(3),
                             assessed_on=date(2024, 5, 2))
    stars.score_star(store, family_id=family.id, scores=_full_scores(7),
                     assessed_on=date(2024, 8, 2))
    file = load_family_file(store, family_id=family.id)
    assert [s.assessed_on for s in file.stars] == [date(2024, 5, 2), date(2024, 8, 2)]
    assert file.stars[0].as_mapping() == first.as_mapping()
    assert file.latest_star is not None and set(file.latest_star.as_mapping().values()) == {7}


# ----- plans -----------------------------------------------------------------------------------

def _plan_with_goal(store, family_id):
    draft = plans.new_draft_plan(store, family_id)
    return draft.edit(working_well="Grandma helps", goals=(
        Goal(id="goal-1", text="Children at school on time", star_domain_key="learning",
             actions=(Action(id="act-1", what="Set alarms", who="Mum"),
                      Action(id="act-2", what="Walk together", who="Worker"))),))


def test_plan_save_agree_then_saving_again_raises(store, family):
    draft = _plan_with_goal(store, family.id)
    assert draft.version == 1
    plans.save_plan(store, draft)
    agreed = plans.agree_plan(store, draft, on=TODAY)
    assert agreed.is_agreed and agreed.review_due == TODAY + timedelta(weeks=12)
    assert_nothing_written(store, lambda: plans.save_plan(store, draft), ImmutableRecord)
    assert_nothing_written(store, lambda: plans.save_plan(store, agreed), ImmutableRecord)
    assert_nothing_written(store, lambda: plans.save_plan(
        store, draft.edit(working_well="Changed after agreement")), ImmutableRecord)
    assert_nothing_written(store, lambda: plans.agree_plan(store, draft, on=TODAY),
                           ImmutableRecord)
    stored = plans.current_plan(store, family.id)
    assert stored is not None and stored.is_agreed and stored.working_well == "Grandma helps"
    # the caseload list now takes its review date from the agreed plan
    summary = list_caseload(store, today=TODAY + timedelta(weeks=12, days=1))[0]
    assert summary.review_due == TODAY + timedelta(weeks=12) and summary.review_overdue


def test_agree_and_start_new_version_copies_goals_with_fresh_ids(store, family):
    draft = _plan_with_goal(store, family.id)
    agreed, nxt = plans.agree_and_start_new_version(store, draft, on=TODAY)
    assert agreed.status is PlanStatus.AGREED and agreed.version == 1
    assert nxt.version == 2 and nxt.status is PlanStatus.DRAFT and nxt.agreed_on is None
    assert nxt.working_well == "Grandma helps"
    assert [(g.text, [(a.what, a.who) for a in g.actions]) for g in nxt.goals] == [
        ("Children at school on time", [("Set alarms", "Mum"), ("Walk together", "Worker")])]
    old_ids = {"goal-1", "act-1", "act-2", agreed.id}
    assert not old_ids & ({nxt.id} | {g.id for g in nxt.goals}
                          | {a.id for g in nxt.goals for a in g.actions})
    plans.save_plan(store, nxt.edit(family_words="We are doing better"))
    file = load_family_file(store, family_id=family.id)
    assert [(p.version, p.status) for p in file.plans] == [(1, PlanStatus.AGREED),
                                                          (2, PlanStatus.DRAFT)]
    assert file.latest_agreed_plan is not None and file.latest_agreed_plan.id == agreed.id
    assert file.current_plan is not None and file.current_plan.family_words == \
        "We are doing better"
    assert [g.text for g in file.plans[0].goals] == ["Children at school on time"]
    assert [g.text for g in file.plans[1].goals] == ["Children at school on time"]


# ----- closing ---------------------------------------------------------------------------------

def test_close_case_without_reason_raises_and_writes_nothing(store, family):
    assert_nothing_written(store, lambda: families.close_case(store, family.id, reason=None),  # type: ignore[arg-type]
                           ValidationError)
    assert_nothing_written(store, lambda: families.change_status(
        store, family.id, FamilyStatus.CLOSED), ValidationError)
    assert_nothing_written(store, lambda: families.change_status(
        store, family.id, FamilyStatus.STEP_DOWN), ValidationError)
    closed = families.close_case(store, family.id, reason=ClosureReason.DECLINED,
                                 on=date(2024, 5, 2))
    assert (closed.status, closed.closure_reason, closed.closed_on) == (
        FamilyStatus.CLOSED, ClosureReason.DECLINED, date(2024, 5, 2))
    stored = load_family_file(store, family_id=family.id).family
    assert (stored.status, stored.closure_reason, stored.closed_on) == (
        FamilyStatus.CLOSED, ClosureReason.DECLINED, date(2024, 5, 2))


# ----- cohort import ---------------------------------------------------------------------------

def _family_count(store) -> int:
    with store.read() as session:
        return len(session.exec(select(FamilyRow)).all())


def test_import_cohort_imports_everything_when_every_row_is_good(store):
    text = HEADER + (
        "COH-1,The Ash family,NF2 4LT,1 Road,Town,education;health,"
        "Ann Ash|Mum|1990-01-02;Ben Ash|Son|2015-03-04\n"
        "coh-2,The Birch family,nf5 1rw,,,,\n")
    result = assert_writes(store, lambda: import_cohort(store, text),
                           tables={"family", "person", "family_criterion"})
    assert (result.families, result.members, result.references) == (2, 2, ["COH-1", "COH-2"])
    file = load_family_file(store, reference="coh-1")
    assert sorted(p.name for p in file.members) == ["Ann Ash", "Ben Ash"]
    assert sorted(n.criterion_key for n in file.needs) == ["education", "health"]
    assert load_family_file(store, reference="COH-2").family.postcode == "NF5 1RW"


def test_import_cohort_is_all_or_nothing_and_lists_every_bad_line(store):
    text = HEADER + (
        "COH-1,The Ash family,NF2 4LT,,,,\n"          # line 2: good
        "COH-2,,NF2 4LT,,,,\n"                        # line 3: no household name
        "COH-3,The Cedar family,NOT A POSTCODE,,,,\n"  # line 4: bad postcode
        "COH-4,The Dogwood family,NF2 4LT,,,astrology,\n"  # line 5: unknown criterion
        "coh-1,The Elm family,NF2 4LT,,,,\n"          # line 6: duplicate of line 2
        "COH-6,The Fir family,NF2 4LT,,,,Pat Fir|Mum|1990-13-45\n"  # line 7: bad date
        "COH-7,The Gum family,NF2 4LT,,,,\n")         # line 8: good
    before = snapshot(store)
    with pytest.raises(ImportRejected) as caught:
        import_cohort(store, text)
    assert snapshot(store) == before
    problems = {p.line: p.reason for p in caught.value.problems}
    assert sorted(problems) == [3, 4, 5, 6, 7]
    assert "household name" in problems[3]
    assert "postcode" in problems[4]
    assert "astrology" in problems[5]
    assert "duplicate" in problems[6] and "line 2" in problems[6]
    assert "date of birth" in problems[7]
    assert all(str(p).startswith(f"line {p.line}: ") for p in caught.value.problems)
    assert _family_count(store) == 0


def test_import_cohort_rejects_references_already_in_the_caseload(store, family):
    text = HEADER + ("COH-1,The Ash family,NF2 4LT,,,,\n"
                     "FAM-0001,The Other family,NF2 4LT,,,,\n")
    assert_nothing_written(store, lambda: import_cohort(store, text), ImportRejected)
    with pytest.raises(ImportRejected) as caught:
        import_cohort(store, text)
    assert [(p.line, "already in this caseload" in p.reason)
            for p in caught.value.problems] == [(3, True)]
    assert _family_count(store) == 1


def test_import_cohort_missing_required_column_is_line_one(store):
    with pytest.raises(ImportRejected) as caught:
        import_cohort(store, "reference,household_name\nCOH-1,The Ash family\n")
    assert [(p.line, "postcode" in p.reason) for p in caught.value.problems] == [(1, True)]
    assert _family_count(store) == 0


def test_import_cohort_reports_bad_rows_and_caseload_clashes_together(store, family):
    text = HEADER + ("COH-1,,NF2 4LT,,,,\n"                  # line 2: no household name
                     "FAM-0001,The Other family,NF2 4LT,,,,\n")  # line 3: already in caseload
    with pytest.raises(ImportRejected) as caught:
        import_cohort(store, text)
    assert sorted(p.line for p in caught.value.problems) == [2, 3]


def test_import_cohort_reasons_never_echo_personal_data(store):
    text = HEADER + f"COH-1,The {CANARY} family,{CANARY},,,,\n"
    with pytest.raises(ImportRejected) as caught:
        import_cohort(store, text)
    assert CANARY.casefold() not in " ".join(map(str, caught.value.problems)).casefold()
    assert CANARY.casefold() not in str(caught.value).casefold()


# ----- demo and the family file ----------------------------------------------------------------

def test_import_demo_loads_a_full_caseload_and_family_files(store):
    result = import_demo(store, today=TODAY)
    assert result.families >= 30 and result.notes > 0 and result.stars > 0
    caseload = list_caseload(store, today=TODAY)
    assert len(caseload) == result.families
    assert len({s.reference for s in caseload}) == len(caseload)
    assert any(s.overdue for s in caseload)
    statuses = {s.status for s in caseload}
    assert {FamilyStatus.OPEN, FamilyStatus.CLOSED} <= statuses

    totals = {"members": 0, "stars": 0, "plans": 0, "notes": 0}
    for summary in caseload:
        file = load_family_file(store, family_id=summary.id)
        assert file.family.reference == summary.reference
        totals["members"] += len(file.members)
        totals["stars"] += len(file.stars)
        totals["plans"] += len(file.plans)
        totals["notes"] += len(file.notes)
        assert all(p.family_id == summary.id for p in file.members)
        assert [s.assessed_on for s in file.stars] == sorted(s.assessed_on for s in file.stars)
        assert [p.version for p in file.plans] == sorted(p.version for p in file.plans)
        if file.family.status is FamilyStatus.CLOSED:
            assert file.family.closure_reason is not None
    assert all(totals.values()), totals
    assert totals["stars"] == result.stars and totals["notes"] == result.notes
    # loading the demo again fails as a whole: nothing of the second attempt is written
    assert_nothing_written(store, lambda: import_demo(store, today=TODAY), Exception)


def test_loading_the_demo_twice_is_a_plain_validation_error(store):
    import_demo(store, today=TODAY)
    with pytest.raises(ValidationError):
        import_demo(store, today=TODAY)


def test_unknown_reference_raises_family_not_found(store):
    with pytest.raises(FamilyNotFound):
        load_family_file(store, reference="NOPE-1")


def test_update_family_takes_script_text_and_rejects_bad_values(store: CaseloadStore) -> None:
    family = families.add_family(store, reference="FAM-0500", household_name="Text family",
                                 postcode="LS1 4AB")
    changed = families.update_family(store, family.id, next_visit_due="2031-02-03",
                                     status="open", consent_given_on="2031-01-01")
    assert set(changed) >= {"next_visit_due", "status", "opened_on", "consent_given_on"}
    file = load_family_file(store, family_id=family.id)
    assert file.family.next_visit_due == date(2031, 2, 3)
    assert file.family.consent is not None and file.family.consent.given_on == date(2031, 1, 1)
    for bad in ({"next_visit_due": "3 Feb"}, {"status": "vanished"},
                {"status": "closed"}, {"reference": "FAM-9"}):
        assert_nothing_written(store, lambda bad=bad: families.update_family(
            store, family.id, **bad), ValidationError)
    families.update_family(store, family.id, status="closed", closure_reason="moved-out-of-area")
    assert load_family_file(store, family_id=family.id).family.status.value == "closed"
