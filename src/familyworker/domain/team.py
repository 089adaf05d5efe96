"""Teams and workers: who holds a caseload and who supervises it."""

from dataclasses import dataclass
from enum import StrEnum

from familyworker.domain.errors import ValidationError


class Role(StrEnum):
    WORKER = "worker"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Team:
    id: str
    name: str
    area: str = ""

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError("A team needs a name.")


@dataclass(frozen=True, slots=True)
class Worker:
    id: str
    name: str
    role: Role = Role.WORKER
    team_id: str | None = None
    contact: str = ""

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError("A worker needs a name.")
