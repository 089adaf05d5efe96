"""Family validation and the case lifecycle, as properties (hypothesis)."""

import string
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from familyworker.domain.caseload import DuePolicy, FamilySummary, next_visit_due
from familyworker.domain.errors import InvalidTransition, ValidationError
from familyworker.domain.family import (
    ALLOWED_TRANSITIONS,
    ClosureReason,
    Family,
    FamilyStatus,
    normalise_postcode,
    validate_postcode,
    validate_reference,
)
from familyworker.domain.ids import new_id

START = date(2024, 1, 1)
statuses = st.sampled_from(list(FamilyStatus))
reasons = st.sampled_from(list(ClosureReason))
LETTERS = string.ascii_uppercase
DIGITS = string.digits


def a_family(**overrides: object) -> Family:
    values: dict[str, object] = {"id": new_id(), "reference": "FAM-0001",
                                 "household_name": "Test household", "postcode": "LS1 4AB",
                                 "referred_on": START}
    values.update(overrides)
    return Family(**values)  # type: ignore[arg-type]


# ----- postcodes and references ----------------------------------------------------------------

@st.composite
def postcodes(draw: st.DrawFn) -> tuple[str, str]:
    """A valid UK postcode, canonical form and inward code."""
    area = draw(st.text(LETTERS, min_size=1, max_size=2))
    district = draw(st.sampled_from(DIGITS)) + draw(
        st.one_of(st.just(""), st.sampled_from(LETTERS + DIGITS)))
    inward = draw(st.sampled_from(DIGITS)) + draw(st.text(LETTERS, min_size=2, max_size=2))
    return f"{area}{district} {inward}", inward


@given(postcodes(), st.data())
def test_any_spacing_and_case_of_a_valid_postcode_normalises_to_the_canonical_form(pc, data):
    canonical, _ = pc
    compact = canonical.replace(" ", "")
    # scatter whitespace and mix case
    chars = []
    for ch in compact:
        chars.append(data.draw(st.sampled_from(["", " ", "  ", "\t"])))
        chars.append(ch.lower() if data.draw(st.booleans()) else ch)
    chars.append(data.draw(st.sampled_from(["", " ", "\n"])))
    messy = "".join(chars)
    assert normalise_postcode(messy) == canonical
    assert validate_postcode(messy) == canonical
    assert a_family(postcode=messy).postcode == canonical


@given(st.text(max_size=20))
def test_normalise_postcode_is_idempotent(text):
    once = normalise_postcode(text)
    assert normalise_postcode(once) == once


@given(st.text(max_size=12))
def test_validate_postcode_accepts_only_what_matches_the_uk_shape(text):
    try:
        result = validate_postcode(text)
    except ValidationError:
        return
    assert result == normalise_postcode(text)
    outward, inward = result.split(" ")
    assert 2 <= len(outward) <= 4 and len(inward) == 3
    assert inward[0].isdigit() and inward[1:].isalpha() and inward.isascii()


@pytest.mark.parametrize("bad", ["", "LS1", "12345", "LS1 4A", "LS1 AAB", "1S1 4AB", "LS1 4AB X"])
def test_not_a_postcode_is_rejected(bad):
    with pytest.raises(ValidationError):
        validate_postcode(bad)


@given(st.text(LETTERS + DIGITS, min_size=1, max_size=1),
       st.text(LETTERS + DIGITS + "-/", min_size=1, max_size=31))
def test_valid_references_are_upper_cased_and_stripped(head, tail):
    ref = head + tail
    assert validate_reference(f"  {ref.lower()} ") == ref


@given(st.text(max_size=40))
def test_reference_validation_never_lets_a_bad_shape_through(text):
    try:
        ref = validate_reference(text)
    except ValidationError:
        return
    assert 2 <= len(ref) <= 32
    assert set(ref) <= set(LETTERS + DIGITS + "-/")
    assert ref[0] in LETTERS + DIGITS


@given(st.one_of(st.just(""), st.text(" \t", max_size=5), st.text(min_size=201, max_size=300)
                 .filter(lambda t: len(t.strip()) > 200)))
def test_blank_or_over_long_household_name_is_rejected(name):
    with pytest.raises(ValidationError):
        a_family(household_name=name)


# ----- closed-state invariants -----------------------------------------------------------------

@given(reasons, st.dates())
def test_closed_family_needs_reason_and_date(reason, day):
    a_family(status=FamilyStatus.CLOSED, closure_reason=reason, closed_on=day)
    with pytest.raises(ValidationError):
        a_family(status=FamilyStatus.CLOSED, closure_reason=None, closed_on=day)
    with pytest.raises(ValidationError):
        a_family(status=FamilyStatus.CLOSED, closure_reason=reason, closed_on=None)


@given(statuses.filter(lambda s: s is not FamilyStatus.CLOSED), reasons)
def test_only_a_closed_case_has_a_closure_reason(status, reason):
    with pytest.raises(ValidationError):
        a_family(status=status, closure_reason=reason)


@given(st.dates(date(1990, 1, 1), date(2090, 1, 1)), st.integers(1, 3000))
def test_case_cannot_close_before_it_opened(opened, days_before):
    open_family = a_family().open_case(opened)
    with pytest.raises(ValidationError):
        open_family.close(opened - timedelta(days=days_before), ClosureReason.OTHER)


@given(statuses)
def test_closing_without_a_reason_always_raises(status):
    family = _family_in(status)
    with pytest.raises(ValidationError):
        family.close(START + timedelta(days=400), None)
    with pytest.raises(ValidationError):
        family.move_to(FamilyStatus.CLOSED, on=START + timedelta(days=400))


NOTE = "School pastoral team"  # to whom a case steps down, or why it steps up


