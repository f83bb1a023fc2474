"""Every screen of every role, in Chinese, over seeded data: no English on screen.

The app runs in zh over a database filled by the seeder (customers, contracts, calls) and
the timed-rules worker (callbacks). For each demo user, every screen the role may open is
shown, then its help (F1) and the command palette (Ctrl+P). The text on the terminal is read
back from the screenshot, and every run of ASCII letters must be a name, code, number or
unit from the allow-list below; anything else is English a Chinese reader should not see.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from seatdesk.domain.i18n import set_language
from seatdesk.exchange import seed
from seatdesk.exchange.seed_vocab import DEMO_USERS
from seatdesk.services.container import Backend
from seatdesk.services.settings import Settings
from seatdesk.ui.app import SeatdeskApp

# Words that may stay in Latin letters on a Chinese screen: the product's name, key names,
# the company placeholder of the scripts, measures Chinese centres write in Latin letters,
# units and time-zone names, script language codes.
ALLOWED = {
    "seatdesk", "Ctrl", "Esc", "Enter", "Tab", "Alt", "Shift", "Space", "Del", "Home", "End",
    "PgUp", "PgDn", "Up", "Down", "Left", "Right", "XX", "AHT", "ASA", "SLA", "TOML", "CSV",
    "XLSX", "JSON", "SVG", "Erlang", "zh", "en", "Asia", "Shanghai", "UTC", "VIP", "KPI", "ID",
    "ms", "min", "s", "h",
    # key names as Textual shows them
    "tab", "shift", "ctrl", "alt", "super", "esc", "escape", "space", "del", "delete",
    "enter", "home", "end", "pageup", "pagedown", "up", "down", "left", "right", "backspace",
    "pgup", "pgdn", "^pgup", "^pgdn", "^home", "^end",
}
# Tokens that are codes or keys by their shape: single letters (keys, grades, shift codes),
# credit ratings (AA, BBB), F-keys, ^x keys, team codes, ids.
CODE_SHAPES = re.compile(
    r"^([A-Za-z]|[A-D]{2,3}|[Ff]\d{1,2}|\^[a-z]|t\d+|[A-Za-z]\d+|\d+[A-Za-z]{1,3}|#?\d+)$")
PATH = re.compile(r"\S*/\S*")  # a file path typed or proposed (/home/lin/scripts.toml)
# A key's action id, as F1 lists it for the keymap file (desk.take_next): a code.
ACTION_ID = re.compile(r"\b[a-z_]+\.[a-z_0-9]+\b")
TOKEN = re.compile(r"[A-Za-z0-9_^#]*[A-Za-z][A-Za-z0-9_^#]*")


async def settle(app: SeatdeskApp, pilot: Any, rounds: int = 3) -> None:
    """Let workers finish; a screen's exclusive worker may be cancelled by its successor."""
    from textual.worker import WorkerCancelled

    for _ in range(rounds):
        for _attempt in range(5):
            try:
                await app.workers.wait_for_complete()
                break
            except WorkerCancelled:
                continue
        await pilot.pause()


def screen_lines(app: SeatdeskApp) -> list[str]:
    """The terminal's lines as the user sees them, read from the app's SVG screenshot."""
    svg = app.export_screenshot()
    lines: dict[int, list[str]] = defaultdict(list)
    for line, text in re.findall(r'<text[^>]*clip-path="url\(#[\w-]*-line-(\d+)\)"[^>]*>'
                                 r"(.*?)</text>", svg):
        lines[int(line)].append(html.unescape(text).replace("\xa0", " "))
    return ["".join(lines[n]) for n in sorted(lines)]


def _clipped(text: str, match: re.Match[str]) -> bool:
    before = text[match.start() - 1] if match.start() > 0 else ""
    after = text[match.end()] if match.end() < len(text) else ""
    return "█" in (before, after)


def english_on(lines: list[str], names: set[str]) -> list[str]:
    """Each run of ASCII letters that is not a name, code, number or unit, with its line."""
    found = []
    for line in lines:
        text = ACTION_ID.sub(" ", PATH.sub(" ", line))
        for match in TOKEN.finditer(text):
            token = match.group()
            if token in ALLOWED or token in names or CODE_SHAPES.match(token):
                continue
            if _clipped(text, match) and any(w.startswith(token) or w.endswith(token)
                                             for w in names):
                continue  # a name cut by the edge of an overlay (█) drawn over it

            found.append(f"{token!r} in: {line.strip()}")
    return found




