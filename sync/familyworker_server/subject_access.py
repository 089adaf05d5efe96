"""Subject access request export (issue 16): everything the server holds about one family, or
one person in it, as a zip for the data protection officer.

The zip holds one JSON file per record kind (deleted records included, marked deleted: the DPO
must see what is held), ``audit.json`` (who viewed, changed or printed what: identifiers, kinds
and times, with the workers' names), ``README.txt``, ``REDACTION_REVIEW.txt`` (the notes and
addenda that name other people, for the DPO's redaction review: third-party information is
marked, never dropped) and a readable ``summary.pdf``.

The zip is written to a temporary file beside the target (mode 0600) and renamed into place,
so no partial export is ever left; the export is itself audited (identifiers and a count only).
Nothing here logs, and errors never carry names or case content.
"""

import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from sqlalchemy import Connection, Engine, or_, select

from familyworker_server import accounts, models

# Synced table -> the export's file (without .json), in the order README.txt lists them.
KIND_FILES: dict[str, str] = {
    "family": "household",
    "person": "people",
    "agency_involvement": "agencies",
    "family_criterion": "criteria",
    "contact_note": "contact_notes",
    "note_addendum": "note_addenda",
    "star_assessment": "stars",
    "plan": "plans",
    "plan_goal": "plan_goals",
    "plan_action": "plan_actions",
    "outcome": "outcomes",
    "outcome_claim": "claims",
    "sustainability_review": "sustainability_reviews",
    "oversight_note": "oversight_notes",
    "task": "tasks",
    "family_co_worker": "co_worker_allocations",
    "safeguarding_concern": "safeguarding_concerns",
    "concern_decision": "safeguarding_decisions",
    "consent_record": "consent",
    "measure_reading": "outcome_measure_readings",
    "employment_spell": "employment",
    "sync_conflict": "conflicts",
}
AUDIT_FILE = "audit"

_DESCRIPTIONS: dict[str, str] = {
    "household": "the family (household) record: reference, address, status, lead worker",
    "people": "the household members",
    "agencies": "the agencies involved with the family",
    "criteria": "the programme criteria the family met, with the evidence",
    "contact_notes": "contact notes, each with its addenda and a third_party_review list",
    "note_addenda": "addenda to contact notes, each with a third_party_review list",
    "stars": "Web Star assessments (person_id names the member; empty: the household)",
    "plans": "family plans",
    "plan_goals": "the plans' goals",
    "plan_actions": "the goals' actions",
    "outcomes": "outcomes recorded against criteria",
    "claims": "payment-by-results claims",
    "sustainability_reviews": "sustainability reviews of claimed outcomes",
    "oversight_notes": "supervisors' management oversight notes",
    "tasks": "tasks about the family",
    "co_worker_allocations": "workers allocated to the family besides the lead worker",
    "safeguarding_concerns": "safeguarding concerns raised (about_person_id names the member; "
                             "empty: the household)",
    "safeguarding_decisions": "the decisions and outcomes of those concerns",
    "consent": "the consent register: each statement of consent given, refused or withdrawn",
    "outcome_measure_readings": "readings of outcome measures from their source systems",
    "employment": "spells of employment recorded for the continuous-employment route",
    "conflicts": "records two devices changed at once, with both values",
    "audit": "who viewed, changed, printed or exported what, and when (identifiers, kinds, "
             "times and the worker's name; never case content)",
}

# Household-level records: kept in an export for one person.
_HOUSEHOLD_TABLES = frozenset({
    "family", "agency_involvement", "family_criterion", "plan", "plan_goal", "plan_action",
    "outcome", "outcome_claim", "sustainability_review", "oversight_note", "task",
    "family_co_worker"})
# Records about one member, or about the household when they name nobody.
_PERSON_OR_HOUSEHOLD_TABLES = frozenset({"star_assessment", "measure_reading"})
# Records always about one member.
_PERSON_TABLES = frozenset({"consent_record", "employment_spell"})


