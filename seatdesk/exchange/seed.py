"""Demo and benchmark data: reference data every center needs, and a realistic history.

``ensure_reference_data`` creates (idempotently) the queues, two teams, the demo users
(password ``demo1234``) and the default scripts. ``seed`` adds customers with phones and
contracts, plus a call history over the last D days.

Bulk loading bypasses the ORM so a benchmark database (1M customers, 10M calls) takes
minutes, not hours: PostgreSQL gets COPY through the raw psycopg connection, SQLite gets
large ``executemany`` batches with ``synchronous=OFF`` for the load. Rows are generated in
chunks, never all in memory.

Deliberately not generated for the bulk history: ``call_events`` (one row per state change
would multiply the load five-fold; history rows carry their timestamps and durations
directly), agent state events and audit rows. Calls made live through the services have
them.

Phone numbers are derived from the customer id (a bijection modulo 10^8 per number kind)
so they are unique without being remembered; the only shared numbers are company
switchboards, which several customers of one company list on purpose.
"""

from __future__ import annotations

import random
import time
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from seatdesk.data.engine import driver_errors
from seatdesk.data.models import Call, Customer, Queue, Role, ScriptVersion, Team, User
from seatdesk.domain.passwords import hash_password
from seatdesk.exchange import seed_vocab as V
from seatdesk.exchange.default_scripts import default_scripts
from seatdesk.exchange.seed_vocab import DEMO_PASSWORD, DEMO_USERS  # noqa: F401 - re-exported
from seatdesk.services.container import Backend
from seatdesk.services.first_contact import backfill_prior_contacts

Progress = Callable[[int, int], None]

QUEUES = (  # code, English name, 中文名, priority
    ("general", "General enquiries", "综合咨询", 0),
    ("aftersales", "After-sales service", "售后服务", 0),
    ("complaints", "Complaints line", "投诉专线", 5),
    ("vip", "Key accounts line", "大客户专线", 10),
)
TEAMS = (("t1", "一组"), ("t2", "二组"))

CUSTOMER_CHUNK = 20_000
CALL_CHUNK = 50_000
_MOD = 100_000_000  # 8-digit number space
_MULT = 48_271  # prime, coprime to 10^8 and 4*10^7: id -> digits is a bijection

GRADES = "ABCD"
GRADE_WEIGHTS = (5, 15, 45, 35)  # ~20% A/B carry most of the value (80/20)
CATEGORY_WEIGHTS = {"consultation": 33, "query": 20, "repair": 16, "order": 12,
                    "complaint": 8, "suggestion": 3, "other": 8}
RESOLVED_SHARE = {"complaint": 0.45, "repair": 0.62}
PURPOSE_WEIGHTS = {"callback": 40, "survey": 25, "notification": 15,
                   "complaint_follow_up": 10, "sales": 10}
OUTCOME_WEIGHTS = {"reached": 65, "no_answer": 15, "busy": 6, "wrong_number": 2,
                   "refused": 4, "call_back_later": 8}
SATISFACTION = (1, 2, 3, 4, 5)
SATISFACTION_WEIGHTS = (2, 3, 10, 30, 55)
COMPLAINT_SATISFACTION_WEIGHTS = (12, 18, 30, 25, 15)
WEEKDAY_WEIGHT = (1.0, 1.0, 1.0, 1.0, 0.95, 0.35, 0.25)  # Mon..Sun
ABANDON_SHARE = 0.05
OUTBOUND_SHARE = 0.12
UNKNOWN_CALLER_SHARE = 0.12
DAY_START_MIN, DAY_LENGTH_MIN = 8 * 60 + 30, 9 * 60  # 08:30–17:30


@dataclass(frozen=True)
class SeedOptions:
    customers: int = 2000
    days: int = 30
    calls_per_day: int = 300  # on an ordinary weekday; weekends are quieter
    random_seed: int = 2026
    timezone: str = "Asia/Shanghai"


@dataclass(frozen=True)
class SeedReport:
    customers: int
    phones: int
    contracts: int
    calls: int
    agents_created: int
    seconds: float
    call_seconds: float

    @property
    def calls_per_second(self) -> float:
        return self.calls / self.call_seconds if self.call_seconds > 0 else 0.0


# ---- reference data ----------------------------------------------------------------------


