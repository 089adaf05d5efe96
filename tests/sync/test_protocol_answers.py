"""Answers tolerate fields a newer server adds; requests still refuse unknown fields (H2)."""

import pytest
from pydantic import ValidationError

from familyworker.sync import protocol
from familyworker.sync.token_protocol import EnrolTokensResponse, TokenResponse

NOW = "2026-12-03T10:00:00+00:00"


def test_a_newer_server_may_add_fields_to_its_answers() -> None:
    status = protocol.StatusResponse.model_validate(
        {"device_id": "d", "worker_id": "w", "role": "worker", "team_id": None,
         "server_time": NOW, "added_in_a_later_version": {"x": 1}})
    assert status.worker_id == "w"
    page = protocol.PullResponse.model_validate(
        {"rows": [{"table": "family", "row_id": "r", "family_id": "r", "data": {},
                   "field_hlc": {}, "server_seq": 1, "newer": True}],
         "next_cursor": 1, "has_more": False, "snapshot_seq": 1, "server_time": NOW,
         "newer": "ignored"})
    assert page.rows[0].server_seq == 1
    error = protocol.ErrorBody.model_validate(
        {"code": "token_reused", "message": "Connect again.", "hint": "new"})
    assert error.code == "token_reused"
    assert {"access_token", "refresh_token"} <= set(TokenResponse.model_fields)
    assert issubclass(EnrolTokensResponse, protocol.Answer)


def test_requests_still_refuse_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        protocol.EnrolRequest.model_validate(
            {"protocol": 1, "schema_version": 1, "code": "ABCD-1234", "device_id": "d",
             "surprise": 1})