@dataclass(frozen=True, slots=True)
class Record:
    table: str
    row_id: str
    deleted: bool
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    family_id: str
    counts: dict[str, int]  # file stem -> records in it (audit included)
    review: int  # notes and addenda listed for redaction review

    @property
    def records(self) -> int:
        return sum(self.counts.values())


@dataclass
class _Collected:
    family: Record
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notes: list[dict[str, Any]] = field(default_factory=list)
    review: list[str] = field(default_factory=list)


def export(engine: Engine, *, family: str, out: Path, person: str | None = None,
           force: bool = False, now: datetime | None = None) -> ExportResult:
    """Write the subject access zip for a family (by reference or id), or one person in it.

    Raises AdminError (one sentence, no personal data) for an unknown family or person or an
    existing file without ``force``; nothing is written then.
    """
    at = now or accounts.now()
    out = Path(out)
    if out.exists() and not force:
        raise accounts.AdminError(
            f"{out} exists already; give --force to replace it, or another file name.")
    if not out.parent.is_dir():
        raise accounts.AdminError(f"The folder {out.parent} does not exist.")
    written = False
    try:
        # The audit row commits with the export: the zip is renamed into place last inside the
        # transaction, and removed again should the commit fail.
        with engine.begin() as conn:
            collected = _collect(conn, family, person)
            content = _zip_bytes(collected, at, person is not None)
            counts = {name[:-5]: len(rows) for name, rows in _files(collected).items()}
            accounts.audit(conn, action="subject-access", entity="family",
                           entity_id=collected.family.row_id,
                           family_id=collected.family.row_id,
                           detail=f"records={sum(counts.values())}")
            _write_atomically(out, content, force=force)
            written = True
    except BaseException:
        if written:
            out.unlink(missing_ok=True)
        raise
    return ExportResult(path=out, family_id=collected.family.row_id, counts=counts,
                        review=len(collected.review))


# ----- collecting ----------------------------------------------------------------------------

def _records(rows: Iterable[Any]) -> list[Record]:
    return [Record(table=row.table_name, row_id=row.row_id, deleted=bool(row.deleted),
                   data=json.loads(row.data)) for row in rows]


def find_family(conn: Connection, ref: str) -> Record:
    c = models.sync_row.c
    rows = _records(conn.execute(
        select(c.table_name, c.row_id, c.deleted, c.data).where(c.table_name == "family")
        .order_by(c.row_id)))
    by_id = [r for r in rows if r.row_id == ref]
    by_reference = [r for r in rows if str(r.data.get("reference", "")).strip().casefold()
                    == ref.strip().casefold()]
    found = by_id or by_reference
    if not found:
        raise accounts.AdminError("No family has that reference or id.")
    if len(found) > 1:
        live = [r for r in found if not r.deleted]
        if len(live) != 1:
            raise accounts.AdminError(
                "More than one family has that reference; give the family's id instead.")
        found = live
    return found[0]


def _name_pattern(name: str) -> re.Pattern[str] | None:
    """The full name, or the first name alone, as whole words, ignoring case."""
    words = name.split()
    if not words:
        return None
    forms = {re.escape(" ".join(words))}
    if len(words) > 1:  # a false match costs the DPO a look; a missed one, a disclosure
        forms.add(re.escape(words[0]))
    return re.compile(r"(?<!\w)(" + "|".join(sorted(forms, key=len, reverse=True)) + r")(?!\w)",
                      re.IGNORECASE)


