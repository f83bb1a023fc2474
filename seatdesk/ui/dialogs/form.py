"""A modal form the desk opens over a call (callback, complaint): Save and Cancel buttons,
one error line, and a refused field gets the cursor so nothing typed is lost."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual import on
from textual.widgets import Button, Static

from seatdesk.ui.dialogs.drafts import DraftKeepingModal
from seatdesk.ui.errors import ServiceFailed

T = TypeVar("T")


class FormDialog(DraftKeepingModal[T]):
    ERROR_ID: ClassVar[str] = "error"  # the Static that says what is wrong
    FIELD_WIDGETS: ClassVar[dict[str, str]] = {}  # service field name -> widget selector

    def action_save(self) -> None:
        raise NotImplementedError

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_service_failed(self, message: ServiceFailed) -> None:
        """A refused save (``call_service``): said here, at the field; the app adds nothing."""
        message.stop()
        self._error(message.text, message.field)

    def _error(self, text: str, field: str | None = None) -> None:
        self.query_one(f"#{self.ERROR_ID}", Static).update(text)
        target = self.FIELD_WIDGETS.get(field or "")
        if target:
            self.query_one(target).focus()
