"""What the agent types in a dialog is kept on disk until the dialog saves it.

The call record has its journal; the dialogs opened during a call (complaint, callback,
new customer, transfer) keep their fields here, in one small JSON file beside the journal,
written atomically after each pause in typing. A crash or a closed terminal loses nothing:
the next time the same dialog opens for the same call or customer, the text comes back.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual import on
from textual.widgets import Checkbox, Input, Select, TextArea
from textual.widgets.select import InvalidSelectValueError

from seatdesk.ui.textual_words import SeatModalScreen

if TYPE_CHECKING:
    from textual.await_complete import AwaitComplete
    from textual.timer import Timer

T = TypeVar("T")

SAVE_AFTER_SECONDS = 0.3
KEEP_SECONDS = 3 * 24 * 3600  # a draft of a dialog not reopened for three days is dropped


class DialogDrafts:
    """Drafts by dialog key, in one JSON file (rewritten whole: it holds a few entries)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)

    def load(self, key: str) -> dict[str, Any] | None:
        entry = self._read().get(key)
        return entry.get("values") if isinstance(entry, dict) else None

    def save(self, key: str, values: dict[str, Any]) -> None:
        now = time.time()
        data = {k: v for k, v in self._read().items()
                if isinstance(v, dict) and now - v.get("at", 0) < KEEP_SECONDS}
        data[key] = {"at": now, "values": values}
        self._write(data)

    def discard(self, key: str) -> None:
        data = self._read()
        if data.pop(key, None) is not None:
            self._write(data)


def drafts_for(journal_path: Path) -> DialogDrafts:
    return DialogDrafts(journal_path.with_name("dialog-drafts.json"))


class DraftKeepingModal(SeatModalScreen[T]):
    """A dialog whose typed fields (those with an id) are kept until it saves.

    Subclasses set ``draft_key`` (None: nothing worth keeping, as in a yes/no question).
    """

    draft_key: str | None = None

    def __init__(self) -> None:
        super().__init__()
        self._draft_timer: Timer | None = None
        self._restoring = False

    def _drafts(self) -> DialogDrafts | None:
        settings = getattr(self.app, "settings", None)
        path = getattr(settings, "journal_path", None)
        return drafts_for(path) if self.draft_key and path is not None else None

    def _fields(self) -> list[Input | TextArea | Select[Any] | Checkbox]:
        return [w for w in self.query("Input, TextArea, Select, Checkbox")
                if w.id and isinstance(w, Input | TextArea | Select | Checkbox)]

    def draft_values(self) -> dict[str, Any]:
        """The typed fields by widget id (a blank choice as None)."""
        out: dict[str, Any] = {}
        for w in self._fields():
            assert w.id is not None
            if isinstance(w, TextArea):
                out[w.id] = w.text
            elif isinstance(w, Select):
                out[w.id] = None if w.value is Select.NULL else w.value
            else:
                out[w.id] = w.value
        return out

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _typed(self) -> None:
        if self._restoring or not self.draft_key:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(SAVE_AFTER_SECONDS, self.keep_draft)

    def keep_draft(self) -> None:
        """Write what is typed now (after a pause in typing, or before closing)."""
        drafts = self._drafts()
        if drafts is not None and self.draft_key:
            try:
                drafts.save(self.draft_key, self.draft_values())
            except OSError as exc:
                self.notify(str(exc), severity="error")

    def restore_draft(self) -> bool:
        """Put a kept draft back into the fields; True when there was one."""
        drafts = self._drafts()
        values = drafts.load(self.draft_key) if drafts is not None and self.draft_key else None
        if not values:
            return False
        self._restoring = True
        try:
            for w in self._fields():
                if w.id not in values:
                    continue
                value = values[w.id]
                if isinstance(w, TextArea):
                    w.text = str(value or "")
                elif isinstance(w, Select):
                    try:
                        w.value = Select.NULL if value is None else value
                    except InvalidSelectValueError:
                        continue  # a choice that no longer exists
                elif isinstance(w, Checkbox):
                    w.value = bool(value)
                else:
                    w.value = str(value or "")
        finally:
            self.call_after_refresh(self._restored)
        return True

    def _restored(self) -> None:
        self._restoring = False

    def dismiss(self, result: T | None = None) -> AwaitComplete:
        """Saved (a result): the draft goes; cancelled: it is kept for the next time."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
        drafts = self._drafts()
        if drafts is not None and self.draft_key:
            try:
                if result is None:
                    drafts.save(self.draft_key, self.draft_values())
                else:
                    drafts.discard(self.draft_key)
            except OSError:
                pass  # the dialog still closes; nothing else depends on the file
        return super().dismiss(result)