def _mentions(record: dict[str, Any], text: str, members: dict[str, str],
              subjects: set[str]) -> list[dict[str, str]]:
    """Who else a note or addendum names: household members (other than the subject) in its
    text or ``present``, and anyone else listed in ``present`` (a professional, say)."""
    present = [str(p) for p in record.get("present") or [] if str(p).strip()]
    present_keys = {p.strip().casefold() for p in present}
    found: list[dict[str, str]] = []
    for person_id, name in members.items():
        if person_id in subjects:
            continue
        pattern = _name_pattern(name)
        where = []
        if name.strip().casefold() in present_keys:
            where.append("present")
        if pattern is not None and pattern.search(text):
            where.append("text")
        if where:
            found.append({"name": name, "kind": "household member", "where": "+".join(where)})
    member_keys = {n.strip().casefold() for n in members.values()}
    for name in present:
        if name.strip().casefold() not in member_keys:
            found.append({"name": name.strip(), "kind": "other person present",
                          "where": "present"})
    return found


def _collect(conn: Connection, ref: str, person: str | None) -> _Collected:
    family = find_family(conn, ref)
    c = models.sync_row.c
    rows = _records(conn.execute(
        select(c.table_name, c.row_id, c.deleted, c.data)
        .where(c.family_id == family.row_id, c.table_name != "family")
        .order_by(c.server_seq)))
    people = [r for r in rows if r.table == "person"]
    members = {r.row_id: str(r.data.get("name", "")) for r in people}
    subjects: set[str] = set()
    if person is not None:
        wanted = " ".join(person.split()).casefold()
        subjects = {pid for pid, name in members.items()
                    if " ".join(name.split()).casefold() == wanted}
        if not wanted or not subjects:
            raise accounts.AdminError("No one of that name is in this family's household.")
    subject_names = [members[s] for s in subjects]

    def about_subject(note: Record) -> bool:
        present = {" ".join(str(p).split()).casefold() for p in note.data.get("present") or []}
        if any(" ".join(n.split()).casefold() in present for n in subject_names):
            return True
        text = str(note.data.get("narrative", ""))
        return any((p := _name_pattern(n)) is not None and p.search(text) for n in subject_names)

    if person is None:
        kept = rows
    else:
        notes = {r.row_id for r in rows if r.table == "contact_note" and about_subject(r)}
        notes |= {str(r.data.get("note_id")) for r in rows if r.table == "note_addendum"
                  and any((p := _name_pattern(n)) is not None
                          and p.search(str(r.data.get("text", ""))) for n in subject_names)}
        kept = [r for r in rows if r.table in _HOUSEHOLD_TABLES
                or (r.table == "person" and r.row_id in subjects)
                or (r.table in _PERSON_OR_HOUSEHOLD_TABLES
                    and (r.data.get("person_id") in subjects or not r.data.get("person_id")))
                or (r.table in _PERSON_TABLES and r.data.get("person_id") in subjects)
                or (r.table == "safeguarding_concern"
                    and (r.data.get("about_person_id") in subjects
                         or not r.data.get("about_person_id")))
                or (r.table == "contact_note" and r.row_id in notes)
                or (r.table == "note_addendum" and r.data.get("note_id") in notes)]
        concerns = {r.row_id for r in kept if r.table == "safeguarding_concern"}
        kept += [r for r in rows if r.table == "concern_decision"
                 and r.data.get("concern_id") in concerns]
        ids = {r.row_id for r in kept}
        kept += [r for r in rows if r.table == "sync_conflict"
                 and (r.data.get("row_id") in ids or r.data.get("table_name") == "family")]
        kept.sort(key=rows.index)
    collected = _Collected(family=family)
    collected.records = {stem: [] for stem in KIND_FILES.values()}
    collected.records["household"].append(_entry(family))
    addenda: dict[str, list[dict[str, Any]]] = {}
    for record in kept:
        entry = _entry(record)
        if record.table in ("contact_note", "note_addendum"):
            text = str(record.data.get("narrative" if record.table == "contact_note"
                                       else "text", ""))
            entry["third_party_review"] = _mentions(record.data, text, members, subjects)
            if entry["third_party_review"]:
                collected.review.append(_review_line(record, entry["third_party_review"]))
        if record.table == "note_addendum":
            addenda.setdefault(str(record.data.get("note_id")), []).append(entry)
        stem = KIND_FILES.get(record.table, record.table)
        collected.records.setdefault(stem, []).append(entry)
    for note in collected.records["contact_notes"]:
        note["addenda"] = addenda.get(note["id"], [])
        collected.notes.append(note)
    collected.records[AUDIT_FILE] = _audit(conn, family.row_id, person is not None,
                                           {r.row_id for r in kept} | {family.row_id})
    return collected


