"""What every benchmark shares: percentiles, timing against a baseline, the table, the JSON.

These machines are shared and noisy, so a measurement is never one number: it is many
repetitions summarised by percentiles, and it is always compared with a baseline timed in
the same run (the ratio survives noise that would make an absolute time meaningless).
"""

from __future__ import annotations

import json
import math
import os
import platform
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"


# ---- statistics --------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0–100) with linear interpolation between closest ranks.

    Same definition as numpy's default, so results can be checked against it.
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be between 0 and 100, not {p}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Summary:
    """Latency percentiles of one measurement, in seconds."""

    n: int
    p50: float
    p95: float
    p99: float
    mean: float
    min: float
    max: float

    def ms(self) -> dict[str, float | int]:
        """The same figures in milliseconds (rounded), for the JSON report."""
        out: dict[str, float | int] = {"n": self.n}
        for name in ("p50", "p95", "p99", "mean", "min", "max"):
            out[f"{name}_ms"] = round(getattr(self, name) * 1000, 4)
        return out


def summarise(samples: Sequence[float]) -> Summary:
    """Percentiles, mean and range of a list of durations."""
    if not samples:
        raise ValueError("no samples to summarise")
    return Summary(
        n=len(samples), p50=percentile(samples, 50), p95=percentile(samples, 95),
        p99=percentile(samples, 99), mean=sum(samples) / len(samples),
        min=min(samples), max=max(samples),
    )


def ratio(value: float, baseline: float) -> float | None:
    """How many baselines ``value`` is; None when the baseline is zero or missing."""
    if not baseline or baseline <= 0 or math.isnan(baseline):
        return None
    return value / baseline


def rate(count: float, seconds: float) -> float:
    """Items per second; 0 for an empty or instantaneous run."""
    return count / seconds if seconds > 0 else 0.0


# ---- timing --------------------------------------------------------------------------------------


def time_each(fn: Callable[[Any], object], inputs: Iterable[Any]) -> list[float]:
    """Call ``fn`` once per input and return each call's duration in seconds."""
    durations: list[float] = []
    clock = time.perf_counter
    for item in inputs:
        started = clock()
        fn(item)
        durations.append(clock() - started)
    return durations


def interleaved(
    contenders: dict[str, tuple[Callable[[Any], object], Sequence[Any]]], rounds: int
) -> dict[str, list[float]]:
    """Time several contenders in alternating rounds so noise hits them all alike.

    Each contender's inputs are split into ``rounds`` slices; round r times slice r of
    every contender in turn. Returns every call's duration per contender.
    """
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    out: dict[str, list[float]] = {name: [] for name in contenders}
    for r in range(rounds):
        for name, (fn, inputs) in contenders.items():
            size = math.ceil(len(inputs) / rounds)
            out[name].extend(time_each(fn, inputs[r * size : (r + 1) * size]))
    return out


# ---- the results table ---------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the results table (and one entry of the JSON report)."""

    area: str
    measurement: str
    engine: str = ""
    value: float | None = None
    unit: str = ""
    baseline: float | None = None
    ratio: float | None = None
    note: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


COLUMNS = (("area", 8), ("measurement", 35), ("engine", 10), ("value", 9), ("unit", 6),
           ("baseline", 9), ("ratio", 7), ("note", 0))


