"""Widgets and helpers every screen uses: the task runner, confirmation, dates, sizing, style,
tables, the clipboard guard, the shortcuts list."""
