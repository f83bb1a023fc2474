"""Exports: one streaming writer for CSV, JSON and XLSX, and the call-record export.

``write_rows`` is shared by every area (complaints, callbacks, roster, reports): rows
stream through it, so a 10M-row export never sits in memory. CSV is UTF-8 with a BOM so
Excel opens Chinese text cleanly; JSON is an array of objects with ISO datetimes; XLSX
uses openpyxl's write-only mode.

Text typed by people is neutralised on the way out (control characters would corrupt a
terminal or an XLSX file), and cells starting like a formula are quoted, so a note saying
"=HYPERLINK(...)" stays text in Excel.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from dateutil import parser as date_parser
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from seatdesk.data.models import Call, Customer, Queue, User
from seatdesk.domain import phone
from seatdesk.domain.errors import InvalidInput
from seatdesk.domain.i18n import _, queue_label
from seatdesk.domain.text import neutralise
from seatdesk.services import audit
from seatdesk.services.container import Backend
from seatdesk.services.dto import Actor
from seatdesk.services.permissions import Permission, allowed, require, team_scope

FORMATS = ("csv", "json", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Progress = Callable[[int], None]


# ---- dates ---------------------------------------------------------------------------------


def _parse_day(text: str, tz: tzinfo, now: datetime, which: str) -> tuple[datetime, bool]:
    """An aware datetime in ``tz`` and whether only a date (no time of day) was given."""
    value = text.strip().lower()
    today = now.astimezone(tz).date()
    words = {"today": today, "今天": today, "yesterday": today - timedelta(days=1),
             "昨天": today - timedelta(days=1)}
    if value in words:
        day = words[value]
        return datetime.combine(day, time(), tz), True
    if not value:
        raise InvalidInput(_("{which}: a date is required").format(which=which), which)
    try:
        a = date_parser.parse(value, default=datetime(2000, 1, 1, 0, 0, 0))
        b = date_parser.parse(value, default=datetime(2000, 1, 1, 1, 1, 1))
    except (ValueError, OverflowError):
        raise InvalidInput(_("{which}: cannot read {value!r} as a date "
                             "(try 2026-11-01, 2026/11/01, today or yesterday)").format(
                                 which=which, value=text), which) from None
    date_only = a.time() != b.time()
    if a.tzinfo is None:
        a = a.replace(tzinfo=tz)
    return a, date_only


# Days people report on; outside this, date arithmetic overflows or the value is a typo.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def _check_year(value: datetime, which: str, text: str) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise InvalidInput(_("{which}: {value!r} is outside the years {first}–{last}").format(
            which=which, value=text, first=FIRST_YEAR, last=LAST_YEAR), which)


def parse_date_range(from_text: str, to_text: str, tz: tzinfo | str,
                     now: datetime | None = None) -> tuple[datetime, datetime]:
    """[start, end) in UTC from two dates typed in the center's zone; --to is inclusive.

    A date without a time means the whole day, so "--from 2026-11-01 --to 2026-11-01"
    covers that one day. Raises InvalidInput naming the bad value.
    """
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    from datetime import UTC

    now = now or datetime.now(UTC)
    start, _start_date_only = _parse_day(from_text, zone, now, "--from")
    end, end_date_only = _parse_day(to_text, zone, now, "--to")
    _check_year(start, "--from", from_text)
    _check_year(end, "--to", to_text)
    if end_date_only:
        end = datetime.combine(end.date() + timedelta(days=1), time(), zone)
    if end <= start:
        raise InvalidInput(_("--to ({to}) is before --from ({start})").format(
            to=to_text, start=from_text), "--to")
    return start.astimezone(UTC), end.astimezone(UTC)


# ---- the writer ----------------------------------------------------------------------------


def _text_cell(value: Any) -> Any:
    if isinstance(value, str):
        value = neutralise(value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return _text_cell(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones; rows are center-local
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return value
    return _text_cell(value)


# ---- where an export may go ----------------------------------------------------------------

PATH_MAX = 1024


def _protected() -> dict[Path, str]:
    """Files an export must never replace: open databases, the journal, seatdesk's data."""
    from seatdesk.data.engine import open_sqlite_files
    from seatdesk.services.settings import data_dir

    guarded: dict[Path, str] = {}
    for db_file in open_sqlite_files():
        for suffix in ("", "-wal", "-shm", "-journal"):
            guarded[Path(str(db_file) + suffix)] = "database"
    home = data_dir()
    if home.is_dir():
        for item in home.iterdir():
            kind = "journal" if item.name.startswith("journal") else "database" \
                if item.suffix in (".db", ".sqlite", ".sqlite3") or "-wal" in item.name \
                or "-shm" in item.name else ""
            if kind:
                guarded[item.resolve()] = kind
    return guarded


