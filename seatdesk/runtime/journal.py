"""The offline journal: what the seat typed, kept on the local disk until the database has it.

JSON lines in the user data directory (``Settings.journal_path``). Every entry is appended,
flushed and fsynced *before* the database is tried, so killing the process at any moment
loses nothing. Entries are removed only after the database confirmed them; the file is then
rewritten atomically (temp file, fsync, rename). Draining is oldest first, and each entry is
idempotent: a draft for a closed call is ignored, a wrap-up for a call already closed with
the same content is a no-op. An entry the database refuses for good (the call was closed
differently meanwhile) goes to ``<journal>.rejected`` rather than being dropped.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seatdesk.domain.errors import DatabaseUnavailable, SeatdeskError

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

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.rejected_path = self.path.with_name(self.path.name + ".rejected")
        self._lock = threading.RLock()
        self._entries: list[JournalEntry] = self._load()

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

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def waiting(self) -> int:
        """Records waiting: every wrap-up, and one per call with an unsent draft."""
        with self._lock:
            wraps = sum(1 for e in self._entries if e.kind == WRAP_UP)
            drafts = {e.call_id for e in self._entries if e.kind == DRAFT}
            return wraps + len(drafts)

    def entries(self) -> list[JournalEntry]:
        with self._lock:
            return list(self._entries)

    def append(self, kind: str, call_id: int, login: str, at: datetime,
               data: dict[str, Any], callback_id: int | None = None) -> JournalEntry:
        """Write one entry durably (flush + fsync) and return it."""
        entry = JournalEntry(id=uuid.uuid4().hex, kind=kind, call_id=call_id, login=login,
                             at=at.isoformat(), data=data, callback_id=callback_id)
        line = json.dumps(asdict(entry), ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
            self._entries.append(entry)
        return entry

    def latest_draft(self, call_id: int) -> dict[str, Any] | None:
        """The newest unsent draft of a call (newer than the database's copy, if any)."""
        with self._lock:
            for entry in reversed(self._entries):
                if entry.call_id == call_id and entry.kind in (DRAFT, WRAP_UP):
                    return dict(entry.data)
        return None

    def acknowledge(self, entry: JournalEntry) -> None:
        """The database has ``entry``: drop it and the older drafts of the same call."""
        with self._lock:
            index = next((i for i, e in enumerate(self._entries) if e.id == entry.id), None)
            if index is None:
                return
            keep = [e for i, e in enumerate(self._entries)
                    if not (e.id == entry.id
                            or (i < index and e.kind == DRAFT and e.call_id == entry.call_id))]
            self._rewrite(keep)

    def discard(self, entry: JournalEntry) -> None:
        """Drop an entry the seat is still editing (the database refused it as typed)."""
        with self._lock:
            self._rewrite([e for e in self._entries if e.id != entry.id])

    def reject(self, entry: JournalEntry, reason: str) -> None:
        """Set aside an entry the database refuses for good (kept for a supervisor)."""
        with self._lock:
            with self.rejected_path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps({**asdict(entry), "reason": reason}, ensure_ascii=False)
                         + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            self._rewrite([e for e in self._entries if e.id != entry.id])

    def _rewrite(self, entries: list[JournalEntry]) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
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


def apply_entry(backend: Any, actor: Actor, entry: JournalEntry) -> str | None:
    """Write one journal entry to the database (raises on outage or refusal).

    Returns a warning when the record was saved but its callback could not be updated.
    """
    if entry.kind == DRAFT:
        backend.calls.save_draft(actor, entry.call_id, entry.data)
        return None
    record = wrap_up_from_json(entry.data)
    backend.calls.save_wrap_up(actor, entry.call_id, record)
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


def drain(journal: Journal, backend: Any, actor_of: ActorOf) -> DrainReport:
    """Write waiting entries oldest first; stop at the first sign of an outage."""
    report = DrainReport()
    actors: dict[str, Actor] = {}
    for entry in journal.entries():
        try:
            if entry.login not in actors:
                actors[entry.login] = actor_of(entry.login)
            warning = apply_entry(backend, actors[entry.login], entry)
            if warning:
                report.messages.append(warning)
        except Exception as exc:  # noqa: BLE001 - sorted below: outage, refusal, or bug
            if is_outage(exc):
                report.offline = True
                break
            if isinstance(exc, SeatdeskError):
                journal.reject(entry, str(exc))
                report.rejected += 1
                report.messages.append(str(exc))
                continue
            raise
        journal.acknowledge(entry)
        report.applied += 1
    report.left = journal.waiting()
    return report