def _entry(record: Record) -> dict[str, Any]:
    return {"id": record.row_id, "deleted": record.deleted, "fields": record.data}


def _review_line(record: Record, mentions: list[dict[str, str]]) -> str:
    kind = "contact note" if record.table == "contact_note" else "addendum"
    when = record.data.get("occurred_at") or record.data.get("written_at") or ""
    names = "; ".join(f"{m['name']} ({m['kind']}, in {m['where']})" for m in mentions)
    deleted = " [deleted]" if record.deleted else ""
    return f"{kind} {record.row_id}{deleted} {when}: {names}"


def _audit(conn: Connection, family_id: str, one_person: bool,
           ids: set[str]) -> list[dict[str, Any]]:
    a, w = models.audit_log.c, models.worker.c
    rows = conn.execute(
        select(a.seq, a.at, a.action, a.entity, a.entity_id, a.worker_id, a.device_id,
               a.detail, w.name.label("worker_name"))
        .join(models.worker, w.id == a.worker_id, isouter=True)
        .where(or_(a.family_id == family_id, a.entity_id == family_id))
        .order_by(a.seq)).all()
    return [{"at": accounts.aware(row.at).isoformat(), "action": row.action,
             "entity": row.entity, "entity_id": row.entity_id, "worker_id": row.worker_id,
             "worker_name": row.worker_name, "device_id": row.device_id,
             "detail": row.detail}
            for row in rows
            if not one_person or row.entity_id is None or row.entity_id in ids]


# ----- writing -------------------------------------------------------------------------------

def _files(collected: _Collected) -> dict[str, list[dict[str, Any]]]:
    return {f"{stem}.json": rows for stem, rows in collected.records.items()}


def _zip_bytes(collected: _Collected, at: datetime, one_person: bool) -> bytes:
    buffer = io.BytesIO()
    files = _files(collected)
    counts = {name[:-5]: len(rows) for name, rows in files.items()}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in files.items():
            archive.writestr(name, json.dumps(rows, indent=2, ensure_ascii=False,
                                              sort_keys=True, default=str))
        archive.writestr("README.txt", _readme(collected, at, counts, one_person))
        archive.writestr("REDACTION_REVIEW.txt", _redaction_review(collected))
        archive.writestr("summary.pdf", summary_pdf(collected, at, counts))
    return buffer.getvalue()


def _reference(collected: _Collected) -> str:
    return str(collected.family.data.get("reference", "")) or collected.family.row_id


def _readme(collected: _Collected, at: datetime, counts: dict[str, int],
            one_person: bool) -> str:
    scope = ("one household member's records (their person record, their Web Stars, the "
             "notes they were present at or are named in, with those notes' addenda) and the "
             "household-level records") if one_person else "every record held about the family"
    lines = [
        f"Subject access export for family {_reference(collected)} "
        f"(id {collected.family.row_id}), made {at:%Y-%m-%d %H:%M} UTC.",
        "",
        f"It holds {scope}, as the FamilyWorker server stores them. Deleted records are "
        'included and marked "deleted": true, so the data protection officer sees everything '
        "still held.",
        "",
        "Each JSON file is a list of records: id, deleted, fields (the record as stored).",
        "",
    ]
    for stem, count in counts.items():
        lines.append(f"{stem}.json ({count}): {_DESCRIPTIONS.get(stem, 'other records')}")
    lines += [
        "",
        "REDACTION_REVIEW.txt: every note and addendum that names someone other than the "
        "subject (other household members found in its text or present list, and anyone else "
        "present, such as professionals). Nothing has been removed: review these before "
        "disclosure.",
        "summary.pdf: a readable summary: counts per kind, then each note's date, kind and "
        "narrative.",
        "",
        "Names are matched in full and by first name, ignoring case; a surname alone or a "
        "nickname is not found, so read the notes too. This export is itself recorded in the "
        'server\'s audit log (action "subject-access"), after audit.json was written.',
        "",
    ]
    return "\n".join(lines)


