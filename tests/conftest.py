"""Lets both `pytest` and `python -m pytest`, run from the repository root, import the script."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
