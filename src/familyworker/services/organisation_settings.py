"""Settings an organisation's IT pre-sets for every worker on a machine: the sync server's
address and how often to sync. They are defaults: the enrolment form starts with the address
filled in, and the sync interval applies until a worker chooses their own.

The file is plain JSON in the machine-wide configuration folder (no personal data, readable by
everyone, writable by administrators):

- Linux: ``/etc/xdg/familyworker/organisation.json`` (the first of ``$XDG_CONFIG_DIRS``)
- Windows: ``%ProgramData%\\FamilyWorker\\organisation.json``
- macOS: ``/Library/Application Support/FamilyWorker/organisation.json``

``FAMILYWORKER_ORGANISATION_FILE`` names another file (tests, trying a file out). Example::

    {"server_url": "https://familyworker.example.gov.uk", "sync_interval_minutes": 10}
"""

import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from familyworker.services.sync_status import MAX_SYNC_MINUTES, MIN_SYNC_MINUTES

log = logging.getLogger(__name__)

FILE_NAME = "organisation.json"
PATH_VARIABLE = "FAMILYWORKER_ORGANISATION_FILE"
KNOWN_KEYS = ("server_url", "sync_interval_minutes")
MAX_FILE_BYTES = 64 * 1024  # a few lines of settings; anything larger is not this file
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


class OrganisationSettingsError(ValueError):
    """The organisation's file is there but unusable: one sentence naming the file and why."""


@dataclass(frozen=True, slots=True)
class OrganisationSettings:
    """What the file sets; None where it sets nothing (or there is no file)."""

    server_url: str | None = None
    sync_interval_minutes: int | None = None


def organisation_settings_path(platform: str = sys.platform) -> Path:
    """Where this machine's file is (the platform is a parameter so tests can ask for each)."""
    override = os.environ.get(PATH_VARIABLE)
    if override:
        return Path(override)
    if platform == "win32":  # %ProgramData%\FamilyWorker
        import platformdirs.windows  # (here: it loads ctypes, which start-up does not need)

        folder = platformdirs.windows.Windows("FamilyWorker", appauthor=False).site_config_dir
    elif platform == "darwin":
        # Fixed: platformdirs would prefer Homebrew's share/ when Python came from Homebrew.
        folder = "/Library/Application Support/FamilyWorker"
    else:  # the first of $XDG_CONFIG_DIRS, /etc/xdg by default; folders there are lower case
        import platformdirs.unix

        folder = platformdirs.unix.Unix("familyworker", appauthor=False).site_config_dir
    return Path(folder) / FILE_NAME


def load_organisation_settings(path: Path | None = None) -> OrganisationSettings:
    """The settings in `path` (default: this machine's file); empty when there is no file.
    Raises OrganisationSettingsError when the file cannot be read or says something invalid."""
    path = path or organisation_settings_path()
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return OrganisationSettings()
    except OSError as error:
        raise OrganisationSettingsError(f"The organisation settings file {path} could not be "
                                        f"read ({error.strerror}).") from None
    if len(raw) > MAX_FILE_BYTES:
        raise OrganisationSettingsError(
            f"The organisation settings file {path} is larger than {MAX_FILE_BYTES // 1024} KiB.")
    try:
        document = json.loads(raw.decode("utf-8-sig"))  # Notepad may add a byte-order mark
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        where = f" (line {error.lineno})" if isinstance(error, json.JSONDecodeError) else ""
        raise OrganisationSettingsError(
            f"The organisation settings file {path} is not valid JSON{where}.") from None
    return _validated(document, path)


_reported: set[str] = set()  # problems already logged: the status bar asks every refresh


def organisation_defaults(path: Path | None = None) -> OrganisationSettings:
    """The settings to use as defaults: a broken file is logged once (it holds no personal
    data) and ignored, so a mistake by IT never stops a worker opening their caseload."""
    try:
        return load_organisation_settings(path)
    except OrganisationSettingsError as error:
        if str(error) not in _reported:
            _reported.add(str(error))
            log.warning("%s Using the built-in defaults.", error)
        return OrganisationSettings()


def _validated(document: Any, path: Path) -> OrganisationSettings:
    if not isinstance(document, dict):
        raise OrganisationSettingsError(
            f"The organisation settings file {path} must hold one JSON object.")
    unknown = sorted(set(document) - set(KNOWN_KEYS))
    if unknown:  # most likely a misspelt key, which would otherwise be silently ignored
        raise OrganisationSettingsError(
            f"The organisation settings file {path} has an unknown setting "
            f"{unknown[0]!r}; the settings are {', '.join(KNOWN_KEYS)}.")
    return OrganisationSettings(
        server_url=_server_url(document.get("server_url"), path),
        sync_interval_minutes=_interval(document.get("sync_interval_minutes"), path))


def _server_url(value: Any, path: Path) -> str | None:
    if value is None:
        return None
    problem = (f"The organisation settings file {path}: server_url must be the server's https "
               "address, e.g. \"https://familyworker.example.gov.uk\".")
    if not isinstance(value, str):
        raise OrganisationSettingsError(problem)
    try:
        parts = urlsplit(value.strip())
        host = parts.hostname
    except ValueError:
        raise OrganisationSettingsError(problem) from None
    # Plain http only to this machine (a local test server); the network needs TLS.
    secure = parts.scheme == "https" or (parts.scheme == "http" and host in LOCAL_HOSTS)
    if not host or not secure or parts.query or parts.fragment:
        raise OrganisationSettingsError(problem)
    return value.strip().rstrip("/")


def _interval(value: Any, path: Path) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) \
            or not MIN_SYNC_MINUTES <= value <= MAX_SYNC_MINUTES:
        raise OrganisationSettingsError(
            f"The organisation settings file {path}: sync_interval_minutes must be a whole "
            f"number of minutes from {MIN_SYNC_MINUTES} to {MAX_SYNC_MINUTES}.")
    return value
