"""The organisation's settings file: where it lives on each platform, what it may say, and
that the app and CLI take its server address and sync interval as defaults."""

import io
import json
import logging
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest
from tests.conftest import TEST_PASSPHRASE

from familyworker.cli.main import main
from familyworker.services.organisation_settings import (
    PATH_VARIABLE,
    OrganisationSettings,
    OrganisationSettingsError,
    load_organisation_settings,
    organisation_defaults,
    organisation_settings_path,
)
from familyworker.services.sync_status import (
    DEFAULT_SYNC_MINUTES,
    read_sync_status,
    set_sync_interval,
)
from familyworker.store.caseload_store import CaseloadStore
from familyworker.sync.client import SyncError

SERVER = "https://familyworker.example.gov.uk"


@pytest.fixture
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "organisation.json"
    monkeypatch.setenv(PATH_VARIABLE, str(path))
    return path


def write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_each_platform_reads_the_documented_machine_wide_file(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PATH_VARIABLE)
    monkeypatch.delenv("XDG_CONFIG_DIRS", raising=False)
    assert PurePosixPath(organisation_settings_path("linux")) == PurePosixPath(
        "/etc/xdg/familyworker/organisation.json")
    assert PurePosixPath(organisation_settings_path("darwin")) == PurePosixPath(
        "/Library/Application Support/FamilyWorker/organisation.json")
    # What Windows answers for the common application data folder (%ProgramData%).
    monkeypatch.setenv("WIN_PD_OVERRIDE_COMMON_APPDATA", "D:\\ProgramData")
    assert PureWindowsPath(str(organisation_settings_path("win32"))) == PureWindowsPath(
        "D:\\ProgramData\\FamilyWorker\\organisation.json")


def test_linux_follows_xdg_config_dirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PATH_VARIABLE)
    monkeypatch.setenv("XDG_CONFIG_DIRS", "/srv/config:/etc/xdg")
    assert organisation_settings_path("linux") == Path(
        "/srv/config/familyworker/organisation.json")


def test_no_file_means_no_organisation_defaults(settings_file: Path) -> None:
    assert not settings_file.exists()
    assert load_organisation_settings() == OrganisationSettings()


def test_a_valid_file_gives_the_server_address_and_interval(settings_file: Path) -> None:
    # Notepad's byte-order mark and a trailing slash are both fine.
    settings_file.write_bytes(b"\xef\xbb\xbf" + json.dumps(
        {"server_url": SERVER + "/", "sync_interval_minutes": 15}).encode())
    assert load_organisation_settings() == OrganisationSettings(
        server_url=SERVER, sync_interval_minutes=15)


def test_either_setting_may_be_left_out(settings_file: Path) -> None:
    write(settings_file, {"sync_interval_minutes": 30})
    assert load_organisation_settings() == OrganisationSettings(sync_interval_minutes=30)


def test_plain_http_is_accepted_only_for_a_server_on_this_machine(settings_file: Path) -> None:
    write(settings_file, {"server_url": "http://127.0.0.1:8765"})
    assert load_organisation_settings().server_url == "http://127.0.0.1:8765"
    write(settings_file, {"server_url": "http://familyworker.example.gov.uk"})
    with pytest.raises(OrganisationSettingsError, match="server_url"):
        load_organisation_settings()


@pytest.mark.parametrize(("content", "problem"), [
    ("{not json", "not valid JSON"),
    ('["https://a.example"]', "one JSON object"),
    ('{"server_address": "https://a.example"}', "unknown setting 'server_address'"),
    ('{"server_url": "sync.example.gov.uk"}', "server_url"),
    ('{"server_url": "ftp://sync.example.gov.uk"}', "server_url"),
    ('{"server_url": 42}', "server_url"),
    ('{"sync_interval_minutes": 0}', "sync_interval_minutes"),
    ('{"sync_interval_minutes": 100000}', "sync_interval_minutes"),
    ('{"sync_interval_minutes": "10"}', "sync_interval_minutes"),
    ('{"sync_interval_minutes": 7.5}', "sync_interval_minutes"),
    ('{"sync_interval_minutes": true}', "sync_interval_minutes"),
])
def test_a_bad_file_is_refused_with_a_sentence_naming_it(
        settings_file: Path, content: str, problem: str) -> None:
    settings_file.write_text(content, encoding="utf-8")
    with pytest.raises(OrganisationSettingsError) as raised:
        load_organisation_settings()
    assert problem in str(raised.value)
    assert str(settings_file) in str(raised.value)


def test_as_defaults_a_bad_file_is_logged_once_and_ignored(
        settings_file: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings_file.write_text('{"sync_interval_minutes": -1}', encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert organisation_defaults() == OrganisationSettings()
        assert organisation_defaults() == OrganisationSettings()
    warnings = [r for r in caplog.records if "sync_interval_minutes" in r.getMessage()]
    assert len(warnings) == 1


def test_the_organisation_interval_applies_until_the_worker_chooses_one(
        settings_file: Path, store: CaseloadStore) -> None:
    assert read_sync_status(store).interval_minutes == DEFAULT_SYNC_MINUTES
    write(settings_file, {"sync_interval_minutes": 45})
    assert read_sync_status(store).interval_minutes == 45
    set_sync_interval(store, 12)
    assert read_sync_status(store).interval_minutes == 12  # the worker's choice wins


def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
            *args: str) -> tuple[int, str]:
    import familyworker.cli.common as common

    monkeypatch.setattr(sys, "stdin", io.StringIO(TEST_PASSPHRASE + "\n"))
    monkeypatch.setattr(common, "_stdin_lines", None)
    code = main(list(args))
    return code, capsys.readouterr().err


def test_enrol_without_server_uses_the_organisation_address(
        settings_file: Path, store: CaseloadStore, data_dir: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    store.lock()
    asked: list[str] = []

    def fake_enrol(_store: CaseloadStore, *, server_url: str, code: str) -> object:
        asked.append(server_url)
        raise SyncError("The server refused the code.")  # no server in this test

    import familyworker.cli.sync_commands as sync_commands

    monkeypatch.setattr(sync_commands, "enrol", fake_enrol)
    args = ("enrol", "--code", "ABCD-EFGH", "--data-dir", str(data_dir), "--passphrase-stdin")

    code, err = run_cli(monkeypatch, capsys, *args)
    assert code == 1 and "--server" in err and str(settings_file) in err
    assert asked == []

    write(settings_file, {"server_url": SERVER})
    code, err = run_cli(monkeypatch, capsys, *args)
    assert asked == [SERVER] and "refused the code" in err

    code, err = run_cli(monkeypatch, capsys, *args, "--server", "https://other.example")
    assert asked == [SERVER, "https://other.example"]  # the option overrides the file

    settings_file.write_text("{broken", encoding="utf-8")
    code, err = run_cli(monkeypatch, capsys, *args)
    assert code == 1 and "not valid JSON" in err and len(asked) == 2
