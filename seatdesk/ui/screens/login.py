"""Login: a password; five failures lock the account for a while (enforced by the service)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from seatdesk.domain.i18n import _
from seatdesk.ui.context import seat_app

if TYPE_CHECKING:
    pass


class LoginScreen(Screen["Actor | None"]):
    DEFAULT_CSS = """
    LoginScreen { align: center middle; }
    LoginScreen > Vertical { width: 60; height: auto; border: thick $accent; padding: 1 2; }
    LoginScreen Input { margin-bottom: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", _("Quit"), id="login.cancel")]

    def __init__(self, login: str | None = None) -> None:
        super().__init__()
        self._login = login or ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("seatdesk · sign in"), classes="pane-title")
            yield Label(_("Login"))
            yield Input(self._login, id="login", max_length=64)
            yield Label(_("Password"))
            yield Input(id="password", password=True, max_length=200)
            yield Static("", id="login-error", classes="field-error")
            yield Button(_("Sign in"), id="sign-in", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#password" if self._login else "#login", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "login":
            self.query_one("#password", Input).focus()
        else:
            self._attempt()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self._attempt()

    def _attempt(self) -> None:
        login = self.query_one("#login", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not login:
            self._show_error(_("enter your login"))
            return
        self.authenticate(login, password)

    @work(thread=True, exclusive=True, exit_on_error=False, group="login")
    def authenticate(self, login: str, password: str) -> None:
        from seatdesk.ui.app import user_message

        try:
            actor = seat_app(self).backend.users.authenticate(login, password)
        except Exception as exc:  # noqa: BLE001 - every failure is shown on the form
            self.app.call_from_thread(self._show_error, user_message(exc))
            return
        self.app.call_from_thread(self.dismiss, actor)

    def _show_error(self, message: str) -> None:
        self.query_one("#login-error", Static).update(message)
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
