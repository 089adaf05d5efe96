"""Unlocking, first run and locking: the passphrase dialogs, the idle and session-lock watchers."""
