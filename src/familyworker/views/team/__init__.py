"""The supervisor's team view and its dialogs."""
