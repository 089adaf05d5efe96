"""Team view facts, the review queue, oversight notes and re-allocation over a synced team."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select
from tests.reports.helpers import pdf_text
from tests.sync.helpers import Server, add_family, add_note, enrolled, sync

from familyworker.domain.contact import NoteKind
from familyworker.domain.errors import ValidationError
from familyworker.domain.family import ClosureReason, FamilyStatus
from familyworker.domain.plan import Plan
from familyworker.services import allocation, families, notes, plans, printing, stars
from familyworker.services.oversight import add_oversight_note
from familyworker.services.programme import default_star_template
from familyworker.services.review_queue import changes_since_review, mark_reviewed
from familyworker.services.team_review import (
    SETTING_THRESHOLDS,
    Attention,
    Thresholds,
    load_thresholds,
    save_thresholds,
    team_overview,
)
from familyworker.services.team_roles import NotAManager
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import FamilyRow, OutboxRow, OversightNoteRow

TODAY = date.today()


@dataclass
class Team:
    server: Server
    team_id: str
    ann_id: str
    bob_id: str
    ann: CaseloadStore
    bob: CaseloadStore
    sue: CaseloadStore  # the supervisor
    refs: dict[str, str]  # reference -> family id

    def sync_all(self) -> None:
        for store in (self.ann, self.bob, self.sue):
            sync(store, self.server)


def _open(store: CaseloadStore, reference: str, *, weeks_ago: int) -> str:
    fid = add_family(store, reference, f"Household {reference}")
    families.change_status(store, fid, FamilyStatus.OPEN,
                           on=TODAY - timedelta(weeks=weeks_ago))
    return fid


def _contact(store: CaseloadStore, fid: str, *, days_ago: int, finalise: bool = True) -> str:
    return notes.save_note(store, family_id=fid, kind=NoteKind.HOME_VISIT,
                           occurred_at=datetime.now(UTC) - timedelta(days=days_ago),
                           narrative="Visit.", finalise=finalise).id


def _star(store: CaseloadStore, fid: str, *, weeks_ago: int) -> None:
    template = default_star_template()
    stars.score_star(store, family_id=fid, scores={d.key: 5 for d in template.domains},
                     assessed_on=TODAY - timedelta(weeks=weeks_ago))


@pytest.fixture
def team(sqlite_server: Server, tmp_path: Path) -> Iterator[Team]:
    server = sqlite_server
    team_id = server.team("North")
    ann_id, bob_id = server.worker("Ann", team_id), server.worker("Bob", team_id)
    sue_id = server.worker("Sue", team_id, role="supervisor")
    ann = enrolled(server, tmp_path / "ann", ann_id)
    bob = enrolled(server, tmp_path / "bob", bob_id)
    sue = enrolled(server, tmp_path / "sue", sue_id)
    refs: dict[str, str] = {}
    # FAM-1: open 20 weeks, last contact 40 days ago, never scored.
    refs["FAM-1"] = _open(ann, "FAM-1", weeks_ago=20)
    _contact(ann, refs["FAM-1"], days_ago=40)
    # FAM-2: open 2 weeks, seen yesterday, scored this week, a draft note started now.
    refs["FAM-2"] = _open(ann, "FAM-2", weeks_ago=2)
    _contact(ann, refs["FAM-2"], days_ago=1)
    _star(ann, refs["FAM-2"], weeks_ago=0)
    _contact(ann, refs["FAM-2"], days_ago=0, finalise=False)
    # FAM-3 (Bob): plan agreed 15 weeks ago, review 1 week overdue; star 13 weeks old.
    refs["FAM-3"] = _open(bob, "FAM-3", weeks_ago=15)
    _contact(bob, refs["FAM-3"], days_ago=3)
    _star(bob, refs["FAM-3"], weeks_ago=13)
    plan = Plan(id="plan-fam-3", family_id=refs["FAM-3"], version=1,
                worried_about="School attendance.")
    plans.agree_plan(bob, plan, on=TODAY - timedelta(weeks=15),
                     review_due=TODAY - timedelta(weeks=1))
    # FAM-4 (Bob): closed 28 weeks ago: only its sustainability review is due.
    refs["FAM-4"] = _open(bob, "FAM-4", weeks_ago=30)
    families.close_case(bob, refs["FAM-4"], reason=ClosureReason.OUTCOMES_ACHIEVED,
                        on=TODAY - timedelta(weeks=28))
    made = Team(server, team_id, ann_id, bob_id, ann, bob, sue, refs)
    made.sync_all()
    yield made
    for store in (ann, bob, sue):
        store.lock()


def refs_of(items: tuple[object, ...]) -> list[str]:
    return sorted(getattr(item, "reference") for item in items)  # noqa: B009


def test_overview_shows_each_workers_caseload_and_every_overdue_list(team: Team) -> None:
    later = datetime.now(UTC) + timedelta(hours=49)  # the draft is now over 48 hours old
    view = team_overview(team.sue, now=later)
    loads = {w.name: (w.active, w.closed) for w in view.workers}
    assert loads == {"Ann": (2, 0), "Bob": (1, 1), "Sue": (0, 0)}
    assert refs_of(view.of(Attention.NO_CONTACT)) == ["FAM-1"]
    assert refs_of(view.of(Attention.OPEN_TOO_LONG)) == ["FAM-1"]
    assert refs_of(view.of(Attention.STAR_RESCORE)) == ["FAM-1", "FAM-3"]
    assert refs_of(view.of(Attention.PLAN_REVIEW)) == ["FAM-3"]
    assert refs_of(view.of(Attention.OLD_DRAFT)) == ["FAM-2"]
    assert view.of(Attention.CONFLICT) == ()
    # Closed 28 weeks ago: the 6-month sustainability review is due (and it is not active).
    assert refs_of(view.of(Attention.SUSTAINABILITY)) == ["FAM-4"]
    assert view.of(Attention.SUSTAINABILITY)[0].worker_name == "Bob"
    draft = view.of(Attention.OLD_DRAFT)[0]
    assert draft.worker_name == "Ann" and "1 draft note" in draft.detail
    assert "Visit" not in " ".join(i.detail for items in view.items.values() for i in items)
    # Right now the draft is fresh: the 48-hour rule does not fire yet.
    assert team_overview(team.sue).of(Attention.OLD_DRAFT) == ()


def test_thresholds_are_settings_with_defaults_and_bad_values_are_refused(team: Team) -> None:
    assert load_thresholds(team.sue) == Thresholds(28, 12, 48, 16)
    save_thresholds(team.sue, Thresholds(no_contact_days=60, star_rescore_weeks=14,
                                         draft_hours=48, open_weeks=21))
    view = team_overview(team.sue)
    assert view.of(Attention.NO_CONTACT) == ()  # 40 days is within 60
    assert refs_of(view.of(Attention.STAR_RESCORE)) == ["FAM-1"]  # 13 weeks is within 14
    assert view.of(Attention.OPEN_TOO_LONG) == ()
    with pytest.raises(ValidationError, match="No contact days"):
        Thresholds(no_contact_days=0)
    team.sue.set_setting(SETTING_THRESHOLDS, {"no_contact_days": "soon"})
    assert load_thresholds(team.sue) == Thresholds()  # a damaged setting never blocks the view


def test_conflicts_show_for_the_family(team: Team, tmp_path: Path) -> None:
    fid = team.refs["FAM-2"]
    tablet = enrolled(team.server, tmp_path / "ann-tablet", team.ann_id)
    try:
        sync(tablet, team.server)
        families.update_family(team.ann, fid, postcode="LS1 1AA")
        families.update_family(tablet, fid, postcode="LS2 2BB")
        sync(team.ann, team.server)
        sync(tablet, team.server)
        sync(team.sue, team.server)
    finally:
        tablet.lock()
    items = team_overview(team.sue).of(Attention.CONFLICT)
    assert refs_of(items) == ["FAM-2"] and items[0].detail == "1 unresolved sync conflict"


def test_review_queue_lists_changes_by_kind_until_marked_reviewed(team: Team) -> None:
    queue = {c.reference: c for c in changes_since_review(team.sue)}
    assert sorted(queue) == ["FAM-1", "FAM-2", "FAM-3", "FAM-4"]
    assert all(c.reviewed_at is None for c in queue.values())
    assert dict(queue["FAM-3"].kinds)["plan"] >= 1 and "star" in dict(queue["FAM-3"].kinds)
    for change in queue.values():
        mark_reviewed(team.sue, change.family_id, change.up_to_seq)
    assert changes_since_review(team.sue) == []

    add_note(team.ann, team.refs["FAM-1"], "Second visit.")
    families.add_person(team.bob, team.refs["FAM-3"], name="New Baby")
    team.sync_all()
    queue = {c.reference: c for c in changes_since_review(team.sue)}
    assert sorted(queue) == ["FAM-1", "FAM-3"]
    assert queue["FAM-1"].kinds == (("notes", 1),)
    assert queue["FAM-3"].kinds == (("household", 1),)
    assert queue["FAM-1"].reviewed_at is not None
    # The supervisor's own oversight note is not news to the supervisor.
    mark_reviewed(team.sue, team.refs["FAM-1"], queue["FAM-1"].up_to_seq)
    add_oversight_note(team.sue, family_id=team.refs["FAM-1"], decision="Step up visits.")
    sync(team.sue, team.server)
    assert [c.reference for c in changes_since_review(team.sue)] == ["FAM-3"]
    # A mark never moves backwards (an older queue still on screen).
    mark_reviewed(team.sue, team.refs["FAM-3"], queue["FAM-3"].up_to_seq)
    mark_reviewed(team.sue, team.refs["FAM-3"], 1)
    assert changes_since_review(team.sue) == []


def test_oversight_note_reaches_the_workers_device(team: Team) -> None:
    fid = team.refs["FAM-1"]
    due = TODAY + timedelta(days=14)
    note = add_oversight_note(team.sue, family_id=fid, decision="Keep open; step up visits.",
                              actions="Weekly visits\nChase school", review_due=due)
    sync(team.sue, team.server)
    team.sync_all()
    with team.ann.read() as session:
        rows = session.exec(select(OversightNoteRow)).all()
    assert [(r.id, r.decision, r.actions, r.review_due) for r in rows] == [
        (note.id, "Keep open; step up visits.", "Weekly visits\nChase school", due)]
    sue_id = team.sue.worker_id
    assert rows[0].supervisor_id == sue_id
    with team.bob.read() as session:  # not Bob's family: never reaches his device
        assert session.exec(select(OversightNoteRow)).all() == []
    # The worker's printed chronology carries the decision.
    _fid, pdf = printing.render_report(team.ann, printing.ReportKind.CHRONOLOGY, family_id=fid)
    text = pdf_text(pdf)
    assert "Management oversight" in text and "Keep open; step up visits." in text


def test_oversight_needs_a_manager_a_decision_and_a_future_review(team: Team) -> None:
    fid = team.refs["FAM-1"]
    with pytest.raises(NotAManager):
        add_oversight_note(team.ann, family_id=fid, decision="I decide.")
    with pytest.raises(ValidationError, match="records a decision"):
        add_oversight_note(team.sue, family_id=fid, decision="   ")
    with pytest.raises(ValidationError, match="past"):
        add_oversight_note(team.sue, family_id=fid, decision="Close.",
                           review_due=TODAY - timedelta(days=1))
    for store in (team.ann, team.sue):
        with store.read() as session:
            assert session.exec(select(OversightNoteRow)).all() == []
            assert session.exec(select(OutboxRow).where(
                OutboxRow.table_name == "oversight_note")).all() == []


def test_reallocation_is_checked_before_anything_is_written(team: Team) -> None:
    fid = team.refs["FAM-1"]
    leads = allocation.lead_workers(team.sue, team_id=team.team_id)
    assert [w.name for w in leads] == ["Ann", "Bob", "Sue"]
    with pytest.raises(NotAManager):
        allocation.reallocate(team.ann, family_id=fid, worker_id=team.bob_id)
    with pytest.raises(ValidationError, match="already leads"):
        allocation.reallocate(team.sue, family_id=fid, worker_id=team.ann_id)
    with pytest.raises(ValidationError, match="worker of the team"):
        allocation.reallocate(team.sue, family_id=fid, worker_id="no-such-worker")
    with team.sue.read() as session:
        assert session.exec(select(OutboxRow).where(OutboxRow.table_name == "family")).all() \
            == []
    allocation.reallocate(team.sue, family_id=fid, worker_id=team.bob_id)
    sync(team.sue, team.server)
    team.sync_all()
    assert fid not in _family_ids(team.ann)
    assert fid in _family_ids(team.bob)


def _family_ids(store: CaseloadStore) -> set[str]:
    with store.read() as session:
        return {r.id for r in session.exec(select(FamilyRow)).all()}


def test_a_child_on_a_plan_puts_the_family_on_the_team_view(team: Team) -> None:
    """Flags feed the supervisor's view: a child on a child protection plan (with its day)
    lists the family under "On plans", naming the flag and never the child."""
    assert team_overview(team.sue).of(Attention.STATUTORY) == ()
    child = families.add_person(team.ann, team.refs["FAM-2"], name="Robin Example",
                                date_of_birth=date(2018, 4, 1))
    families.update_person(team.ann, child.id,
                           flags={"child-protection-plan": TODAY - timedelta(days=30)})
    team.sync_all()
    [item] = team_overview(team.sue).of(Attention.STATUTORY)
    assert (item.reference, item.since) == ("FAM-2", TODAY - timedelta(days=30))
    assert item.detail == "Child protection plan" and "Robin" not in item.detail
