"""Sign-in: a password; five failures lock the account for a while (enforced by the service).

A password an admin set (a new user's, or a reset) must be replaced before the desk opens:
the screen then asks for a new one twice. A demo database says so above the form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Input, Label, Static

from seatdesk.domain.i18n import _
from seatdesk.ui.context import seat_app
from seatdesk.ui.errors import call_service
from seatdesk.ui.textual_words import SeatScreen

if TYPE_CHECKING:
    from seatdesk.services.dto import Actor


class LoginScreen(SeatScreen["Actor | None"]):
    DEFAULT_CSS = """
    LoginScreen { align: center middle; }
    LoginScreen > Vertical { width: 60; height: auto; border: thick $accent; padding: 1 2; }
    LoginScreen Input { margin-bottom: 1; }
    LoginScreen #demo-banner { color: $warning; text-style: bold; height: auto; }
    LoginScreen #new-password-box { height: auto; display: none; }
    LoginScreen.-changing #new-password-box { display: block; }
    """
    BINDINGS = [Binding("escape", "cancel", _("Quit"), id="login.cancel")]

    def __init__(self, login: str | None = None) -> None:
        super().__init__()
        self._login = login or ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("seatdesk · sign in"), classes="pane-title")
            yield Static("", id="demo-banner")
            yield Label(_("Login"))
            yield Input(self._login, id="login", max_length=64)
            yield Label(_("Password"))
            yield Input(id="password", password=True, max_length=200)
            with Vertical(id="new-password-box"):
                yield Label(_("Choose a new password (at least 8 characters)"))
                yield Input(id="new-password", password=True, max_length=200)
                yield Label(_("The new password again"))
                yield Input(id="new-password-again", password=True, max_length=200)
            yield Static("", id="login-error", classes="field-error")
            yield Button(_("Sign in"), id="sign-in", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#password" if self._login else "#login", Input).focus()
        self.check_demo()

    @work(thread=True, exit_on_error=False, group="login-demo")
    def check_demo(self) -> None:
        """(worker) Say so when the database holds demo data and its public passwords."""
        if seat_app(self).backend.users.is_demo():
            self.app.call_from_thread(
                self.query_one("#demo-banner", Static).update,
                _("Demo database: the demo users' password is public. Not for a real floor."))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "login":
            self.query_one("#password", Input).focus()
        elif event.input.id == "new-password":
            self.query_one("#new-password-again", Input).focus()
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
        if self.has_class("-changing"):
            new = self.query_one("#new-password", Input).value
            if new != self.query_one("#new-password-again", Input).value:
                self._show_error(_("the two new passwords differ"), keep_password=True)
                return
            self.change_password(login, password, new)
            return
        self.authenticate(login, password)

    def authenticate(self, login: str, password: str) -> None:
        # Every failure (a wrong password, a locked account, the database down, a bug: the
        # worker top in call_service) is said on the form; signing in never crashes the desk.
        users = seat_app(self).backend.users
        call_service(self, lambda: users.authenticate(login, password), self._signed_in,
                     group="login", on_failed=lambda failed: self._show_error(failed.text))

    def _signed_in(self, actor: Actor) -> None:
        if actor.must_change_password:
            self._ask_new_password()
            return
        self.dismiss(actor)

    def _ask_new_password(self) -> None:
        self.add_class("-changing")
        self.query_one("#login", Input).disabled = True
        self.query_one("#password", Input).disabled = True
        self.query_one("#login-error", Static).update(
            _("Your password was set by an administrator: choose your own to go on."))
        self.query_one("#new-password", Input).focus()

    def change_password(self, login: str, old: str, new: str) -> None:
        users = seat_app(self).backend.users
        call_service(self, lambda: users.change_password(login, old, new), self.dismiss,
                     group="login",
                     on_failed=lambda failed: self._show_error(failed.text, True))

    def _show_error(self, message: str, keep_password: bool = False) -> None:
        self.query_one("#login-error", Static).update(message)
        if self.has_class("-changing"):
            for field in ("#new-password", "#new-password-again"):
                self.query_one(field, Input).value = ""
            self.query_one("#new-password", Input).focus()
            return
        password = self.query_one("#password", Input)
        if not keep_password:
            password.value = ""
        password.focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
