"""Booking a family's next visit (a day, a time and where) and cancelling it."""

from datetime import date, datetime

from familyworker.domain.errors import ValidationError
from familyworker.domain.family import Family
from familyworker.services.queries import family_by_id
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.mapping import family_from_row, family_values


def book_visit(store: CaseloadStore, family_id: str, *, at: datetime, where: str = "",
               today: date | None = None) -> Family:
    """Book the next visit; its day becomes the day the next visit is due. A visit is booked
    for today or later (a visit that happened is recorded as a contact note instead). ``at``
    is the laptop's local time when it has no time zone; the day is the local day."""
    local = at.astimezone().replace(second=0, microsecond=0)  # a naive time is the laptop's
    if local.date() < (today or date.today()):
        raise ValidationError("That day has passed: book the visit for today or later. "
                              "A visit that has happened is recorded as a contact note.")
    with store.unit_of_work() as uow:
        row = family_by_id(uow.session, family_id)
        booked = family_from_row(row).book_visit(local, where)
        uow.update(row, family_values(booked))
        return booked


def cancel_visit(store: CaseloadStore, family_id: str) -> Family:
    """Cancel the booked visit: the visit interval runs from the last contact again."""
    with store.unit_of_work() as uow:
        row = family_by_id(uow.session, family_id)
        family = family_from_row(row)
        if family.booked_visit is None:
            raise ValidationError("No visit is booked for this family.")
        cancelled = family.cancel_visit()
        uow.update(row, family_values(cancelled))
        return cancelled
