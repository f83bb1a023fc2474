"""Every message the QA area shows or raises has a Chinese translation (issue 17)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from seatdesk.locale.zh_CN import MESSAGES

ROOT = Path(__file__).resolve().parents[2]
QA_FILES = [
    "seatdesk/services/qa.py", "seatdesk/services/qa_workflow.py",
    "seatdesk/services/qa_results.py", "seatdesk/ui/screens/qa.py",
    "seatdesk/ui/screens/qa_score.py", "seatdesk/ui/screens/my_qa.py",
    "seatdesk/ui/screens/qa_coaching.py", "seatdesk/ui/screens/qa_forms.py",
    "seatdesk/ui/screens/qa_form_editor.py", "seatdesk/ui/widgets/score_form.py",
    "seatdesk/domain/qa/forms.py", "seatdesk/cli/qa.py",
]


def msgids(path: Path) -> set[str]:
    """The literal arguments of every _() call (implicitly joined strings included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "_" and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            found.add(node.args[0].value)
    return found


@pytest.mark.parametrize("name", QA_FILES)
def test_every_qa_message_has_chinese(name):
    path = ROOT / name
    assert path.exists(), name
    missing = sorted(m for m in msgids(path) if m not in MESSAGES)
    assert missing == [], f"{name}: no Chinese for {missing}"


def test_qa_translations_use_chinese_punctuation():
    """The QA messages' Chinese: ，；：？！（）, never the ASCII marks."""
    import re

    ids = set().union(*(msgids(ROOT / name) for name in QA_FILES if (ROOT / name).exists()))
    for msgid, text in ((m, MESSAGES[m]) for m in sorted(ids) if m in MESSAGES):
        bare = re.sub(r"\{[^}]*\}", "", text)
        bare = re.sub(r"[A-Za-z0-9_.+/#-]+[:,]?[A-Za-z0-9_.]*", "", bare)  # keys, N/A, Ctrl+S
        assert not set(bare) & set(",;:?!()"), f"{msgid!r} -> {text!r}"
