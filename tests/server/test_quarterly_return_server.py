"""The quarterly return on the server (`familyworker-server report return`) gives the same
figures, and the same CSV, as the app's return on the caseload that synced them."""

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select
from tests.sync.helpers import Server, enrolled, sync

from familyworker.domain.family import ClosureReason, FamilyStatus, InterventionLevel
from familyworker.domain.ids import new_id
from familyworker.domain.person import Sex
from familyworker.domain.quarter import Quarter
from familyworker.domain.quarterly_return import return_csv
from familyworker.services import families, outcome_evidence
from familyworker.services.case_status import set_status
from familyworker.services.quarterly_return import build_quarterly_return
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import OutcomeClaimRow, PersonRow
from familyworker_server import cli
from familyworker_server import quarterly_return as server_return

Q3 = Quarter.parse("2026Q3")
TODAY = date(2026, 12, 7)


def caseload(store: CaseloadStore) -> None:
    """Three families of Ann's: one open all quarter, one closed in it, one opened after it;
    people of each sex and age, problems, outcomes, a claim and its correction, and a member
    deleted (a tombstone on the server, gone from the app: counted by neither)."""
    first = families.add_family(store, reference="FAM-1", household_name="One",
                                postcode="LS1 4AB", referred_on=date(2026, 2, 1)).id
    set_status(store, first, FamilyStatus.OPEN, on=date(2026, 3, 1))
    families.update_family(store, first, intervention_level=InterventionLevel.HIGH)
    families.add_person(store, first, name="Mum", date_of_birth=date(1990, 5, 1),
                        sex=Sex.FEMALE)
    families.add_person(store, first, name="Boy", date_of_birth=date(2022, 10, 1),
                        sex=Sex.MALE)
    gone = families.add_person(store, first, name="Moved out", sex=Sex.OTHER)
    families.add_need(store, first, criterion_key="education",
                      identified_on=date(2026, 2, 20))
    # Three good terms, the last ending in July: the outcome plan finds education met in Q3.
    for start, end in ((date(2025, 9, 1), date(2025, 12, 19)),
                       (date(2026, 1, 5), date(2026, 3, 27)),
                       (date(2026, 4, 13), date(2026, 7, 17))):
        outcome_evidence.record_reading(store, first, measure_key="school-attendance",
                                        period_start=start, period_end=end, value="95",
                                        source="School MIS", today=TODAY)
    second = families.add_family(store, reference="FAM-2", household_name="Two",
                                 postcode="LS2 4AB", referred_on=date(2026, 4, 1)).id
    set_status(store, second, FamilyStatus.OPEN, on=date(2026, 5, 1))
    families.add_person(store, second, name="Gran", date_of_birth=date(1950, 1, 1))
    families.add_need(store, second, criterion_key="domestic-abuse",
                      identified_on=date(2026, 5, 1))
    # No call-outs from February to July: six months reached on 31 July.
    outcome_evidence.record_reading(store, second, measure_key="no-da-callouts",
                                    period_start=date(2026, 2, 1), period_end=date(2026, 7, 31),
                                    value="0", source="Police log", today=TODAY)
    set_status(store, second, FamilyStatus.CLOSED, on=date(2026, 8, 31),
               reason=ClosureReason.MOVED_AWAY)
    third = families.add_family(store, reference="FAM-3", household_name="Three",
                                postcode="LS3 4AB", referred_on=date(2026, 9, 1)).id
    set_status(store, third, FamilyStatus.OPEN, on=date(2026, 10, 2))
    families.add_person(store, third, name="Dad", sex=Sex.MALE)
    claim, correction = new_id(), new_id()
    with store.unit_of_work() as uow:
        uow.add(OutcomeClaimRow(id=claim, family_id=first, claimed_on=date(2026, 9, 10),
                                claim_reference="PBR-1", rule_key="all-needs-sustained",
                                quarter="2026Q3"))
        uow.add(OutcomeClaimRow(id=correction, family_id=first, claimed_on=date(2026, 9, 20),
                                claim_reference="PBR-1", rule_key="all-needs-sustained",
                                quarter="2026Q3", status="verified", version=2,
                                supersedes_id=claim))
        row = uow.session.exec(select(PersonRow).where(PersonRow.id == gone.id)).one()
        uow.delete(row)


def test_the_server_return_matches_the_apps(server: Server, tmp_path: Path) -> None:
    team = server.team("North")
    ann = server.worker("Ann", team)
    store = enrolled(server, tmp_path / "ann", ann)
    caseload(store)
    report = sync(store, server)
    assert report.rejected == 0
    app = build_quarterly_return(store, Q3, today=TODAY)
    on_server = server_return.build(server.engine, Q3, today=TODAY)
    store.lock()
    assert on_server.result == app.result
    assert list(app.result.teams) == [team]
    north = app.result.teams[team]
    # FAM-1 (2 live people) and FAM-2 (1) worked with; FAM-3 opened after the quarter.
    assert (north.families, north.individuals) == (2, 3)
    assert north.closures["moved-out-of-area"] == 1
    assert north.claims[("outcome-plan", "verified")] == 1
    assert sum(north.claims.values()) == 1
    assert north.by_level["high"] == 1 and north.by_level["not assessed"] == 1
    assert north.cost_avoidance > 0
    assert sorted(c.problems_met for c in app.result.family_costs) == [("domestic-abuse",),
                                                                   ("education",)]
    # The server knows the team's name; labelled the same way the CSVs are identical.
    names = on_server.team_names
    assert names == {team: "North"}
    assert return_csv(on_server.result, names) == return_csv(app.result, names)


def test_the_server_command_writes_the_return(server: Server, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    team = server.team("North")
    store = enrolled(server, tmp_path / "ann", server.worker("Ann", team))
    caseload(store)
    sync(store, server)
    store.lock()
    out, costs = tmp_path / "return.csv", tmp_path / "costs.csv"
    database = ["--database-url", server.engine.url.render_as_string(hide_password=False)]
    done = cli.main(["report", "return", "--quarter", "2026Q3", "--out", str(out),
                     "--family-costs", str(costs), *database])
    assert done == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "section,measure,North,Total"
    assert "Worked with,Families,2,2" in lines
    assert costs.read_text(encoding="utf-8").splitlines()[1].startswith("FAM-1,North,education,")
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert "2 families and 3 individuals" in capsys.readouterr().out
    bad = cli.main(["report", "return", "--quarter", "2026Q9", "--out", str(out), *database])
    assert bad == 2 and "written like 2026Q3" in capsys.readouterr().err
    # The council's outcome plan decides what is met; a mistake in it names its line.
    plan = tmp_path / "outcome_plan.json"
    plan.write_text('{\n  "name": "Broken plan",\n  "measures": []\n}\n', encoding="utf-8")
    broken = cli.main(["report", "return", "--quarter", "2026Q3", "--out", str(out),
                       "--outcome-plan", str(plan), *database])
    assert broken != 0 and "Outcome plan, line 3" in capsys.readouterr().err
