"""A family's History from the audit log (issue 16, SECURITY I4): who viewed, changed, printed
or exported what, and when, for a caller who holds the family (a worker: their families; a
supervisor: their team's; an administrator: all, as for pull). Identifiers and kinds only.

Reading it is itself audited (``view-history``), in the same transaction as the read.
"""

from sqlalchemy import Connection, select

from familyworker.sync.protocol import HistoryEvent, HistoryResponse
from familyworker_server import models
from familyworker_server.accounts import Actor, audit, aware, now
from familyworker_server.apply import scope_ids_sql
from familyworker_server.bulk import mark
from familyworker_server.errors import ApiError

VIEW_HISTORY = "view-history"


def in_scope(conn: Connection, actor: Actor, family_id: str) -> bool:
    """Whether the caller may hold this family now: the rule pull and /scope use."""
    if actor.role == "admin":
        return conn.execute(select(models.family_scope.c.family_id).where(
            models.family_scope.c.family_id == family_id)).first() is not None
    sql, values = scope_ids_sql(conn, actor)
    return conn.exec_driver_sql(
        f"SELECT 1 FROM ({sql}) ids WHERE family_id = {mark(conn)}",
        (*values, family_id)).first() is not None


def not_found() -> ApiError:
    # The same answer for a family that does not exist and one held by another team: the
    # answer must not tell a caller which families exist outside their scope.
    return ApiError(404, "not_found", "There is no such family in your caseload.")


def history_page(conn: Connection, actor: Actor, family_id: str, *, cursor: int | None,
                 limit: int) -> HistoryResponse:
    """Events older than ``cursor`` (an audit seq; None: the newest), newest first. The first
    page's read is audited; later pages of the same reading are not (one event per look)."""
    if not in_scope(conn, actor, family_id):
        raise not_found()
    log, w = models.audit_log.c, models.worker.c
    query = (select(log.seq, log.id, log.at, log.action, log.entity, log.entity_id, log.detail,
                    log.worker_id, log.device_id, w.name)
             .outerjoin(models.worker, w.id == log.worker_id)
             .where(log.family_id == family_id)
             .order_by(log.seq.desc()).limit(limit + 1))
    if cursor is not None:
        query = query.where(log.seq < cursor)
    rows = conn.execute(query).all()
    more = len(rows) > limit
    rows = rows[:limit]
    events = [HistoryEvent(id=r.id, at=aware(r.at), action=r.action, entity=r.entity,
                           entity_id=r.entity_id, detail=r.detail or "", worker_id=r.worker_id,
                           actor=r.name, device_id=r.device_id) for r in rows]
    if cursor is None:
        audit(conn, action=VIEW_HISTORY, entity="family", entity_id=family_id,
              family_id=family_id, worker_id=actor.worker_id, device_id=actor.device_id,
              detail=f"role={actor.role}")
    return HistoryResponse(events=events, next_cursor=rows[-1].seq if more else None,
                           server_time=now())
