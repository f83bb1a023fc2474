"""Administration (admins; supervisors see queues and teams): users, queues, teams.

Every change goes through ``AdminService``, which checks the permission and audits it
(who, what, before → after). A table lists the records; picking a row fills the form below
it; the buttons add, save, disable or enable, reset a password or force a change.
What was typed stays in the form when the service refuses it; the reason is shown under it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Input,
    Label,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from seatdesk.domain.errors import SeatdeskError
from seatdesk.domain.i18n import _
from seatdesk.services.dto import QueueView, TeamView, UserView
from seatdesk.services.permissions import Permission, allowed
from seatdesk.ui.context import seat_app
from seatdesk.ui.errors import call_service
from seatdesk.ui.textual_words import SeatScreen
from seatdesk.ui.widgets.cells import plain_cells
from seatdesk.ui.widgets.table import SeatTable

ROLES = ("agent", "team_lead", "qa", "supervisor", "admin")


def _codes(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in text.replace("，", ",").split(",") if c.strip())


def _whole(text: str, field: str) -> int:
    value = text.strip()
    if not value.isdigit():
        raise SeatdeskError(_("{field}: a whole number is required").format(field=field))
    return int(value)


class AdminScreen(SeatScreen[None]):
    DEFAULT_CSS = """
    AdminScreen DataTable { height: 1fr; border: round $primary; }
    AdminScreen .admin-form { height: auto; padding: 0 1; }
    AdminScreen .admin-form Horizontal { height: auto; }
    AdminScreen .admin-form Input, AdminScreen .admin-form Select { width: 1fr; }
    AdminScreen .admin-form Label { width: 14; padding: 1 1 0 0; }
    AdminScreen .admin-buttons { height: 3; }
    AdminScreen .admin-message { height: auto; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.users: list[UserView] = []
        self.queues: list[QueueView] = []
        self.teams: list[TeamView] = []

    @property
    def may_manage_users(self) -> bool:
        actor = seat_app(self).actor
        return actor is not None and allowed(actor, Permission.MANAGE_USERS)

    def compose(self) -> ComposeResult:
        with TabbedContent(id="admin-tabs"):
            if self.may_manage_users:
                with TabPane(_("Users"), id="tab-users"):
                    yield SeatTable(id="users", cursor_type="row", zebra_stripes=True)
                    with Vertical(classes="admin-form"):
                        yield from self._row(("u-login", _("Login"), 64),
                                             ("u-name", _("Name"), 100))
                        with Horizontal():
                            yield Label(_("Role"))
                            yield Select([(_(r), r) for r in ROLES], id="u-role",
                                         value="agent", allow_blank=False)
                            yield Label(_("Agent number"))
                            yield Input(id="u-agent-no", max_length=16)
                        yield from self._row(("u-team", _("Team"), 32),
                                             ("u-queues", _("Queues"), 200))
                        yield from self._row(("u-langs", _("Languages"), 32),
                                             ("u-password", _("Password"), 200))
                        with Horizontal(classes="admin-buttons"):
                            yield Button(_("Add"), id="u-add", variant="primary")
                            yield Button(_("Save"), id="u-save")
                            yield Button(_("Disable"), id="u-disable")
                            yield Button(_("Enable"), id="u-enable")
                            yield Button(_("Reset password"), id="u-reset")
                            yield Button(_("Force change"), id="u-force")
                            yield Button(_("End sessions"), id="u-end")
                    yield Static("", id="u-message", classes="admin-message")
            with TabPane(_("Queues"), id="tab-queues"):
                yield SeatTable(id="queues", cursor_type="row", zebra_stripes=True)
                with Vertical(classes="admin-form"):
                    yield from self._row(("q-code", _("Code"), 32), ("q-name", _("Name"), 100))
                    yield from self._row(("q-name-zh", _("Chinese name"), 100),
                                         ("q-priority", _("Priority"), 3))
                    yield from self._row(("q-sl", _("SL seconds"), 4),
                                         ("q-acw", _("ACW seconds"), 4))
                    with Horizontal(classes="admin-buttons"):
                        yield Button(_("Add"), id="q-add", variant="primary")
                        yield Button(_("Save"), id="q-save")
                yield Static("", id="q-message", classes="admin-message")
            with TabPane(_("Teams"), id="tab-teams"):
                yield SeatTable(id="teams", cursor_type="row", zebra_stripes=True)
                with Vertical(classes="admin-form"):
                    yield from self._row(("t-code", _("Code"), 32), ("t-name", _("Name"), 100))
                    yield from self._row(("t-lead", _("Lead"), 64))
                    with Horizontal(classes="admin-buttons"):
                        yield Button(_("Add"), id="t-add", variant="primary")
                        yield Button(_("Save"), id="t-save")
                yield Static("", id="t-message", classes="admin-message")
        yield Footer()

    @staticmethod
    def _row(*fields: tuple[str, str, int]) -> ComposeResult:
        with Horizontal():
            for field_id, label, length in fields:
                yield Label(label)
                yield Input(id=field_id, max_length=length,
                            password=field_id == "u-password")

    def on_mount(self) -> None:
        columns = {
            "users": (_("Login"), _("Agent number"), _("Role"), _("Team"), _("Queues"),
                      _("Languages"), _("State"), _("Name")),
            "queues": (_("Code"), _("Name"), _("Chinese name"), _("Priority"), _("SL seconds"),
                       _("ACW seconds")),
            "teams": (_("Code"), _("Name"), _("Lead"), _("Members")),
        }
        for table_id, labels in columns.items():
            if table_id == "users" and not self.may_manage_users:
                continue
            table = self.query_one(f"#{table_id}", DataTable)
            table.add_columns(*labels)
        self.load()

    # ---- loading -------------------------------------------------------------------------

    def load(self) -> None:
        app = seat_app(self)
        admin = app.backend.admin

        def read() -> tuple[list[UserView], list[QueueView], list[TeamView]]:
            # session_actor (off the app's thread) waits for a demo's background sign-in.
            actor = app.session_actor()
            users = admin.users(actor) if allowed(actor, Permission.MANAGE_USERS) else []
            return users, admin.queues(actor), admin.teams(actor)

        # A failed read is said where every unshown failure is (the app's toast).
        call_service(self, read, lambda lists: self._show(*lists), group="admin-load",
                     latest_only=True)

    def _show(self, users: list[UserView], queues: list[QueueView],
              teams: list[TeamView]) -> None:
        self.users, self.queues, self.teams = users, queues, teams
        if self.may_manage_users:
            table = self.query_one("#users", DataTable)
            table.clear()
            for u in users:
                state = _("in service") if u.active else _("disabled")
                if u.locked:
                    state = _("locked")
                table.add_row(*plain_cells(u.login, u.agent_no, _(u.role), u.team_code or "-",
                                           ",".join(u.queues) or "-", ",".join(u.languages),
                                           state, u.name), key=u.login)
        table = self.query_one("#queues", DataTable)
        table.clear()
        for q in queues:
            table.add_row(*plain_cells(q.code, q.name, q.name_zh, str(q.priority),
                                       str(q.sl_seconds), str(q.acw_seconds)), key=q.code)
        table = self.query_one("#teams", DataTable)
        table.clear()
        for t in teams:
            table.add_row(*plain_cells(t.code, t.name, t.lead_login or "-", str(t.members)),
                          key=t.code)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value
        if event.data_table.id == "users":
            user = next((u for u in self.users if u.login == key), None)
            if user is not None:
                self._set("u-login", user.login)
                self._set("u-name", user.name)
                self._set("u-agent-no", user.agent_no)
                self.query_one("#u-role", Select).value = user.role
                self._set("u-team", user.team_code or "")
                self._set("u-queues", ",".join(user.queues))
                self._set("u-langs", ",".join(user.languages))
        elif event.data_table.id == "queues":
            queue = next((q for q in self.queues if q.code == key), None)
            if queue is not None:
                for field_id, value in (("q-code", queue.code), ("q-name", queue.name),
                                        ("q-name-zh", queue.name_zh),
                                        ("q-priority", str(queue.priority)),
                                        ("q-sl", str(queue.sl_seconds)),
                                        ("q-acw", str(queue.acw_seconds))):
                    self._set(field_id, value)
        else:
            team = next((t for t in self.teams if t.code == key), None)
            if team is not None:
                self._set("t-code", team.code)
                self._set("t-name", team.name)
                self._set("t-lead", team.lead_login or "")

    def _set(self, field_id: str, value: str) -> None:
        self.query_one(f"#{field_id}", Input).value = value

    def _get(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    # ---- actions -------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        area = button.split("-", 1)[0]
        try:
            action = self._action(button)
        except SeatdeskError as exc:
            self._say(area, str(exc), error=True)
            return
        self.apply_change(area, *action)

    def _action(self, button: str) -> tuple[Callable[[Any, Any], object], str]:
        """What a button does: a call on the admin service, and what to say when it worked."""
        from seatdesk.services.admin import QueueInput

        login = self._get("u-login") if self.may_manage_users else ""
        if button == "u-add":
            name, role = self._get("u-name"), str(self.query_one("#u-role", Select).value)
            team, password = self._get("u-team") or None, self.query_one("#u-password",
                                                                          Input).value
            queues, langs = _codes(self._get("u-queues")), _codes(self._get("u-langs"))
            agent_no = self._get("u-agent-no") or None
            return (lambda admin, actor: admin.add_user(
                actor, login, name=name, role=role, password=password, team=team,
                agent_no=agent_no, queues=queues, languages=langs or ("zh",)),
                _("added {login}").format(login=login))
        if button == "u-save":
            name, role = self._get("u-name"), str(self.query_one("#u-role", Select).value)
            team_text, agent_no = self._get("u-team"), self._get("u-agent-no")
            queues, langs = _codes(self._get("u-queues")), _codes(self._get("u-langs"))
            return (lambda admin, actor: admin.update_user(
                actor, login, name=name, role=role, agent_no=agent_no or None,
                team=team_text or None, queues=queues,
                languages=langs or None), _("saved {login}").format(login=login))
        if button in ("u-disable", "u-enable"):
            active = button == "u-enable"
            return (lambda admin, actor: admin.set_active(actor, login, active),
                    (_("{login} enabled") if active else _("{login} disabled")).format(
                        login=login))
        if button == "u-reset":
            password = self.query_one("#u-password", Input).value
            return (lambda admin, actor: admin.reset_password(actor, login, password),
                    _("password of {login} reset; it must be changed at next sign-in")
                    .format(login=login))
        if button == "u-force":
            return (lambda admin, actor: admin.require_password_change(actor, login),
                    _("{login} must choose a new password at next sign-in").format(
                        login=login))
        if button == "u-end":
            return (lambda admin, actor: admin.revoke_sessions(actor, login),
                    _("the command-line sessions of {login} are ended").format(login=login))
        if button in ("q-add", "q-save"):
            data = QueueInput(self._get("q-code"), self._get("q-name"), self._get("q-name-zh"),
                              _whole(self._get("q-priority") or "0", _("Priority")),
                              _whole(self._get("q-sl") or "20", _("SL seconds")),
                              _whole(self._get("q-acw") or "120", _("ACW seconds")))
            if button == "q-add":
                return (lambda admin, actor: admin.create_queue(actor, data),
                        _("added queue {code}").format(code=data.code))
            return (lambda admin, actor: admin.update_queue(actor, data.code, data),
                    _("saved queue {code}").format(code=data.code))
        code, name, lead = self._get("t-code"), self._get("t-name"), self._get("t-lead")
        if button == "t-add":
            return (lambda admin, actor: admin.create_team(actor, code, name, lead=lead or None),
                    _("added team {code}").format(code=code))
        return (lambda admin, actor: admin.update_team(actor, code, name=name or None,
                                                       lead=lead or None),
                _("saved team {code}").format(code=code))

    def apply_change(self, area: str, action: Callable[[Any, Any], object], done: str) -> None:
        app = seat_app(self)
        admin = app.backend.admin
        # Refused: said under the form, what was typed stays.
        call_service(self, lambda: action(admin, app.session_actor()),
                     lambda _changed: self._done(area, done), group="admin-act",
                     on_failed=lambda failed: self._say(area, failed.refusal_text, True))

    def _done(self, area: str, message: str) -> None:
        if area == "u":
            self.query_one("#u-password", Input).value = ""  # never left on the screen
        self._say(area, message)
        self.load()

    def _say(self, area: str, message: str, error: bool = False) -> None:
        self.query_one(f"#{area}-message", Static).update(
            Text(message, style="bold red" if error else "green"))
