"""Hybrid logical clock stamps and UUIDv7 ids: ordering properties (hypothesis)."""

import itertools
import uuid
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from familyworker.domain import ids
from familyworker.domain.hlc import MAX_COUNTER, HybridLogicalClock, Timestamp
from familyworker.domain.ids import is_uuid, new_id

MAX_WALL = 16**12 - 1
device_ids = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1,
                     max_size=12)
timestamps = st.builds(Timestamp, st.integers(0, MAX_WALL - 100_000), st.integers(0, MAX_COUNTER),
                       device_ids)


class FakeWall:
    """A wall clock that returns whatever the test says, including going backwards."""

    def __init__(self, start: int) -> None:
        self.value = start

    def __call__(self) -> int:
        return self.value


steps = st.lists(st.one_of(
    st.tuples(st.just("now"), st.integers(-5_000, 5_000)),
    st.tuples(st.just("jump"), st.integers(0, 10**11)),
    st.tuples(st.just("observe"), timestamps),
), min_size=1, max_size=60)


@given(st.integers(0, 10**12), steps)
def test_stamps_strictly_increase_whatever_the_wall_clock_does(start, script):
    wall = FakeWall(start)
    clock = HybridLogicalClock("dev-a", wall_clock_ms=wall)
    issued: list[Timestamp] = []
    for op, arg in script:
        if op == "now":
            wall.value = max(0, wall.value + arg)
            issued.append(clock.now())
        elif op == "jump":
            wall.value = arg
        else:
            clock.observe(arg)
            if issued:
                assert clock.last() >= issued[-1]
    for earlier, later in itertools.pairwise(issued):
        assert earlier < later
        assert str(earlier) < str(later)
    assert all(s.device_id == "dev-a" for s in issued)


@given(st.integers(0, 10**12), st.lists(st.integers(-10**6, 10**6), min_size=2, max_size=40))
def test_a_restarted_clock_continues_after_its_last_stamp(start, deltas):
    wall = FakeWall(start)
    clock = HybridLogicalClock("dev-a", wall_clock_ms=wall)
    previous = clock.now()
    for delta in deltas:
        wall.value = max(0, wall.value + delta)
        restarted = HybridLogicalClock("dev-a", wall_clock_ms=wall,
                                       last=Timestamp.parse(str(previous)))
        stamp = restarted.now()
        assert stamp > previous
        previous = stamp


@given(st.integers(0, 10**12), timestamps)
def test_observe_of_a_stamp_from_the_future_orders_the_next_edit_after_it(wall_ms, remote):
    wall = FakeWall(min(wall_ms, remote.wall_ms - 1) if remote.wall_ms > 0 else 0)
    clock = HybridLogicalClock("dev-a", wall_clock_ms=wall)
    clock.observe(remote)
    clock.observe(str(remote))  # the text form is accepted too
    stamp = clock.now()
    assert (stamp.wall_ms, stamp.counter) > (remote.wall_ms, remote.counter)


@given(st.integers(1, 10**12), st.integers(1, MAX_COUNTER - 1), st.integers(0, 1000))
def test_observe_always_orders_the_next_edit_after_the_observed_stamp(wall_ms, counter, back):
    wall = FakeWall(wall_ms)
    clock = HybridLogicalClock("dev-a", wall_clock_ms=wall)
    remote = Timestamp(wall_ms, counter, "dev-b")
    clock.observe(remote)  # remote wall time == our physical time
    wall.value = max(0, wall_ms - back)  # and the physical clock may step back
    stamp = clock.now()
    assert (stamp.wall_ms, stamp.counter) > (remote.wall_ms, remote.counter)


@given(timestamps, timestamps)
def test_string_order_equals_timestamp_order(a, b):
    assert (str(a) < str(b)) == (a < b)
    assert (str(a) == str(b)) == (a == b)


@given(timestamps)
def test_parse_round_trips(stamp):
    assert Timestamp.parse(str(stamp)) == stamp
    assert len(str(stamp).split("-", 2)[0]) == 12


@pytest.mark.parametrize("bad", ["", "nonsense", "00000000000a-0001-", "0a-0001-dev",
                                 "00000000000a-01-dev", "zzzzzzzzzzzz-0001-dev"])
def test_parse_rejects_malformed_stamps(bad):
    with pytest.raises(ValueError):
        Timestamp.parse(bad)


def test_counter_overflow_borrows_a_millisecond():
    wall = FakeWall(1000)
    clock = HybridLogicalClock("d", wall_clock_ms=wall, last=Timestamp(1000, MAX_COUNTER - 1, "d"))
    first, second = clock.now(), clock.now()
    assert first == Timestamp(1000, MAX_COUNTER, "d")
    assert second == Timestamp(1001, 0, "d")
    assert str(first) < str(second)


# ----- UUIDv7 ids --------------------------------------------------------------------------


class FakeTime:
    def __init__(self, ns: int) -> None:
        self.ns = ns

    def time_ns(self) -> int:
        return self.ns


@given(st.lists(st.integers(0, 2**48 - 1), min_size=2, max_size=30, unique=True))
def test_ids_from_different_milliseconds_sort_by_time(millis):
    fake = FakeTime(0)
    made = []
    with mock.patch.object(ids, "time", fake):
        for ms in millis:
            fake.ns = ms * 1_000_000 + 999_999
            made.append((ms, new_id()))
    for ms, text in made:
        value = uuid.UUID(text)
        assert value.version == 7
        assert value.variant == uuid.RFC_4122
        assert value.int >> 80 == ms
    assert [t for _, t in sorted(made)] == sorted(t for _, t in made)


def test_ids_are_unique_valid_and_their_time_never_goes_backwards():
    made = [new_id() for _ in range(20_000)]
    assert len(set(made)) == len(made)
    assert all(is_uuid(i) and uuid.UUID(i).version == 7 for i in made)
    millis = [uuid.UUID(i).int >> 80 for i in made]
    assert millis == sorted(millis)


@given(st.text(max_size=40))
def test_is_uuid_matches_the_standard_parser(text):
    try:
        uuid.UUID(text)
        expected = True
    except ValueError:
        expected = False
    assert is_uuid(text) == expected
