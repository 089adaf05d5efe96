"""Household members found by name, as a script names them (the CLI's set-flags, set-sex)."""

from dataclasses import replace

from familyworker.domain.errors import ValidationError
from familyworker.domain.person import Person, parse_sex
from familyworker.services.families import FlagDays, parse_flags, update_person
from familyworker.services.family_file import load_family_file
from familyworker.store.caseload_store import CaseloadStore


def find_member(members: tuple[Person, ...], name: str, reference: str) -> Person:
    """The one member called `name` (case and spacing aside). The messages never repeat the
    name: they may end up in a log."""
    wanted = " ".join(name.split()).casefold()
    found = [p for p in members if " ".join(p.name.split()).casefold() == wanted]
    if not found:
        raise ValidationError(f"No one in {reference}'s household has that name; "
                              f"'familyworker show-family {reference}' lists them.")
    if len(found) > 1:
        raise ValidationError(f"More than one member of {reference}'s household has that "
                              "name; change one of them in the app first.")
    return found[0]


def set_member_flags(store: CaseloadStore, *, reference: str, name: str,
                     flags: FlagDays) -> Person:
    """Replace one member's flags (each with its day or None); returns them as saved."""
    parsed = parse_flags(flags)  # an unknown flag is refused before anything is looked up
    file = load_family_file(store, reference=reference)
    person = find_member(file.members, name, file.family.reference)
    update_person(store, person.id, flags=parsed)
    return person.with_flags(parsed)


def set_member_sex(store: CaseloadStore, *, reference: str, name: str, sex: str) -> Person:
    """Record one member's sex as the quarterly return counts it ("" clears it)."""
    parsed = parse_sex(sex)  # a wrong value is refused before anything is looked up
    file = load_family_file(store, reference=reference)
    person = find_member(file.members, name, file.family.reference)
    update_person(store, person.id, sex=parsed)
    return replace(person, sex=parsed)
