"""Entry point for the frozen bundle: the same CLI as the `familyworker` console script."""

import sys

from familyworker.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
