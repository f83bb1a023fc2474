"""The live floor (home of team leads): seats, queues and today's service level.

Refreshed when any seat changes the database (``app.data_changed``): one query at a
time, a change arriving meanwhile triggers one more (never a pile-up). Time in state
ticks every second from the cached 'since' without touching the database; cells are
updated in place, the table is rebuilt only when the team's members change.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from seatdesk.domain.i18n import N_, _, queue_label
from seatdesk.domain.text import neutralise
from seatdesk.services.floor import FloorAgent, FloorSnapshot, QueueLive
from seatdesk.ui.context import seat_app, signed_in
from seatdesk.ui.errors import ServiceFailed, call_service
from seatdesk.ui.textual_words import SeatScreen
from seatdesk.ui.widgets.table import SeatTable

STATE_STYLE = {"available": "green", "on_call": "bold cyan", "ringing": "bold cyan",
               "on_hold": "yellow", "wrap_up": "magenta", "paused": "yellow",
               "logged_out": "dim"}
AGENT_COLS = ("no", "name", "state", "since", "call", "handled", "adherence")
ADHERENCE_STYLE = {"not_signed_in": "bold red", "paused": "yellow", "off_shift": "magenta"}
QUEUE_COLS = ("queue", "waiting", "longest", "offered", "sl", "abandon", "asa")


def _duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def _adherence_text(status: str, minutes_out: int) -> str:
    if not status:
        return ""
    text = {
        "in_adherence": _("in adherence"), "not_signed_in": _("scheduled, not signed in"),
        "paused": _("paused outside a break"), "on_break": _("on break"),
        "off_shift": _("signed in off shift"), "off": _("off"),
    }.get(status, status)
    return _("{status} · {n} min out today").format(status=text, n=minutes_out) \
        if minutes_out else text


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


class FloorScreen(SeatScreen[None]):
    # code -> the queue's name in the reader's language, from the last snapshot (i18n)
    _queue_names: dict[str, str] = {}  # noqa: RUF012 - replaced, never mutated
    DEFAULT_CSS = """
    FloorScreen #floor-kpis { height: 1; padding: 0 1; text-style: bold; }
    FloorScreen #floor-agents { height: 2fr; }
    FloorScreen #floor-queues { height: 1fr; }
    FloorScreen #floor-error { height: auto; color: $error; padding: 0 1; }
    """
    BINDINGS = [Binding("ctrl+r", "refresh_floor", _("Refresh"), id="floor.refresh"),
                Binding("x", "close_lost_call", N_("Close lost call"), id="floor.close_lost")]

    def __init__(self) -> None:
        super().__init__()
        self._since: dict[str, datetime] = {}
        self._loading = False
        self._again = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="floor-kpis")
        agents: DataTable[str | Text] = SeatTable(id="floor-agents", cursor_type="row",
                                                  zebra_stripes=True)
        yield agents
        queues: DataTable[str | Text] = SeatTable(id="floor-queues", cursor_type="row")
        yield queues
        yield Static("", id="floor-error")
        yield Footer()

    def on_mount(self) -> None:
        agents = self.query_one("#floor-agents", DataTable)
        for key, label in zip(AGENT_COLS, (_("No."), _("Agent"), _("State"), _("In state"),
                                           _("Call"), _("Handled today"),
                                           _("Adherence")), strict=True):
            agents.add_column(label, key=key)
        queues = self.query_one("#floor-queues", DataTable)
        for key, label in zip(QUEUE_COLS, (_("Queue"), _("Waiting"), _("Longest wait"),
                                           _("Offered"), _("Service level"),
                                           _("Abandonment rate"), _("ASA")), strict=True):
            queues.add_column(label, key=key)
        seat_app(self).data_changed.subscribe(self, self._on_data_changed)
        self.set_interval(1.0, self._tick)
        self.action_refresh_floor()

    def _on_data_changed(self, topics: frozenset[str]) -> None:
        self.action_refresh_floor()

    def action_refresh_floor(self) -> None:
        if self._loading:
            self._again = True  # one more query after the current one, not a queue of them
            return
        self._loading = True
        self.load()

    def load(self) -> None:
        app = seat_app(self)
        actor = signed_in(self)
        team = actor.team_id if actor.role == "team_lead" else None
        call_service(self, lambda: app.backend.floor.snapshot(actor, team), self.show_floor,
                     group="floor")

    def _done_loading(self) -> None:
        self._loading = False
        if self._again:
            self._again = False
            self.action_refresh_floor()

    def on_service_failed(self, message: ServiceFailed) -> None:
        message.stop()  # an outage must not take the floor away: said above the tables
        self.query_one("#floor-error", Static).update(neutralise(message.text))
        self._done_loading()

    def show_floor(self, snap: FloorSnapshot) -> None:
        self.query_one("#floor-error", Static).update("")
        # A live call's queue by its name in the reader's language (i18n), not its code.
        self._queue_names = {q.code: queue_label(q.code, q.name, q.name_zh)
                             for q in snap.queues}
        self._show_agents(snap)
        self._show_queues(snap.queues)
        t = snap.total
        self.query_one("#floor-kpis", Static).update(
            _("Today: offered {o} · answered {a} · SL {sl} · abandoned {n} ({ab}) · ASA {asa}"
              " · waiting {w}").format(
                o=t.offered, a=t.answered, sl=_pct(t.service_level), n=t.abandoned,
                ab=_pct(t.abandon_rate),
                asa=_("{n:.0f} s").format(n=t.asa_seconds) if t.asa_seconds is not None
                else "–",
                w=t.waiting))
        self._done_loading()

    # ---- closing the call a lost seat left (the desk died; the agent is not back) -------

    def action_close_lost_call(self) -> None:
        table = self.query_one("#floor-agents", DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key is not None:
            self._find_lost_call(int(key))

    def _find_lost_call(self, agent_id: int) -> None:
        app = seat_app(self)
        actor = signed_in(self)
        call_service(self, lambda: app.backend.calls.lost_call_of(actor, agent_id),
                     self._found_lost_call, group="floor-close")

    def _found_lost_call(self, call_id: int | None) -> None:
        if call_id is None:
            # A toast, not the error line: the floor's next refresh clears that line.
            self.notify(_("this seat left no call to close"), severity="warning")
            return
        self._confirm_close(call_id)

    def _confirm_close(self, call_id: int) -> None:
        from seatdesk.ui.dialogs.desk import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self._close_lost_call(call_id)

        self.app.push_screen(ConfirmDialog(
            _("Close call #{id}, left in wrap-up by a lost seat? It is recorded as closed by "
              "you (disposition 'other').").format(id=call_id)), answered)

    def _close_lost_call(self, call_id: int) -> None:
        app = seat_app(self)
        actor = signed_in(self)
        call_service(self, lambda: app.backend.calls.close_lost_call(actor, call_id),
                     lambda _closed: self._lost_call_closed(call_id), group="floor-close")

    def _lost_call_closed(self, call_id: int) -> None:
        self.notify(_("Call #{id} closed.").format(id=call_id))
        self.action_refresh_floor()

    def _agent_row(self, a: FloorAgent, now: datetime) -> dict[str, str | Text]:
        st = a.status
        state = _(st.state) + (f" ({_(st.reason)})" if st.reason else "")
        queue = self._queue_names.get(a.call_queue or "", a.call_queue or "")
        call = f"#{st.current_call_id} {queue}" if st.current_call_id else ""
        return {"no": st.agent_no, "name": Text(neutralise(st.name)),  # never markup
                "state": Text(state, style=STATE_STYLE.get(st.state, "")),
                "since": _duration((now - st.since).total_seconds()), "call": call,
                "handled": str(st.handled_today),
                "adherence": Text(_adherence_text(a.adherence, a.minutes_out),
                                  style=ADHERENCE_STYLE.get(a.adherence, ""))}

    def _show_agents(self, snap: FloorSnapshot) -> None:
        table = self.query_one("#floor-agents", DataTable)
        keys = [str(a.status.user_id) for a in snap.agents]
        now = seat_app(self).clock()
        self._since = {str(a.status.user_id): a.status.since for a in snap.agents}
        if [str(k.value) for k in table.rows] != keys:
            table.clear()
            for a in snap.agents:
                row = self._agent_row(a, now)
                table.add_row(*[row[c] for c in AGENT_COLS], key=str(a.status.user_id))
            return
        for a in snap.agents:
            for col, value in self._agent_row(a, now).items():
                table.update_cell(str(a.status.user_id), col, value)

    def _show_queues(self, queues: tuple[QueueLive, ...]) -> None:
        table = self.query_one("#floor-queues", DataTable)
        rows = {q.code: [Text(queue_label(q.code, q.name, q.name_zh)), str(q.waiting),
                         Text(_duration(q.longest_wait_seconds),
                              style="bold red" if q.longest_wait_seconds > 60 else ""),
                         str(q.offered), _pct(q.service_level), _pct(q.abandon_rate),
                         _("{n:.0f} s").format(n=q.asa_seconds)
                         if q.asa_seconds is not None else "–"]
                for q in queues}
        if [str(k.value) for k in table.rows] != list(rows):
            table.clear()
            for code, row in rows.items():
                table.add_row(*row, key=code)
            return
        for code, row in rows.items():
            for col, value in zip(QUEUE_COLS, row, strict=True):
                table.update_cell(code, col, value)

    def _tick(self) -> None:
        table = self.query_one("#floor-agents", DataTable)
        now = seat_app(self).clock()
        for key, since in self._since.items():
            if key in table.rows:
                table.update_cell(key, "since", _duration((now - since).total_seconds()))
