"""Errors a use-case reports to a person; messages are plain and hold no personal data."""

from familyworker.domain.errors import ValidationError


class FamilyNotFound(ValidationError):
    def __init__(self, reference: str = "") -> None:
        super().__init__("No family with that reference is in this caseload."
                         if reference else "That family is not in this caseload.")


class RecordMissing(ValidationError):
    def __init__(self, what: str) -> None:
        super().__init__(f"That {what} is not in this caseload.")