def open_output(out: str | Path, *, force: bool = False) -> BinaryIO:
    """Open ``out`` for an export, refusing what would destroy something.

    Refused always: an empty or over-long name, a missing folder, a symbolic link (it may
    point anywhere), seatdesk's own database and journal files. Refused unless ``force``:
    a file that already exists. Raises InvalidInput with one line saying which.
    """
    text = str(out)
    if not text.strip():
        raise InvalidInput(_("--out: say which file to write"), "out")
    if len(text) > PATH_MAX or any(len(part) > 255 for part in Path(text).parts):
        raise InvalidInput(_("--out: the file name is too long"), "out")
    if "\x00" in text:
        raise InvalidInput(_("--out: the file name contains a NUL character"), "out")
    path = Path(text).expanduser()
    if path.is_symlink():
        raise InvalidInput(_("--out: {path} is a symbolic link; name the file itself").format(
            path=neutralise(text)), "out")
    if not path.parent.is_dir():
        raise InvalidInput(_("--out: the folder {folder} does not exist").format(
            folder=neutralise(str(path.parent))), "out")
    kind = _protected().get(path.resolve())
    if kind == "database":
        raise InvalidInput(_("--out: {path} is a seatdesk database; it is never "
                             "overwritten").format(path=neutralise(text)), "out")
    if kind == "journal":
        raise InvalidInput(_("--out: {path} is the offline journal; it is never "
                             "overwritten").format(path=neutralise(text)), "out")
    if path.is_dir():
        raise InvalidInput(_("--out: {path} is a folder").format(path=neutralise(text)), "out")
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    flags |= os.O_TRUNC if force else os.O_EXCL
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise InvalidInput(_("--out: {path} already exists; use --force to replace it").format(
            path=neutralise(text)), "out") from None
    except OSError as exc:
        raise InvalidInput(_("cannot write {out}: {why}").format(
            out=neutralise(text), why=exc.strerror or exc), "out") from None
    return os.fdopen(fd, "wb")


@contextmanager
def _binary_target(out: BinaryIO | str | Path | None, force: bool = False
                   ) -> Iterator[BinaryIO]:
    if out is None:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
    elif isinstance(out, str | Path):
        with open_output(out, force=force) as handle:
            yield handle
    else:
        yield out


# How a column's value reads to a person: a stored code as its word, a queue by its name.
Shown = Mapping[str, Callable[[Any], Any]]


def code_word(value: Any) -> Any:
    """A stored code (``wrap_up``, ``handed_over``) as its word in the reader's language."""
    return _(value) if isinstance(value, str) and value else value


def code_words(*keys: str) -> dict[str, Callable[[Any], Any]]:
    """``shown`` for columns that hold codes."""
    return dict.fromkeys(keys, code_word)


def _for_people(rows: Iterable[Mapping[str, object]], shown: Shown
                ) -> Iterator[Mapping[str, object]]:
    for row in rows:
        yield {**row, **{k: f(row.get(k)) for k, f in shown.items() if k in row}}


