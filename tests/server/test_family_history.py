"""A family's History from the server (issue 16, SECURITY I4): the holder of a family and their
supervisor read its audit events, nobody else; each read is itself audited (SQLite and
PostgreSQL)."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.sync.helpers import Server, add_family, add_note, enrolled, sync

from familyworker.services.family_history import (
    HistoryKind,
    family_history,
    family_history_with_server,
    record_opened,
)
from familyworker.store.caseload_store import CaseloadStore
from familyworker.sync import credentials
from familyworker.sync.client import ServerRefused
from familyworker.sync.server_history import fetch_family_history
from familyworker_server.family_history import VIEW_HISTORY

NOTE_WORDS = "Visited; the canary-history-7741 words never leave the record."


@dataclass
class Team:
    server: Server
    devices: dict[str, CaseloadStore]
    north: str  # Ann's family, team North
    south: str  # Zed's family, team South


@pytest.fixture
def team(server: Server, tmp_path: Path) -> Iterator[Team]:
    north, south = server.team("North"), server.team("South")
    ids = {"ann": server.worker("Ann", north), "bob": server.worker("Bob", north),
           "sue": server.worker("Sue", north, "supervisor"),
           "zed": server.worker("Zed", south), "sam": server.worker("Sam", south, "supervisor")}
    devices = {name: enrolled(server, tmp_path / name, wid, fast=True)
               for name, wid in ids.items()}
    north_family = add_family(devices["ann"], "N-1")
    add_note(devices["ann"], north_family, NOTE_WORDS)
    record_opened(devices["ann"], north_family)
    south_family = add_family(devices["zed"], "S-1")
    for name in ("ann", "zed", "sue", "sam", "bob"):
        sync(devices[name], server)
    yield Team(server, devices, north_family, south_family)
    for store in devices.values():
        store.lock()


def test_the_worker_and_their_supervisor_see_who_did_what(team: Team) -> None:
    ann = fetch_family_history(team.devices["ann"], team.north, http=team.server.client)
    assert ann.events, "Ann's own pushed events come back from the server"
    assert {e.actor for e in ann.events if e.action != VIEW_HISTORY} == {"Ann"}
    assert {"create", "view"} <= {e.action for e in ann.events}
    assert "contact_note" in {e.entity for e in ann.events}
    times = [e.at for e in ann.events]
    assert times == sorted(times, reverse=True)

    sue = fetch_family_history(team.devices["sue"], team.north, http=team.server.client)
    assert [e.id for e in sue.events if e.action != VIEW_HISTORY] == \
        [e.id for e in ann.events if e.action != VIEW_HISTORY]
    # Sue's look is itself on the record, and Ann sees it next time.
    again = fetch_family_history(team.devices["ann"], team.north, http=team.server.client)
    looks = [(e.actor, e.action) for e in again.events if e.action == VIEW_HISTORY]
    assert looks[:2] == [("Sue", VIEW_HISTORY), ("Ann", VIEW_HISTORY)]


@pytest.mark.parametrize("who", ["bob", "sam", "zed"])
def test_nobody_else_reads_it(team: Team, who: str) -> None:
    """Bob (same team, not his family), Sam (another team's supervisor), Zed (another team):
    all refused alike, and the refusal leaves no view-history event."""
    with pytest.raises(ServerRefused) as refused:
        fetch_family_history(team.devices[who], team.north, http=team.server.client)
    assert (refused.value.status, refused.value.code) == (404, "not_found")
    ann = fetch_family_history(team.devices["ann"], team.north, http=team.server.client)
    # (A reading's own event is written after it reads: Ann's first reading shows none.)
    assert [e.actor for e in ann.events if e.action == VIEW_HISTORY] == []


def test_a_supervisor_of_another_team_is_refused_but_reads_their_own(team: Team) -> None:
    sam = team.devices["sam"]
    with pytest.raises(ServerRefused):
        fetch_family_history(sam, team.north, http=team.server.client)
    own = fetch_family_history(sam, team.south, http=team.server.client)
    assert {e.actor for e in own.events if e.action != VIEW_HISTORY} == {"Zed"}


def test_an_unknown_family_is_answered_as_out_of_scope(team: Team) -> None:
    with pytest.raises(ServerRefused) as refused:
        fetch_family_history(team.devices["sue"], "0190a000-0000-7000-8000-000000000000",
                             http=team.server.client)
    assert refused.value.status == 404


def test_pages_join_up_newest_first_and_hold_no_content(team: Team) -> None:
    whole = fetch_family_history(team.devices["sue"], team.north, http=team.server.client)
    paged = fetch_family_history(team.devices["sue"], team.north, http=team.server.client,
                                 page=1)
    # The second reading added one view-history event at the top; the rest is the same.
    assert len(whole.events) >= 3  # family, note, opened: pages of one join up
    assert [e.id for e in paged.events[1:]] == [e.id for e in whole.events]
    assert paged.events[0].action == VIEW_HISTORY
    # The raw answer: no note words in it.
    held = credentials.load(team.devices["sue"])
    assert held is not None and held.access_token
    raw = team.server.client.get(
        f"/sync/v1/families/{team.north}/history",
        headers={"Authorization": f"Bearer {held.access_token}"})
    assert raw.status_code == 200
    assert "canary-history-7741" not in raw.text


def test_no_token_no_history(team: Team) -> None:
    answer = team.server.client.get(f"/sync/v1/families/{team.north}/history")
    assert answer.status_code == 401


def test_the_service_merges_colleagues_events_with_unsent_ones_once_each(
        team: Team) -> None:
    sue, ann = team.devices["sue"], team.devices["ann"]
    record_opened(sue, team.north)  # Sue's own look, not yet sent
    reading = family_history_with_server(sue, team.north, http=team.server.client)
    assert reading.from_server and reading.source.startswith("From the server, as of ")
    lines = [(e.who, e.what) for e in reading.entries]
    assert ("Ann", "added a contact note") in lines  # a colleague's, from the server
    assert lines.count(("Sue", "opened the family file")) == 1  # unsent, from this laptop
    # After Sue's sync her event is on the server and on her laptop: still shown once.
    sync(sue, team.server)
    again = family_history_with_server(sue, team.north, http=team.server.client)
    assert [(e.who, e.what) for e in again.entries].count(
        ("Sue", "opened the family file")) == 1
    assert ("Sue", "looked at this History") in [(e.who, e.what) for e in again.entries]
    opened = family_history_with_server(ann, team.north, frozenset({HistoryKind.OPENED}),
                                        http=team.server.client)
    assert {e.who for e in opened.entries} == {"Ann", "Sue"}


def test_the_service_says_when_it_is_this_laptop_only(team: Team) -> None:
    class Down:
        def request(self, *_args: object, **_kwargs: object) -> object:
            raise httpx.ConnectError("down")

        def close(self) -> None:
            pass

    ann = team.devices["ann"]
    down: object = Down()
    reading = family_history_with_server(ann, team.north, http=down)  # type: ignore[arg-type]
    assert not reading.from_server
    assert reading.source == "This laptop only: the server could not be reached."
    assert reading.entries == family_history(ann, team.north)
