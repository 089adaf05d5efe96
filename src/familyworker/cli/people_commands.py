"""People commands: set-flags (a household member's flags, each with the day it applied from)
and set-sex (as the quarterly return counts people)."""

import argparse
from datetime import date
from typing import Any

from familyworker.cli.common import EXIT_OK, CommandFailed, add_command, open_store
from familyworker.domain.person import Person, PersonFlag, Sex
from familyworker.services.people import set_member_flags, set_member_sex


def register(subparsers: Any) -> None:
    allowed = ", ".join(flag.value for flag in PersonFlag)
    cmd = add_command(subparsers, "set-flags",
                      help="replace a household member's flags (with the day each applied from)",
                      handler=cmd_set_flags)
    cmd.formatter_class = argparse.RawDescriptionHelpFormatter
    cmd.description = (
        "Replace a household member's flags: the ones given are set, every other is cleared.\n"
        "Flags:\n" + "".join(f"  {flag.value:<28}{flag.label}\n" for flag in PersonFlag)
        + "\nExample: familyworker set-flags FAM-0042 --person 'Jo Example' "
          "--flag expectant-parent=2026-03-01 --flag young-carer")
    cmd.add_argument("reference", help="the family's reference, e.g. FAM-0042")
    cmd.add_argument("--person", required=True, metavar="NAME",
                     help="the member's name as the family file has it")
    cmd.add_argument("--flag", action="append", default=[], metavar="KEY[=YYYY-MM-DD]",
                     help=f"a flag to set, with the day it applied from if known; one of: "
                          f"{allowed}")
    cmd.add_argument("--clear", action="store_true",
                     help="clear every flag (instead of giving --flag)")
    sexes = ", ".join(sex.value for sex in Sex)
    sex_cmd = add_command(subparsers, "set-sex",
                          help="record a household member's sex (counted in the quarterly "
                               "return)", handler=cmd_set_sex)
    sex_cmd.add_argument("reference", help="the family's reference, e.g. FAM-0042")
    sex_cmd.add_argument("--person", required=True, metavar="NAME",
                         help="the member's name as the family file has it")
    sex_cmd.add_argument("sex", metavar="SEX",
                         help=f"one of: {sexes}; '' to clear it (not recorded)")


def parse_flag_arguments(values: list[str]) -> dict[str, date | None]:
    """KEY or KEY=YYYY-MM-DD, each once; the keys themselves are checked by the service."""
    flags: dict[str, date | None] = {}
    for value in values:
        key, _, day = value.partition("=")
        key = key.strip()
        if key in flags:
            raise CommandFailed(f"The flag {key} is given twice; nothing was changed.")
        try:
            flags[key] = date.fromisoformat(day.strip()) if day.strip() else None
        except ValueError:
            raise CommandFailed(f"The day for {key} must be written YYYY-MM-DD, e.g. "
                                f"{key}=2026-03-01; nothing was changed.") from None
    return flags


def flags_in_words(person: Person) -> str:
    """ "Child in need since 2026-01-05, Young carer", or "no flags"."""
    return ", ".join(flag.label + (f" since {since.isoformat()}"
                                   if (since := person.since(flag)) else "")
                     for flag in person.flags) or "no flags"


def flags_json(person: Person) -> list[dict[str, Any]]:
    return [{"flag": flag.value, "label": flag.label, "since": person.since(flag)}
            for flag in person.flags]


def cmd_set_flags(args: argparse.Namespace) -> int:
    if args.clear == bool(args.flag):
        raise CommandFailed("Give the flags to set with --flag, or --clear to clear them all; "
                            "nothing was changed.")
    flags = parse_flag_arguments(args.flag)
    with open_store(args) as store:
        person = set_member_flags(store, reference=args.reference, name=args.person,
                                  flags=flags)
    print(f"{person.name}: {flags_in_words(person)}.")
    return EXIT_OK


def cmd_set_sex(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        person = set_member_sex(store, reference=args.reference, name=args.person,
                                sex=args.sex)
    print(f"{person.name}: sex {person.sex.label.lower() if person.sex else 'not recorded'}.")
    return EXIT_OK