def write_rows(rows: Iterable[Mapping[str, object]], columns: Sequence[tuple[str, str]],
               fmt: str, out: BinaryIO | str | Path | None, *, force: bool = False,
               shown: Shown | None = None) -> int:
    """Write ``rows`` (keys are the first item of each column) as csv, json or xlsx.

    ``columns`` is [(key, heading)]; headings are shown to people (already translated),
    keys are used as JSON names. ``out`` is a binary stream, a path, or None for stdout.
    ``shown`` maps a column to how its values read to a person (``code_words``): CSV and
    XLSX are opened by people and show words in their language; JSON is read by programs
    and keeps the stored codes, the same in every language (the machine-readable export).
    Returns the number of rows written.
    """
    if fmt not in FORMATS:
        raise InvalidInput(_("unknown format {fmt!r}; use csv, json or xlsx").format(fmt=fmt),
                           "format")
    if shown and fmt != "json":
        rows = _for_people(rows, shown)
    keys = [k for k, _h in columns]
    count = 0
    with _binary_target(out, force) as target:
        if fmt == "csv":
            text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
            try:
                writer = csv.writer(text)
                writer.writerow([h for _k, h in columns])
                for row in rows:
                    writer.writerow([_csv_value(row.get(k)) for k in keys])
                    count += 1
            finally:
                text.flush()
                text.detach()
        elif fmt == "json":
            target.write(b"[")
            for row in rows:
                item = {k: _json_value(row.get(k)) for k in keys}
                target.write((b",\n" if count else b"\n")
                             + json.dumps(item, ensure_ascii=False).encode())
                count += 1
            target.write(b"\n]\n" if count else b"]\n")
        else:
            count = _write_xlsx(rows, columns, target)
    return count


def _write_xlsx(rows: Iterable[Mapping[str, object]], columns: Sequence[tuple[str, str]],
                target: BinaryIO) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([h for _k, h in columns])
    count = 0
    for row in rows:
        sheet.append([_xlsx_value(row.get(k)) for k, _h in columns])
        count += 1
    if target.seekable():
        book.save(target)
    else:  # stdout: openpyxl needs to seek, so build in memory
        buffer = io.BytesIO()
        book.save(buffer)
        target.write(buffer.getvalue())
    return count


# ---- the call-record export ---------------------------------------------------------------


def call_columns() -> list[tuple[str, str]]:
    """The columns of the 呼入/呼出业务记录表 export, headings translated."""
    return [
        ("call_id", _("Call")), ("time", _("Time")), ("direction", _("Direction")),
        ("state", _("State")), ("queue", _("Queue")), ("number", _("Number")),
        ("customer", _("Customer")), ("category", _("Category")),
        ("disposition", _("Disposition")), ("question", _("Question")),
        ("notes", _("Notes")), ("resolved", _("Resolved")), ("handed_to", _("Handed to")),
        ("agent", _("Agent")), ("agent_no", _("Agent no.")), ("wait_seconds", _("Wait (s)")),
        ("talk_seconds", _("Talk (s)")), ("hold_seconds", _("Hold (s)")),
        ("wrap_seconds", _("Wrap-up (s)")), ("satisfaction", _("Satisfaction")),
        ("outbound_purpose", _("Outbound purpose")),
        ("outbound_outcome", _("Outbound outcome")),
    ]


CALL_CODES = ("direction", "state", "category", "disposition", "outbound_purpose",
              "outbound_outcome")


def call_words(backend: Backend) -> dict[str, Callable[[Any], Any]]:
    """How a call record's codes read to a person: words, and the queue by its name."""
    with backend.db.read() as s:
        names = {code: queue_label(code, name, name_zh)
                 for code, name, name_zh in s.execute(
                     select(Queue.code, Queue.name, Queue.name_zh))}
    return {**code_words(*CALL_CODES), "queue": lambda code: names.get(code, code)}


