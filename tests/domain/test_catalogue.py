"""Messages the services raise reach a Chinese desk in Chinese."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from seatdesk.domain.i18n import set_language, translate
from seatdesk.locale.zh_CN import MESSAGES

CORE = ["seatdesk/services/calls.py", "seatdesk/services/customers.py",
        "seatdesk/services/agents.py", "seatdesk/domain/phone.py", "seatdesk/domain/text.py",
        "seatdesk/services/users.py"]
ROOT = Path(__file__).resolve().parents[2]


def _msgids(path: str) -> set[str]:
    return set(re.findall(r'_\("((?:[^"\\]|\\.)*)"\)', (ROOT / path).read_text()))


@pytest.mark.parametrize("path", CORE)
def test_every_core_message_has_chinese(path):
    ids = _msgids(path)
    assert ids, f"no translated messages found in {path}"
    missing = sorted(m for m in ids if json.loads(f'"{m}"') not in MESSAGES)
    assert missing == [], f"{path}: no Chinese for {missing}"


def test_placeholders_survive_translation():
    for msgid, text in MESSAGES.items():
        assert set(re.findall(r"\{(\w+)", msgid)) == set(re.findall(r"\{(\w+)", text)), msgid


def test_a_service_error_is_chinese_on_a_chinese_desk():
    from seatdesk.domain.phone import PhoneNumberError, normalise

    set_language("zh")
    try:
        with pytest.raises(PhoneNumberError, match="含有字母"):
            normalise("138abc")
    finally:
        set_language("en")
    assert translate("name is required", "zh") == "姓名为必填项"
