"""Crash-safe writing and metadata of PDFs, and the star chart's non-colour cues."""

import os
from pathlib import Path

import pytest

from familyworker import atomic_file
from familyworker.reports.pdf_output import sha256_hex, write_pdf_atomically
from familyworker.reports.star_chart import STYLES


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "Siobhán O'Neill plan.pdf"
    target.write_bytes(b"old")
    digest = write_pdf_atomically(target, b"%PDF-new")
    assert target.read_bytes() == b"%PDF-new"
    assert digest == sha256_hex(b"%PDF-new")
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_interrupted_write_keeps_the_old_file_and_cleans_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "plan.pdf"
    target.write_bytes(b"old")
    seen: list[str] = []

    def dying_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        seen.append(Path(src).name)
        raise OSError("disk pulled out")

    monkeypatch.setattr(atomic_file.os, "replace", dying_replace)
    with pytest.raises(OSError):
        write_pdf_atomically(target, b"%PDF-new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.pdf"]
    # The temp file lived beside the target, and its name carried nothing of the target's.
    assert seen and "plan" not in seen[0] and seen[0].startswith(".fw-")


def test_written_file_is_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "p.pdf"
    write_pdf_atomically(target, b"%PDF")
    if os.name == "posix":
        assert target.stat().st_mode & 0o077 == 0


def test_chart_series_differ_by_more_than_colour() -> None:
    assert len({s.dash for s in STYLES}) == len(STYLES)
    assert len({s.marker for s in STYLES}) == len(STYLES)