def _call_rows(backend: Backend, start: datetime, end: datetime, tz: tzinfo, masked: bool,
               progress: Progress | None, team_id: int | None = None
               ) -> Iterator[dict[str, object]]:
    agent = aliased(User)
    stmt = (
        select(Call.id, Call.queued_at, Call.offered_at, Call.direction, Call.state,
               Queue.code, Call.caller_number, Call.dialled_number, Customer.name,
               Call.category, Call.disposition, Call.question, Call.notes, Call.resolved,
               Call.handed_to, agent.name, agent.agent_no, Call.wait_seconds,
               Call.talk_seconds, Call.hold_seconds, Call.wrap_seconds, Call.satisfaction,
               Call.outbound_purpose, Call.outbound_outcome)
        .outerjoin(Queue, Queue.id == Call.queue_id)
        .outerjoin(Customer, Customer.id == Call.customer_id)
        .outerjoin(agent, agent.id == Call.agent_id)
        # Inbound calls count from when they arrived; outbound ones (never queued) from
        # when they were dialled.
        .where(or_(and_(Call.queued_at >= start, Call.queued_at < end),
                   and_(Call.queued_at.is_(None), Call.offered_at >= start,
                        Call.offered_at < end)))
        .order_by(Call.id)
        .execution_options(yield_per=2000)
    )
    if team_id is not None:  # a team lead's export: the calls their team's agents took
        stmt = stmt.where(agent.team_id == team_id)
    with backend.db.read() as s:
        for n, r in enumerate(s.execute(stmt), start=1):
            number = r[6] if r[3].value == "inbound" else r[7]
            if number.startswith("+"):
                number = phone.mask(number) if masked else phone.display(number)
            at = r[1] or r[2]
            yield {
                "call_id": r[0], "time": at.astimezone(tz) if at else None,
                "direction": r[3].value, "state": r[4].value, "queue": r[5] or "",
                "number": number, "customer": r[8] or "", "category": r[9] or "",
                "disposition": r[10] or "", "question": r[11], "notes": r[12],
                "resolved": r[13], "handed_to": r[14], "agent": r[15] or "",
                "agent_no": r[16] or "", "wait_seconds": r[17], "talk_seconds": r[18],
                "hold_seconds": r[19], "wrap_seconds": r[20], "satisfaction": r[21],
                "outbound_purpose": r[22] or "", "outbound_outcome": r[23] or "",
            }
            if progress and n % 5000 == 0:
                progress(n)


def export_calls(backend: Backend, actor: Actor, start: datetime, end: datetime, fmt: str,
                 out: BinaryIO | str | Path | None, *, tz: tzinfo | str = "Asia/Shanghai",
                 progress: Progress | None = None, force: bool = False) -> int:
    """Export the call records of [start, end) for ``actor``; audited; returns the row count.

    Phone numbers are masked unless the actor's role may see them unmasked; a team lead
    gets the calls of their own team's agents (``permissions.team_scope``).
    """
    require(actor, Permission.EXPORT_CALLS)
    scope = team_scope(actor)
    if fmt not in FORMATS:
        raise InvalidInput(_("unknown format {fmt!r}; use csv, json or xlsx").format(fmt=fmt),
                           "format")
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    masked = not allowed(actor, Permission.SEE_UNMASKED)
    count = write_rows(_call_rows(backend, start, end, zone, masked, progress, scope),
                       call_columns(), fmt, out, force=force, shown=call_words(backend))
    # Recorded after the file is written, with the true row count (customer data left us).
    with backend.db.write() as s:
        audit.record(s, actor, "calls.export", at=backend.clock(), entity="calls",
                     detail={"from": start.isoformat(), "to": end.isoformat(), "rows": count,
                             "format": fmt, "masked": masked, "team_id": scope,
                             "target": str(out) if isinstance(out, str | Path) else "stream"})
    return count


def export_qa_results(backend: Backend, actor: Actor, start: datetime, end: datetime, by: str,
                      fmt: str, out: BinaryIO | str | Path) -> int:
    """Write the QA results of [start, end) as csv, json or xlsx; audited; the row count."""
    from seatdesk.services.qa_results import result_columns, result_dicts

    require(actor, Permission.VIEW_QA_RESULTS)
    if fmt not in FORMATS:
        raise InvalidInput(_("unknown format {fmt!r}; use csv, json or xlsx").format(fmt=fmt),
                           "format")
    rows = backend.qa.results(actor, start, end, by, audited=False)
    try:
        count = write_rows(result_dicts(rows), result_columns(by), fmt, out)
    except OSError as exc:
        raise InvalidInput(_("cannot write {out}: {why}").format(
            out=out, why=exc.strerror or exc), "out") from None
    # Recorded once the file exists, with what actually left the database.
    with backend.db.write() as s:
        audit.record(s, actor, "qa.results.export", at=backend.clock(), entity="qa_results",
                     detail={"by": by, "from": start.isoformat(), "to": end.isoformat(),
                             "rows": count, "format": fmt,
                             "target": str(out) if isinstance(out, str | Path) else "stream"})
    return count
