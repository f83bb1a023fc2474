"""Every message of the staffing area (roster, forecast, floor, handover) has Chinese."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from seatdesk.locale.zh_CN import MESSAGES

ROOT = Path(__file__).resolve().parents[2]
AREA = ["seatdesk/services/roster.py", "seatdesk/services/forecast.py",
        "seatdesk/services/handover.py", "seatdesk/cli/roster.py",
        "seatdesk/ui/screens/roster.py", "seatdesk/ui/screens/coverage.py",
        "seatdesk/ui/screens/handover.py", "seatdesk/ui/screens/floor.py",
        "seatdesk/ui/screens/my_schedule.py", "seatdesk/ui/screens/roster_requests.py",
        "seatdesk/domain/roster/rules.py"]
# _("...") and _('...'), with implicitly concatenated literals inside the parentheses.
CALL = re.compile(r"""_\(((?:\s*(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*)+)\)""")
LITERAL = re.compile(r""""((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'""")


def _msgids(path: str) -> set[str]:
    out = set()
    for m in CALL.finditer((ROOT / path).read_text()):
        parts = [a or b for a, b in LITERAL.findall(m.group(1))]
        out.add(json.loads('"' + "".join(parts).replace('"', '\\"') + '"')
                if "\\" in "".join(parts) else "".join(parts))
    return out


@pytest.mark.parametrize("path", AREA)
def test_every_staffing_message_has_chinese(path):
    ids = _msgids(path)
    assert ids, path
    missing = sorted(m for m in ids if m not in MESSAGES)
    assert missing == [], f"{path}: no Chinese for {missing}"
