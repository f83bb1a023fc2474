"""Keys the agent remaps: a keymap file in the user's config directory, read at start.

The file is TOML, one line per binding id (the ids F1 shows), e.g.::

    # ~/.config/seatdesk/keymap.toml
    "desk.take_next" = "f12"
    "desk.save" = "ctrl+enter"

An unknown id, a key given to two actions, or a key that another action keeps is reported
in one clear line each and left out; the rest applies.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from textual.binding import Binding

from seatdesk.domain.i18n import _


def keymap_path() -> Path:
    """``$SEATDESK_KEYMAP``, else ``$XDG_CONFIG_HOME/seatdesk/keymap.toml`` (~/.config)."""
    explicit = os.environ.get("SEATDESK_KEYMAP", "").strip()
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME", "").strip() or str(Path.home() / ".config")
    return Path(base) / "seatdesk" / "keymap.toml"


@dataclass
class Keymap:
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> key(s), valid ones
    problems: list[str] = field(default_factory=list)
    path: Path | None = None


def read_keymap_file(path: Path) -> tuple[dict[str, str], list[str]]:
    """The file's entries as typed, and what could not be read (a missing file is fine)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}, []
    except OSError as exc:
        return {}, [_("keymap {path}: cannot read it ({error})").format(
            path=path, error=exc.strerror or exc.__class__.__name__)]
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return {}, [_("keymap {path}: not valid TOML ({error})").format(path=path, error=exc)]
    table = data.get("keys", data) if isinstance(data.get("keys"), dict) else data
    entries: dict[str, str] = {}
    problems: list[str] = []
    for name, value in table.items():
        if not isinstance(value, str) or not value.strip():
            problems.append(_("keymap: {id} needs a key as text, e.g. \"f12\"").format(id=name))
            continue
        entries[str(name)] = value.strip().lower()
    return entries, problems


def _keys(value: str) -> list[str]:
    return [k.strip() for k in value.split(",") if k.strip()]


def check_keymap(wanted: Mapping[str, str], scopes: Iterable[Iterable[Binding]]) -> Keymap:
    """Keep the entries that name a known binding id and clash with nothing in its scope.

    ``scopes``: groups of bindings active together (the desk with the app's own keys).
    """
    groups = [[b for b in scope if b.id] for scope in scopes]
    known = {b.id for group in groups for b in group}
    result = Keymap()
    for name in wanted:
        if name not in known:
            result.problems.append(_("keymap: unknown action {id} (F1 lists the actions)")
                                   .format(id=name))
    accepted = {k: v for k, v in wanted.items() if k in known}
    for group in groups:
        # The key each binding of this group ends up with.
        final: dict[str, list[str]] = {}
        for b in group:
            assert b.id is not None
            final[b.id] = _keys(accepted.get(b.id, b.key))
        owners: dict[str, list[str]] = {}
        for action, keys in final.items():
            for key in keys:
                owners.setdefault(key, []).append(action)
        for key, actions in owners.items():
            if len(actions) < 2:
                continue
            remapped = [a for a in actions if a in accepted]
            if not remapped:
                continue  # two defaults sharing a key on purpose (not the user's doing)
            others = ", ".join(a for a in actions if a not in remapped) or ", ".join(remapped)
            for action in remapped:
                if action in accepted:
                    result.problems.append(
                        _("keymap: {key} for {id} clashes with {other}; {id} keeps its key")
                        .format(key=key, id=action, other=others))
                    accepted.pop(action)
    result.keys = accepted
    return result
