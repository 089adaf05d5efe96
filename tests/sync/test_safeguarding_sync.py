"""Safeguarding concerns sync (docs/safeguarding.md): a concern raised on the worker's laptop
reaches the supervisor's, first in the team view; the supervisor's decision and outcome come
back to the worker's laptop with the child's flag."""

from datetime import UTC, date, datetime
from pathlib import Path

from tests.sync.helpers import Server, add_family, enrolled, sync, worker_and_supervisor

from familyworker.domain.person import PersonFlag
from familyworker.services import families, safeguarding
from familyworker.services.my_week import WeekItemKind, my_week
from familyworker.services.team_review import Attention, team_overview
from familyworker.store.mapping import person_from_row
from familyworker.store.tables import PersonRow, SafeguardingConcernRow


def test_a_concern_reaches_the_supervisor_first_and_the_decision_comes_back(
        server: Server, tmp_path: Path) -> None:
    ann, sue = worker_and_supervisor(server)
    ann_laptop = enrolled(server, tmp_path / "ann", ann, fast=True)
    sue_laptop = enrolled(server, tmp_path / "sue", sue, fast=True)
    family_id = add_family(ann_laptop, "FAM-S1", "Okafor")
    child = families.add_person(ann_laptop, family_id, name="Tobi", relationship="child")
    concern = safeguarding.raise_concern(
        ann_laptop, family_id=family_id, about_person_id=child.id,
        seen_or_heard="Tobi said he is scared to go home",
        immediate_action="Spoke to the school's safeguarding lead")
    assert [i.kind for i in my_week(ann_laptop).items][:1] == [WeekItemKind.CONCERN]
    assert sync(ann_laptop, server).rejected == 0
    sync(sue_laptop, server)

    with sue_laptop.read() as session:
        row = session.get(SafeguardingConcernRow, concern.id)
        assert row is not None and row.raised_by == ann and row.family_id == family_id
    overview = team_overview(sue_laptop, now=datetime.now(UTC))
    assert next(iter(overview.items)) is Attention.CONCERN
    assert [(i.family_id, i.reference) for i in overview.of(Attention.CONCERN)] == [
        (family_id, "FAM-S1")]
    assert "scared" not in overview.of(Attention.CONCERN)[0].detail

    today = date.today()
    safeguarding.record_decision(sue_laptop, concern.id, decision="referral-to-social-care",
                                 referral_to="MASH", referral_on=today,
                                 outcome="child-in-need", outcome_on=today)
    assert sync(sue_laptop, server).rejected == 0
    sync(ann_laptop, server)
    [history] = safeguarding.family_concerns(ann_laptop, family_id)
    assert history.state() == "Referral to children's social care (MASH) — Child in need"
    assert history.current is not None and history.current.decided_by == sue
    assert not any(i.kind is WeekItemKind.CONCERN for i in my_week(ann_laptop).items)
    with ann_laptop.read() as session:
        person = person_from_row(session.get(PersonRow, child.id))  # type: ignore[arg-type]
    assert person.flags == (PersonFlag.CHILD_IN_NEED,) and \
        person.since(PersonFlag.CHILD_IN_NEED) == today
    assert team_overview(sue_laptop).of(Attention.CONCERN) == ()
    for store in (ann_laptop, sue_laptop):
        store.lock()
