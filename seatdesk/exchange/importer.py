"""Importing a customer list (CSV or XLSX) into the customer cards, all or nothing.

Every row is validated first with the same rules as the customer form
(``validate_customer``); problems are reported by line number. Only when every row is
good (or ``skip_bad`` is given) are the rows written. A row matching an existing customer
(same customer number, or same name and a shared phone number) is an update of the columns
the file has; a row that changes nothing is counted "unchanged", so importing the same file
twice changes nothing the second time.

The rows are written in short transactions (``_BATCH_SECONDS`` each, audited), not one:
on SQLite a write transaction locks the whole database, and a 50 MB file in one of them
made every seat wait for a minute ("database is locked"). Between batches the importer
steps aside so waiting seats write first. Validation comes before any write, so a batch
fails only when the database does (an outage); importing the file again then finishes
the job, the rows already written counting as unchanged.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from seatdesk.data.models import Customer, CustomerPhone
from seatdesk.data.topics import Topic
from seatdesk.domain.errors import InvalidInput
from seatdesk.domain.i18n import _
from seatdesk.services import audit
from seatdesk.services.container import Backend
from seatdesk.services.customers import validate_customer
from seatdesk.services.dto import Actor, CustomerInput
from seatdesk.services.permissions import Permission, require

Progress = Callable[[int, int], None]

FIELDS = ("name", "company", "position", "phones", "email", "address", "region", "grade",
          "key_account", "risk_flag", "risk_reason", "credit_rating", "notes", "external_ref")
IGNORE = "ignore"
# Column headings as Chinese centers' and CRMs' exports write them (compared lower-cased).
DEFAULT_COLUMNS: dict[str, str] = {
    "name": "name", "姓名": "name", "客户姓名": "name", "联系人": "name",
    "company": "company", "公司": "company", "单位": "company", "公司名称": "company",
    "position": "position", "职位": "position", "职务": "position",
    "phone": "phones", "phones": "phones", "mobile": "phones", "tel": "phones",
    "电话": "phones", "手机": "phones", "手机号": "phones", "座机": "phones",
    "联系电话": "phones", "办公电话": "phones",
    "email": "email", "e-mail": "email", "邮箱": "email", "电子邮件": "email",
    "address": "address", "地址": "address",
    "region": "region", "区域": "region", "地区": "region",
    "grade": "grade", "等级": "grade", "客户等级": "grade",
    "key_account": "key_account", "key account": "key_account", "大客户": "key_account",
    "重点客户": "key_account",
    "risk": "risk_flag", "risk_flag": "risk_flag", "危险客户": "risk_flag",
    "risk_reason": "risk_reason", "危险原因": "risk_reason",
    "credit": "credit_rating", "credit_rating": "credit_rating", "信用": "credit_rating",
    "信用等级": "credit_rating",
    "notes": "notes", "备注": "notes",
    "id": "external_ref", "customer_no": "external_ref", "external_ref": "external_ref",
    "客户编号": "external_ref", "客户号": "external_ref",
}
FIELD_ALIASES = {"phone": "phones", "risk": "risk_flag", "credit": "credit_rating",
                 "id": "external_ref", "customer_no": "external_ref", "-": IGNORE}
TRUE_WORDS = {"yes", "y", "true", "1", "是", "t", "x", "✓", "√"}
FALSE_WORDS = {"no", "n", "false", "0", "否", "f", ""}
_PHONE_SPLIT = re.compile(r"[;/,，；、\n]+")
_BATCH = 500
# A write transaction takes rows in chunks for at most this long (then commits): on
# SQLite that is how long a seat may wait for the import.
_BATCH_SECONDS = 0.2
_CHUNK = 50
# The pause between batches: longer than SQLite's busy handler's longest sleep (100 ms),
# so a seat polling for the lock finds it free.
_YIELD_SECONDS = 0.12


@dataclass(frozen=True)
class ImportProblem:
    line: int
    message: str


@dataclass(frozen=True)
class ImportReport:
    file: str
    rows: int
    created: int
    updated: int
    unchanged: int
    skipped: int
    problems: tuple[ImportProblem, ...]
    dry_run: bool
    committed: bool
    ignored_columns: tuple[str, ...] = field(default=())


@dataclass
class _Row:
    line: int
    data: CustomerInput
    values: dict[str, object]
    numbers: list[str]
    present: frozenset[str]  # fields the file has a column for


# ---- reading files ---------------------------------------------------------------------


def read_table(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Headings and (line number, cells) of a CSV or XLSX file; raises InvalidInput."""
    if not path.is_file():
        raise InvalidInput(_("no such file: {path}").format(path=path), "file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt", ""):
        return _read_csv(path)
    raise InvalidInput(_("cannot read {name}: use a .csv or .xlsx file").format(name=path.name),
                       "file")


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Chinese Windows saves CSV in the ANSI code page (GBK, a subset of GB18030).
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise InvalidInput(_("cannot read the file: it is neither UTF-8 nor GB18030 text"),
                           "file") from None


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    text = _decode(path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput(_("the file is empty"), "file") from None
    except csv.Error as exc:
        raise InvalidInput(_("line 1: {error}").format(error=exc), "file") from None
    rows: list[tuple[int, list[str]]] = []
    line = reader.line_num + 1
    try:
        for cells in reader:
            rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InvalidInput(_("line {line}: {error}").format(line=line, error=exc),
                           "file") from None
    return header, rows


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # phone numbers typed into Excel become numbers
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


def _read_xlsx(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - boundary (third-party reader): openpyxl raises many kinds for a damaged file
        raise InvalidInput(_("cannot read {name} as an Excel workbook ({error})").format(
            name=path.name, error=exc.__class__.__name__), "file") from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        try:
            header = [_cell(v) for v in next(rows)]
        except StopIteration:
            raise InvalidInput(_("the file is empty"), "file") from None
        body = [(index, [_cell(v) for v in values])
                for index, values in enumerate(rows, start=2)]
    finally:
        book.close()
    return header, body


# ---- mapping and parsing -----------------------------------------------------------------


def column_mapping(header: Sequence[str], overrides: Mapping[str, str]) -> dict[int, str]:
    """Column index -> customer field, from the default headings and ``--map`` overrides."""
    wanted = {k.strip().lower(): v for k, v in overrides.items()}
    known = {h.strip().lower() for h in header}
    for column, target in wanted.items():
        if column not in known:
            raise InvalidInput(_("--map: the file has no column {column!r}").format(
                column=column), "map")
        target = FIELD_ALIASES.get(target, target)
        if target not in FIELDS and target != IGNORE:
            raise InvalidInput(_("--map: unknown field {field!r}; use one of {fields}").format(
                field=target, fields=", ".join(FIELDS + (IGNORE,))), "map")
        wanted[column] = target
    mapping: dict[int, str] = {}
    for index, heading in enumerate(header):
        key = heading.strip().lower()
        field = wanted.get(key, DEFAULT_COLUMNS.get(key))
        if field and field != IGNORE:
            if field != "phones" and field in mapping.values():
                raise InvalidInput(_("two columns map to {field}; use --map to choose").format(
                    field=field), "map")
            mapping[index] = field
    if "name" not in mapping.values():
        raise InvalidInput(_("no name column (姓名/name); use --map COLUMN=name"), "map")
    return mapping


def _flag(text: str, what: str) -> bool:
    value = text.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise InvalidInput(_("{what} must be yes/no (是/否, 1/0), not {value!r}").format(
        what=what, value=text), what)


def _parse_row(line: int, cells: Sequence[str], mapping: Mapping[int, str]) -> _Row:
    fields: dict[str, Any] = {}
    phones: list[str] = []
    for index, target in mapping.items():
        value = cells[index] if index < len(cells) else ""
        if target == "phones":
            phones.extend(p.strip() for p in _PHONE_SPLIT.split(value) if p.strip())
        elif target == "key_account":
            fields["key_account"] = _flag(value, "key_account")
        elif target == "risk_flag":
            try:
                fields["risk_flag"] = _flag(value, "risk_flag")
            except InvalidInput:
                # A risky-customer column often holds the reason itself ("恶意投诉").
                fields["risk_flag"] = True
                fields.setdefault("risk_reason", value.strip())
        else:
            fields[target] = value.strip() if target != "notes" else value
    if "risk_reason" in fields and not fields.get("risk_flag") and fields["risk_reason"]:
        fields["risk_flag"] = True
    if not fields.get("grade"):
        fields.pop("grade", None)
    fields["external_ref"] = fields.get("external_ref") or None
    data = CustomerInput(phones=tuple(phones), **fields)
    values, numbers = validate_customer(data)
    if not numbers:
        raise InvalidInput(_("at least one phone number is required"), "phones")
    present = frozenset(mapping.values())
    return _Row(line=line, data=data, values=values, numbers=numbers, present=present)


# ---- the import --------------------------------------------------------------------------


def import_customers(
    backend: Backend, actor: Actor, path: Path | str, *,
    column_map: Mapping[str, str] | None = None, dry_run: bool = False, skip_bad: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate every row, then write all good rows in one transaction (or none)."""
    require(actor, Permission.IMPORT_CUSTOMERS)
    path = Path(path)
    header, body = read_table(path)
    mapping = column_mapping(header, column_map or {})
    ignored = tuple(h for i, h in enumerate(header) if i not in mapping and h.strip())
    total = len(body)
    problems: list[ImportProblem] = []
    good: list[_Row] = []
    seen_refs: dict[str, int] = {}
    seen_name_phone: dict[tuple[str, str], int] = {}
    nonblank = 0
    for done, (line, cells) in enumerate(body, start=1):
        if progress and done % 1000 == 0:
            progress(done, total * 2)
        if not any(c.strip() for c in cells):
            continue
        nonblank += 1
        try:
            row = _parse_row(line, cells, mapping)
        except InvalidInput as exc:
            where = f"{exc.field}: " if exc.field else ""
            problems.append(ImportProblem(line, f"{where}{exc}"))
            continue
        ref = row.values["external_ref"]
        if ref:
            if ref in seen_refs:
                problems.append(ImportProblem(line, _(
                    "duplicate of line {other} (same customer number {ref})").format(
                        other=seen_refs[ref], ref=ref)))
                continue
            seen_refs[str(ref)] = line
        name = str(row.values["name"])
        twin = next((seen_name_phone[(name, n)] for n in row.numbers
                     if (name, n) in seen_name_phone), None)
        if twin is not None:
            problems.append(ImportProblem(line, _(
                "duplicate of line {other} (same name and phone number)").format(other=twin)))
            continue
        for n in row.numbers:
            seen_name_phone[(name, n)] = line
        good.append(row)
    bad = bool(problems)
    if dry_run or (bad and not skip_bad):
        created, updated, unchanged = _plan(backend, good)
        return ImportReport(file=path.name, rows=nonblank, created=created, updated=updated,
                            unchanged=unchanged, skipped=len(problems),
                            problems=tuple(problems), dry_run=dry_run, committed=False,
                            ignored_columns=ignored)
    created, updated, unchanged = _write(backend, actor, path.name, good, len(problems),
                                         progress, total)
    return ImportReport(file=path.name, rows=nonblank, created=created, updated=updated,
                        unchanged=unchanged, skipped=len(problems), problems=tuple(problems),
                        dry_run=False, committed=True, ignored_columns=ignored)


def _chunks(items: Sequence[Any], size: int = _BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _matches(s: Session, rows: Sequence[_Row], *, lock: bool) -> dict[int, Customer]:
    """Existing customer for each row (by row line): same customer number, else name+phone."""
    by_ref: dict[str, Customer] = {}
    refs = [str(r.values["external_ref"]) for r in rows if r.values["external_ref"]]
    for chunk in _chunks(refs):
        stmt = select(Customer).where(Customer.external_ref.in_(chunk)).options(
            selectinload(Customer.phones))
        for c in s.scalars(stmt.with_for_update() if lock else stmt):
            by_ref[str(c.external_ref)] = c
    numbers = sorted({n for r in rows for n in r.numbers})
    holders: dict[str, list[int]] = {}
    for chunk in _chunks(numbers):
        for number, cid in s.execute(select(CustomerPhone.number, CustomerPhone.customer_id)
                                     .where(CustomerPhone.number.in_(chunk))):
            holders.setdefault(number, []).append(cid)
    wanted_ids = sorted({cid for ids in holders.values() for cid in ids})
    by_id: dict[int, Customer] = {}
    for chunk in _chunks(wanted_ids):
        stmt = select(Customer).where(Customer.id.in_(chunk)).options(
            selectinload(Customer.phones))
        for c in s.scalars(stmt.with_for_update() if lock else stmt):
            by_id[c.id] = c
    found: dict[int, Customer] = {}
    for r in rows:
        ref = r.values["external_ref"]
        if ref and str(ref) in by_ref:
            found[r.line] = by_ref[str(ref)]
            continue
        for n in r.numbers:
            same = [by_id[cid] for cid in holders.get(n, []) if cid in by_id
                    and by_id[cid].name == r.values["name"]]
            if same:
                found[r.line] = same[0]
                break
    return found


def _changes(c: Customer, row: _Row) -> tuple[dict[str, object], list[str]]:
    """The fields this row would change on ``c`` (only columns the file has) and new numbers."""
    changed: dict[str, object] = {}
    for key, value in row.values.items():
        if key not in row.present:
            continue
        if key == "external_ref" and not value:
            continue
        if getattr(c, key) != value:
            changed[key] = value
    have = {p.number for p in c.phones}
    return changed, [n for n in row.numbers if n not in have]


def _plan(backend: Backend, rows: Sequence[_Row]) -> tuple[int, int, int]:
    created = updated = unchanged = 0
    with backend.db.read() as s:
        found = _matches(s, rows, lock=False)
        for r in rows:
            c = found.get(r.line)
            if c is None:
                created += 1
            elif any(_changes(c, r)):
                updated += 1
            else:
                unchanged += 1
    return created, updated, unchanged


def _write(backend: Backend, actor: Actor, file_name: str, rows: Sequence[_Row],
           skipped: int, progress: Progress | None, total: int) -> tuple[int, int, int]:
    created = updated = unchanged = 0
    done = number = 0
    while done < len(rows):
        number += 1
        c, u, n, done = _write_batch(backend, actor, file_name, rows, done, number,
                                     skipped if number == 1 else 0)
        created, updated, unchanged = created + c, updated + u, unchanged + n
        if progress:
            progress(total + done, total * 2)
        if backend.db.dialect == "sqlite" and done < len(rows):
            time.sleep(_YIELD_SECONDS)  # a seat waiting for the lock writes first
    if progress:
        progress(total * 2, total * 2)
    return created, updated, unchanged


def _write_batch(backend: Backend, actor: Actor, file_name: str, rows: Sequence[_Row],
                 start: int, number: int, skipped: int) -> tuple[int, int, int, int]:
    """One short write transaction from ``rows[start:]``, with its audit row.

    It takes rows in small chunks until ``_BATCH_SECONDS`` have passed: the time a seat
    may have to wait for it. Returns the counts and where the next batch starts.
    """
    now = backend.clock()
    created = updated = unchanged = 0
    service = backend.customers
    deadline = time.monotonic() + _BATCH_SECONDS
    done = start
    with backend.db.write() as s:
        while done < len(rows) and (done == start or time.monotonic() < deadline):
            chunk = rows[done:done + _CHUNK]
            done += len(chunk)
            c, u, n = _write_chunk(s, chunk, now)
            created, updated, unchanged = created + c, updated + u, unchanged + n
            s.flush()
        audit.record(s, actor, "customer.import", at=now, entity="file", entity_id=file_name[:40],
                     detail={"file": file_name, "batch": number, "created": created,
                             "updated": updated, "unchanged": unchanged, "skipped": skipped})
        service.signal(s, Topic.CUSTOMERS)
    return created, updated, unchanged, done


def _write_chunk(s: Session, rows: Sequence[_Row], now: datetime) -> tuple[int, int, int]:
    created = updated = unchanged = 0
    found = _matches(s, rows, lock=True)
    for r in rows:
        c = found.get(r.line)
        if c is None:
            new = Customer(**r.values, created_at=now, updated_at=now)
            new.phones = [CustomerPhone(number=n) for n in r.numbers]
            s.add(new)
            created += 1
            continue
        changed, new_numbers = _changes(c, r)
        if not changed and not new_numbers:
            unchanged += 1
            continue
        for key, value in changed.items():
            setattr(c, key, value)
        for n in new_numbers:
            c.phones.append(CustomerPhone(number=n))
        c.version += 1
        c.updated_at = now
        updated += 1
    return created, updated, unchanged
