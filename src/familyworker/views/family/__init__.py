"""One family's file: its window, header (status, details, visits) and tabs (household, Web Star,
plan, notes, outcomes, tasks, oversight), its dialogs and print preview."""
