"""Every message of administration, sign-in and identity has its Chinese (issue 16)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from seatdesk.locale.zh_CN import MESSAGES

ROOT = Path(__file__).resolve().parents[2]
FILES = ["seatdesk/services/users.py", "seatdesk/services/admin.py",
         "seatdesk/services/permissions.py", "seatdesk/cli/admin.py", "seatdesk/cli/main.py",
         "seatdesk/cli/serve.py", "seatdesk/ui/screens/admin.py", "seatdesk/ui/screens/login.py"]
CHINESE_PUNCTUATION = re.compile(r"[，。？：！（）]")


def _msgids(path: str) -> set[str]:
    """The constant strings given to _() (implicit concatenation included)."""
    found = set()
    for node in ast.walk(ast.parse((ROOT / path).read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "_" and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            found.add(node.args[0].value)
    return found


@pytest.mark.parametrize("path", FILES)
def test_every_message_has_chinese(path):
    ids = _msgids(path)
    assert ids, path
    assert sorted(m for m in ids if m not in MESSAGES) == []


def test_chinese_sentences_use_chinese_punctuation():
    ids = set().union(*(_msgids(path) for path in FILES))
    for msgid, text in ((m, MESSAGES[m]) for m in sorted(ids) if m in MESSAGES):
        # No ASCII comma, colon, semicolon, bracket or stop right after a Chinese character.
        assert not re.search(r"[\u4e00-\u9fff][,:;!?()]", text), (msgid, text)
        if msgid.endswith((")", ".")) and re.search(r"[\u4e00-\u9fff]", text):
            assert CHINESE_PUNCTUATION.search(text), (msgid, text)