def fmt_number(value: float | None) -> str:
    """Compact numbers for the table: 3 significant digits, thousands separated."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def format_table(rows: Sequence[Row], width: int = 120) -> str:
    """The rows as a fixed-width text table; the note column takes what is left."""
    fixed = sum(w + 1 for _, w in COLUMNS if w)
    note_width = max(10, width - fixed)
    header = " ".join(
        (name.rjust(w) if name in _RIGHT_ALIGNED else name.ljust(w)) if w else name
        for name, w in COLUMNS
    )
    lines = [header, "-" * min(width, fixed + note_width)]
    for row in rows:
        cells = [
            row.area, row.measurement, row.engine, fmt_number(row.value), row.unit,
            fmt_number(row.baseline),
            "-" if row.ratio is None else f"{row.ratio:.2f}x",
        ]
        parts = []
        for (name, w), cell in zip(COLUMNS, cells, strict=False):
            text = cell if len(cell) <= w else cell[: w - 1] + "…"
            parts.append(text.rjust(w) if name in _RIGHT_ALIGNED else text.ljust(w))
        note = row.note if len(row.note) <= note_width else row.note[: note_width - 1] + "…"
        lines.append(" ".join(parts + [note]).rstrip())
    return "\n".join(lines)


_RIGHT_ALIGNED = frozenset({"value", "baseline", "ratio"})


# ---- describing the machine and writing the report ----------------------------------------------


def memory_bytes() -> int | None:
    """Physical memory of this machine, where the platform says."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def postgres_version(conninfo: str) -> str | None:
    """The server version behind ``conninfo`` (a libpq string), or None if unreachable."""
    try:
        import psycopg

        with psycopg.connect(conninfo, connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            return str(row[0]) if row else None
    except Exception as exc:  # noqa: BLE001 - any failure just means "unknown"
        return f"unavailable ({exc.__class__.__name__})"


def git_commit(repo: Path) -> str | None:
    """The checked-out commit, so a result can be traced to the code it measured."""
    try:
        out = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def machine(pg_conninfo: str | None = None) -> dict[str, Any]:
    """What the figures were measured on: cores, memory, Python, engines, date, load."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    mem = memory_bytes()
    info: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": platform.node(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "memory_gib": round(mem / 2**30, 1) if mem else None,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres_version(pg_conninfo) if pg_conninfo else None,
        "commit": git_commit(Path(__file__).resolve().parent.parent),
    }
    try:
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        info["load_average"] = None
    return info


def write_json(report: dict[str, Any], name: str, directory: Path = RESULTS_DIR) -> Path:
    """Write ``report`` as ``<directory>/<name>.json`` (and return the path)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n",
                    encoding="utf-8")
    return path


# ---- results of the other benchmark modules ------------------------------------------------------

_VALUE_KEYS = ("value", "seatdesk_s", "seconds", "p50_ms", "p50", "median_s", "time_s")
_BASE_KEYS = ("baseline", "peer_s", "baseline_s", "baseline_p50_ms")


def rows_from_module(area: str, result: Any) -> list[Row]:
    """Turn another benchmark module's ``run()`` result into table rows.

    Understood shapes, tried in order: ``{"rows": [Row-like dicts]}``; lists of dicts
    with a ``name`` (e.g. ``"comparisons"``); per-engine results under ``"engines"`` (a
    dict keyed by engine or a list of dicts with an ``"engine"`` key); and within those,
    groups with ``p50_ms`` (percentiles) or a ``baseline*`` figure (value vs baseline).
    Any other numeric leaf becomes a row named by its key path.
    """
    if not isinstance(result, dict):
        return [Row(area, "result", note=_short(repr(result)))]
    if isinstance(result.get("rows"), list):
        return [_row_from_dict(area, r) for r in result["rows"] if isinstance(r, dict)]
    rows: list[Row] = []
    for key, value in result.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value) \
                and any("name" in v for v in value):
            rows.extend(_row_from_dict(area, v, prefix="" if key in (
                "comparisons", "measurements", "results") else f"{key}.") for v in value)
    if rows:
        return rows
    engines = result.get("engines")
    if isinstance(engines, dict):
        for engine, sub in engines.items():
            if isinstance(sub, dict):
                rows.extend(_metric_rows(area, str(engine), sub))
    elif isinstance(engines, list):
        for sub in engines:
            if isinstance(sub, dict):
                rows.extend(_metric_rows(area, str(sub.get("engine", "")), sub))
    else:
        rows.extend(_metric_rows(area, "", result))
    return rows or [Row(area, "result", note="no numeric results")]


