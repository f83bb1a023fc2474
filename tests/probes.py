"""What importing some modules brings in, seen from a clean Python process."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable


def loaded_after_importing(modules: Iterable[str]) -> set[str]:
    """Every module in ``sys.modules`` of a fresh interpreter after importing ``modules``."""
    code = (
        "import importlib, json, sys\n"
        f"for m in {list(modules)!r}:\n"
        "    importlib.import_module(m)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return set(json.loads(out.stdout))
