"""The inspector's work list (质检): pick, claim and score monitored calls.

Filters sit above the list (Enter in any of them applies); the list shows finished calls
with who claimed them and their score. Enter opens the highlighted call (looking does not
claim it; the first score does), S makes a sampling plan from the filters (N per agent,
all complaint calls when "complaints" is ticked, calls too short to judge left out) and
shows it; the plan is stored, so P shows the newest plan again, today or tomorrow, M shows
only the plan's calls assigned to you, and A goes back to all calls. C/X claim and release
(a supervisor may release anyone's claim), K opens calibration, F the form files,
V the results, R refreshes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.coordinate import Coordinate
from textual.widgets import Checkbox, DataTable, Footer, Header, Input, Static

from seatdesk.domain.errors import SeatdeskError
from seatdesk.domain.i18n import _, ngettext
from seatdesk.services.qa_views import WorkFilter, WorkRow
from seatdesk.ui.context import seat_app, signed_in
from seatdesk.ui.errors import ServiceFailed, call_service
from seatdesk.ui.textual_words import SeatScreen
from seatdesk.ui.widgets.cells import plain_cells
from seatdesk.ui.widgets.table import SeatTable

if TYPE_CHECKING:
    from seatdesk.services.qa_workflow import SamplePlanSpec


def week_bounds(now: datetime, tz: tzinfo) -> tuple[str, str]:
    """Monday and Sunday of ``now``'s week in the center's zone, as typed dates."""
    local = now.astimezone(tz)
    monday = local.date() - timedelta(days=local.weekday())
    return monday.isoformat(), (monday + timedelta(days=6)).isoformat()


@dataclass(frozen=True)
class WorkList:
    """The calls to show and the status line for them."""

    rows: list[WorkRow]
    note: str
    plan_id: int | None = None  # the list is this sampling plan's calls


class QaScreen(SeatScreen[None]):
    DEFAULT_CSS = """
    QaScreen #filters, QaScreen #filters2 { height: 3; }
    QaScreen #filters Input { width: 1fr; }
    QaScreen #filters2 Input { width: 14; }
    QaScreen #filters2 Checkbox { width: auto; height: 3; }
    QaScreen #calls { height: 1fr; }
    QaScreen #qa-status { height: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("r", "refresh", _("Refresh"), id="qa.refresh"),
        Binding("s", "sample", _("Sample"), id="qa.sample"),
        Binding("p", "plan", _("Newest plan"), id="qa.plan"),
        Binding("a", "all_calls", _("All calls"), id="qa.all_calls"),
        Binding("m", "mine", _("Mine only"), id="qa.mine"),
        Binding("c", "claim", _("Claim"), id="qa.claim"),
        Binding("x", "release", _("Release"), id="qa.release"),
        Binding("k", "calibration", _("Calibration"), id="qa.calibration"),
        Binding("f", "forms", _("Forms"), id="qa.forms"),
        Binding("v", "results", _("Results"), id="qa.results"),
        Binding("escape", "focus_list", _("To list"), id="qa.to_list", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[WorkRow] = []
        self._prepared = False  # the default form exists and the first list was asked for
        self.plan_id: int | None = None  # showing a sampling plan (0: the newest one)
        self.mine_only = False  # a plan's calls assigned to me only

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            yield Input(id="f-agent", placeholder=_("agent (name or login)"), max_length=64)
            yield Input(id="f-team", placeholder=_("team"), max_length=32)
            yield Input(id="f-queue", placeholder=_("queue"), max_length=32)
            yield Input(id="f-category", placeholder=_("category"), max_length=32)
            yield Input(id="f-disposition", placeholder=_("disposition"), max_length=32)
            yield Input(id="f-direction", placeholder=_("inbound/outbound"), max_length=10)
        with Horizontal(id="filters2"):
            yield Input(id="f-from", placeholder=_("from"), max_length=40)
            yield Input(id="f-to", placeholder=_("to"), max_length=40)
            yield Input(id="f-min", placeholder=_("min talk s"), max_length=6)
            yield Input(id="f-max", placeholder=_("max talk s"), max_length=6)
            yield Input("3", id="f-sample", placeholder=_("N per agent"), max_length=3)
            yield Input("1", id="f-seed", placeholder=_("seed"), max_length=9)
            yield Checkbox(_("complaints"), id="f-complaints")
            yield Checkbox(_("unscored"), id="f-unscored")
        yield SeatTable(id="calls", cursor_type="row", zebra_stripes=True)
        yield Static("", id="qa-status", classes="field-error")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#calls", DataTable)
        table.add_columns(_("Call"), _("Time"), _("Agent"), _("Team"), _("Queue"),
                          _("Direction"), _("Category"), _("Disposition"), _("Talk s"),
                          _("Complaint"), _("Claimed by"), _("Score"), _("Plan"))
        start, end = week_bounds(seat_app(self).clock(), seat_app(self).settings.tz)
        self.query_one("#f-from", Input).value = start
        self.query_one("#f-to", Input).value = end
        seat_app(self).data_changed.subscribe(self, self._on_data_changed)
        table.focus()
        self.prepare()

    def prepare(self) -> None:
        backend = seat_app(self).backend

        def ensure() -> None:
            from seatdesk.exchange.qa_default_form import ensure_default_form

            ensure_default_form(backend)

        call_service(self, ensure, lambda _none: self._prepared_now(), group="qa-prepare")

    def _prepared_now(self) -> None:
        self._prepared = True
        self.action_refresh()

    def _on_data_changed(self, topics: frozenset[str]) -> None:
        # Before the first list (prepare) a change is already included in it.
        if self._prepared and topics & {"qa", "*"}:
            self.action_refresh()

    # ---- filters ------------------------------------------------------------------------

    def _value(self, id: str) -> str:
        return self.query_one(f"#{id}", Input).value.strip()

    def _filter(self) -> WorkFilter:
        """The typed filter; raises ValueError naming the field that cannot be read."""
        from seatdesk.exchange.exporter import parse_date_range

        start = end = None
        if self._value("f-from") or self._value("f-to"):
            start, end = parse_date_range(self._value("f-from") or "2000-01-01",
                                          self._value("f-to") or "today",
                                          seat_app(self).settings.tz,
                                          seat_app(self).clock())
        bounds = []
        for fid in ("f-min", "f-max"):
            text = self._value(fid)
            if text and not text.isdigit():
                raise ValueError(_("talk seconds must be a whole number, not {v!r}").format(
                    v=text))
            bounds.append(int(text) if text else None)
        direction = self._value("f-direction") or None
        if direction not in (None, "inbound", "outbound"):
            raise ValueError(_("direction is inbound or outbound"))
        return WorkFilter(
            agent=self._value("f-agent") or None, team=self._value("f-team") or None,
            queue=self._value("f-queue") or None, category=self._value("f-category") or None,
            disposition=self._value("f-disposition") or None, direction=direction,
            start=start, end=end, min_seconds=bounds[0], max_seconds=bounds[1],
            complaints_only=self.query_one("#f-complaints", Checkbox).value,
            unscored_only=self.query_one("#f-unscored", Checkbox).value,
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_refresh()
        self.query_one("#calls", DataTable).focus()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.action_refresh()

    def action_focus_list(self) -> None:
        self.query_one("#calls", DataTable).focus()

    # ---- loading ------------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Reload what is shown: the sampling plan's calls, or the filtered list."""
        if self.plan_id is not None:
            self.load_plan(self.plan_id or None)
            return
        try:
            f = self._filter()
        except (ValueError, SeatdeskError) as exc:  # the typed filter stays as it is
            self._say(str(exc))
            return
        self.load(f)

    def action_mine(self) -> None:
        self.mine_only = not self.mine_only
        if self.plan_id is None:
            self.plan_id = 0  # "mine" is about a plan's assignments: show the newest
        self.action_refresh()

    def action_all_calls(self) -> None:
        self.plan_id = None
        self.action_refresh()

    def action_plan(self) -> None:
        self.show_plan(0)

    def show_plan(self, plan_id: int) -> None:
        """Show a sampling plan's calls from now on (0: the newest plan)."""
        self.plan_id = plan_id
        self.action_refresh()

    def action_sample(self) -> None:
        from seatdesk.services.qa_workflow import SamplePlanSpec

        try:
            f = self._filter()
            n_text, seed_text = self._value("f-sample"), self._value("f-seed") or "1"
            if not n_text.isdigit() or not seed_text.lstrip("-").isdigit():
                raise ValueError(_("sample size and seed are whole numbers"))
            if f.start is None or f.end is None:
                raise ValueError(_("a sampling plan needs its period: fill in from and to"))
            spec = SamplePlanSpec(
                start=f.start, end=f.end, per_agent=int(n_text), seed=int(seed_text),
                all_complaints=f.complaints_only, queue=f.queue, category=f.category,
                team=f.team, min_talk_seconds=f.min_seconds)
        except (ValueError, SeatdeskError) as exc:  # said on the screen, the typed values stay
            self._say(str(exc))
            return
        self.make_plan(spec)

    def make_plan(self, spec: SamplePlanSpec) -> None:
        app, actor = seat_app(self), signed_in(self)
        call_service(self, lambda: app.backend.qa.plan_sample(actor, spec),
                     lambda plan: self.show_plan(plan.id), group="qa-plan")

    def load_plan(self, plan_id: int | None) -> None:
        app = seat_app(self)
        qa, actor, mine_only, tz = app.backend.qa, signed_in(self), self.mine_only, app.settings.tz

        def fetch() -> WorkList | None:
            plans = qa.plans(actor, limit=50)
            plan = next((p for p in plans if p.id == plan_id), None) if plan_id \
                else (plans[0] if plans else None)
            if plan is None:
                return None
            rows = qa.plan_calls(actor, plan.id, mine_only=mine_only)
            note = _("sampling plan #{id} ({start} – {end}): {k} per agent, {calls}, {d} "
                     "scored · A: all calls").format(
                id=plan.id, start=plan.start.astimezone(tz).strftime("%m-%d"),
                end=(plan.end - timedelta(seconds=1)).astimezone(tz).strftime("%m-%d"),
                k=plan.per_agent, d=plan.scored,
                calls=ngettext("{n} call", "{n} calls", plan.calls).format(n=plan.calls))
            return WorkList(rows, note, plan.id)

        def show(work: WorkList | None) -> None:
            if work is None:
                self._no_list(_("no sampling plan yet: S makes one"))
            else:
                self.show_work(work)

        call_service(self, fetch, show, group="qa-list", latest_only=True)

    def load(self, f: WorkFilter) -> None:
        app = seat_app(self)
        qa, actor = app.backend.qa, signed_in(self)

        def fetch() -> WorkList:
            rows = qa.work_list(actor, f)
            return WorkList(rows, ngettext("{n} call", "{n} calls", len(rows)).format(n=len(rows)))

        call_service(self, fetch, self.show_work, group="qa-list", latest_only=True)

    def show_work(self, work: WorkList) -> None:
        if self.plan_id == 0:
            self.plan_id = work.plan_id  # the newest plan, from now on this one
        table = self.query_one("#calls", DataTable)
        keep = self._selected()
        table.clear()
        self.rows = work.rows
        tz = seat_app(self).settings.tz
        for r in work.rows:
            score = "-" if r.evaluation_state is None else (
                _("draft") if r.evaluation_state == "draft" else
                ("—" if r.score is None else f"{r.score:.1f}"))
            table.add_row(*plain_cells(
                str(r.call_id), r.at.astimezone(tz).strftime("%m-%d %H:%M") if r.at else "-",
                r.agent_name, r.team_code or "-", r.queue_shown,
                _(r.direction), _(r.category) if r.category else "-",
                _(r.disposition) if r.disposition else "-", str(r.talk_seconds),
                "✓" if r.complaint else "", r.claimed_by or "", score,
                self._plan_cell(r)), key=str(r.call_id))
        if keep is not None and str(keep) in table.rows:
            table.move_cursor(row=table.get_row_index(str(keep)))
        self._say(work.note)

    @staticmethod
    def _plan_cell(r: WorkRow) -> str:
        if r.sample_reason is None:
            return ""
        reason = {"quota": _("quota"), "complaint": _("complaint"),
                  "short": _("short call")}.get(r.sample_reason, r.sample_reason)
        return f"{reason} · {r.assigned_to}" if r.assigned_to else reason

    def on_service_failed(self, message: ServiceFailed) -> None:
        message.stop()  # shown on the screen; the typed filter stays
        self._prepared = True  # a failed preparation: later changes retry the list
        self._no_list(message.text)

    def _no_list(self, text: str) -> None:
        if self.plan_id == 0:
            self.plan_id = None  # no plan to show: back to the list
        self._say(text)

    def _say(self, text: str) -> None:
        self.query_one("#qa-status", Static).update(text)

    def _selected(self) -> int | None:
        table = self.query_one("#calls", DataTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return int(key) if key else None

    # ---- acting on a call ---------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        call_id = int(event.row_key.value or 0)
        if call_id:
            self.open_scoring(call_id)

    def open_scoring(self, call_id: int) -> None:
        from seatdesk.ui.screens.qa_score import QaScoreScreen

        self.app.push_screen(QaScoreScreen(call_id), lambda _r: self.action_refresh())

    def action_claim(self) -> None:
        call_id = self._selected()
        if call_id is not None:
            self.claim_or_release(call_id, True)

    def action_release(self) -> None:
        call_id = self._selected()
        if call_id is not None:
            self.claim_or_release(call_id, False)

    def claim_or_release(self, call_id: int, claim: bool) -> None:
        app = seat_app(self)
        qa, actor = app.backend.qa, signed_in(self)
        call_service(self, lambda: (qa.claim if claim else qa.release)(actor, call_id),
                     lambda _done: self.action_refresh(), group="qa-claim")

    def action_calibration(self) -> None:
        from seatdesk.ui.screens.qa_calibration import QaCalibrationScreen

        self.app.push_screen(QaCalibrationScreen(self._selected()))

    def action_results(self) -> None:
        from seatdesk.ui.screens.qa_results import QaResultsScreen

        self.app.push_screen(QaResultsScreen())

    def action_forms(self) -> None:
        from seatdesk.ui.screens.qa_forms import QaFormsScreen

        self.app.push_screen(QaFormsScreen())
