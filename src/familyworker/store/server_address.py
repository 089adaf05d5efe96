"""The enrolled server's address, kept beside the key file as well as inside the database: a
caseload locked after 10 wrong passphrases must reach that server to be unlocked (SECURITY B2),
and a locked database cannot be read. An address is not personal data."""

import json
import logging

from familyworker.atomic_file import write_atomically
from familyworker.store.paths import StorePaths

log = logging.getLogger(__name__)


def remember_server(paths: StorePaths, url: str) -> None:
    if known_server(paths) != url:
        write_atomically(paths.server_file, json.dumps({"url": url}).encode("utf-8"))


def known_server(paths: StorePaths) -> str | None:
    """The address, or None for a caseload never enrolled (or a file that cannot be read)."""
    try:
        url = json.loads(paths.server_file.read_text(encoding="utf-8"))["url"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        log.warning("the server address file could not be read")
        return None
    return url if isinstance(url, str) and url else None
