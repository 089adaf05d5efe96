"""Plan on a page: owners for actions, agreed plans immutable, revisions are fresh versions."""

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from familyworker.domain.errors import ImmutableRecord, ValidationError
from familyworker.domain.plan import Action, ActionStatus, Goal, Plan, PlanStatus

words = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=30)
blank = st.text(" \t\n", max_size=5)


@given(words, blank)
def test_an_action_without_an_owner_raises(what, who):
    with pytest.raises(ValidationError, match="owner"):
        Action(id="a", what=what, who=who)


@given(blank, words)
def test_an_action_that_says_nothing_raises(what, who):
    with pytest.raises(ValidationError):
        Action(id="a", what=what, who=who)


@given(words, words, st.sampled_from(list(ActionStatus)))
def test_an_action_with_what_and_who_is_fine(what, who, status):
    action = Action(id="a", what=what, who=who, status=status)
    assert (action.what, action.who, action.status) == (what, who, status)


@given(blank)
def test_a_goal_needs_words(text):
    with pytest.raises(ValidationError):
        Goal(id="g", text=text)


@given(st.integers(max_value=0))
def test_plan_versions_start_at_one(version):
    with pytest.raises(ValidationError):
        Plan(id="p", family_id="f", version=version)


goals = st.lists(
    st.builds(lambda text, acts: (text, acts), words,
              st.lists(st.tuples(words, words), max_size=3)),
    min_size=1, max_size=4)


def _counter():
    counter = itertools.count()
    return lambda: f"id-{next(counter)}"


def _plan(goal_specs, version: int = 1) -> Plan:
    return Plan(id=f"plan-v{version}", family_id="f", version=version,
                worried_about="Mornings are hard",
                goals=tuple(Goal(id=f"g{i}", text=text,
                                 actions=tuple(Action(id=f"g{i}a{j}", what=w, who=who)
                                               for j, (w, who) in enumerate(acts)))
                            for i, (text, acts) in enumerate(goal_specs)))


@given(goals, st.integers(1, 50), st.dates(date(2000, 1, 1), date(2090, 1, 1)))
def test_agreed_plan_cannot_be_edited_and_revise_gives_next_version_with_fresh_ids(
        goal_specs, version, on):
    draft = _plan(goal_specs, version)
    agreed = draft.agree(on=on, review_due=on + timedelta(weeks=12))
    assert agreed.status is PlanStatus.AGREED and agreed.agreed_on == on
    with pytest.raises(ImmutableRecord):
        agreed.edit(worried_about="changed")
    with pytest.raises(ImmutableRecord):
        agreed.agree(on=on, review_due=on)

    fresh = _counter()
    revised = agreed.revise(new_id=lambda: "new-" + fresh())
    assert revised.version == version + 1
    assert revised.status is PlanStatus.DRAFT
    assert revised.agreed_on is None and revised.review_due is None
    assert revised.family_id == agreed.family_id
    assert revised.worried_about == agreed.worried_about
    old_ids = {agreed.id} | {g.id for g in agreed.goals} | {
        a.id for g in agreed.goals for a in g.actions}
    new_ids = [revised.id] + [g.id for g in revised.goals] + [
        a.id for g in revised.goals for a in g.actions]
    assert len(new_ids) == len(set(new_ids))
    assert not old_ids & set(new_ids)
    assert [(g.text, [(a.what, a.who) for a in g.actions]) for g in revised.goals] == [
        (g.text, [(a.what, a.who) for a in g.actions]) for g in agreed.goals]
    # the new draft is editable
    assert revised.edit(worried_about="new worry").worried_about == "new worry"


@given(goals)
def test_a_draft_is_editable_but_not_its_identity(goal_specs):
    draft = _plan(goal_specs)
    assert draft.edit(family_words="We want calmer mornings").family_words == \
        "We want calmer mornings"
    for field in ("id", "family_id", "version", "status", "agreed_on"):
        with pytest.raises(ValidationError):
            draft.edit(**{field: "x"})


def test_an_empty_plan_cannot_be_agreed():
    with pytest.raises(ValidationError):
        Plan(id="p", family_id="f", version=1).agree(on=date(2024, 1, 1),
                                                      review_due=date(2024, 4, 1))


def test_agreed_plan_needs_its_date_and_review_not_before_it():
    with pytest.raises(ValidationError):
        Plan(id="p", family_id="f", version=1, status=PlanStatus.AGREED)
    with pytest.raises(ValidationError):
        Plan(id="p", family_id="f", version=1, worried_about="x").agree(
            on=date(2024, 5, 1), review_due=date(2024, 4, 1))


@given(st.text(min_size=4001, max_size=4050))
def test_plan_sections_have_a_length_limit(text):
    with pytest.raises(ValidationError):
        Plan(id="p", family_id="f", version=1, working_well=text)