def _family_in(status: FamilyStatus) -> Family:
    family = a_family()
    day = START + timedelta(days=1)
    if status is FamilyStatus.OPEN:
        family = family.open_case(day)
    elif status is FamilyStatus.STEP_DOWN:
        family = family.open_case(day).step_down(day, NOTE)
    elif status is FamilyStatus.STEP_UP:
        family = family.open_case(day).step_up(day, NOTE)
    elif status is FamilyStatus.CLOSED:
        family = family.close(day, ClosureReason.DECLINED)
    assert family.status is status
    return family


@given(statuses, statuses, reasons)
def test_move_to_succeeds_exactly_for_allowed_transitions(source, target, reason):
    family = _family_in(source)
    day = START + timedelta(days=30)
    if target in ALLOWED_TRANSITIONS[source]:
        moved = family.move_to(target, on=day, reason=reason, note=NOTE)
        assert moved.status is target
        assert family.status is source  # immutable
    else:
        with pytest.raises(InvalidTransition):
            family.move_to(target, on=day, reason=reason, note=NOTE)


def test_nothing_goes_back_to_referred():
    assert all(FamilyStatus.REFERRED not in targets for targets in ALLOWED_TRANSITIONS.values())
    for status in FamilyStatus:
        with pytest.raises(InvalidTransition):
            _family_in(status).move_to(FamilyStatus.REFERRED, on=START + timedelta(days=9))


# ----- the lifecycle as a state machine --------------------------------------------------------

class CaseLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.family = a_family()
        self.day = START
        self.history = [FamilyStatus.REFERRED]

    def _tick(self, days: int) -> date:
        self.day += timedelta(days=days)
        return self.day

    @rule(goal=statuses, reason=reasons, days=st.integers(0, 60))
    def attempt(self, goal, reason, days):
        target = goal
        before = self.family
        day = self._tick(days)
        if target in ALLOWED_TRANSITIONS[before.status]:
            self.family = before.move_to(target, on=day, reason=reason, note=NOTE)
            assert self.family.status is target
            if target is FamilyStatus.CLOSED:
                assert self.family.closure_reason is reason
                assert self.family.closed_on == day
            if target is FamilyStatus.OPEN:
                assert self.family.opened_on is not None
            self.history.append(target)
        else:
            with pytest.raises(InvalidTransition):
                before.move_to(target, on=day, reason=reason, note=NOTE)
            assert self.family is before

    @precondition(lambda self: self.family.status is not FamilyStatus.CLOSED)
    @rule(days=st.integers(0, 60))
    def close_without_reason(self, days):
        with pytest.raises(ValidationError):
            self.family.close(self._tick(days), None)

    @precondition(lambda self: self.family.status is FamilyStatus.CLOSED)
    @rule(days=st.integers(0, 60))
    def reopen_closed_case(self, days):
        day = self._tick(days)
        self.family = self.family.reopen(day)
        assert self.family.status is FamilyStatus.OPEN
        assert self.family.opened_on == day
        self.history.append(FamilyStatus.OPEN)

    @precondition(lambda self: self.family.status is FamilyStatus.OPEN)
    @rule(days=st.integers(0, 60))
    def open_case_cannot_be_opened_again(self, days):
        with pytest.raises(InvalidTransition):
            self.family.reopen(self._tick(days))
        with pytest.raises(InvalidTransition):
            self.family.open_case(self.day)

    @invariant()
    def closed_state_is_complete(self):
        family = self.family
        if family.status is FamilyStatus.CLOSED:
            assert family.closure_reason is not None
            assert family.closed_on is not None
        else:
            assert family.closure_reason is None
            assert family.closed_on is None

    @invariant()
    def history_only_uses_allowed_edges(self):
        for a, b in zip(self.history, self.history[1:], strict=False):
            assert b in ALLOWED_TRANSITIONS[a]
        assert self.family.status is self.history[-1]


CaseLifecycle.TestCase.settings = settings(max_examples=60, stateful_step_count=25,
                                           deadline=None)
TestCaseLifecycle = CaseLifecycle.TestCase


# ----- caseload due dates ----------------------------------------------------------------------

optional_dates = st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2090, 1, 1)))


@given(optional_dates, optional_dates, optional_dates, st.integers(1, 60))
def test_next_visit_due_prefers_booked_then_last_contact_then_start(explicit, last, start,
                                                                    interval):
    policy = DuePolicy(visit_interval_days=interval)
    due = next_visit_due(explicit=explicit, last_contact=last, opened_or_referred=start,
                         policy=policy)
    # A booked visit stands until a contact on or after its day (the visit, recorded).
    if explicit is not None and (last is None or explicit > last):
        assert due == explicit
    elif last is not None:
        assert due == last + timedelta(days=interval)
    elif start is not None:
        assert due == start + timedelta(days=interval)
    else:
        assert due is None


@given(statuses, optional_dates, optional_dates, st.dates(date(2000, 1, 1), date(2090, 1, 1)))
def test_overdue_means_active_and_a_due_date_in_the_past(status, visit, review, today):
    summary = FamilySummary(id="x", reference="FAM-1", household_name="H", postcode="LS1 4AB",
                            status=status, lead_worker_id=None, lead_worker_name="",
                            last_contact_on=None, next_visit_due=visit, review_due=review,
                            today=today)
    active = status not in {FamilyStatus.CLOSED, FamilyStatus.STEP_UP}  # held elsewhere or ended
    assert summary.visit_overdue == (active and visit is not None and visit < today)
    assert summary.review_overdue == (active and review is not None and review < today)
    assert summary.overdue == (summary.visit_overdue or summary.review_overdue)
