"""PySide6 windows, dialogs, Qt models and the task runner (the only package that touches Qt)."""
