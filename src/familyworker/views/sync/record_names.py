"""What each synced record kind is called on screen: one list for every sync dialog."""

RECORD_NAMES: dict[str, str] = {
    "team": "Team", "worker": "Worker", "family": "Family",
    "family_criterion": "Programme criterion", "person": "Household member",
    "agency_involvement": "Agency involved", "star_assessment": "Web Star",
    "plan": "Plan", "plan_goal": "Plan goal", "plan_action": "Plan action",
    "contact_note": "Contact note", "note_addendum": "Note addendum", "outcome": "Outcome",
    "outcome_claim": "Claim", "sustainability_review": "Sustainability review",
    "oversight_note": "Oversight note", "family_co_worker": "Co-worker allocation",
    "task": "Task", "safeguarding_concern": "Safeguarding concern",
    "concern_decision": "Safeguarding decision", "measure_reading": "Outcome measure reading",
    "employment_spell": "Employment", "consent_record": "Consent statement",
    "audit_event": "Audit entry", "sync_conflict": "Conflict resolution",
}


def record_name(table: str) -> str:
    return RECORD_NAMES.get(table, table.replace("_", " ").capitalize())