@pytest.fixture(scope="module")
def seeded(sqlite_template: Any, tmp_path_factory: Any) -> Any:
    import shutil
    from datetime import UTC, datetime

    from seatdesk.domain.clock import FrozenClock
    from seatdesk.runtime import daemon

    path = tmp_path_factory.mktemp("zh") / "zh.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    clock = FrozenClock(datetime(2026, 3, 10, 2, 30, tzinfo=UTC))
    backend = Backend.open(url, clock)
    seed.ensure_reference_data(backend)
    seed.seed(backend, seed.SeedOptions(customers=40, days=3, calls_per_day=30,
                                        random_seed=7))
    daemon.run_once(backend)
    # Something on every list: complaints (one of category delivery, answered), a caller
    # of a known customer waiting for the agent's F2.
    from seatdesk.services.complaints import ComplaintInput
    from seatdesk.services.dto import SYSTEM

    agent, lead = backend.users.actor("demo_agent"), backend.users.actor("demo_lead")
    customer_id = 1  # the seeder's first customer; its first mobile is primary_mobile(1)
    first = backend.complaints.register(agent, ComplaintInput(
        customer_id=customer_id, category="delivery", summary="送货晚了三天",
        customer_wants="道歉并补偿运费", owner_department="物流部"))
    backend.complaints.register(agent, ComplaintInput(
        customer_id=customer_id, category="billing", summary="多收费", severity="high"))
    backend.complaints.answer(lead, first.id, "已退运费", company_fault=True)
    backend.calls.offer_inbound(SYSTEM, seed.primary_mobile(customer_id), "vip")
    yield backend, url, clock
    backend.close()


def _names(backend: Backend) -> set[str]:
    """Logins, Latin-letter customer and company names of the seeded data: names, allowed."""
    from sqlalchemy import select

    from seatdesk.data.models import Contract, Customer, Queue, ScriptVersion, User
    from seatdesk.ui.app import SeatdeskApp

    words = {b.id for b in SeatdeskApp.BINDINGS if getattr(b, "id", None)}
    with backend.db.read() as s:
        words |= set(s.scalars(select(User.login)))
        words |= {w for (n,) in s.execute(select(Customer.name)) for w in TOKEN.findall(n)}
        words |= {w for (n,) in s.execute(select(Customer.company))
                  for w in TOKEN.findall(n or "")}
        words |= {w for (n,) in s.execute(select(Queue.name_zh)) for w in TOKEN.findall(n or "")}
        words |= {w for (n,) in s.execute(select(Customer.email)) for w in TOKEN.findall(n or "")}
        words |= {w for ref, product in s.execute(select(Contract.reference, Contract.product))
                  for w in TOKEN.findall(f"{ref} {product}")}  # contract numbers, models
        # Scripts written in English are content for English calls, shown as written.
        for title, steps in s.execute(select(ScriptVersion.title, ScriptVersion.steps)
                                      .where(ScriptVersion.lang == "en")):
            words |= set(TOKEN.findall(title))
            words |= {w for step in steps for w in TOKEN.findall(str(step.get("text", "")))}
    words |= set(TOKEN.findall(str(Path.cwd())))  # the default file path of an export
    return words


def _queue_fields(backend: Backend) -> set[str]:
    """Each queue's code and English name: what the administration screen edits (data there;
    anywhere else a Chinese reader should see the queue's Chinese name)."""
    from sqlalchemy import select

    from seatdesk.data.models import Queue

    with backend.db.read() as s:
        return {w for code, name in s.execute(select(Queue.code, Queue.name))
                for w in TOKEN.findall(f"{code} {name}")}


@pytest.mark.parametrize("login", [u[0] for u in DEMO_USERS if u[0] != "demo_agent2"
                                   and u[0] != "demo_agent3"])
async def test_every_screen_of_the_role_reads_chinese(seeded: Any, login: str) -> None:
    # demo_qa's case also proves the QA work list shows queue names, not codes (issue 13).
    await _check_screens(seeded, login)


async def _check_screens(seeded: Any, login: str) -> None:
    backend, url, clock = seeded
    names = _names(backend)
    set_language("zh")
    try:
        actor = backend.users.actor(login)
        app = SeatdeskApp(backend, Settings(db_url=url, lang="zh", company="XX公司"),
                          actor=actor, clock=clock)
        english: list[str] = []
        async with app.run_test(size=(140, 45)) as pilot:
            await settle(app, pilot)
            for entry in app.available_screens():
                app.open_screen(entry.mode)
                await settle(app, pilot)
                here = set(names)
                if entry.mode == "admin":
                    here = here | _queue_fields(backend)
                english += [f"[{entry.mode}] {e}" for e in english_on(screen_lines(app), here)]
                if entry.mode == "desk":  # the same desk with a caller on the line
                    await pilot.press("f2")
                    await settle(app, pilot)
                    english += [f"[desk, on a call] {e}"
                                for e in english_on(screen_lines(app), here)]
                await pilot.press("f1")
                await settle(app, pilot, 1)
                # F1 over the screen: the help's words, and the screen underneath as above.
                english += [f"[{entry.mode} F1] {e}"
                            for e in english_on(screen_lines(app), here)]
                await pilot.press("escape")
                await settle(app, pilot, 1)
            app.action_command_palette()
            await settle(app, pilot, 1)
            english += [f"[palette] {e}" for e in english_on(screen_lines(app), names)]
            await pilot.press("escape")
    finally:
        set_language("en")
    assert not english, f"English on {login}'s Chinese screens:\n" + "\n".join(
        dict.fromkeys(english))


def test_the_scan_sees_english_and_lets_names_codes_and_units_pass() -> None:
    lines = ["队列 · 3 waiting", "F2 接听  ^p 命令", "demo_agent 张敏 t1 12 s 45%",
             "状态 on_call", "Search for commands…"]
    found = english_on(lines, {"demo_agent"})
    assert [f.split(" in:")[0] for f in found] == ["'waiting'", "'on_call'", "'Search'",
                                                   "'for'", "'commands'"]
