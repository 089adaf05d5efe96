"""Sync in the app: the controller, the status bar, connecting, conflicts, changes needing
attention."""
