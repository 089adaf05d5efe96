"""Subject access export (issue 16): every record held about a family, or one person in it,
deleted ones marked, third parties marked for the DPO's redaction review, the export audited."""

import json
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.server.test_api import enrol, family_op, push, stamp
from tests.server.test_audit_chain import audit_op
from tests.sync.helpers import Server

from familyworker.domain.ids import new_id
from familyworker_server import accounts, audit_chain, cli, models, subject_access

CANARY = "canary-7Q4 blue bicycle"


def op(device: str, table: str, family: str, counter: int, op_kind: str = "insert",
       row_id: str | None = None, **fields: Any) -> dict[str, Any]:
    return {"op_id": new_id(), "table": table, "row_id": row_id or new_id(),
            "family_id": family, "kind": op_kind, "hlc": stamp(device, counter=counter),
            "fields": fields}


def fill(server: Server) -> dict[str, Any]:
    """Ann pushes a family of two (Jo and Kai Smith), a note at which Jo was present that names
    Kai and a health visitor, an addendum, Jo's Web Star, a note about Kai alone, an agency
    she then deletes, a call with Jo whose addendum names Kai, and a view of the family."""
    ann = server.worker("Ann Worker", server.team("North"))
    device, token = enrol(server, ann)
    family = new_id()
    jo, kai, note, kai_note, agency, call = (new_id() for _ in range(6))
    ops = [
        family_op(device, family, reference="FAM-77"),
        op(device, "person", family, 1, row_id=jo, name="Jo Smith", relationship="mother"),
        op(device, "person", family, 2, row_id=kai, name="Kai Smith", relationship="child"),
        op(device, "contact_note", family, 3, row_id=note, kind="home-visit",
           occurred_at="2026-12-01T10:00:00+00:00", present=["Jo Smith", "Hana HV"],
           narrative=f"Jo said {CANARY}; Kai was at school. Zoë rang from Łódź."),
        op(device, "note_addendum", family, 4, op_kind="append", note_id=note,
           text="Later: Jo rang back.", written_at="2026-12-02T09:00:00+00:00"),
        op(device, "star_assessment", family, 5, op_kind="append", person_id=jo,
           assessed_on="2026-12-01", template_key="family-star", template_version=1),
        op(device, "contact_note", family, 6, row_id=kai_note, kind="home-visit",
           occurred_at="2026-12-03T10:00:00+00:00", present=["Kai Smith"],
           narrative="Kai showed his drawings."),
        op(device, "agency_involvement", family, 7, row_id=agency, agency="Early Help"),
        op(device, "contact_note", family, 9, row_id=call, kind="phone",
           occurred_at="2026-12-04T10:00:00+00:00", present=["Jo Smith"],
           narrative="Short call."),
        op(device, "note_addendum", family, 10, op_kind="append", note_id=call,
           text="Kai's school phoned after.", written_at="2026-12-04T11:00:00+00:00"),
        audit_op(device, family, "view"),
    ]
    answer = push(server, token, device, ops).json()
    assert "results" in answer, answer
    assert {r["status"] for r in answer["results"]} == {"applied"}, answer
    answer = push(server, token, device, [op(device, "agency_involvement", family, 8,
                                             op_kind="delete", row_id=agency)]).json()
    assert answer["results"][0]["status"] == "applied", answer
    return {"family": family, "jo": jo, "kai": kai, "note": note, "kai_note": kai_note,
            "agency": agency, "ann": ann, "call": call}


