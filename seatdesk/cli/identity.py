"""Who runs a command, proven: a `seatdesk login` session, a password, or the system secret.

A session is a random token whose SHA-256 the database keeps (expiring, revocable by an
admin); the token itself lives in a file only its owner can read, one per database, in
the data directory. Commands that act for a person accept, in this order:

1. the session of ``seatdesk login`` for this database (when ``--as`` is not another login);
2. a password in ``SEATDESK_PASSWORD`` (for scripts);
3. a password typed at a hidden prompt, when standard input is a terminal.

A wrong password counts toward the lock-out exactly as a failed sign-in at the desk does.
The phone hook and the timed-rules daemon prove the system identity with
``SEATDESK_SYSTEM_SECRET`` (made by ``seatdesk system-secret``).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from seatdesk.services.settings import data_dir

PASSWORD_ENV = "SEATDESK_PASSWORD"
SYSTEM_SECRET_ENV = "SEATDESK_SYSTEM_SECRET"


@dataclass(frozen=True)
class StoredSession:
    login: str
    token: str


def session_path(db_url: str) -> Path:
    """Where the session for ``db_url`` is kept (one file per database)."""
    key = hashlib.sha256(db_url.encode()).hexdigest()[:16]
    return data_dir() / "sessions" / f"{key}.json"


def save_session(db_url: str, login: str, token: str) -> Path:
    """Write the token readable and writable by its owner only (0600, in a 0700 folder)."""
    path = session_path(db_url)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"login": login, "token": token}, f)
    os.replace(tmp, path)
    return path


def load_session(db_url: str) -> StoredSession | None:
    """The saved session, unless the file is missing, damaged, or readable by others."""
    path = session_path(db_url)
    try:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            return None  # someone loosened it: not trusted
        data = json.loads(path.read_text(encoding="utf-8"))
        return StoredSession(login=str(data["login"]), token=str(data["token"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def forget_session(db_url: str) -> StoredSession | None:
    found = load_session(db_url)
    try:
        session_path(db_url).unlink()
    except FileNotFoundError:
        pass
    return found
