"""Typed settings: built once at start-up from defaults, then environment, then flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import platformdirs

APP_NAME = "seatdesk"


def data_dir() -> Path:
    """The user's data directory (SEATDESK_HOME overrides it, e.g. for tests)."""
    override = os.environ.get("SEATDESK_HOME")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_url() -> str:
    """SEATDESK_DB, or the embedded SQLite file in the user data directory."""
    return os.environ.get("SEATDESK_DB") or f"sqlite:///{data_dir() / 'seatdesk.db'}"


def env_days(name: str, default: int) -> int:
    """A whole number of days from the environment; a clear ValueError if it is not one."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise ValueError(f"{name} must be a whole number of days, not {raw!r}")
    return int(raw)


def load_settings_file(path: Path) -> dict[str, str]:
    """Read SEATDESK_* settings (KEY=VALUE lines) into the environment; they are returned.

    The file holds the database URL, so it must be readable by its owner only (a seat
    host's service account): anything looser is refused rather than used. Variables
    already in the environment win.
    """
    try:
        mode = path.stat().st_mode & 0o777
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read the settings file {path}: "
                         f"{getattr(exc, 'strerror', None) or exc}") from None
    if mode & 0o077:
        raise ValueError(f"the settings file {path} may be read by others (mode {mode:o}): "
                         f"chmod 600 it")
    found: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        if not sep or not (key.startswith("SEATDESK_") or key.startswith("TEXTUAL_")):
            raise ValueError(f"{path}, line {number}: expected SEATDESK_NAME=value")
        found[key] = value.strip().strip('"').strip("'")
    for key, value in found.items():
        os.environ.setdefault(key, value)
    return {key: os.environ[key] for key in found}


@dataclass(frozen=True)
class Settings:
    db_url: str = field(default_factory=default_db_url)
    lang: str = "en"
    company: str = field(default_factory=lambda: os.environ.get("SEATDESK_COMPANY", "XX公司"))
    timezone: str = field(default_factory=lambda: os.environ.get("SEATDESK_TZ", "Asia/Shanghai"))
    # Seats re-query on a change hint; this is the fallback poll when no hint arrives.
    slow_poll_seconds: float = 2.0
    # Where seats hear of changes (issue 19): "" for the database itself (LISTEN/NOTIFY,
    # SQLite's polling), or a bus such as redis://host:6379/0 fed by `seatdesk events relay`.
    events_url: str = field(default_factory=lambda: os.environ.get("SEATDESK_EVENTS", ""))
    sqlite_poll_seconds: float = 0.1
    repeat_contact_days: int = 7
    login_max_failures: int = 5
    login_lock_minutes: int = 15
    note_max_chars: int = 4000
    qa_dispute_days: int = field(default_factory=lambda: env_days("SEATDESK_QA_DISPUTE_DAYS", 7))
    # An inspector's claim on a call lapses after this long untouched (scoring renews it).
    qa_claim_minutes: int = field(
        default_factory=lambda: env_days("SEATDESK_QA_CLAIM_MINUTES", 240))
    # How many times one evaluation may be disputed (each changed ruling is a round).
    qa_dispute_rounds: int = field(
        default_factory=lambda: env_days("SEATDESK_QA_DISPUTE_ROUNDS", 1))

    def qa_options(self) -> dict[str, int]:
        """The QA settings Backend.configure takes."""
        return {"qa_dispute_days": self.qa_dispute_days,
                "qa_claim_minutes": self.qa_claim_minutes,
                "qa_dispute_rounds": self.qa_dispute_rounds}
    keymap: dict[str, str] = field(default_factory=dict)
    # A seat that becomes free is rung with the longest-waiting call it serves (an ACD's
    # delivery), instead of waiting for F2. SEATDESK_RING_WHEN_FREE=1; the demo sets it.
    ring_when_free: bool = field(default_factory=lambda: os.environ.get(
        "SEATDESK_RING_WHEN_FREE", "").strip().lower() in ("1", "yes", "true", "on"))

    @property
    def tz(self) -> ZoneInfo:
        from seatdesk.domain.timezones import zone_named

        return zone_named(self.timezone)

    @property
    def journal_path(self) -> Path:
        return data_dir() / "journal.jsonl"

    def with_overrides(self, **changes: Any) -> Settings:
        """These settings with each given value that is not None put in place."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
