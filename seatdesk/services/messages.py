"""Text written by rules for later readers, stored as a message id with parameters.

A callback's reason or a notification written by the worker (or by a Chinese seat for an
English one) is stored as its msgid and parameters and rendered when read, in the reader's
language; the English rendering is kept beside it for tools that read the table directly.
"""

from __future__ import annotations

from typing import Any

from seatdesk.data.models import Callback
from seatdesk.domain.i18n import render

REASON_MAX = 500


def callback_reason(b: Callback) -> str:
    """The reason as the reader reads it: a rule's message in their language, else as typed."""
    if b.reason_msgid:
        return render(b.reason_msgid, b.reason_params)
    return b.reason


def stored_reason(msgid: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """The columns of a reason written by a rule: its message id and parameters, and the
    English rendering in ``reason`` for readers that know nothing of message ids."""
    return {"reason": render(msgid, params, lang="en")[:REASON_MAX], "reason_msgid": msgid,
            "reason_params": dict(params) if params else None}
