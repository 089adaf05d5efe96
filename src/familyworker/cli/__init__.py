"""The `familyworker` command line: the same use-cases as the app, for scripts and checks."""
