"""Reading a call forecast of many intervals from a CSV file (stdlib csv only).

Columns (header row required, names case-insensitive, order free, extra columns ignored):

* ``interval`` -- a label or start time for the interval, kept as text;
* ``calls``    -- calls offered in the interval, a number >= 0 (fractions allowed: forecasts
  are averages);
* ``aht``      -- optional, average handling time in seconds (> 0); an empty cell or a missing
  column means "use the AHT given on the command line".

The delimiter may be a comma, a semicolon or a tab (spreadsheets in many locales save with
semicolons); it is taken from the header line.  A UTF-8 byte-order mark is accepted.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from seatdesk.domain.i18n import _

__all__ = ["ForecastError", "ForecastRow", "parse_forecast", "read_forecast"]

REQUIRED_COLUMNS = ("interval", "calls")
OPTIONAL_COLUMNS = ("aht",)
# The headers a Chinese planner writes (i18n): 时段, 话务量 / 来电量 / 呼入量, 平均处理时长.
COLUMN_ALIASES = {"时段": "interval", "时间段": "interval", "话务量": "calls", "来电量": "calls",
                  "呼入量": "calls", "平均处理时长": "aht", "平均处理时长（秒）": "aht",
                  "平均处理时长(秒)": "aht"}


class ForecastError(ValueError):
    """A forecast file that cannot be used; ``line`` is the 1-based line at fault, if any."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("line {line}: {message}").format(line=self.line, message=self.message)


@dataclass(frozen=True, slots=True)
class ForecastRow:
    """One forecast interval; ``aht`` is None when the file leaves it to the caller."""

    line: int
    interval: str
    calls: float
    aht: float | None


def _number(text: str, column: str, line: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ForecastError(
            _("{column} is not a number: {text!r}").format(column=column, text=text), line
        ) from None
    # float() happily parses "nan" and "inf", which would poison every later sum.
    if not math.isfinite(value):
        raise ForecastError(
            _("{column} must be a finite number, got {text!r}").format(column=column, text=text),
            line,
        )
    return value


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse_forecast(lines: Iterable[str]) -> list[ForecastRow]:
    """Parse forecast CSV text given as lines; raise :class:`ForecastError` on bad content."""
    iterator = iter(lines)
    header_line = next(iterator, None)
    skipped = 0  # blank lines above the header: the csv reader never sees them
    while header_line is not None and not header_line.strip():
        header_line = next(iterator, None)
        skipped += 1
    if header_line is None:
        raise ForecastError(_("the file is empty: expected a header row with interval,calls"))
    header_line = header_line.removeprefix("\ufeff")

    def all_lines() -> Iterable[str]:
        yield header_line
        yield from iterator

    reader = csv.reader(all_lines(), delimiter=_delimiter(header_line))
    header = [COLUMN_ALIASES.get(name.strip(), name.strip().lower()) for name in next(reader)]
    header_at = reader.line_num + skipped
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ForecastError(
            _(
                "missing column(s) {missing}; the header must name interval and calls "
                "(aht optional), found: {found}"
            ).format(
                missing=", ".join(missing),
                found=", ".join(h for h in header if h) or _("nothing"),
            ),
            header_at,
        )
    i_interval = header.index("interval")
    i_calls = header.index("calls")
    i_aht = header.index("aht") if "aht" in header else None

    rows: list[ForecastRow] = []
    for record in reader:
        line = reader.line_num + skipped
        if not any(cell.strip() for cell in record):
            continue  # blank lines between blocks are common in hand-edited files
        needed = max(i_calls, i_interval, -1 if i_aht is None else i_aht)
        cells = record + [""] * (needed + 1 - len(record))
        calls_text = cells[i_calls].strip()
        if not calls_text:
            raise ForecastError(_("calls is empty"), line)
        calls = _number(calls_text, "calls", line)
        if calls < 0:
            raise ForecastError(
                _("calls must be zero or more, got {value}").format(value=calls_text), line
            )
        aht: float | None = None
        if i_aht is not None and cells[i_aht].strip():
            aht = _number(cells[i_aht].strip(), "aht", line)
            if aht <= 0:
                raise ForecastError(
                    _("aht must be more than 0 seconds, got {value}").format(
                        value=cells[i_aht].strip()
                    ),
                    line,
                )
        rows.append(ForecastRow(line, cells[i_interval].strip(), calls, aht))
    if not rows:
        raise ForecastError(_("the file has a header but no intervals"))
    return rows


def read_forecast(path: str | Path) -> list[ForecastRow]:
    """Read a forecast CSV file; OSError if it cannot be opened, ForecastError if invalid."""
    # newline="" is what the csv module needs to see quoted line breaks correctly.
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return parse_forecast(handle)