def read(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def records(files: dict[str, Any], stem: str) -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(files[f"{stem}.json"])
    return loaded


def pdf_text(content: bytes) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(content)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def export_audits(server: Server) -> list[Any]:
    with server.engine.connect() as conn:
        return list(conn.execute(select(models.audit_log).where(
            models.audit_log.c.action == "subject-access")).all())


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Where exports go (the server's own data folder is beside it)."""
    made = tmp_path / "exports"
    made.mkdir()
    return made


def test_the_whole_family_is_exported_with_deleted_records_audit_and_review(
        server: Server, folder: Path) -> None:
    ids = fill(server)
    out = folder / "sar.zip"
    result = subject_access.export(server.engine, family="fam-77", out=out)
    files = read(out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not [p for p in folder.iterdir() if p.name.endswith(".part")]
    assert {f"{stem}.json" for stem in subject_access.KIND_FILES.values()} | {
        "audit.json", "README.txt", "REDACTION_REVIEW.txt", "summary.pdf"} == set(files)
    assert [r["fields"]["reference"] for r in records(files, "household")] == ["FAM-77"]
    assert {r["fields"]["name"] for r in records(files, "people")} == {"Jo Smith", "Kai Smith"}
    notes = {r["id"]: r for r in records(files, "contact_notes")}
    assert CANARY in notes[ids["note"]]["fields"]["narrative"]
    assert [a["fields"]["text"] for a in notes[ids["note"]]["addenda"]] == \
        ["Later: Jo rang back."]
    assert len(records(files, "note_addenda")) == 2
    assert [s["fields"]["person_id"] for s in records(files, "stars")] == [ids["jo"]]
    [agency] = records(files, "agencies")
    assert (agency["id"], agency["deleted"]) == (ids["agency"], True)
    assert agency["fields"]["agency"] == "Early Help"  # still held, so still shown
    audit = records(files, "audit")
    view = [a for a in audit if a["action"] == "view"]
    assert len(view) == 1 and view[0]["worker_name"] == "Ann Worker"
    assert view[0]["worker_id"] == ids["ann"] and view[0]["at"]
    # The whole family: every member named in a note is a third party to someone.
    review = notes[ids["note"]]["third_party_review"]
    assert {(m["name"], m["kind"]) for m in review} == {
        ("Jo Smith", "household member"), ("Kai Smith", "household member"),
        ("Hana HV", "other person present")}
    text = files["REDACTION_REVIEW.txt"].decode()
    assert ids["note"] in text and "Hana HV" in text
    assert files["summary.pdf"].startswith(b"%PDF")
    summary = pdf_text(files["summary.pdf"])
    assert "FAM-77" in summary and CANARY in summary and "Later: Jo rang back." in summary
    assert "Zoë rang from Łódź" in summary  # the embedded font prints every name
    assert "FAM-77" in files["README.txt"].decode() and "people.json (2)" in \
        files["README.txt"].decode()
    # The export is audited: the family, a count, no names; the chain still holds.
    [row] = export_audits(server)
    assert (row.entity, row.entity_id, row.family_id) == ("family", ids["family"], ids["family"])
    assert row.detail == f"records={result.records}" and result.records >= 9
    with server.engine.connect() as conn:
        assert audit_chain.verify(conn).broken is None


def test_one_person_gets_their_records_and_the_household_and_others_are_marked(
        server: Server, folder: Path) -> None:
    ids = fill(server)
    out = folder / "jo.zip"
    subject_access.export(server.engine, family=ids["family"], out=out, person="  jo SMITH ")
    files = read(out)
    assert [r["id"] for r in records(files, "people")] == [ids["jo"]]
    assert [r["id"] for r in records(files, "contact_notes")] == [ids["note"], ids["call"]]
    assert len(records(files, "note_addenda")) == 2  # not Kai's note
    assert len(records(files, "stars")) == 1
    assert len(records(files, "household")) == 1 and len(records(files, "agencies")) == 1
    assert b"Kai showed" not in b"".join(files.values())
    note, call = records(files, "contact_notes")
    assert {m["name"] for m in note["third_party_review"]} == {"Kai Smith", "Hana HV"}
    assert note["third_party_review"][0]["kind"] == "household member"
    assert call["third_party_review"] == []  # the subject alone; its addendum names Kai
    assert [m["name"] for m in call["addenda"][0]["third_party_review"]] == ["Kai Smith"]
    assert "Kai Smith (household member, in text)" in files["REDACTION_REVIEW.txt"].decode()
    # Kai's own export leaves out Jo's person record and star.
    subject_access.export(server.engine, family="FAM-77", out=folder / "kai.zip",
                          person="Kai Smith")
    kai = read(folder / "kai.zip")
    assert [r["id"] for r in records(kai, "people")] == [ids["kai"]]
    assert records(kai, "stars") == []
    # Kai is named in Jo's note's text and in the call's addendum: those are about him too.
    assert {r["id"] for r in records(kai, "contact_notes")} == {
        ids["note"], ids["kai_note"], ids["call"]}
    [call] = [r for r in records(kai, "contact_notes") if r["id"] == ids["call"]]
    assert [m["name"] for m in call["third_party_review"]] == ["Jo Smith"]


@pytest.mark.parametrize("family, person", [("FAM-404", None), ("FAM-77", "Nobody Here")])
def test_unknown_family_or_person_writes_nothing(server: Server, folder: Path,
                                                 family: str, person: str | None) -> None:
    fill(server)
    with pytest.raises(accounts.AdminError) as error:
        subject_access.export(server.engine, family=family, out=folder / "x.zip",
                              person=person)
    assert "Nobody" not in str(error.value) and "FAM-404" not in str(error.value)
    assert list(folder.iterdir()) == []
    assert export_audits(server) == []


def test_an_existing_file_is_kept_unless_forced(server: Server, folder: Path) -> None:
    fill(server)
    out = folder / "sar.zip"
    out.write_bytes(b"earlier")
    with pytest.raises(accounts.AdminError, match="--force"):
        subject_access.export(server.engine, family="FAM-77", out=out)
    assert out.read_bytes() == b"earlier" and export_audits(server) == []
    subject_access.export(server.engine, family="FAM-77", out=out, force=True)
    assert zipfile.is_zipfile(out) and len(export_audits(server)) == 1
    assert [p.name for p in folder.iterdir()] == ["sar.zip"]


def test_a_failed_write_leaves_no_file_and_no_audit(
        server: Server, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fill(server)

    def broken(*_: Any, **__: Any) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr(subject_access, "summary_pdf", broken)
    with pytest.raises(OSError):
        subject_access.export(server.engine, family="FAM-77", out=folder / "sar.zip")
    assert list(folder.iterdir()) == [] and export_audits(server) == []


def test_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "server"
    from tests.sync.helpers import make_server
    with make_server("sqlite", data) as server:
        ids = fill(server)
    out = tmp_path / "out" / "sar.zip"
    out.parent.mkdir()
    base = ["subject-access", "--data", str(data)]
    assert cli.main([*base, "--family", "FAM-404", "--out", str(out)]) == 2
    assert "No family" in capsys.readouterr().err and not out.exists()
    assert cli.main([*base, "--family", "FAM-77", "--out", str(out),
                     "--person", "Nobody"]) == 2
    assert "Nobody" not in capsys.readouterr().err and not out.exists()
    assert cli.main([*base, "--family", "FAM-77", "--out", str(out), "--person", "Kai Smith"]) \
        == 0
    assert "REDACTION_REVIEW.txt" in capsys.readouterr().out
    assert [r["id"] for r in records(read(out), "people")] == [ids["kai"]]
    assert cli.main([*base, "--family", "FAM-77", "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert cli.main([*base, "--family", "FAM-77", "--out", str(out), "--force"]) == 0
    assert len(records(read(out), "people")) == 2
    assert cli.main(["audit-verify", "--data", str(data)]) == 0


def test_every_synced_record_kind_has_a_file_in_the_export() -> None:
    # A table added to the sync and not here would be silently left out of every export.
    from familyworker.sync import protocol
    # Teams and workers are the organisation, not records about the family.
    assert set(subject_access.KIND_FILES) == (
        set(protocol.SYNCED_TABLE_NAMES) - {"audit_event", "team", "worker"})
