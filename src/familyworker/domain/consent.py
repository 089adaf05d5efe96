"""The consent register's vocabulary: per person, what for, given or refused, how.

Each entry is a statement made on a day and is never edited: a withdrawal or a renewal is a new
entry, so the history is the list itself and the current answer is the latest statement for the
same person, purpose and agency. (The rules that read the register live beside this, added
with the register's screens.)
"""

from enum import StrEnum


class ConsentPurpose(StrEnum):
    SHARE_WITH_AGENCY = "share-with-agency"  # names the agency
    DATA_MATCHING = "data-matching"  # the programme's matching against council and partner data
    PHOTOGRAPHS = "photographs"
    OTHER = "other"


class ConsentDecision(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class ConsentHow(StrEnum):
    WRITTEN = "written"
    VERBAL = "verbal"
