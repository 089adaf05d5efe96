"""The demo's story fits its people: names belong to the household, and what a sentence says
about a child suits that child's age on the day it was written.

These rules are written independently of tools/make_demo_caseload.py, which generates the demo.
"""

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASELOAD = ROOT / "resources" / "demo" / "caseload.json"
CHILDREN = ("Son", "Daughter")

# (phrase, youngest, oldest-exclusive) in years on the day the text is dated. A sentence naming
# a child applies the band to every child it names; a sentence naming none needs some child of
# the household in the band (or, for the under-fives, an expectant parent).
AGE_PHRASES: list[tuple[re.Pattern[str], float, float]] = [
    (re.compile(p, re.IGNORECASE), lo, hi) for p, lo, hi in [
        (r"2-year check|health visitor|nursery place|hours nursery", 0, 5),
        (r"curfew|head of year|out late|home at 11pm|home by the agreed time|home on time"
         r"|reported missing|older young people|community resolution|youth club"
         r"|gaming past midnight|self-harm|location on their phone|phone use", 9, 18),
        (r"attendance|suspension|part-time timetable|SENCo|teacher|breakfast club"
         r"|after school|school run|behind with reading|refus\w* (?:to go in|school)"
         r"|school every day|missing a lot of school|back in school|late for school"
         r"|late most mornings|in every day|safe space to go at break", 4, 18),
    ]]
# A child who says, draws or chooses something is old enough to talk.
SPEAKS = r"(?:said|talked|drew|chose|did not want to talk|uses the worry box)"


def _caseload() -> dict:
    return json.loads(CASELOAD.read_text(encoding="utf-8"))


def _first(member: dict) -> str:
    return str(member["name"]).split()[0]


def _texts(family: dict) -> Iterator[tuple[str, int, str]]:
    """(where, day offset the text is dated, text) for every generated sentence of a family."""
    ref = family["reference"]
    for need in family["criteria"]:
        yield f"{ref} criterion {need['key']}", need["identified_on"], need["evidence"]
    for star in family["stars"]:
        day = star["assessed_on"]
        yield f"{ref} star words", day, star["family_words"]
        for key, value in star["scores"].items():
            if len(value) > 1:
                yield f"{ref} star {key}", day, value[1]
    for plan in family["plans"]:
        day = plan["agreed_on"] if plan["agreed_on"] is not None else -1
        where = f"{ref} plan v{plan['version']}"
        for field in ("working_well", "worried_about", "needs_to_happen", "family_words"):
            yield f"{where} {field}", day, plan[field]
        for goal in plan["goals"]:
            yield f"{where} goal", day, goal["text"]
            for action in goal["actions"]:
                yield f"{where} action", day, f"{action['what']}. {action['who']}"
    for note in family["notes"]:
        day = note["occurred_at"][0]
        where = f"{ref} {note['kind']} note on day {day}"
        yield where, day, note["narrative"]
        yield where, day, note["follow_ups"]
        yield where, day, " ".join(note["present"])
        for addendum in note["addenda"]:
            yield f"{where} addendum", addendum["written_at"][0], addendum["text"]
    for outcome in family["outcomes"]:
        yield f"{ref} outcome {outcome['criterion']}", outcome["achieved_on"], outcome["evidence"]


def _words(text: str) -> set[str]:
    text = re.sub(r"\S+ \(family worker\)", "", text)  # the worker, not the family
    return set(re.findall(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", text))


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?\"])\s+", text) if s.strip()]


def test_every_name_in_a_family_text_is_a_member_of_that_household() -> None:
    caseload = _caseload()
    everyone = {_first(m) for f in caseload["families"] for m in f["members"]}
    problems = []
    for family in caseload["families"]:
        own = {_first(m) for m in family["members"]}
        for where, _day, text in _texts(family):
            strangers = (_words(text) & everyone) - own
            if strangers:
                problems.append(f"{where}: {sorted(strangers)} in {text!r}")
    assert not problems, "\n".join(problems[:20])


def _age(member: dict, day: int) -> float:
    return (day - member["date_of_birth"]) / 365.25


def _age_problems(family: dict) -> Iterator[str]:
    children = [m for m in family["members"]
                if m["relationship"] in CHILDREN and m["date_of_birth"] is not None]
    expectant = any("expectant-parent" in m["flags"] for m in family["members"])
    for where, day, text in _texts(family):
        for sentence in _sentences(text):
            named = [c for c in children if re.search(rf"\b{re.escape(_first(c))}\b", sentence)]
            for pattern, lo, hi in AGE_PHRASES:
                if not pattern.search(sentence):
                    continue
                if named:
                    wrong = [f"{_first(c)} ({_age(c, day):.1f})" for c in named
                             if not lo <= _age(c, day) < hi]
                    if wrong:
                        yield f"{where}: {wrong} in {sentence!r}"
                elif not (any(lo <= _age(c, day) < hi for c in children)
                          or (expectant and lo == 0)):
                    ages = [round(_age(c, day), 1) for c in children]
                    yield f"{where}: household children {ages} in {sentence!r}"
            if re.search(r"(?<!\w)(?:children|kids)(?!'s [Cc]entre)\b", sentence, re.IGNORECASE) \
                    and sum(_age(c, day) >= 0 for c in children) < 2:
                yield f"{where}: 'children' with one child in {sentence!r}"
            for child in named:
                if _age(child, day) < 0:
                    yield f"{where}: {_first(child)} is not born yet in {sentence!r}"
                if re.search(rf"\b{re.escape(_first(child))} {SPEAKS}", sentence) \
                        and _age(child, day) < 3:
                    yield f"{where}: {_first(child)} ({_age(child, day):.1f}) in {sentence!r}"


def test_what_is_said_about_a_child_suits_the_childs_age() -> None:
    problems = [p for f in _caseload()["families"] for p in _age_problems(f)]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:25])


def test_a_family_without_children_has_no_sentences_about_a_child() -> None:
    """An expectant parent with no children yet: no school, no bedtimes for 'the baby'."""
    problems = []
    for family in _caseload()["families"]:
        if any(m["relationship"] in CHILDREN for m in family["members"]):
            continue
        for where, _day, text in _texts(family):
            for sentence in _sentences(text):
                if re.search(r"the baby(?:'s)? (?!is due|arrives)", sentence, re.IGNORECASE) \
                        and "better start" not in sentence:
                    problems.append(f"{where}: {sentence!r}")
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("key", ["w1", "w2", "w3"])
def test_every_worker_of_the_demo_team_leads_families(key: str) -> None:
    leads = [f["lead_worker"] for f in _caseload()["families"]]
    assert leads.count(key) >= 3
