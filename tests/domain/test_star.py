"""Web Star scores and distance travelled, as properties (hypothesis)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from familyworker.domain.errors import ValidationError
from familyworker.domain.star import (
    StarDomain,
    StarScore,
    StarTemplate,
    WebStarAssessment,
    check_score,
    distance_travelled,
)

KEYS = ("health", "safety", "routines", "learning")
TEMPLATE = StarTemplate(
    key="test-star", version=1, name="Test Star",
    domains=tuple(StarDomain(key=k, label=k.title(), question=f"How is {k}?",
                             descriptors=tuple(f"{k} {i}" for i in range(1, 11)))
                  for k in KEYS))

valid_scores = st.integers(1, 10)
out_of_range = st.one_of(st.integers(max_value=0), st.integers(min_value=11))
not_ints = st.one_of(st.booleans(), st.floats(allow_nan=True), st.text(max_size=3),
                     st.none(), st.decimals(allow_nan=False), st.fractions())


@given(valid_scores)
def test_every_score_from_1_to_10_is_accepted(score):
    assert check_score(score) == score
    assert StarScore("health", score).score == score
    assert TEMPLATE.domain("health").descriptor(score) == f"health {score}"


@given(out_of_range)
def test_a_score_outside_1_to_10_always_raises(score):
    with pytest.raises(ValidationError):
        check_score(score)
    with pytest.raises(ValidationError):
        StarScore("health", score)
    with pytest.raises(ValidationError):
        TEMPLATE.domain("health").descriptor(score)


@given(not_ints)
def test_a_score_that_is_not_a_whole_number_always_raises(score):
    with pytest.raises(ValidationError):
        check_score(score)
    with pytest.raises(ValidationError):
        StarScore("health", score)


@pytest.mark.parametrize("score", [True, False, 5.0, "5", None])
def test_bools_floats_and_strings_are_not_scores(score):
    with pytest.raises(ValidationError):
        StarScore("health", score)


def test_score_of_eleven_is_a_clear_error():
    with pytest.raises(ValidationError, match="1 to 10"):
        StarScore("safety", 11)


@given(st.text(min_size=4001, max_size=4100))
def test_a_domain_note_over_the_limit_raises(note):
    with pytest.raises(ValidationError):
        StarScore("health", 5, note)


def _assessment(scores: dict[str, int], on: date, ident: str = "a") -> WebStarAssessment:
    return WebStarAssessment(id=ident, family_id="f", assessed_on=on, template_key="test-star",
                             template_version=1,
                             scores=tuple(StarScore(k, v) for k, v in scores.items()))


@given(st.dictionaries(st.sampled_from(KEYS), valid_scores, min_size=1))
def test_validate_against_requires_exactly_the_template_domains(scores):
    assessment = _assessment(scores, date(2024, 1, 1))
    if set(scores) == set(KEYS):
        assessment.validate_against(TEMPLATE)
    else:
        with pytest.raises(ValidationError, match="missing"):
            assessment.validate_against(TEMPLATE)


def test_unknown_domain_or_other_template_is_rejected():
    full = dict.fromkeys(KEYS, 5)
    with pytest.raises(ValidationError, match="Unknown"):
        _assessment({**full, "wizardry": 3}, date(2024, 1, 1)).validate_against(TEMPLATE)
    other = WebStarAssessment(id="a", family_id="f", assessed_on=date(2024, 1, 1),
                              template_key="test-star", template_version=2,
                              scores=tuple(StarScore(k, 5) for k in KEYS))
    with pytest.raises(ValidationError):
        other.validate_against(TEMPLATE)


def test_an_assessment_scores_each_domain_once_and_at_least_one():
    with pytest.raises(ValidationError):
        WebStarAssessment(id="a", family_id="f", assessed_on=date(2024, 1, 1),
                          template_key="t", template_version=1,
                          scores=(StarScore("health", 2), StarScore("health", 3)))
    with pytest.raises(ValidationError):
        WebStarAssessment(id="a", family_id="f", assessed_on=date(2024, 1, 1),
                          template_key="t", template_version=1, scores=())


full_scores = st.fixed_dictionaries(dict.fromkeys(KEYS, valid_scores))


@given(st.lists(st.tuples(full_scores, st.integers(0, 400)), min_size=1, max_size=8,
                unique_by=lambda t: t[1]), st.randoms())
def test_distance_travelled_is_latest_minus_first_whatever_the_input_order(series, rnd):
    start = date(2024, 1, 1)
    assessments = [_assessment(scores, start + timedelta(days=offset), ident=f"{offset:04d}")
                   for scores, offset in series]
    rnd.shuffle(assessments)
    result = distance_travelled(assessments, TEMPLATE)
    assert result is not None
    by_day = sorted(series, key=lambda t: t[1])
    first, latest = by_day[0], by_day[-1]
    assert result.first_on == start + timedelta(days=first[1])
    assert result.latest_on == start + timedelta(days=latest[1])
    assert [c.domain_key for c in result.changes] == list(KEYS)
    changes = {c.domain_key: c.change for c in result.changes}
    assert changes == {k: latest[0][k] - first[0][k] for k in KEYS}
    expected_avg = sum(changes.values()) / len(KEYS)
    assert result.average_change == pytest.approx(expected_avg)
    if len(series) == 1:
        assert all(change == 0 for change in changes.values())


def test_distance_travelled_of_nothing_is_none_and_missing_domains_have_no_change():
    assert distance_travelled([], TEMPLATE) is None
    early = _assessment({"health": 2}, date(2024, 1, 1), "1")
    late = _assessment({"health": 7, "safety": 4}, date(2024, 3, 1), "2")
    result = distance_travelled([late, early], TEMPLATE)
    assert result is not None
    changes = {c.domain_key: c.change for c in result.changes}
    assert changes == {"health": 5, "safety": None, "routines": None, "learning": None}
    assert result.average_change == 5


def test_template_rules():
    domain = TEMPLATE.domains[0]
    with pytest.raises(ValidationError):
        StarTemplate(key="t", version=1, name="T", domains=(domain, domain, TEMPLATE.domains[1]))
    with pytest.raises(ValidationError):
        StarTemplate(key="t", version=1, name="T", domains=TEMPLATE.domains[:2])
    with pytest.raises(ValidationError):
        StarDomain(key="x", label="X", question="?", descriptors=("one",) * 9)
    with pytest.raises(ValidationError):
        TEMPLATE.domain("nope")
