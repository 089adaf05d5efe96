"""Unsaved form text kept as drafts, so closing or locking the app never loses typing."""

import json
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select

from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import FormDraftRow


def save_form_draft(store: CaseloadStore, *, key: str, payload: dict[str, Any],
                    family_id: str | None = None) -> None:
    """Keep (or replace) the unsaved text of one form. Drafts stay on this device; never synced."""
    with store.unit_of_work() as uow:
        row = uow.session.get(FormDraftRow, key)
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        if row is None:
            row = FormDraftRow(key=key, family_id=family_id, payload=text,
                               saved_at=datetime.now(UTC))
        else:
            row.payload = text
            row.family_id = family_id
            row.saved_at = datetime.now(UTC)
        uow.session.add(row)


def load_form_draft(store: CaseloadStore, key: str) -> dict[str, Any] | None:
    """The kept text of one form, or None when there is none."""
    with store.read() as session:
        row = session.get(FormDraftRow, key)
        if row is None:
            return None
        data = json.loads(row.payload)
        return data if isinstance(data, dict) else None


def discard_form_draft(store: CaseloadStore, key: str) -> None:
    """Forget a form's kept text (it was saved for real, or the person threw it away)."""
    with store.unit_of_work() as uow:
        row = uow.session.get(FormDraftRow, key)
        if row is not None:
            uow.session.delete(row)


def draft_keys_for_family(store: CaseloadStore, family_id: str) -> list[str]:
    with store.read() as session:
        return list(session.exec(select(FormDraftRow.key).where(
            col(FormDraftRow.family_id) == family_id)).all())