def _redaction_review(collected: _Collected) -> str:
    head = ("Records naming other people, for redaction review before disclosure "
            f"(family {_reference(collected)}). Nothing has been removed from the export.\n\n")
    if not collected.review:
        return head + "No note or addendum names anyone else.\n"
    return head + "\n".join(collected.review) + "\n"


def _fonts() -> tuple[str, str]:
    """The app's embedded DejaVu Sans (full UK character coverage), registered once; the
    server reads the shared resources folder, not the app's report code."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from familyworker.resources import resources_dir

    regular, bold = "DejaVuSans", "DejaVuSans-Bold"
    if regular not in pdfmetrics.getRegisteredFontNames():
        fonts = resources_dir() / "fonts"
        pdfmetrics.registerFont(TTFont(regular, str(fonts / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(bold, str(fonts / "DejaVuSans-Bold.ttf")))
    return regular, bold


def summary_pdf(collected: _Collected, at: datetime, counts: dict[str, int]) -> bytes:
    """A title page (reference, date, counts per kind), then each note's date, kind and text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

    styles = getSampleStyleSheet()
    regular, bold = _fonts()
    for style in styles.byName.values():  # every name prints (Ayşe, Wiśniewska, Łukasz)
        if hasattr(style, "fontName"):
            style.fontName = bold if "Bold" in style.fontName else regular
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title="Subject access export",
                                 author="FamilyWorker server")

    def para(text: str, style: str = "BodyText") -> Any:
        return Paragraph(escape(text).replace("\n", "<br/>"), styles[style])

    story: list[Any] = [
        para("Subject access export", "Title"),
        para(f"Family reference: {_reference(collected)}", "Heading2"),
        para(f"Date of export: {at:%d %B %Y, %H:%M} UTC"),
        para("OFFICIAL-SENSITIVE. Contains third-party information marked for redaction "
             "review (REDACTION_REVIEW.txt); deleted records are included and marked."),
        Spacer(1, 12),
        Table([["Records", "Count"], *([stem, str(n)] for stem, n in counts.items())],
              hAlign="LEFT"),
        PageBreak(),
        para("Contact notes", "Heading1"),
    ]
    if not collected.notes:
        story.append(para("No contact notes."))
    for note in collected.notes:
        data = note["fields"]
        deleted = " (deleted)" if note["deleted"] else ""
        story.append(para(f"{data.get('occurred_at', '')} - {data.get('kind', '')}{deleted}",
                          "Heading3"))
        story.append(para(str(data.get("narrative", ""))))
        for addendum in note["addenda"]:
            text = addendum["fields"]
            story.append(para(f"Addendum {text.get('written_at', '')}: {text.get('text', '')}"))
        story.append(Spacer(1, 6))
    document.build(story)
    return buffer.getvalue()


def _write_atomically(out: Path, content: bytes, *, force: bool) -> None:
    """The whole zip or nothing: a private temporary file beside ``out``, then a rename."""
    fd, temp_name = tempfile.mkstemp(dir=out.parent, prefix=".subject-access-", suffix=".part")
    temp = Path(temp_name)
    try:
        os.chmod(temp, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if force:
            os.replace(temp, out)
        else:
            try:
                os.link(temp, out)  # fails, rather than replaces, if the file appeared since
            except FileExistsError:
                raise accounts.AdminError(
                    f"{out} exists already; give --force to replace it, or another file "
                    "name.") from None
            except OSError:  # no hard links on this file system: checked before writing
                os.replace(temp, out)
            else:
                temp.unlink()
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
