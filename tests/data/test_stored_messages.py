"""Text a rule writes for later readers is read in the reader's language.

The timed-rules worker runs in English; a Chinese seat reading the callbacks it created, a
retry reason, a complaint's return call or a notification must read Chinese, and an English
reader English, from the same rows.
"""

from __future__ import annotations

import re
from datetime import date

from seatdesk.data.models import Contract
from seatdesk.domain.i18n import set_language
from seatdesk.runtime.daemon import run_once
from seatdesk.services.complaints import ComplaintInput
from seatdesk.services.dto import WrapUp
from tests.factories import customer, floor


def _reasons(backend, actor, lang):
    set_language(lang)
    try:
        return sorted(r.reason for r in backend.callbacks.open_for(actor))
    finally:
        set_language("en")


def test_rule_callbacks_written_in_english_read_in_chinese(backend, clock):
    people = floor(backend)
    agent, lead = people["agent1"], people["lead1"]
    signed = customer(backend, agent, "合同客户", "13700000004")
    with backend.db.write() as s:
        s.add(Contract(customer_id=signed, reference="K-1", signed_on=date(2026, 10, 23)))
    set_language("en")
    run_once(backend)  # the worker, in English
    assert "contract callback, month 1" in _reasons(backend, lead, "en")
    zh = _reasons(backend, lead, "zh")
    assert "合同回访（第 1 个月）" in zh
    assert not [r for r in zh if "contract" in r]


def test_retry_reason_and_return_call_follow_the_reader(backend, clock):
    people = floor(backend)
    agent = people["agent1"]
    cid = customer(backend, agent, "王芳", "13800138000")
    set_language("zh")  # a Chinese seat writes ...
    try:
        view = backend.calls.start_outbound(agent, customer_id=cid)
        backend.calls.save_wrap_up(agent, view.id, WrapUp(outbound_outcome="no_answer"))
        backend.callbacks.record_outbound(agent, view.id)  # as the desk's journal does
        backend.complaints.register(agent, ComplaintInput(
            customer_id=cid, category="delivery", summary="送货晚了"))
    finally:
        set_language("en")
    en = _reasons(backend, agent, "en")  # ... an English one reads
    assert "retry: no answer" in en and any(r.startswith("return call for complaint #")
                                            for r in en), en
    zh = _reasons(backend, agent, "zh")
    # The complaint's id comes from the database's sequence (not 1 after earlier tests on
    # PostgreSQL).
    assert "重拨：无人接听" in zh and any(re.fullmatch(r"投诉 #\d+ 的回访", r) for r in zh), zh


def test_a_notification_reads_in_the_readers_language(backend, clock):
    people = floor(backend)
    agent, lead = people["agent1"], people["lead1"]
    cid = customer(backend, agent, "王芳", "13800138000")
    set_language("en")
    backend.complaints.register(agent, ComplaintInput(
        customer_id=cid, category="billing", summary="多收费", owner_login="lead1"))
    set_language("zh")
    try:
        texts = [n.text for n in backend.notifications.unread(lead)]
    finally:
        set_language("en")
    assert texts and texts[0].startswith("投诉 #") and "多收费" in texts[0], texts
    clock.advance(hours=1)
    assert [n.text for n in backend.notifications.unread(lead)][0].startswith("complaint #")


def test_escalation_notice_names_the_level_in_the_readers_words(backend, clock):
    people = floor(backend)
    agent = people["agent1"]
    cid = customer(backend, agent, "王芳", "13800138000")
    backend.complaints.register(agent, ComplaintInput(
        customer_id=cid, category="billing", summary="多收费", owner_login="agent2"))
    clock.advance(days=10)
    set_language("en")  # the worker escalates, in English
    assert backend.complaints.escalate_overdue()
    set_language("zh")
    try:
        notes = [n.text for u in people.values() for n in backend.notifications.unread(u)
                 if "升级" in n.text]
    finally:
        set_language("en")
    assert notes, "no escalation notice"
    assert all("座席班长" in n or "主管" in n or "经理" in n for n in notes), notes
    assert not [n for n in notes if "team lead" in n or "escalated" in n], notes


def test_the_complaint_timeline_reads_in_the_readers_language(backend, clock):
    people = floor(backend)
    agent, lead = people["agent1"], people["lead1"]
    cid = customer(backend, agent, "王芳", "13800138000")
    set_language("en")
    row = backend.complaints.register(agent, ComplaintInput(
        customer_id=cid, category="billing", summary="多收费", severity="high",
        owner_login="agent2"))
    clock.advance(days=10)
    assert backend.complaints.escalate_overdue()  # the worker, in English
    set_language("zh")
    try:
        events = {e.kind: e.detail for e in backend.complaints.detail(lead, row.id).events}
    finally:
        set_language("en")
    assert events["registered"] == "账单 / 高", events
    assert events["escalated"].startswith("第 1 级：") and "level" not in events["escalated"]
