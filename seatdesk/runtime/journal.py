"""The offline journal: what the seat typed, kept on the local disk until the database has it.

JSON lines in the user data directory (``Settings.journal_path``). Every entry is appended,
flushed and fsynced *before* the database is tried, so killing the process at any moment
loses nothing. Entries are removed only after the database confirmed them; the file is then
rewritten atomically (temp file, fsync, rename). Draining is oldest first, and each entry is
idempotent: a draft for a closed call is ignored, a wrap-up for a call already closed with
the same content is a no-op.

Several desks (processes) may share one data directory, and one desk may be pointed at
different databases over time. So every change to the file happens under an exclusive
lock on ``<journal>.lock`` and starts from the file as it is on disk (never from this
process's memory): removing one entry never drops another desk's. Every entry names the
database it was typed against (``Database.identity``); a desk drains only its database's
entries and leaves the others waiting for theirs.

An entry the database refuses for good (the call was closed differently meanwhile, or
the database cannot store what it holds) is quarantined rather than dropped: kept in
``<journal>.rejected`` and in the database's ``quarantined_records`` (the agent is told
on the desk; the team lead lists them with ``seatdesk call quarantined``), and the
entries after it drain as usual.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seatdesk.domain.errors import DatabaseUnavailable, SeatdeskError
from seatdesk.domain.i18n import _

if TYPE_CHECKING:
    from seatdesk.services.dto import Actor, WrapUp

DRAFT = "draft"
WRAP_UP = "wrap_up"


def is_outage(exc: BaseException) -> bool:
    """True when ``exc`` means the database cannot be reached (keep the work, retry later)."""
    return isinstance(exc, DatabaseUnavailable)


@dataclass(frozen=True)
class JournalEntry:
    id: str
    kind: str  # draft or wrap_up
    call_id: int
    login: str
    at: str  # when it was typed (ISO, UTC)
    data: dict[str, Any] = field(default_factory=dict)
    callback_id: int | None = None
    # The database it was typed against (Database.identity); "" in journals written
    # before entries carried it: those drain into the first database that drains them.
    database: str = ""


def wrap_up_to_json(record: WrapUp) -> dict[str, Any]:
    data = asdict(record)
    data["follow_up_at"] = record.follow_up_at.isoformat() if record.follow_up_at else None
    return data


def wrap_up_from_json(data: dict[str, Any]) -> WrapUp:
    values = dict(data)
    if values.get("follow_up_at"):
        values["follow_up_at"] = datetime.fromisoformat(values["follow_up_at"])
    from seatdesk.services.dto import WrapUp

    return WrapUp(**values)


class Journal:
    """An append-only, fsynced list of records waiting for the database."""

    def __init__(self, path: Path, database: str = "") -> None:
        self.path = Path(path)
        self.rejected_path = self.path.with_name(self.path.name + ".rejected")
        self._lock_path = self.path.with_name(self.path.name + ".lock")
        # The database new entries are typed against; set by the first drain when the
        # desk did not say (drain runs before the desk can type anything).
        self.database = database
        self._lock = threading.RLock()
        self._entries: list[JournalEntry] = self._load()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """This process's lock and the file lock every desk on this machine takes."""
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock_path.open("a") as lock:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def _load(self) -> list[JournalEntry]:
        if not self.path.exists():
            return []
        entries: list[JournalEntry] = []
        with self.path.open(encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if not line:
                    continue
                try:
                    entries.append(JournalEntry(**json.loads(line)))
                except (ValueError, TypeError):
                    # A line torn by a crash mid-write: only the last line can be torn, and
                    # its record was never acknowledged, so the previous copy is still here.
                    continue
        return entries

    def reload(self) -> None:
        """Re-read the file (other desks may have added or removed entries)."""
        with self._locked():
            self._entries = self._load()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def waiting(self) -> int:
        """Records waiting: every wrap-up, and one per call with an unsent draft."""
        return self.waiting_for("")

    def waiting_for(self, database: str) -> int:
        """Records waiting for ``database`` ("" for every database)."""
        with self._lock:
            mine = [e for e in self._entries
                    if not database or not e.database or e.database == database]
            wraps = sum(1 for e in mine if e.kind == WRAP_UP)
            drafts = {(e.database, e.call_id) for e in mine if e.kind == DRAFT}
            return wraps + len(drafts)

    def entries(self) -> list[JournalEntry]:
        """Every entry now on disk, this desk's and other desks' (oldest first)."""
        self.reload()
        with self._lock:
            return list(self._entries)

    def append(self, kind: str, call_id: int, login: str, at: datetime,
               data: dict[str, Any], callback_id: int | None = None) -> JournalEntry:
        """Write one entry durably (flush + fsync) and return it."""
        entry = JournalEntry(id=uuid.uuid4().hex, kind=kind, call_id=call_id, login=login,
                             at=at.isoformat(), data=data, callback_id=callback_id,
                             database=self.database)
        line = json.dumps(asdict(entry), ensure_ascii=False) + "\n"
        with self._locked():
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
            self._entries = self._load()
        return entry

    def latest_draft(self, call_id: int) -> dict[str, Any] | None:
        """The newest unsent draft of a call (newer than the database's copy, if any)."""
        with self._lock:
            for entry in reversed(self._entries):
                if entry.call_id == call_id and entry.kind in (DRAFT, WRAP_UP) and (
                        not entry.database or not self.database
                        or entry.database == self.database):
                    return dict(entry.data)
        return None

    def acknowledge(self, entry: JournalEntry) -> None:
        """The database has ``entry``: drop it and the older drafts of the same call."""
        with self._locked():
            entries = self._load()  # the file as it is now, other desks' entries included
            index = next((i for i, e in enumerate(entries) if e.id == entry.id), None)
            if index is None:
                self._entries = entries
                return
            keep = [e for i, e in enumerate(entries)
                    if not (e.id == entry.id
                            or (i < index and e.kind == DRAFT and e.call_id == entry.call_id
                                and e.login == entry.login
                                and e.database == entry.database))]
            self._rewrite(keep)

    def discard(self, entry: JournalEntry) -> None:
        """Drop an entry the seat is still editing (the database refused it as typed)."""
        with self._locked():
            self._rewrite([e for e in self._load() if e.id != entry.id])

    def reject(self, entry: JournalEntry, reason: str) -> None:
        """Set aside an entry the database refuses for good (kept for a supervisor)."""
        with self._locked():
            with self.rejected_path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps({**asdict(entry), "reason": reason}, ensure_ascii=False)
                         + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            self._rewrite([e for e in self._load() if e.id != entry.id])

    def _rewrite(self, entries: list[JournalEntry]) -> None:
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            for e in entries:
                fh.write(json.dumps(asdict(e), ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        self._entries = entries


@dataclass
class DrainReport:
    applied: int = 0
    rejected: int = 0
    left: int = 0
    offline: bool = False
    messages: list[str] = field(default_factory=list)


ActorOf = Callable[[str], "Actor"]


class UnreadableEntry(SeatdeskError):
    """A journal entry this version cannot read (written by another version, or damaged)."""


def apply_entry(backend: Any, actor: Actor, entry: JournalEntry) -> str | None:
    """Write one journal entry to the database (raises on outage or refusal).

    Returns a warning when the record was saved but its callback could not be updated.
    """
    if entry.kind == DRAFT:
        backend.calls.save_draft(actor, entry.call_id, entry.data)
        return None
    try:
        record = wrap_up_from_json(entry.data)
    except (TypeError, ValueError, KeyError) as exc:
        raise UnreadableEntry(
            _("a journal record could not be read ({error})").format(error=exc)) from None
    # The time the agent saved it, not the time the database came back (talk and wrap
    # times would include the outage).
    backend.calls.save_wrap_up(actor, entry.call_id, record,
                               at=datetime.fromisoformat(entry.at))
    callbacks = getattr(backend, "callbacks", None)
    if callbacks is None or record.outbound_outcome is None:
        return None
    try:
        # Both are idempotent per call, so a replayed entry does not count an attempt twice.
        if hasattr(callbacks, "record_outbound"):
            callbacks.record_outbound(actor, entry.call_id, record.follow_up_at)
        elif entry.callback_id is not None:
            callbacks.record_attempt(actor, entry.callback_id, record.outbound_outcome,
                                     entry.call_id)
    except SeatdeskError as exc:
        return str(exc)
    return None


def quarantine(journal: Journal, backend: Any, entry: JournalEntry, reason: str) -> None:
    """Set an entry aside for good: in the local file always, in the database if it can."""
    journal.reject(entry, reason)
    calls = getattr(backend, "calls", None)
    if calls is None or not hasattr(calls, "quarantine"):
        return
    try:
        calls.quarantine(asdict(entry), reason)
    except SeatdeskError:
        pass  # an outage or a refusal: the local copy is kept, and the desk shows it


def drain(journal: Journal, backend: Any, actor_of: ActorOf) -> DrainReport:
    """Write this database's waiting entries oldest first; stop at the first outage.

    Entries typed against another database are left for it. An entry that can never be
    applied is quarantined (see the module's docstring) and the later ones go on.
    """
    report = DrainReport()
    actors: dict[str, Actor] = {}
    database = getattr(getattr(backend, "db", None), "identity", "")
    if database and not journal.database:
        journal.database = database
    for entry in journal.entries():
        if entry.database and database and entry.database != database:
            continue
        try:
            if entry.login not in actors:
                actors[entry.login] = actor_of(entry.login)
            warning = apply_entry(backend, actors[entry.login], entry)
            if warning:
                report.messages.append(warning)
        except SeatdeskError as exc:
            if is_outage(exc):
                report.offline = True
                break
            # Refused by a rule or by the database itself (DatabaseRefused: it cannot store
            # what the entry holds): it will never apply, so it must not block the rest.
            reason = str(exc)
            quarantine(journal, backend, entry, reason)
            report.rejected += 1
            report.messages.append(reason)
            continue
        journal.acknowledge(entry)
        report.applied += 1
    report.left = journal.waiting_for(database)
    return report