_SKIP_KEYS = frozenset({"engine", "machine", "quick", "at", "date", "python", "repeats"})


def _metric_rows(area: str, engine: str, d: dict[str, Any], prefix: str = "") -> list[Row]:
    rows: list[Row] = []
    for key, value in d.items():
        if key in _SKIP_KEYS:
            continue
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            group = _group_row(area, engine, path, value)
            rows.extend([group] if group else _metric_rows(area, engine, value, path + "."))
        elif _is_number(value):
            rows.append(Row(area, path, engine, float(value), _unit_of(key)))
    return rows


def _group_row(area: str, engine: str, path: str, d: dict[str, Any]) -> Row | None:
    """One row for a group of figures that describe one measurement, if it is one."""
    numbers = {k: v for k, v in d.items() if _is_number(v)}
    if _is_number(d.get("p50_ms")):
        extra = ", ".join(f"{k.removesuffix('_ms')} {fmt_number(v)}" for k, v in numbers.items()
                          if k not in ("p50_ms", "n"))
        n = f"n={d['n']}; " if "n" in numbers else ""
        return Row(area, f"{path} p50", engine, d["p50_ms"], "ms", note=f"{n}{extra} ms",
                   detail=d)
    timed = [k for k in numbers if k.endswith("_ms") or k.endswith("_s")]
    base = [k for k in timed if k.startswith("baseline") or k.startswith("bare")]
    main = [k for k in timed if k not in base]
    if not base or not main:
        return None
    value, baseline = numbers[main[0]], numbers[base[0]]
    r = numbers.get("ratio") if _is_number(d.get("ratio")) else ratio(value, baseline)
    rest = ", ".join(f"{k} {fmt_number(v)}" for k, v in numbers.items()
                     if k not in (main[0], base[0], "ratio"))
    return Row(area, f"{path}: {main[0]}", engine, value, _unit_of(main[0]), baseline, r,
               note=f"vs {base[0]}" + (f"; {rest}" if rest else ""), detail=d)


def _row_from_dict(area: str, d: dict[str, Any], prefix: str = "") -> Row:
    value = next((d[k] for k in _VALUE_KEYS if _is_number(d.get(k))), None)
    value_key = next((k for k in _VALUE_KEYS if _is_number(d.get(k))), "")
    base = next((d[k] for k in _BASE_KEYS if _is_number(d.get(k))), None)
    r = d.get("ratio") if _is_number(d.get("ratio")) else (
        ratio(value, base) if value is not None and base is not None else None)
    unit = str(d.get("unit") or _unit_of(value_key))
    note_parts = [str(d[k]) for k in ("note", "peer", "goal") if d.get(k)]
    if _is_number(d.get("goal_ratio")):
        note_parts.append(f"goal ≥{d['goal_ratio']:g}x")
    return Row(area=str(d.get("area") or area),
               measurement=prefix + str(d.get("measurement") or d.get("name") or "?"),
               engine=str(d.get("engine") or ""), value=value, unit=unit, baseline=base,
               ratio=r, note="; ".join(note_parts), detail=d)


def _unit_of(key: str) -> str:
    if key.endswith("_ms"):
        return "ms"
    if key.endswith("_s") or key == "seconds":
        return "s"
    return ""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and not (isinstance(value, float) and math.isnan(value))


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def spawn_on_terminal(argv: list[str], env: dict[str, str],
                      size: tuple[int, int] = (120, 40)) -> tuple[int, int]:
    """Start ``argv`` on a new pseudo-terminal of ``size`` (columns, rows), as a seat's
    terminal would run it; the child's pid and the terminal's master side."""
    import pty
    import signal
    import struct
    import termios
    from fcntl import ioctl

    pid, fd = pty.fork()
    if pid == 0:  # the child: the program, on the new terminal
        try:
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)
    ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    os.kill(pid, signal.SIGWINCH)
    return pid, fd
