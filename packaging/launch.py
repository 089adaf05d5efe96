"""Entry point for the frozen bundle: the same CLI as the `familyworker` console script (with no
command it opens the app)."""

import os
import sys

from familyworker.cli.main import main

if __name__ == "__main__":
    # A windowed program (Windows' familyworker.exe, the macOS .app) has no console: Python
    # gives it no stdout or stderr, and a write or a log record would raise. Discard them there.
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    sys.exit(main())
