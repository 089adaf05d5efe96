"""What to tell the person when a background task fails (its own module: every screen uses it,
and the family window it came from is too heavy to import at start-up)."""

import logging

from familyworker.domain.errors import ValidationError
from familyworker.store.errors import StoreError

log = logging.getLogger(__name__)


def plain_message(error: Exception) -> str:
    """What to tell the person: domain and store messages are written to be shown."""
    if isinstance(error, ValidationError | StoreError):
        return str(error)
    log.error("Unexpected %s in a family window", type(error).__name__)
    return "Something went wrong and nothing was saved. Please try again."