@driver_errors()
def ensure_reference_data(backend: Backend, *, demo_users: bool = True) -> None:
    """Create queues, teams, demo users and default scripts that are missing (idempotent).

    Demo users have a published password: with them, the database is marked as a demo
    one (``UserService.is_demo``), and its sign-in screen says so.
    """
    if demo_users:
        backend.users.mark_demo()
    for code, name, name_zh, priority in QUEUES:
        backend.users.ensure_queue(code, name, name_zh=name_zh, priority=priority)
    now = backend.clock()
    with backend.db.write() as s:
        for code, name in TEAMS:
            if s.scalar(select(Team.id).where(Team.code == code)) is None:
                s.add(Team(code=code, name=name))
        existing = set(s.scalars(select(User.login)))
        taken_numbers = set(s.scalars(select(User.agent_no)))
    for login, name, role, team, agent_no in DEMO_USERS if demo_users else ():
        if login in existing:
            continue
        backend.users.add_user(login, name=name, role=role.value, password=DEMO_PASSWORD,
                               team=team,
                               agent_no=None if agent_no in taken_numbers else agent_no)
    with backend.db.write() as s:
        first_team = s.scalar(select(Team).where(Team.code == "t1"))
        lead = s.scalar(select(User.id).where(User.login == "demo_lead"))
        if first_team is not None and first_team.lead_id is None and lead is not None:
            first_team.lead_id = lead
        have = {tuple(r) for r in s.execute(select(ScriptVersion.category, ScriptVersion.lang,
                                    ScriptVersion.direction)).all()}
        for script in default_scripts():
            key = (script["category"], script["lang"], script["direction"])
            if key in have:
                continue
            s.add(ScriptVersion(category=script["category"], lang=script["lang"],
                                direction=script["direction"], version=1,
                                title=script["title"], steps=script["steps"], published=True,
                                created_at=now))


def is_empty(backend: Backend) -> bool:
    """True when the database holds no customers and no calls (a fresh install)."""
    with backend.db.read() as s:
        return (s.scalar(select(Customer.id).limit(1)) is None
                and s.scalar(select(Call.id).limit(1)) is None)


# ---- number and time helpers -------------------------------------------------------------


def _perm(n: int, mod: int = _MOD) -> int:
    return (n * _MULT + 7_654_321) % mod


def primary_mobile(customer_id: int) -> str:
    """The customer's own mobile, derived from the id (unique for ids below 10^8)."""
    prefix = V.PRIMARY_MOBILE_PREFIXES[customer_id % len(V.PRIMARY_MOBILE_PREFIXES)]
    return f"+86{prefix}{_perm(customer_id):08d}"


def second_mobile(customer_id: int) -> str:
    prefix = V.SECOND_MOBILE_PREFIXES[customer_id % len(V.SECOND_MOBILE_PREFIXES)]
    return f"+86{prefix}{_perm(customer_id + 13):08d}"


def office_line(customer_id: int, area: str) -> str:
    # Local numbers 2xxxxxxx–5xxxxxxx: a bijection of the id modulo 4*10^7.
    return f"+86{area}{20_000_000 + _perm(customer_id, 40_000_000)}"


def switchboard(company_index: int, area: str) -> str:
    # 6xxxxxxx: never overlaps the office lines above.
    return f"+86{area}{60_000_000 + company_index % 10_000_000}"


def _unknown_mobile(rng: random.Random) -> str:
    # 147/173 are in neither prefix set, so unknown callers never match a customer.
    return f"+86{rng.choice(('147', '173'))}{rng.randrange(_MOD):08d}"


class _Stamp:
    """Formats epoch seconds as the engine stores UtcDateTime (text on SQLite).

    strftime per value dominated the load; the date-hour-minute prefix is cached.
    """

    def __init__(self, postgres: bool) -> None:
        self.suffix = "+00" if postgres else ".000000"
        self._minutes: dict[int, str] = {}

    def __call__(self, epoch: float | None) -> str | None:
        if epoch is None:
            return None
        seconds = int(epoch)
        minute, second = divmod(seconds, 60)
        prefix = self._minutes.get(minute)
        if prefix is None:
            if len(self._minutes) > 100_000:
                self._minutes.clear()
            prefix = time.strftime("%Y-%m-%d %H:%M:", time.gmtime(minute * 60))
            self._minutes[minute] = prefix
        return f"{prefix}{second:02d}{self.suffix}"


