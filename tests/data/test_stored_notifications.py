"""Notifications from QA, handover and roster are stored as msgid + parameters.

Whoever writes them (an English inspector, a Chinese lead), each reader reads them in their
own language from the same rows; rows written before as plain text still read as written.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select, update

from seatdesk.data.models import Notification, Team
from seatdesk.domain.i18n import set_language
from seatdesk.domain.qa.scoring import Answer
from seatdesk.exchange.qa_default_form import ensure_default_form
from seatdesk.services.dto import Actor
from seatdesk.services.notifications import add_notification
from tests.data.qa_helpers import closed_call, perfect
from tests.data.test_roster_service import _setup as roster_setup
from tests.factories import floor

MON = date(2026, 11, 23)  # the frozen clock's Monday
WED, FRI = MON + timedelta(days=2), MON + timedelta(days=4)
# Latin words that may stay in a Chinese notification: the QA abbreviation.
LATIN_OK = {"QA"}


def _read(backend, actor: Actor, lang: str) -> list[str]:
    set_language(lang)
    try:
        return [n.text for n in reversed(backend.notifications.unread(actor))]
    finally:
        set_language("en")


def _english_in(texts: list[str], names: set[str]) -> list[str]:
    return [t for t in texts for w in re.findall(r"[A-Za-z][A-Za-z0-9]+", t)
            if w not in LATIN_OK | names]


def test_qa_notifications_read_in_the_readers_language(backend, clock):
    people = floor(backend)
    ensure_default_form(backend)
    qa, agent, lead = people["qa1"], people["agent1"], people["lead1"]
    with backend.db.write() as s:  # lead1 leads t1: a dispute waits for their ruling
        s.execute(update(Team).where(Team.code == "t1").values(lead_id=lead.user_id))
    # Scored, disputed, changed by the ruling; scored again, disputed, upheld; coached.
    ev = backend.qa.start_evaluation(qa, closed_call(backend, agent))
    answers = perfect(ev.form)
    answers["opening.greeting"] = Answer(value=0, comment="no ID")
    backend.qa.submit(qa, ev.id, answers)
    backend.qa.dispute(agent, ev.id, {"opening.greeting": "我报了工号"})
    [row] = backend.qa.open_disputes(lead)
    backend.qa.rule(lead, row.response_id, "工号有", {"opening.greeting": Answer(value=1)})
    ev2 = backend.qa.start_evaluation(qa, closed_call(backend, agent, number="13900000001"))
    backend.qa.submit(qa, ev2.id, perfect(ev2.form))
    set_language("zh")  # a Chinese lead rules and coaches: the English agent reads English
    try:
        backend.qa.dispute(agent, ev2.id, {"closing.hang_up_last": "客户先挂的"})
        [row2] = backend.qa.open_disputes(lead)
        backend.qa.rule(lead, row2.response_id, "维持原评分", None)
        backend.qa.create_coaching(lead, ev.id, "练习开场白", clock() + timedelta(days=2))
    finally:
        set_language("en")
    c1, c2 = ev.call_id, ev2.call_id
    en = _read(backend, agent, "en")
    assert en[0].startswith(f"QA: call #{c1} was scored ")
    assert en[1:] == [f"QA: your dispute on call #{c1} changed the score to 100.0",
                      f"QA: call #{c2} was scored 100.0",
                      f"QA: your dispute on call #{c2} was ruled; the score stands",
                      f"QA: coaching from call #{c1}"], en
    zh = _read(backend, agent, "zh")
    assert zh[1:] == [f"质检：您对通话 #{c1} 的申诉已改分为 100.0",
                      f"质检：通话 #{c2} 的评分为 100.0",
                      f"质检：您对通话 #{c2} 的申诉已裁定，维持原评分",
                      f"质检：通话 #{c1} 有辅导任务"], zh
    assert not _english_in(zh, set()), zh
    lead_zh = _read(backend, lead, "zh")
    assert f"质检：通话 #{c1} 的申诉等待您裁定" in lead_zh, lead_zh
    assert f"QA: a dispute on call #{c1} waits for your ruling" in _read(backend, lead, "en")


def test_handover_notifications_read_in_the_readers_language(backend, clock):
    people = floor(backend)
    backend.users.add_user("lead1b", name="Lead1b", role="team_lead", password="secret123",
                           team="t1")
    out, inc = people["lead1"], backend.users.actor("lead1b")
    h = backend.handover.start(out)
    for i in range(len(h.items)):
        backend.handover.check(out, h.id, i, True)
    set_language("zh")  # the leads work in Chinese; the incoming lead reads English
    try:
        backend.handover.sign_out(out, h.id, "lead1b")
        backend.handover.refuse(inc, h.id, "投诉进度没写")
    finally:
        set_language("en")
    assert _read(backend, inc, "en") == ["Lead1 handed the shift over to you"]
    assert _read(backend, inc, "zh") == ["Lead1 已向您交班"]
    boss = people["super1"]
    assert _read(backend, boss, "en") == [
        f"handover #{h.id} from Lead1 refused by Lead1b: 投诉进度没写"]
    assert _read(backend, boss, "zh") == [
        f"Lead1 的交接班记录 #{h.id} 被 Lead1b 拒签：投诉进度没写"]


def test_roster_notifications_read_in_the_readers_language(backend, clock):
    people = roster_setup(backend)
    lead, a1, a2 = people["lead1"], people["agent1"], people["agent2"]
    backend.roster.assign(lead, a1.user_id, WED, "L")
    backend.roster.assign(lead, a2.user_id, WED, "D")
    backend.roster.publish(lead, None, MON)
    backend.roster.assign(lead, a1.user_id, FRI, "D")  # after publishing
    backend.roster.publish(lead, None, MON)  # re-published with a change for a1
    leave = backend.roster.request_leave(a1, FRI, "看病")
    swap = backend.roster.request_swap(a2, WED, "agent1", "")
    backend.roster.decide(lead, leave.id, True, note="批准")
    backend.roster.decide(lead, swap.id, False)
    names = {"Agent1", "Agent2"}
    en = _read(backend, a1, "en")
    assert en == [
        "Your shifts for the week of 2026-11-23 are published",
        "Your shift on 2026-11-27 changed: — → D",
        "The roster for the week of 2026-11-23 was re-published with changes to your "
        "shifts: 2026-11-27: — → D",
        "Agent2 asks the lead to swap 2026-11-25 with you",
        "Your shift on 2026-11-27 changed: D → leave",
        "Your leave request for 2026-11-27 was approved: 批准",
        "Your swap request for 2026-11-25 was refused"], en
    zh = _read(backend, a1, "zh")
    assert zh == [
        "您 2026-11-23 当周的班表已发布",
        "您 2026-11-27 的班次已变更：— → D",
        "2026-11-23 当周排班已重新发布，您的班次有变动：2026-11-27：— → D",
        "Agent2 向班长申请与您对调 2026-11-25 的班次",
        "您 2026-11-27 的班次已变更：D → 休假",
        "您 2026-11-27 的休假申请已批准：批准",
        "您 2026-11-25 的换班申请未获批准"], zh
    assert not _english_in(zh, names)
    lead_zh = _read(backend, lead, "zh")
    assert lead_zh == ["Agent1 申请 2026-11-27 休假：看病",
                       "Agent2 申请与 Agent1 对调 2026-11-25 的班次：—"], lead_zh


def test_a_notification_stored_as_plain_text_still_reads_as_written(backend, clock):
    people = floor(backend)
    agent = people["agent1"]
    with backend.db.write() as s:  # a row from before messages were stored as msgids
        s.add(Notification(user_id=agent.user_id, at=clock(), kind="qa",
                           text="QA: call #7 was scored 88.0", ref="qa_evaluation:1"))
        add_notification(s, agent.user_id, at=clock(), kind="qa",
                         message="QA: coaching from call #{call}", params={"call": 7})
    assert _read(backend, agent, "zh") == ["QA: call #7 was scored 88.0",
                                           "质检：通话 #7 有辅导任务"]
    with backend.db.read() as s:  # the English rendering is kept for tools reading the table
        assert s.scalars(select(Notification.text).order_by(Notification.id)).all()[-1] \
            == "QA: coaching from call #7"


def test_a_list_of_stored_messages_reads_in_one_language():
    from seatdesk.domain.i18n import code, message, message_list, render

    changes = message_list([message("{day}: {before} → {after}",
                                    {"day": "2026-11-27", "before": "D", "after": code("leave")}),
                            message("{day}: {before} → {after}",
                                    {"day": "2026-11-28", "before": code("off"), "after": "L"})])
    stored = ("The roster for the week of {week} was re-published with changes to your "
              "shifts: {changes}", {"week": "2026-11-23", "changes": changes})
    assert render(*stored, lang="en").endswith(
        "shifts: 2026-11-27: D → leave; 2026-11-28: off → L")
    assert render(*stored, lang="zh").endswith(
        "您的班次有变动：2026-11-27：D → 休假；2026-11-28：休息 → L")
