"""The quarterly return from the server's stored rows: the same counting as the app
(`familyworker.domain.quarterly_return`), fed from the live rows of every family, so a return
run here and one run on a supervisor's synced caseload give the same figures.

Written as CSV (no names: references only in the per-family costs), crash-safely and with
owner-only permissions like the subject-access export; nothing here logs.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select

from familyworker import resources
from familyworker.atomic_file import write_atomically
from familyworker.domain.criteria import ProgrammeFramework
from familyworker.domain.errors import ValidationError
from familyworker.domain.outcome_plan import OutcomePlan, parse_outcome_plan
from familyworker.domain.quarter import Quarter
from familyworker.domain.quarterly_return import (
    QuarterlyReturn,
    UnitCosts,
    facts_from_rows,
    family_costs_csv,
    plan_outcomes,
    quarterly_return,
    return_csv,
)
from familyworker_server import accounts, models

FRAMEWORK_FILE = ("criteria", "supporting_families_2022.json")
COSTS_FILE = ("costs", "unit_costs.json")
TABLES = ("family", "family_criterion", "person", "measure_reading", "outcome_claim")
PLAN_FILE = ("criteria", "outcome_plan_example.json")


@dataclass(frozen=True, slots=True)
class ServerReturn:
    result: QuarterlyReturn
    team_names: dict[str, str]


def _live_rows(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    c = models.sync_row.c
    found: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES}
    statement = select(c.table_name, c.row_id, c.family_id, c.team_id, c.data).where(
        c.table_name.in_(TABLES), c.deleted.is_(False))
    for table, row_id, family_id, team_id, data in conn.execute(statement):
        fields = json.loads(data)
        if not isinstance(fields, dict):
            continue
        fields["id"] = row_id
        fields.setdefault("family_id", family_id)
        if table == "family" and not fields.get("team_id"):
            fields["team_id"] = team_id
        found[table].append(fields)
    return found


def _problems() -> tuple[tuple[str, str], ...]:
    framework = ProgrammeFramework.from_dict(resources.load_json(*FRAMEWORK_FILE))
    return tuple((c.key, c.label) for c in framework.criteria)


def load_unit_costs(path: Path | None = None) -> UnitCosts:
    try:
        if path is None:
            return UnitCosts.from_json(resources.load_json(*COSTS_FILE))
        return UnitCosts.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as error:
        raise accounts.AdminError("The unit-cost table could not be read.") from error
    except ValidationError as error:
        raise accounts.AdminError(f"The unit-cost table is wrong: {error}") from None


def load_outcome_plan(path: Path | None = None) -> OutcomePlan:
    """The council's outcome plan (the file its workers' machines use), else the example."""
    problems = [key for key, _ in _problems()]
    try:
        if path is None:
            return parse_outcome_plan(resources.resources_dir().joinpath(*PLAN_FILE)
                                      .read_text(encoding="utf-8"), problems)
        return parse_outcome_plan(path.read_text(encoding="utf-8"), problems)
    except OSError as error:
        raise accounts.AdminError("The outcome plan could not be read.") from error
    except ValidationError as error:
        raise accounts.AdminError(str(error)) from None


def build(engine: Engine, quarter: Quarter, *, today: date,
          costs: UnitCosts | None = None, plan: OutcomePlan | None = None) -> ServerReturn:
    with engine.connect() as conn:
        rows = _live_rows(conn)
        teams = {str(i): str(n) for i, n in conn.execute(
            select(models.team.c.id, models.team.c.name))}
    # Problems met are the outcome plan's judgement, as in the app (the same pure engine).
    outcomes = plan_outcomes(plan or load_outcome_plan(), rows["family_criterion"],
                             rows["measure_reading"], today)
    facts, claims = facts_from_rows(rows["family"], rows["family_criterion"], rows["person"],
                                    outcomes, rows["outcome_claim"])
    result = quarterly_return(facts, claims, quarter=quarter, problems=_problems(),
                              costs=costs or load_unit_costs(), today=today,
                              team_order=sorted(teams, key=lambda t: teams[t]))
    return ServerReturn(result, teams)


def export(engine: Engine, *, quarter_text: str, out: Path, family_costs: Path | None = None,
           costs_file: Path | None = None, plan_file: Path | None = None,
           today: date | None = None) -> ServerReturn:
    try:
        quarter = Quarter.parse(quarter_text)
    except ValidationError as error:
        raise accounts.AdminError(str(error)) from None
    targets: Iterable[Path] = [p for p in (out, family_costs) if p is not None]
    if any(not p.parent.is_dir() for p in targets):
        raise accounts.AdminError("The folder to write the return in does not exist.")
    done = build(engine, quarter, today=today or date.today(),
                 costs=load_unit_costs(costs_file), plan=load_outcome_plan(plan_file))
    write_atomically(out, return_csv(done.result, done.team_names).encode("utf-8"))
    if family_costs is not None:
        write_atomically(family_costs,
                         family_costs_csv(done.result, done.team_names).encode("utf-8"))
    return done