Choice = TypeVar("Choice")


class _Picker(Generic[Choice]):
    """A fast weighted choice (random.choices rebuilds its tables on every call)."""

    def __init__(self, rng: random.Random, weights: Mapping[Choice, float]) -> None:
        self.random = rng.random
        self.items = list(weights)
        self.cum = list(accumulate(weights.values()))
        self.total = self.cum[-1]

    def __call__(self) -> Choice:
        return self.items[bisect(self.cum, self.random() * self.total)]


# ---- the bulk loader -----------------------------------------------------------------------


class _BulkLoader:
    """Writes row tuples with COPY (PostgreSQL) or executemany (SQLite) on one raw connection."""

    def __init__(self, backend: Backend) -> None:
        self.postgres = backend.db.is_postgres
        self._fairy = backend.db.engine.raw_connection()
        driver = self._fairy.driver_connection
        if driver is None:  # the pool hands out live connections; None would be a pool bug
            raise RuntimeError("the bulk load got a connection with no driver behind it")
        self.conn: Any = driver  # psycopg or sqlite3: both are driven through their own API
        if not self.postgres:
            # The load is re-runnable, so durability of each batch is not worth an fsync.
            self.conn.execute("PRAGMA synchronous=OFF")
            self.conn.execute("BEGIN IMMEDIATE")

    def write(self, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        cols = ", ".join(columns)
        if self.postgres:
            with self.conn.cursor() as cur, cur.copy(
                f"COPY {table} ({cols}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            self.conn.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)

    def commit(self) -> None:
        if self.postgres:
            self.conn.commit()
        else:
            self.conn.execute("COMMIT")
            self.conn.execute("BEGIN IMMEDIATE")

    def finish(self, ok: bool) -> None:
        try:
            if self.postgres:
                if ok:
                    self.conn.commit()
                else:
                    self.conn.rollback()
            else:
                self.conn.execute("COMMIT" if ok else "ROLLBACK")
                self.conn.execute("PRAGMA synchronous=NORMAL")
        finally:
            self._fairy.close()


CUSTOMER_COLUMNS = ("id", "name", "company", "position", "email", "address", "region", "grade",
                    "key_account", "risk_flag", "risk_reason", "credit_rating", "notes",
                    "external_ref", "created_at", "updated_at", "version")
PHONE_COLUMNS = ("customer_id", "number", "label")
CONTRACT_COLUMNS = ("customer_id", "reference", "product", "signed_on", "delivered_at",
                    "accepted_on", "warranty_until", "amount")
CALL_COLUMNS = ("direction", "state", "queue_id", "caller_number", "dialled_number",
                "customer_id", "agent_id", "route_order", "route_rank", "queued_at",
                "offered_at", "answered_at", "ended_at", "closed_at", "abandoned_at",
                "wait_seconds", "talk_seconds", "hold_seconds", "hold_count", "wrap_seconds",
                "category", "disposition", "question", "notes", "resolved", "handed_to",
                "transferred", "transfer_target", "satisfaction", "follow_up_at",
                "outbound_purpose", "outbound_outcome", "version")


# ---- customers -----------------------------------------------------------------------------


class _Companies:
    """A pool of companies several customers work for; some have a shared switchboard."""

    def __init__(self, rng: random.Random, count: int) -> None:
        self.rng = rng
        self.count = max(1, count)
        regions = list(V.REGION_WEIGHTS)
        weights = list(V.REGION_WEIGHTS.values())
        self._region = [rng.choices(regions, weights)[0] for _ in range(min(self.count, 4096))]

    def region(self, index: int) -> str:
        return self._region[index % len(self._region)]

    def city_area(self, index: int) -> tuple[str, str]:
        cities = V.REGIONS[self.region(index)]
        return cities[index % len(cities)]

    def name(self, index: int) -> str:
        if index % 17 == 0:
            return V.EN_COMPANIES[(index // 17) % len(V.EN_COMPANIES)]
        city, _ = self.city_area(index)
        n = index
        word = V.COMPANY_WORDS[n % len(V.COMPANY_WORDS)]
        n //= len(V.COMPANY_WORDS)
        trade = V.COMPANY_TRADES[n % len(V.COMPANY_TRADES)]
        form = V.COMPANY_FORMS[(index * 7) % len(V.COMPANY_FORMS)]
        return f"{city}{word}{trade}{form}"


def _person_name(rng: random.Random) -> tuple[str, bool]:
    if rng.random() < 0.1:
        return f"{rng.choice(V.EN_FIRST)} {rng.choice(V.EN_LAST)}", True
    given = rng.choice(V.GIVEN_CHARS)
    if rng.random() < 0.7:
        given += rng.choice(V.GIVEN_CHARS)
    return rng.choice(V.SURNAMES) + given, False


def _customer_rows(
    rng: random.Random, first_id: int, count: int, now_epoch: float, stamp: _Stamp,
    profile: bytearray,
) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """Yield (customers, phones, contracts) row lists, CUSTOMER_CHUNK customers at a time.

    ``profile`` receives one byte per customer: grade index (0–3) + 4 if key account,
    which the call generator uses for routing order without re-reading the database.
    """
    companies = _Companies(rng, max(1, count // 8))
    today = datetime.fromtimestamp(now_epoch, UTC).date()
    regions = list(V.REGION_WEIGHTS)
    region_weights = list(V.REGION_WEIGHTS.values())
    for start in range(0, count, CUSTOMER_CHUNK):
        customers: list[tuple[Any, ...]] = []
        phones: list[tuple[Any, ...]] = []
        contracts: list[tuple[Any, ...]] = []
        for cid in range(first_id + start, first_id + min(count, start + CUSTOMER_CHUNK)):
            name, english = _person_name(rng)
            company_index = rng.randrange(companies.count) if rng.random() < 0.75 else None
            if company_index is not None:
                company = companies.name(company_index)
                region = companies.region(company_index)
                city, area = companies.city_area(company_index)
                position = rng.choice(V.EN_POSITIONS if english else V.POSITIONS)
            else:
                company, position = "", ""
                region = rng.choices(regions, region_weights)[0]
                city, area = rng.choice(V.REGIONS[region])
            grade_index = rng.choices(range(4), GRADE_WEIGHTS)[0]
            key_account = rng.random() < 0.03
            if key_account:
                grade_index = min(grade_index, 1)  # key accounts are A or B customers
            risky = rng.random() < 0.02
            risk_reason = rng.choice(V.RISK_REASONS) if risky else ""
            if risky:
                credit = rng.choice(("BB", "B", "C"))
            else:
                credit = V.CREDIT_RATINGS[min(6, grade_index + rng.randrange(3))]
            profile.append(grade_index + (4 if key_account else 0))
            if rng.random() < 0.8:
                user = name.lower().replace(" ", ".") if english else f"kh{cid}"
                email = f"{user}@{rng.choice(V.EMAIL_DOMAINS)}"
            else:
                email = ""
            address = (f"{city}市{rng.choice(V.STREETS)}{rng.randrange(1, 999)}号"
                       if rng.random() < 0.9 else "")
            created = now_epoch - rng.uniform(30, 3 * 365) * 86400
            updated = created + rng.uniform(0, now_epoch - created)
            customers.append((
                cid, name, company, position, email, address, region, GRADES[grade_index],
                key_account, risky, risk_reason, credit, rng.choice(V.CUSTOMER_NOTES),
                f"KH{cid:08d}", stamp(created), stamp(updated), 1,
            ))
            # 1–3 numbers: own mobile first, then a second mobile / office line /
            # the company switchboard (shared with colleagues).
            numbers = [(primary_mobile(cid), "mobile")]
            extra = rng.choices((0, 1, 2), (55, 35, 10))[0]
            options = [(second_mobile(cid), "mobile2"), (office_line(cid, area), "office")]
            if company_index is not None and rng.random() < 0.5:
                options[1] = (switchboard(company_index, companies.city_area(company_index)[1]),
                              "switchboard")
            rng.shuffle(options)
            numbers.extend(options[:extra])
            phones.extend((cid, number, label) for number, label in numbers)
            n_contracts = rng.choices((0, 1, 2, 3), ((5, 40, 35, 20), (10, 50, 30, 10),
                                                     (45, 45, 10, 0), (60, 40, 0, 0))
                                      [grade_index])[0]
            low, high = ((200_000, 2_000_000), (50_000, 300_000), (5_000, 60_000),
                         (1_000, 10_000))[grade_index]
            for k in range(n_contracts):
                signed = today - timedelta(days=rng.randrange(5, 3 * 365))
                delivered_day = signed + timedelta(days=rng.randrange(5, 30))
                if delivered_day >= today:
                    delivered_at, accepted, warranty = None, None, None
                else:
                    delivered_epoch = (datetime(delivered_day.year, delivered_day.month,
                                                delivered_day.day, 2, tzinfo=UTC).timestamp()
                                       + rng.randrange(0, 8 * 3600))
                    delivered_at = stamp(delivered_epoch)
                    accepted_day = delivered_day + timedelta(days=rng.randrange(1, 8))
                    accepted = accepted_day if accepted_day < today else None
                    warranty = (accepted_day + timedelta(days=365 * rng.randrange(1, 4))
                                if accepted else None)
                contracts.append((
                    cid, f"HT{signed.year}-{cid}-{k + 1}", rng.choice(V.PRODUCTS),
                    _day(signed, stamp), delivered_at, _day(accepted, stamp),
                    _day(warranty, stamp), round(rng.uniform(low, high), 2),
                ))
        yield customers, phones, contracts


def _day(value: date | None, stamp: _Stamp) -> Any:
    return None if value is None else value.isoformat()


# ---- calls ---------------------------------------------------------------------------------


def _day_counts(rng: random.Random, options: SeedOptions, today: date) -> list[tuple[date, int]]:
    days = []
    for back in range(options.days, 0, -1):
        day = today - timedelta(days=back)
        expected = options.calls_per_day * WEEKDAY_WEIGHT[day.weekday()]
        days.append((day, max(0, round(expected * rng.uniform(0.85, 1.15)))))
    return days


def _minute_of_day(rng: random.Random) -> float:
    """Minutes after 08:30: a morning peak near 10:00, an afternoon one near 14:30."""
    while True:
        pick = rng.random()
        if pick < 0.5:
            m = rng.gauss(90, 60)
        elif pick < 0.9:
            m = rng.gauss(360, 70)
        else:
            m = rng.uniform(0, DAY_LENGTH_MIN)
        if 0 <= m < DAY_LENGTH_MIN:
            return m


class _CallMaker:
    """Builds one call-history row (a tuple in CALL_COLUMNS order) at a time."""

    def __init__(self, rng: random.Random, *, stamp: _Stamp, agents: Sequence[int],
                 queues: dict[str, tuple[int, int]], first_customer: int,
                 profile: bytearray) -> None:
        self.rng = rng
        self.random = rng.random
        self.stamp = stamp
        self.agents = agents
        self.queues = queues  # code -> (id, priority)
        self.first_customer = first_customer
        self.profile = profile
        self.category = _Picker(rng, CATEGORY_WEIGHTS)
        self.purpose = _Picker(rng, PURPOSE_WEIGHTS)
        self.outcome = _Picker(rng, OUTCOME_WEIGHTS)
        self.satisfaction = _Picker(rng, dict(zip(SATISFACTION, SATISFACTION_WEIGHTS,
                                                  strict=True)))
        self.complaint_satisfaction = _Picker(
            rng, dict(zip(SATISFACTION, COMPLAINT_SATISFACTION_WEIGHTS, strict=True)))
        self.hold_count = _Picker(rng, {0: 70, 1: 24, 2: 6})

    def _int(self, low: int, high: int) -> int:
        """A uniform integer in [low, high) (randrange is slow in bulk)."""
        return low + int(self.random() * (high - low))

    def _one(self, items: Sequence[Any]) -> Any:
        return items[int(self.random() * len(items))]

    def _customer(self) -> tuple[int, int] | None:
        if not self.profile:
            return None
        index = int(self.random() * len(self.profile))
        return self.first_customer + index, self.profile[index]

    def row(self, start: float) -> tuple[Any, ...]:
        if self.profile and self.agents and self.random() < OUTBOUND_SHARE:
            return self._outbound(start)
        return self._inbound(start)

    def _inbound(self, queued: float) -> tuple[Any, ...]:
        rnd, st = self.random, self.stamp
        who = None if rnd() < UNKNOWN_CALLER_SHARE else self._customer()
        if who is None:
            customer_id, number, rank, key = None, _unknown_mobile(self.rng), 5, False
        else:
            customer_id, code = who
            key = code >= 4
            number = primary_mobile(customer_id)
            rank = 0 if key else (code % 4) + 1
        category = self.category()
        if key and rnd() < 0.7:
            queue = "vip"
        elif category == "complaint" and rnd() < 0.8:
            queue = "complaints"
        elif category == "repair" and rnd() < 0.7:
            queue = "aftersales"
        else:
            queue = "general"
        queue_id, priority = self.queues[queue]
        if rnd() < ABANDON_SHARE or not self.agents:
            wait = int(min(600.0, self.rng.expovariate(1 / 45))) + 3
            return ("inbound", "abandoned", queue_id, number, "", customer_id, None, -priority,
                    rank, st(queued), None, None, None, None, st(queued + wait), wait, 0, 0,
                    0, 0, None, None, "", "", None, "", False, "", None, None, None, None, 1)
        wait = int(min(600.0, self.rng.expovariate(1 / 25)))
        offered = queued + wait
        answered = offered + self._int(0, 7)  # within three rings
        mean_talk = 420 if category == "complaint" else 240 if category == "repair" else 170
        talk = max(15, int(self.rng.lognormvariate(0, 0.5) * mean_talk))
        hold_count = self.hold_count()
        hold = sum(self._int(10, 120) for _ in range(hold_count))
        ended = answered + talk + hold
        wrap = self._int(10, 90)
        closed = ended + wrap
        resolved = rnd() < RESOLVED_SHARE.get(category, 0.88)
        follow_up = None
        if resolved:
            disposition = ("information" if category in ("consultation", "query")
                           and rnd() < 0.3 else "resolved")
            handed_to = ""
        else:
            disposition = "handed_over" if rnd() < 0.7 else "follow_up"
            handed_to = self._one(V.HANDED_TO)
            if disposition == "follow_up":
                follow_up = st(closed + 86400)
        satisfaction = None
        if rnd() < 0.4:
            satisfaction = (self.complaint_satisfaction() if category == "complaint"
                            else self.satisfaction())
        return ("inbound", "closed", queue_id, number, "", customer_id, self._one(self.agents),
                -priority, rank, st(queued), st(offered), st(answered), st(ended), st(closed),
                None, wait, talk, hold, hold_count, wrap, category, disposition,
                self._one(V.QUESTIONS[category]), self._one(V.NOTES[category]), resolved,
                handed_to, False, "", satisfaction, follow_up, None, None, 1)

    def _outbound(self, start: float) -> tuple[Any, ...]:
        st = self.stamp
        who = self._customer()
        assert who is not None
        customer_id, code = who
        purpose = self.purpose()
        outcome = self.outcome()
        reached = outcome == "reached"
        talk = max(20, int(self.rng.lognormvariate(0, 0.4) * 120)) if reached else 0
        ended = start + talk
        wrap = self._int(5, 60)
        satisfaction = None
        if reached and purpose in ("survey", "callback", "complaint_follow_up"):
            satisfaction = self.satisfaction()
        notes = self._one(V.OUTBOUND_NOTES[purpose]) if reached else ""
        return ("outbound", "closed", None, "", primary_mobile(customer_id), customer_id,
                self._one(self.agents), 0, 0 if code >= 4 else (code % 4) + 1, None,
                st(start), st(start), st(ended), st(ended + wrap), None, None, talk, 0, 0,
                wrap, None, None, "", notes, None, "", False, "", satisfaction, None, purpose,
                outcome, 1)


# ---- agents --------------------------------------------------------------------------------


def _ensure_floor_agents(backend: Backend, rng: random.Random,
                         wanted: int) -> tuple[list[int], int]:
    """The agents who took the history's calls: demo agents plus generated seats."""
    now = backend.clock()
    created = 0
    with backend.db.write() as s:
        agents = list(s.scalars(select(User.id).where(User.role == Role.AGENT,
                                                      User.active.is_(True)).order_by(User.id)))
        missing = wanted - len(agents)
        if missing > 0:
            logins = set(s.scalars(select(User.login)))
            numbers = set(s.scalars(select(User.agent_no)))
            teams = list(s.scalars(select(Team.id).order_by(Team.id)))
            # One hash for all generated seats: scrypt per user would dominate small seeds.
            shared_hash = hash_password(DEMO_PASSWORD)
            index = 0
            while created < missing:
                index += 1
                login, agent_no = f"seat{index:03d}", str(3000 + index)
                if login in logins or agent_no in numbers:
                    continue
                user = User(login=login, name=_person_name(rng)[0], agent_no=agent_no,
                            role=Role.AGENT, team_id=teams[index % len(teams)] if teams else None,
                            password_hash=shared_hash, created_at=now)
                s.add(user)
                s.flush()
                agents.append(user.id)
                created += 1
    return agents, created


# ---- the seed ------------------------------------------------------------------------------


@driver_errors()
def seed(backend: Backend, options: SeedOptions, progress: Progress | None = None) -> SeedReport:
    """Add ``options.customers`` customers and a call history; deterministic per seed."""
    for name in ("customers", "days", "calls_per_day"):
        if getattr(options, name) < 0:
            raise ValueError(f"{name.replace('_', '-')} must not be negative")
    started = time.perf_counter()
    ensure_reference_data(backend)
    rng = random.Random(options.random_seed)
    tz = ZoneInfo(options.timezone)
    now = backend.clock()
    today_local = now.astimezone(tz).date()
    wanted_agents = max(6, min(400, options.calls_per_day // 40))
    agents, agents_created = _ensure_floor_agents(backend, rng, wanted_agents)
    with backend.db.read() as s:
        first_id = (s.scalar(select(func.max(Customer.id))) or 0) + 1
        queues = {code: (qid, prio) for code, qid, prio in
                  s.execute(select(Queue.code, Queue.id, Queue.priority)).all()}
    days = _day_counts(rng, options, today_local)
    total_calls = sum(n for _, n in days)
    total = options.customers + total_calls
    done = 0
    stamp = _Stamp(backend.db.is_postgres)
    profile = bytearray()
    n_phones = n_contracts = 0
    loader = _BulkLoader(backend)
    ok = False
    call_seconds = 0.0
    try:
        for customers, phones, contracts in _customer_rows(
            rng, first_id, options.customers, now.timestamp(), stamp, profile
        ):
            loader.write("customers", CUSTOMER_COLUMNS, customers)
            loader.write("customer_phones", PHONE_COLUMNS, phones)
            loader.write("contracts", CONTRACT_COLUMNS, contracts)
            n_phones += len(phones)
            n_contracts += len(contracts)
            loader.commit()
            done += len(customers)
            if progress:
                progress(done, total)
        if backend.db.is_postgres and options.customers:
            # Customers were given explicit ids; move the sequence past them.
            loader.conn.execute("SELECT setval(pg_get_serial_sequence('customers', 'id'), "
                                "(SELECT max(id) FROM customers))")
            loader.commit()
        call_started = time.perf_counter()
        maker = _CallMaker(rng, stamp=stamp, agents=agents, queues=queues,
                           first_customer=first_id, profile=profile)
        for batch in _call_batches(rng, maker, days, tz):
            loader.write("calls", CALL_COLUMNS, batch)
            loader.commit()
            done += len(batch)
            if progress:
                progress(done, total)
        call_seconds = time.perf_counter() - call_started
        ok = True
    finally:
        loader.finish(ok)
    if total_calls:
        # The history was written as rows, not wrapped up: store each contact's earlier
        # contact with the same set-based UPDATE the migration used (one sorted pass).
        with backend.db.write() as s:
            backfill_prior_contacts(s)
    _analyse(backend)
    return SeedReport(customers=options.customers, phones=n_phones, contracts=n_contracts,
                      calls=total_calls, agents_created=agents_created,
                      seconds=time.perf_counter() - started, call_seconds=call_seconds)


def _call_batches(rng: random.Random, maker: _CallMaker, days: list[tuple[date, int]],
                  tz: ZoneInfo) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for day, count in days:
        opening = datetime(day.year, day.month, day.day, tzinfo=tz).timestamp()
        opening += DAY_START_MIN * 60
        starts = sorted(opening + _minute_of_day(rng) * 60 for _ in range(count))
        for start in starts:
            batch.append(maker.row(start))
            if len(batch) >= CALL_CHUNK:
                yield batch
                batch = []
    if batch:
        yield batch


def _analyse(backend: Backend) -> None:
    """Refresh planner statistics after a bulk load so lookups use the indexes."""
    with backend.db.engine.connect() as conn:
        if backend.db.is_postgres:
            conn.exec_driver_sql("ANALYZE customers, customer_phones, contracts, calls")
        else:
            conn.exec_driver_sql("PRAGMA optimize")
        conn.commit()
