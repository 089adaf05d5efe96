"""Fixtures for the report tests."""

import pytest
from tests.reports.family_data import PrintedFamily, make_family

from familyworker.store.caseload_store import CaseloadStore


@pytest.fixture
def printed_family(store: CaseloadStore) -> PrintedFamily:
    return make_family(store)
