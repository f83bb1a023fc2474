"""Demo data: reference data, default scripts, and a seeded history of the promised shape."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from seatdesk.data.models import (
    Call,
    Contract,
    Customer,
    CustomerPhone,
    Queue,
    ScriptVersion,
    Team,
    User,
)
from seatdesk.domain import phone
from seatdesk.exchange.default_scripts import STAGES, default_scripts
from seatdesk.exchange.seed import SeedOptions, ensure_reference_data, is_empty, seed
from seatdesk.services.container import Backend

SHANGHAI = ZoneInfo("Asia/Shanghai")
SMALL = SeedOptions(customers=400, days=7, calls_per_day=150, random_seed=5)


def _counts(backend: Backend) -> tuple[int, ...]:
    with backend.db.read() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) or 0
                     for m in (Queue, Team, User, ScriptVersion))


def test_reference_data_is_idempotent(backend):
    ensure_reference_data(backend)
    first = _counts(backend)
    ensure_reference_data(backend)
    assert _counts(backend) == first
    queues, teams, users, scripts = first
    assert (queues, teams, users, scripts) == (4, 2, 7, len(default_scripts()))
    with backend.db.read() as s:
        vip = s.scalar(select(Queue).where(Queue.code == "vip"))
        assert vip.priority == 10 and vip.name_zh == "大客户专线"
        agent = s.scalar(select(User).where(User.login == "demo_agent"))
        assert agent.agent_no == "1024" and agent.team.code == "t1"
        t1 = s.scalar(select(Team).where(Team.code == "t1"))
        lead = s.scalar(select(User).where(User.login == "demo_lead"))
        assert t1.lead_id == lead.id and lead.role.value == "team_lead"
    assert backend.users.authenticate("demo_super", "demo1234").role == "supervisor"
    assert is_empty(backend)


def test_default_scripts_follow_the_service_flow():
    scripts = default_scripts()
    keys = {(s["category"], s["lang"], s["direction"]) for s in scripts}
    assert len(keys) == len(scripts) == 2 * (7 + 5)
    fill = {"customer": "王先生", "agent_no": "1024", "agent": "张敏", "company": "XX公司"}
    for script in scripts:
        assert tuple(step["stage"] for step in script["steps"]) == STAGES
        for step in script["steps"]:
            step["text"].format(**fill)  # only the known placeholders
    zh = {s["category"]: s for s in scripts if s["lang"] == "zh" and s["direction"] == "inbound"}
    greeting = zh["repair"]["steps"][0]["text"].format(**fill)
    assert greeting.startswith("您好，XX公司，工号1024为您服务")
    assert "对不起，请稍候" in zh["query"]["steps"][2]["text"]
    complaint = " ".join(step["text"] for step in zh["complaint"]["steps"])
    assert "24小时" in complaint and "不争辩" in complaint
    assert "再见" in zh["order"]["steps"][-1]["text"]


def test_seed_produces_the_promised_shapes(backend):
    report = seed(backend, SMALL)
    assert report.customers == 400 and report.calls > 0 and not is_empty(backend)
    with backend.db.read() as s:
        assert s.scalar(select(func.count(Customer.id))) == 400
        grades = Counter(s.scalars(select(Customer.grade)))
        assert set(grades) == set("ABCD")
        assert 0.08 <= (grades["A"] + grades["B"]) / 400 <= 0.35
        assert s.scalar(select(func.count(Customer.id)).where(Customer.key_account)) >= 3
        risky = list(s.scalars(select(Customer).where(Customer.risk_flag)))
        assert risky and all(c.risk_reason for c in risky)
        numbers = list(s.scalars(select(CustomerPhone.number)))
        assert len(numbers) == report.phones and 400 < len(numbers) <= 1200
        assert all(phone.normalise(n) == n for n in numbers[:200])
        per_customer = Counter(s.scalars(select(CustomerPhone.customer_id)))
        assert set(per_customer.values()) <= {1, 2, 3} and len(per_customer) == 400
        shared = s.scalar(select(func.count()).select_from(
            select(CustomerPhone.number).group_by(CustomerPhone.number)
            .having(func.count(func.distinct(CustomerPhone.customer_id)) > 1).subquery()))
        assert shared >= 1  # company switchboards
        assert s.scalar(select(func.count(Contract.id))) == report.contracts > 0
        for k in s.scalars(select(Contract).where(Contract.accepted_on.is_not(None))):
            assert k.signed_on <= k.delivered_at.date() <= k.accepted_on < k.warranty_until
        calls = list(s.scalars(select(Call)))
    assert len(calls) == report.calls
    states = Counter(c.state.value for c in calls)
    assert set(states) == {"closed", "abandoned"}
    assert 0.01 <= states["abandoned"] / len(calls) <= 0.12
    directions = Counter(c.direction.value for c in calls)
    assert directions["inbound"] > directions["outbound"] > 0
    today = backend.clock().astimezone(SHANGHAI).date()
    for c in calls:
        start = c.queued_at or c.offered_at
        local = start.astimezone(SHANGHAI)
        assert time(8, 30) <= local.time() < time(17, 30)
        assert today - timedelta(days=7) <= local.date() < today
        if c.state.value == "abandoned":
            assert c.agent_id is None and c.answered_at is None
            assert c.abandoned_at - c.queued_at == timedelta(seconds=c.wait_seconds)
            continue
        assert c.agent_id is not None
        if c.direction.value == "inbound":
            assert c.queued_at <= c.offered_at <= c.answered_at
            assert c.offered_at - c.queued_at == timedelta(seconds=c.wait_seconds)
            assert c.category and c.disposition and c.resolved is not None
            assert c.resolved or c.handed_to
        else:
            assert c.outbound_purpose and c.outbound_outcome and c.queue_id is None
        assert c.ended_at - c.answered_at == timedelta(seconds=c.talk_seconds + c.hold_seconds)
        assert c.closed_at - c.ended_at == timedelta(seconds=c.wrap_seconds)
        assert c.satisfaction is None or 1 <= c.satisfaction <= 5
    weekday = Counter(c.queued_at.astimezone(SHANGHAI).weekday() < 5 for c in calls
                      if c.queued_at)
    assert weekday[True] > 2 * weekday[False]


def _dump(url: str) -> tuple[list[tuple], list[tuple]]:
    b = Backend.open(url)
    try:
        with b.db.read() as s:
            customers = [tuple(r) for r in s.execute(
                select(Customer.id, Customer.name, Customer.company, Customer.grade,
                       Customer.email).order_by(Customer.id))]
            calls = [tuple(r) for r in s.execute(
                select(Call.id, Call.customer_id, Call.agent_id, Call.queued_at,
                       Call.talk_seconds, Call.notes).order_by(Call.id))]
        return customers, calls
    finally:
        b.close()


def test_seed_is_deterministic_per_seed(sqlite_template: Path, tmp_path: Path, clock):
    options = SeedOptions(customers=120, days=3, calls_per_day=60, random_seed=11)
    dumps = []
    for name, opts in (("a", options), ("b", options),
                       ("c", SeedOptions(customers=120, days=3, calls_per_day=60,
                                         random_seed=12))):
        path = tmp_path / f"{name}.db"
        shutil.copy(sqlite_template, path)
        b = Backend.open(f"sqlite:///{path}", clock)
        seed(b, opts)
        b.close()
        dumps.append(_dump(f"sqlite:///{path}"))
    assert dumps[0] == dumps[1]
    assert dumps[0][0] != dumps[2][0]


def test_seed_appends_without_clashing_numbers(backend):
    seed(backend, SeedOptions(customers=50, days=1, calls_per_day=10, random_seed=1))
    seed(backend, SeedOptions(customers=50, days=1, calls_per_day=10, random_seed=1))
    with backend.db.read() as s:
        assert s.scalar(select(func.count(Customer.id))) == 100
        own = s.execute(select(CustomerPhone.number).where(CustomerPhone.label == "mobile")
                        ).scalars().all()
        assert len(own) == len(set(own)) == 100
    # Live inserts after the bulk load still get fresh ids (the sequence was moved on).
    from seatdesk.services.dto import SYSTEM, CustomerInput

    new = backend.customers.create(SYSTEM, CustomerInput(name="新客户", phones=("13012345678",)))
    assert new.id == 101
