"""Tasks: a follow-up someone must do for a family, by a day, until it is done."""

from dataclasses import dataclass, replace
from datetime import date, datetime

from familyworker.domain.errors import ValidationError

MAX_TASK_LENGTH = 2_000


@dataclass(frozen=True, slots=True)
class Task:
    id: str
    family_id: str
    text: str
    created_at: datetime
    due_on: date | None = None
    # Whose task it is: the worker who wrote it, or the one a supervisor set it for.
    assigned_to: str | None = None
    created_by: str | None = None
    done_on: date | None = None
    # The contact note whose follow-up it came from, if any.
    source_note_id: str | None = None

    def __post_init__(self) -> None:
        text = self.text.strip()
        if not text:
            raise ValidationError("A task needs some words: what is to be done.")
        if len(text) > MAX_TASK_LENGTH:
            raise ValidationError(f"A task is longer than {MAX_TASK_LENGTH:,} characters.")
        if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
            raise ValidationError("A task contains control characters.")
        object.__setattr__(self, "text", text)

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    def overdue_on(self, day: date) -> bool:
        return not self.is_done and self.due_on is not None and self.due_on < day

    def mark_done(self, on: date) -> "Task":
        return replace(self, done_on=on)

    def reopen(self) -> "Task":
        return replace(self, done_on=None)


def tasks_from_follow_ups(text: str) -> list[str]:
    """A note's follow-ups, one task per non-empty line ("- " or "• " bullets dropped)."""
    lines = (line.strip().lstrip("-•*").strip() for line in text.splitlines())
    return [line for line in lines if line]
