"""The scope digest on every caught-up pull, joined by the database, is the protocol's digest of
the caller's family ids, on SQLite and PostgreSQL (the query orders by COLLATE "C": under a
language collation PostgreSQL would order ids as if they had no dashes)."""

import uuid

from sqlalchemy import insert
from tests.sync.helpers import Server

from familyworker.sync import protocol
from familyworker_server import models
from familyworker_server.accounts import Actor
from familyworker_server.apply import scope_digest, scope_family_ids
from familyworker_server.scope_models import family_member


def test_the_database_digest_is_the_protocols(server: Server) -> None:
    north, south = server.team("North"), server.team("South")
    ann, bea = server.worker("Ann", north), server.worker("Bea", south)
    led = [str(uuid.uuid4()) for _ in range(40)]
    other = [str(uuid.uuid4()) for _ in range(10)]
    with server.engine.begin() as conn:
        conn.execute(insert(models.family_scope), [
            {"family_id": f, "team_id": north, "lead_worker_id": ann} for f in led] + [
            {"family_id": f, "team_id": south, "lead_worker_id": bea} for f in other])
        # Ann also co-works one of Bea's families (and one of her own: no duplicate).
        conn.execute(insert(family_member), [{"family_id": other[0], "worker_id": ann},
                                             {"family_id": led[0], "worker_id": ann}])
    actors = [Actor("d1", ann, "worker", north), Actor("d2", bea, "worker", south),
              Actor("d3", "sam", "supervisor", north), Actor("d4", "nobody", "worker", None)]
    with server.engine.connect() as conn:
        for actor in actors:
            ids = scope_family_ids(conn, actor)
            assert ids is not None
            assert scope_digest(conn, actor) == protocol.scope_hash(ids)
        assert sorted(scope_family_ids(conn, actors[0]) or []) == sorted([*led, other[0]])
        assert scope_digest(conn, Actor("d5", "root", "admin", None)) is None
